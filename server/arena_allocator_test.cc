#include "server/arena_allocator.h"

#include <string>

#include "grpcpp/support/byte_buffer.h"
#include "grpcpp/support/slice.h"
#include "gtest/gtest.h"
#include "identitygraph/v1/access_service.pb.h"

namespace identitygraph {
namespace {

using CheckAllocator =
    ArenaMessageAllocator<v1::CheckAccessRequest, v1::CheckAccessResponse>;

grpc::ByteBuffer Bytes(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

TEST(ArenaMessageAllocatorTest, RequestAndResponseShareOneArenaPerCall) {
  CheckAllocator allocator;
  auto* first = allocator.AllocateMessages();
  auto* second = allocator.AllocateMessages();
  ASSERT_NE(first->request()->message().GetArena(), nullptr);
  EXPECT_EQ(first->request()->message().GetArena(),
            first->response()->GetArena());
  EXPECT_NE(first->request()->message().GetArena(),
            second->request()->message().GetArena());
  first->Release();
  second->Release();
}

TEST(ArenaMessageAllocatorTest, MessagesLargerThanTheFirstBlockStillWork) {
  CheckAllocator allocator;
  auto* call = allocator.AllocateMessages();
  const std::string long_id(100000, 'x');
  v1::CheckAccessRequest sent;
  sent.mutable_user()->set_id(long_id);
  grpc::ByteBuffer bytes = Bytes(sent.SerializeAsString());
  call->request()->Parse(&bytes);
  ASSERT_TRUE(call->request()->parse_status().ok());
  for (int i = 0; i < 100; ++i) {
    call->response()->add_paths()->add_steps()->mutable_entity()->set_id(
        "step");
  }
  EXPECT_EQ(call->request()->message().user().id(), long_id);
  EXPECT_EQ(call->response()->paths_size(), 100);
  v1::CheckAccessResponse copy;
  ASSERT_TRUE(copy.ParseFromString(call->response()->SerializeAsString()));
  EXPECT_EQ(copy.paths(99).steps(0).entity().id(), "step");
  call->Release();
}

TEST(ParsedRequestTest, SaysWhyBytesDoNotParse) {
  ParsedRequest<v1::CheckAccessRequest> request;
  grpc::ByteBuffer garbage = Bytes(
      "\x0a\x05"
      "ab");  // A length past the end.
  request.Parse(&garbage);
  EXPECT_EQ(request.parse_status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(request.parse_status().message().find(
                "not a valid identitygraph.v1.CheckAccessRequest"),
            std::string::npos);
  grpc::ByteBuffer none;
  request.Parse(&none);
  EXPECT_NE(request.parse_status().message().find("carried no"),
            std::string::npos);
  grpc::ByteBuffer empty = Bytes("");
  request.Parse(&empty);
  EXPECT_TRUE(request.parse_status().ok()) << request.parse_status();
}

}  // namespace
}  // namespace identitygraph
