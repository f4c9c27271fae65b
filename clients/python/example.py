#!/usr/bin/python3
"""identitygraph from Python: can a person reach an application, and why;
which applications they reach; who reaches an application, page by page; and,
with --api and --permission, whether their token for an API carries a
permission.

    PYTHONPATH=clients/python /usr/bin/python3 clients/python/example.py \\
        --address=127.0.0.1:50051 --user=ada@acme.com --application=Payroll \\
        --api=https://api.acme.com/payroll --permission=run:payroll

--address and --token default to $IDENTITYGRAPH_ADDRESS and $IDENTITYGRAPH_TOKEN.
Prints the same lines as the Go and Node examples (clients/README.md). On an
RPC error prints "error: <RPC>: <CODE>: <server's message>", for some codes a
"hint:" line saying what to do, and exits 1.
"""

import argparse
import os
import sys

import grpc

from identitygraph_client import Client, describe_path, ref
from identitygraph_client import access_service_pb2


def hint_for(code, args):
    """What to do about the codes a caller can act on (clients/README.md)."""
    return {
        grpc.StatusCode.UNAUTHENTICATED:
            "pass the reader token with --token or $IDENTITYGRAPH_TOKEN",
        grpc.StatusCode.PERMISSION_DENIED: "use this server's reader or admin token",
        grpc.StatusCode.UNAVAILABLE:
            "check that identitygraph-server runs at %s and has finished its first scan, "
            "then retry" % args.address,
        grpc.StatusCode.DEADLINE_EXCEEDED:
            "no answer within --deadline_ms=%d; retry, or allow more time" % args.deadline_ms,
    }.get(code)


def decision(response):
    """What a CheckAccess or CheckPermission answer says, and its paths."""
    if response.allowed:
        outcome = "allowed"
    else:
        reason = access_service_pb2.DenialReason.Name(response.denial_reason)
        outcome = "denied, " + reason[len("DENIAL_REASON_"):].lower()
    return ["%s (snapshot %d)" % (outcome, response.snapshot.version)] + [
        "  path: " + describe_path(path) for path in response.paths]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", default=os.environ.get("IDENTITYGRAPH_ADDRESS", "127.0.0.1:50051"),
                        help="host:port of identitygraph-server ($IDENTITYGRAPH_ADDRESS)")
    parser.add_argument("--token", default=os.environ.get("IDENTITYGRAPH_TOKEN", ""),
                        help="reader or admin token ($IDENTITYGRAPH_TOKEN)")
    parser.add_argument("--user", required=True, help="the user's email")
    parser.add_argument("--application", required=True, help="the application's name")
    parser.add_argument("--api", default="", help="an API identifier, for --permission")
    parser.add_argument("--permission", default="",
                        help="a permission name: check the user's token for --api carries it")
    parser.add_argument("--page_size", type=int, default=100, help="users per page")
    parser.add_argument("--deadline_ms", type=int, default=10000,
                        help="milliseconds each call may take")
    args = parser.parse_args()
    if args.page_size < 1 or args.deadline_ms < 1:
        parser.error("--page_size and --deadline_ms must be positive")

    user, application = ref(email=args.user), ref(name=args.application)
    rpc = "CheckAccess"
    try:
        with Client(args.address, args.token or None, args.deadline_ms / 1000) as client:
            lines = decision(client.check_access(user, application, max_paths=1))
            print("check %s -> %s: %s" % (args.user, args.application, lines[0]))
            for line in lines[1:]:
                print(line)

            if args.api and args.permission:
                rpc = "CheckPermission"
                lines = decision(client.check_permission(user, ref(id=args.api), args.permission))
                print("permission %s %s on %s: %s"
                      % (args.user, args.permission, args.api, lines[0]))
                for line in lines[1:]:
                    print(line)

            rpc = "ListUserApplications"
            pages = list(client.user_applications(user))
            print("applications of %s: %d" % (args.user, pages[0].total_size))
            for page in pages:
                for reachable in page.applications:
                    print("  %s: %s" % (reachable.application.name, describe_path(reachable.path)))

            rpc = "ListApplicationUsers"
            for number, page in enumerate(client.application_users(application, args.page_size), 1):
                if number == 1:
                    print("users of %s, %d per page: %d"
                          % (args.application, args.page_size, page.total_size))
                print("  page %d: %s" % (number, ", ".join(u.id for u in page.users)))
    except grpc.RpcError as e:
        print("error: %s: %s: %s" % (rpc, e.code().name, e.details()), file=sys.stderr)
        hint = hint_for(e.code(), args)
        if hint:
            print("hint: " + hint, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
