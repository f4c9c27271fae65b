"""A repository of the system's C++ libraries, with the flags pkg-config gives.

    system_libs(name = "system")      # in WORKSPACE
    deps = ["@system//:grpcpp", "@system//:absl"]

Each target is a header-less cc_library (the headers are in /usr/include) whose
linkopts and defines come from `pkg-config --libs/--cflags` of its modules, so
the Bazel build links exactly what CMake's pkg-config and find_package do. A
missing module fails the fetch with pkg-config's message and the Debian
package to install (scripts/install-deps.sh installs them all).
"""

# target -> (pkg-config modules, extra linkopts, Debian package)
_LIBRARIES = {
    "absl": ([
        "absl_flags",
        "absl_flags_parse",
        "absl_flags_usage",
        "absl_flags_usage_internal",
        "absl_flat_hash_map",
        "absl_flat_hash_set",
        "absl_status",
        "absl_statusor",
        "absl_str_format",
        "absl_strings",
        "absl_synchronization",
        "absl_time",
    ], [], "libabsl-dev"),
    "benchmark": (["benchmark"], [], "libbenchmark-dev"),
    "curl": (["libcurl"], [], "libcurl4-openssl-dev"),
    "gmock": (["gmock"], [], "libgmock-dev"),
    "grpcpp": (["grpc++"], [], "libgrpc++-dev"),
    # Debian ships no .pc file for the reflection library.
    "grpcpp_reflection": (["grpc++"], ["-lgrpc++_reflection"], "libgrpc++-dev"),
    "gtest": (["gtest"], [], "libgtest-dev"),
    # GoogleTest and GoogleMock with gtest's main(), as every CTest test links them.
    "gtest_main": (["gtest_main", "gmock"], [], "libgtest-dev"),
    "httplib": (["cpp-httplib"], ["-lssl", "-lcrypto"], "libcpp-httplib-dev"),
    "nlohmann_json": (["nlohmann_json"], [], "nlohmann-json3-dev"),
    "prometheus": (["prometheus-cpp-core", "prometheus-cpp-pull"], [], "prometheus-cpp-dev"),
    "protobuf": (["protobuf"], [], "libprotobuf-dev"),
    "re2": (["re2"], [], "libre2-dev"),
    "zlib": (["zlib"], [], "zlib1g-dev"),
}

def _pkg_config(ctx, flag, modules, package):
    result = ctx.execute(["pkg-config", flag] + modules)
    if result.return_code != 0:
        fail("pkg-config %s %s failed (install the Debian package %s): %s" %
             (flag, " ".join(modules), package, result.stderr))
    return result.stdout.strip().split(" ")

def _system_libs_impl(ctx):
    lines = ['package(default_visibility = ["//visibility:public"])', ""]
    for name, (modules, extra, package) in _LIBRARIES.items():
        linkopts = [f for f in _pkg_config(ctx, "--libs", modules, package) if f] + extra
        defines = []
        for flag in _pkg_config(ctx, "--cflags", modules, package):
            if flag.startswith("-D"):
                defines.append(flag[2:])
            elif flag.startswith("-I") and not flag.startswith("-I/usr/include"):
                fail("pkg-config %s names an include directory outside /usr/include: %s" %
                     (" ".join(modules), flag))
        lines.append("cc_library(")
        lines.append('    name = "%s",' % name)
        lines.append("    defines = %s," % repr(defines))
        lines.append("    linkopts = %s," % repr(linkopts + ["-pthread"]))
        lines.append(")")
        lines.append("")
    ctx.file("WORKSPACE", 'workspace(name = "%s")\n' % ctx.name)
    ctx.file("BUILD", "\n".join(lines))

system_libs = repository_rule(
    implementation = _system_libs_impl,
    local = True,
    doc = "The system's C++ libraries as cc_library targets, from pkg-config.",
)
