"""A small Python client for identitygraph's AccessService.

    from identitygraph_client import Client, ref

    with Client("127.0.0.1:50051", token="...") as client:
        answer = client.check_access(ref(email="ada@acme.com"), ref(name="Payroll"))
        for page in client.user_applications(ref(email="ada@acme.com")):
            for reachable in page.applications:
                print(reachable.application.name)

Every call carries the bearer token (when given) and a deadline. Errors are
grpc.RpcError: e.code() is the grpc.StatusCode and e.details() the server's
message, which says what was wrong and how to fix it. The generated modules
(identitygraph.v1.*_pb2) must be importable: run clients/python/generate.sh.
"""

import grpc

from identitygraph.v1 import access_service_pb2
from identitygraph.v1 import access_service_pb2_grpc
from identitygraph.v1 import entity_pb2

__all__ = ["Client", "ref", "describe_path", "access_service_pb2", "entity_pb2"]


def ref(id=None, email=None, name=None):
    """An EntityRef naming an entity by exactly one of id, email or name."""
    given = {k: v for k, v in (("id", id), ("email", email), ("name", name)) if v}
    if len(given) != 1:
        raise ValueError("name the entity by exactly one of id, email or name")
    return entity_pb2.EntityRef(**given)


def _lower_name(enum_type, value, prefix):
    return enum_type.Name(value)[len(prefix):].lower()


def describe_path(path):
    """One line for an AccessPath: kind "name" -edge-> kind "name" ..."""
    parts = []
    for step in path.steps:
        if step.via:
            parts.append("-%s->" % _lower_name(entity_pb2.EdgeKind, step.via, "EDGE_KIND_"))
        kind = _lower_name(entity_pb2.EntityKind, step.entity.kind, "ENTITY_KIND_")
        parts.append('%s "%s"' % (kind, step.entity.name))
    return " ".join(parts)


class Client:
    """AccessService over one channel; a context manager that closes it."""

    def __init__(self, address, token=None, timeout=10.0, credentials=None):
        """address: host:port. token: the reader or admin token, or None when
        the server needs none. timeout: seconds each call may take.
        credentials: grpc.ssl_channel_credentials(...) for a TLS server."""
        if credentials is None:
            self._channel = grpc.insecure_channel(address)
        else:
            self._channel = grpc.secure_channel(address, credentials)
        self._stub = access_service_pb2_grpc.AccessServiceStub(self._channel)
        self._metadata = (("authorization", "Bearer " + token),) if token else ()
        self._timeout = timeout

    def close(self):
        self._channel.close()

    def __enter__(self):
        return self

    def __exit__(self, *unused):
        self.close()

    def _call(self, method, request):
        return method(request, timeout=self._timeout, metadata=self._metadata)

    def check_access(self, user, application, max_paths=1,
                     mode=entity_pb2.REACHABILITY_MODE_AUTHORIZATION):
        """The CheckAccessResponse: allowed, paths, denial_reason, snapshot."""
        return self._call(self._stub.CheckAccess, access_service_pb2.CheckAccessRequest(
            user=user, application=application, max_paths=max_paths, mode=mode))

    def check_permission(self, user, api, permission, max_paths=1, organization=None):
        """The CheckPermissionResponse: whether the user's token for `api` (an
        EntityRef) would carry `permission`; allowed, paths, denial_reason."""
        return self._call(self._stub.CheckPermission, access_service_pb2.CheckPermissionRequest(
            user=user, api=api, permission=permission, max_paths=max_paths,
            organization=organization))

    def user_applications(self, user, page_size=100):
        """Yields each ListUserApplicationsResponse page until the last."""
        return self._pages(self._stub.ListUserApplications,
                           access_service_pb2.ListUserApplicationsRequest(
                               user=user, page_size=page_size))

    def application_users(self, application, page_size=100):
        """Yields each ListApplicationUsersResponse page until the last."""
        return self._pages(self._stub.ListApplicationUsers,
                           access_service_pb2.ListApplicationUsersRequest(
                               application=application, page_size=page_size))

    def _pages(self, method, request):
        while True:
            page = self._call(method, request)
            yield page
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token
