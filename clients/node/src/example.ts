// identitygraph from Node: can a person reach an application, and why; which
// applications they reach; who reaches an application, page by page; and,
// with --api and --permission, whether their token for an API carries a
// permission.
//
//   node dist/example.js --address=127.0.0.1:50051 --user=ada@acme.com --application=Payroll \
//       --api=https://api.acme.com/payroll --permission=run:payroll
//
// --address and --token default to $IDENTITYGRAPH_ADDRESS and
// $IDENTITYGRAPH_TOKEN. Prints the same lines as the Python and Go examples
// (clients/README.md). On an RPC error prints
// "error: <RPC>: <CODE>: <server's message>", for some codes a "hint:" line
// saying what to do, and exits 1.
import { parseArgs } from "util";

import { status, type ServiceError } from "@grpc/grpc-js";

import { IdentityGraphClient, codeName, describePath } from "./client";

/** What to do about the codes a caller can act on (clients/README.md). */
function hintFor(code: status, address: string, deadlineMs: number): string | undefined {
  switch (code) {
    case status.UNAUTHENTICATED:
      return "pass the reader token with --token or $IDENTITYGRAPH_TOKEN";
    case status.PERMISSION_DENIED:
      return "use this server's reader or admin token";
    case status.UNAVAILABLE:
      return `check that identitygraph-server runs at ${address} and has finished its first scan, then retry`;
    case status.DEADLINE_EXCEEDED:
      return `no answer within --deadline_ms=${deadlineMs}; retry, or allow more time`;
    default:
      return undefined;
  }
}

/** Prints "<what>: allowed (snapshot N)" or the denial, then the paths. */
function printDecision(
  what: string,
  decision: { allowed: boolean; denialReason: string; snapshot?: { version: string | number } | null; paths: Parameters<typeof describePath>[0][] },
): void {
  const outcome = decision.allowed
    ? "allowed"
    : `denied, ${decision.denialReason.slice("DENIAL_REASON_".length).toLowerCase()}`;
  console.log(`${what}: ${outcome} (snapshot ${decision.snapshot?.version})`);
  for (const path of decision.paths) console.log(`  path: ${describePath(path)}`);
}

function usage(message: string): never {
  console.error(`error: ${message}`);
  console.error(
    "usage: example --user=EMAIL --application=NAME [--address=HOST:PORT] " +
      "[--token=TOKEN] [--api=IDENTIFIER --permission=NAME] [--page_size=N] [--deadline_ms=MS]",
  );
  process.exit(2);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      address: { type: "string", default: process.env.IDENTITYGRAPH_ADDRESS ?? "127.0.0.1:50051" },
      token: { type: "string", default: process.env.IDENTITYGRAPH_TOKEN ?? "" },
      user: { type: "string" },
      application: { type: "string" },
      api: { type: "string", default: "" },
      permission: { type: "string", default: "" },
      page_size: { type: "string", default: "100" },
      deadline_ms: { type: "string", default: "10000" },
    },
  });
  const user = values.user ?? usage("--user is required");
  const application = values.application ?? usage("--application is required");
  const pageSize = Number(values.page_size);
  const deadlineMs = Number(values.deadline_ms);
  if (!Number.isInteger(pageSize) || pageSize < 1) usage("--page_size must be a positive integer");
  if (!(deadlineMs > 0)) usage("--deadline_ms must be a positive number");

  const client = new IdentityGraphClient(values.address!, values.token!, deadlineMs);
  const userRef = { email: user };
  const applicationRef = { name: application };
  let rpc = "CheckAccess";
  try {
    const check = await client.checkAccess({ user: userRef, application: applicationRef, maxPaths: 1 });
    printDecision(`check ${user} -> ${application}`, check);

    if (values.api && values.permission) {
      rpc = "CheckPermission";
      const held = await client.checkPermission({
        user: userRef,
        api: { id: values.api },
        permission: values.permission,
        maxPaths: 1,
      });
      printDecision(`permission ${user} ${values.permission} on ${values.api}`, held);
    }

    rpc = "ListUserApplications";
    let first = true;
    for await (const page of client.userApplications({ user: userRef })) {
      if (first) console.log(`applications of ${user}: ${page.totalSize}`);
      first = false;
      for (const reachable of page.applications) {
        console.log(`  ${reachable.application?.name}: ${describePath(reachable.path)}`);
      }
    }

    rpc = "ListApplicationUsers";
    let number = 0;
    for await (const page of client.applicationUsers({ application: applicationRef, pageSize })) {
      if (++number === 1) console.log(`users of ${application}, ${pageSize} per page: ${page.totalSize}`);
      console.log(`  page ${number}: ${page.users.map((u) => u.id).join(", ")}`);
    }
    return 0;
  } catch (e) {
    const error = e as ServiceError;
    console.error(`error: ${rpc}: ${codeName(error.code)}: ${error.details}`);
    const hint = hintFor(error.code, values.address!, deadlineMs);
    if (hint) console.error(`hint: ${hint}`);
    return 1;
  } finally {
    client.close();
  }
}

main().then((code) => {
  process.exitCode = code;
});
