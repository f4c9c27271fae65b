// A small client for identitygraph's AccessService: the .proto files are
// loaded at run time (copied into ../proto by `npm run generate`), the types
// come from proto-loader-gen-types (src/generated). Every call carries the
// bearer token, when given, and its own deadline; a failed call rejects with
// a grpc.ServiceError whose `code` is the status and `details` the server's
// message.
import * as path from "path";

import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

import type { ProtoGrpcType } from "./generated/access_service";
import type { AccessPath__Output } from "./generated/identitygraph/v1/AccessPath";
import type { AccessServiceClient } from "./generated/identitygraph/v1/AccessService";
import type { CheckAccessRequest } from "./generated/identitygraph/v1/CheckAccessRequest";
import type { CheckAccessResponse__Output } from "./generated/identitygraph/v1/CheckAccessResponse";
import type { CheckPermissionRequest } from "./generated/identitygraph/v1/CheckPermissionRequest";
import type { CheckPermissionResponse__Output } from "./generated/identitygraph/v1/CheckPermissionResponse";
import type { ListApplicationUsersRequest } from "./generated/identitygraph/v1/ListApplicationUsersRequest";
import type { ListApplicationUsersResponse__Output } from "./generated/identitygraph/v1/ListApplicationUsersResponse";
import type { ListUserApplicationsRequest } from "./generated/identitygraph/v1/ListUserApplicationsRequest";
import type { ListUserApplicationsResponse__Output } from "./generated/identitygraph/v1/ListUserApplicationsResponse";

const LOADER_OPTIONS: protoLoader.Options = {
  includeDirs: [path.join(__dirname, "..", "proto")],
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

type Unary<Request, Response> = (
  request: Request,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: grpc.requestCallback<Response>,
) => grpc.ClientUnaryCall;

export class IdentityGraphClient {
  private readonly stub: AccessServiceClient;
  private readonly metadata = new grpc.Metadata();

  /**
   * @param address host:port of identitygraph-server
   * @param token the reader or admin token; empty when the server needs none
   * @param deadlineMs how long each call may take
   * @param credentials grpc.credentials.createSsl(...) for a TLS server
   */
  constructor(
    address: string,
    token: string,
    private readonly deadlineMs = 10000,
    credentials = grpc.credentials.createInsecure(),
  ) {
    const definition = protoLoader.loadSync(
      "identitygraph/v1/access_service.proto",
      LOADER_OPTIONS,
    );
    const api = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
    this.stub = new api.identitygraph.v1.AccessService(address, credentials);
    if (token) this.metadata.set("authorization", `Bearer ${token}`);
  }

  close(): void {
    this.stub.close();
  }

  private call<Request, Response>(
    method: Unary<Request, Response>,
    request: Request,
  ): Promise<Response> {
    return new Promise((resolve, reject) => {
      method.call(
        this.stub,
        request,
        this.metadata,
        { deadline: Date.now() + this.deadlineMs },
        (error, response) => (error || !response ? reject(error) : resolve(response)),
      );
    });
  }

  checkAccess(request: CheckAccessRequest): Promise<CheckAccessResponse__Output> {
    return this.call<CheckAccessRequest, CheckAccessResponse__Output>(this.stub.checkAccess, request);
  }

  /** Whether the user's token for an API would carry a permission. */
  checkPermission(request: CheckPermissionRequest): Promise<CheckPermissionResponse__Output> {
    return this.call<CheckPermissionRequest, CheckPermissionResponse__Output>(
      this.stub.checkPermission,
      request,
    );
  }

  /** Every page of ListUserApplications, one after the other. */
  userApplications(
    request: ListUserApplicationsRequest,
  ): AsyncGenerator<ListUserApplicationsResponse__Output> {
    return this.pages<ListUserApplicationsRequest, ListUserApplicationsResponse__Output>(
      this.stub.listUserApplications,
      request,
    );
  }

  /** Every page of ListApplicationUsers, one after the other. */
  applicationUsers(
    request: ListApplicationUsersRequest,
  ): AsyncGenerator<ListApplicationUsersResponse__Output> {
    return this.pages<ListApplicationUsersRequest, ListApplicationUsersResponse__Output>(
      this.stub.listApplicationUsers,
      request,
    );
  }

  private async *pages<Request extends { pageToken?: string }, Response extends { nextPageToken: string }>(
    method: Unary<Request, Response>,
    request: Request,
  ): AsyncGenerator<Response> {
    let pageToken = "";
    do {
      const page = await this.call(method, { ...request, pageToken });
      yield page;
      pageToken = page.nextPageToken;
    } while (pageToken);
  }
}

function lowerName(name: string, prefix: string): string {
  return name.slice(prefix.length).toLowerCase();
}

/** One line for a path: kind "name" -edge-> kind "name" ... */
export function describePath(path: AccessPath__Output | null): string {
  const parts: string[] = [];
  for (const step of path?.steps ?? []) {
    if (step.via !== "EDGE_KIND_UNSPECIFIED") {
      parts.push(`-${lowerName(step.via, "EDGE_KIND_")}->`);
    }
    const kind = lowerName(step.entity?.kind ?? "ENTITY_KIND_UNSPECIFIED", "ENTITY_KIND_");
    parts.push(`${kind} "${step.entity?.name ?? ""}"`);
  }
  return parts.join(" ");
}

/** The status code's canonical name, such as NOT_FOUND. */
export function codeName(code: grpc.status): string {
  return grpc.status[code] ?? `CODE_${code}`;
}
