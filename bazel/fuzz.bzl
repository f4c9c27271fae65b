"""The fuzz targets of a package, each replaying its committed seeds as a test.

    fuzz_seed_tests(names = ["page_token"], deps = [":server_lib"])

NAME_fuzz.cc is linked with tests/fuzz_replay_main.cc and runs over
fuzz_corpus/NAME/ as the test NAME_fuzz_seeds. Fuzzing itself needs clang's
libFuzzer and runs in the CMake build (scripts/fuzz.sh).
"""

def fuzz_seed_tests(names, deps):
    package = native.package_name()
    for name in names:
        native.cc_test(
            name = name + "_fuzz_seeds",
            size = "small",
            srcs = [name + "_fuzz.cc"],
            args = [package + "/fuzz_corpus/" + name],
            data = native.glob(["fuzz_corpus/" + name + "/*"]),
            deps = deps + ["//tests:fuzz_replay_main"],
        )
