#!/usr/bin/env python3
"""Checks that CMake and Bazel build the same sources, so the two builds cannot drift.

    scripts/check_build_sources.py BUILD_DIR     # a configured CMake build directory

Every tracked .cc, .proto and test script of the C++ parts (base, graph, importer,
proto, server, tests) must be an input of the CMake build (named in BUILD_DIR's build.ninja or
CTest files) and a source file of some Bazel target (bazel query). Headers are checked
against Bazel only: CMake does not list headers, and Bazel refuses undeclared ones.
Prints every file missing from a build and exits 1 when there is one.
"""
import pathlib
import subprocess
import sys

PARTS = ("base", "graph", "importer", "proto", "server", "tests")
# Files deliberately in one build only, with the reason.
ONLY_CMAKE = {
    "tests/clients_test.cc": "runs the clients, which clients/build.sh builds with npm, "
                             "outside both builds; CTest runs it with -DIDENTITYGRAPH_CLIENTS=ON",
}


def tracked(root):
    out = subprocess.run(["git", "ls-files", *PARTS], cwd=root, check=True,
                         capture_output=True, text=True).stdout.split()
    return [f for f in out if f.endswith((".cc", ".h", ".proto")) or
            (f.startswith("tests/") and f.endswith("_test.sh"))]


def cmake_inputs(root, build_dir):
    text = []
    for name in ["build.ninja", *map(str, build_dir.rglob("CTestTestfile.cmake"))]:
        text.append(pathlib.Path(build_dir, name).read_text(errors="replace"))
    text = "\n".join(text)
    return lambda path: str(root / path) in text


def bazel_sources(root):
    result = subprocess.run(["bazel", "query", 'kind("source file", deps(//...))'],
                            cwd=root, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit("bazel query failed:\n" + result.stderr)
    sources = set()
    for label in result.stdout.split():
        if label.startswith("//"):
            package, _, name = label[2:].partition(":")
            sources.add(f"{package}/{name}" if package else name)
    return sources


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = pathlib.Path(__file__).resolve().parent.parent
    build_dir = pathlib.Path(sys.argv[1]).resolve()
    if not (build_dir / "build.ninja").exists():
        sys.exit(f"{build_dir} is not a configured CMake (Ninja) build directory")
    in_cmake = cmake_inputs(root, build_dir)
    in_bazel = bazel_sources(root)
    missing = []
    for path in tracked(root):
        if path not in in_bazel and path not in ONLY_CMAKE:
            missing.append(f"{path}: not in the Bazel build (add it to the BUILD file of its directory)")
        if not path.endswith(".h") and not in_cmake(path):
            missing.append(f"{path}: not in the CMake build (add it to a CMakeLists.txt)")
    for line in missing:
        print(line)
    if missing:
        return 1
    print(f"build sources: CMake and Bazel agree on {len(tracked(root))} files "
          f"({len(ONLY_CMAKE)} in CMake only: {', '.join(ONLY_CMAKE)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
