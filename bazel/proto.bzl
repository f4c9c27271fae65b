"""C++ code from .proto files with the system's protoc and grpc_cpp_plugin.

    cc_grpc_proto_library(
        name = "api",
        srcs = ["identitygraph/v1/entity.proto"],           # messages only
        grpc_srcs = ["identitygraph/v1/access_service.proto"],  # also services
    )

The .proto paths are relative to the package, which is the import root (as
CMake's --proto_path). The library compiles the generated code, exposes the
headers under their import paths ("identitygraph/v1/entity.pb.h"), and is
always linked whole: server reflection answers from the descriptor pool, so a
generated file that no code names must not be dropped from the link.
"""

def _stem(src):
    return src[:-len(".proto")]

def cc_grpc_proto_library(name, srcs = [], grpc_srcs = [], proto_root = None, deps = [], **kwargs):
    """srcs, grpc_srcs: .proto files of this package (grpc_srcs define services).

    proto_root: the import root (protoc's --proto_path): the package itself (the
    default) or "." for the workspace root.
    """
    package = native.package_name()
    if proto_root == None:
        proto_root = package
    if proto_root in ("", "."):
        root, out = ".", "$(GENDIR)"
    elif proto_root == package:
        root, out = package, "$(GENDIR)/" + package
    else:
        fail("proto_root must be %s (the package) or \".\"" % package)
    paths = [(package + "/" + s) if package else s for s in srcs + grpc_srcs]
    grpc_paths = [(package + "/" + s) if package else s for s in grpc_srcs]

    outs = []
    for src in srcs + grpc_srcs:
        outs += [_stem(src) + ".pb.h", _stem(src) + ".pb.cc"]
    for src in grpc_srcs:
        outs += [_stem(src) + ".grpc.pb.h", _stem(src) + ".grpc.pb.cc"]

    commands = ["protoc --proto_path=%s --cpp_out=%s %s" % (root, out, " ".join(paths))]
    if grpc_srcs:
        commands.append(
            "protoc --proto_path=%s --grpc_out=%s --plugin=protoc-gen-grpc=%s %s" %
            (root, out, "/usr/bin/grpc_cpp_plugin", " ".join(grpc_paths)),
        )
    native.genrule(
        name = name + "_generate",
        srcs = srcs + grpc_srcs,
        outs = outs,
        cmd = " && ".join(commands),
    )

    # With the package as import root, `includes` puts its generated headers on
    # dependents' include path ("identitygraph/v1/entity.pb.h" from proto/); from
    # the workspace root they resolve through the output root, as sources do.
    includes = ["."] if root == package else []
    native.cc_library(
        name = name,
        srcs = [o for o in outs if o.endswith(".cc")],
        hdrs = [o for o in outs if o.endswith(".h")],
        includes = includes,
        copts = ["-w"],  # generated code is not ours to fix
        alwayslink = True,
        deps = deps + ["@system//:protobuf", "@system//:grpcpp"],
        **kwargs
    )
