// Command example shows identitygraph from Go: can a person reach an
// application, and why; which applications they reach; who reaches an
// application, page by page.
//
//	example --address=127.0.0.1:50051 --user=ada@acme.com --application=Payroll
//
// --address and --token default to $IDENTITYGRAPH_ADDRESS and
// $IDENTITYGRAPH_TOKEN. It prints the same lines as the Python and Node
// examples (clients/README.md). On an RPC error it prints
// "error: <RPC>: <CODE>: <server's message>", for some codes a "hint:" line
// saying what to do, and exits 1.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	pb "identitygraph/clients/go/identitygraphv1"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// The canonical names of status codes, as the other languages print them
// (codes.Code's String() spells them "NotFound").
var codeNames = map[codes.Code]string{
	codes.OK: "OK", codes.Canceled: "CANCELLED", codes.Unknown: "UNKNOWN",
	codes.InvalidArgument: "INVALID_ARGUMENT", codes.DeadlineExceeded: "DEADLINE_EXCEEDED",
	codes.NotFound: "NOT_FOUND", codes.AlreadyExists: "ALREADY_EXISTS",
	codes.PermissionDenied: "PERMISSION_DENIED", codes.ResourceExhausted: "RESOURCE_EXHAUSTED",
	codes.FailedPrecondition: "FAILED_PRECONDITION", codes.Aborted: "ABORTED",
	codes.OutOfRange: "OUT_OF_RANGE", codes.Unimplemented: "UNIMPLEMENTED",
	codes.Internal: "INTERNAL", codes.Unavailable: "UNAVAILABLE", codes.DataLoss: "DATA_LOSS",
	codes.Unauthenticated: "UNAUTHENTICATED",
}

// hintFor says what to do about the codes a caller can act on
// (clients/README.md); "" for the others, whose message says it.
func hintFor(code codes.Code, address string, deadlineMs int) string {
	switch code {
	case codes.Unauthenticated:
		return "pass the reader token with --token or $IDENTITYGRAPH_TOKEN"
	case codes.PermissionDenied:
		return "use this server's reader or admin token"
	case codes.Unavailable:
		return fmt.Sprintf("check that identitygraph-server runs at %s and has finished its first scan, then retry", address)
	case codes.DeadlineExceeded:
		return fmt.Sprintf("no answer within --deadline_ms=%d; retry, or allow more time", deadlineMs)
	}
	return ""
}

func envOr(name, fallback string) string {
	if value, ok := os.LookupEnv(name); ok {
		return value
	}
	return fallback
}

// lowerName turns ENTITY_KIND_USER into "user" given the prefix.
func lowerName(name, prefix string) string {
	return strings.ToLower(strings.TrimPrefix(name, prefix))
}

// describePath renders a path as: kind "name" -edge-> kind "name" ...
func describePath(path *pb.AccessPath) string {
	var parts []string
	for _, step := range path.GetSteps() {
		if step.GetVia() != pb.EdgeKind_EDGE_KIND_UNSPECIFIED {
			parts = append(parts, "-"+lowerName(step.GetVia().String(), "EDGE_KIND_")+"->")
		}
		kind := lowerName(step.GetEntity().GetKind().String(), "ENTITY_KIND_")
		parts = append(parts, fmt.Sprintf("%s \"%s\"", kind, step.GetEntity().GetName()))
	}
	return strings.Join(parts, " ")
}

type example struct {
	client   pb.AccessServiceClient
	token    string
	deadline time.Duration
}

// call runs one RPC with the token and a deadline of its own.
func (e *example) context() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), e.deadline)
	if e.token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+e.token)
	}
	return ctx, cancel
}

// decision is what CheckAccessResponse and CheckPermissionResponse share.
type decision interface {
	GetAllowed() bool
	GetDenialReason() pb.DenialReason
	GetSnapshot() *pb.SnapshotInfo
	GetPaths() []*pb.AccessPath
}

// printDecision prints "<what>: allowed (snapshot N)" or the denial, then the paths.
func printDecision(what string, d decision) {
	outcome := "allowed"
	if !d.GetAllowed() {
		outcome = "denied, " + lowerName(d.GetDenialReason().String(), "DENIAL_REASON_")
	}
	fmt.Printf("%s: %s (snapshot %d)\n", what, outcome, d.GetSnapshot().GetVersion())
	for _, path := range d.GetPaths() {
		fmt.Println("  path: " + describePath(path))
	}
}

func (e *example) run(user, application, api, permission string, pageSize int32) (string, error) {
	userRef := &pb.EntityRef{Ref: &pb.EntityRef_Email{Email: user}}
	appRef := &pb.EntityRef{Ref: &pb.EntityRef_Name{Name: application}}

	ctx, cancel := e.context()
	check, err := e.client.CheckAccess(ctx, &pb.CheckAccessRequest{
		User: userRef, Application: appRef, MaxPaths: 1})
	cancel()
	if err != nil {
		return "CheckAccess", err
	}
	printDecision(fmt.Sprintf("check %s -> %s", user, application), check)

	if api != "" && permission != "" {
		ctx, cancel := e.context()
		held, err := e.client.CheckPermission(ctx, &pb.CheckPermissionRequest{
			User: userRef, Api: &pb.EntityRef{Ref: &pb.EntityRef_Id{Id: api}},
			Permission: permission, MaxPaths: 1})
		cancel()
		if err != nil {
			return "CheckPermission", err
		}
		printDecision(fmt.Sprintf("permission %s %s on %s", user, permission, api), held)
	}

	appsRequest := &pb.ListUserApplicationsRequest{User: userRef}
	for first := true; ; first = false {
		ctx, cancel := e.context()
		page, err := e.client.ListUserApplications(ctx, appsRequest)
		cancel()
		if err != nil {
			return "ListUserApplications", err
		}
		if first {
			fmt.Printf("applications of %s: %d\n", user, page.GetTotalSize())
		}
		for _, reachable := range page.GetApplications() {
			fmt.Printf("  %s: %s\n", reachable.GetApplication().GetName(),
				describePath(reachable.GetPath()))
		}
		if page.GetNextPageToken() == "" {
			break
		}
		appsRequest.PageToken = page.GetNextPageToken()
	}

	usersRequest := &pb.ListApplicationUsersRequest{Application: appRef, PageSize: pageSize}
	for number := 1; ; number++ {
		ctx, cancel := e.context()
		page, err := e.client.ListApplicationUsers(ctx, usersRequest)
		cancel()
		if err != nil {
			return "ListApplicationUsers", err
		}
		if number == 1 {
			fmt.Printf("users of %s, %d per page: %d\n", application, pageSize, page.GetTotalSize())
		}
		var ids []string
		for _, u := range page.GetUsers() {
			ids = append(ids, u.GetId())
		}
		fmt.Printf("  page %d: %s\n", number, strings.Join(ids, ", "))
		if page.GetNextPageToken() == "" {
			break
		}
		usersRequest.PageToken = page.GetNextPageToken()
	}
	return "", nil
}

func main() {
	address := flag.String("address", envOr("IDENTITYGRAPH_ADDRESS", "127.0.0.1:50051"),
		"host:port of identitygraph-server ($IDENTITYGRAPH_ADDRESS)")
	token := flag.String("token", envOr("IDENTITYGRAPH_TOKEN", ""),
		"reader or admin token ($IDENTITYGRAPH_TOKEN)")
	user := flag.String("user", "", "the user's email (required)")
	application := flag.String("application", "", "the application's name (required)")
	api := flag.String("api", "", "an API identifier, for --permission")
	permission := flag.String("permission", "", "a permission name: check the user's token for --api carries it")
	pageSize := flag.Int("page_size", 100, "users per page")
	deadlineMs := flag.Int("deadline_ms", 10000, "milliseconds each call may take")
	flag.Parse()
	if *user == "" || *application == "" || *pageSize < 1 || *deadlineMs < 1 {
		fmt.Fprintln(os.Stderr, "error: --user and --application are required; --page_size and --deadline_ms must be positive")
		flag.Usage()
		os.Exit(2)
	}

	// Plaintext, as the demo server; for TLS pass
	// grpc.WithTransportCredentials(credentials.NewClientTLSFromFile(...)).
	conn, err := grpc.Dial(*address, grpc.WithInsecure())
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: connecting to %s: %v\n", *address, err)
		os.Exit(1)
	}
	defer conn.Close()

	e := &example{client: pb.NewAccessServiceClient(conn), token: *token,
		deadline: time.Duration(*deadlineMs) * time.Millisecond}
	if rpc, err := e.run(*user, *application, *api, *permission, int32(*pageSize)); err != nil {
		st := status.Convert(err)
		fmt.Fprintf(os.Stderr, "error: %s: %s: %s\n", rpc, codeNames[st.Code()], st.Message())
		if hint := hintFor(st.Code(), *address, *deadlineMs); hint != "" {
			fmt.Fprintln(os.Stderr, "hint: "+hint)
		}
		conn.Close()
		os.Exit(1)
	}
}
