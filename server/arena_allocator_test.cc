#include "server/arena_allocator.h"

#include <string>

#include "gtest/gtest.h"
#include "identitygraph/v1/access_service.pb.h"

namespace identitygraph {
namespace {

using CheckAllocator =
    ArenaMessageAllocator<v1::CheckAccessRequest, v1::CheckAccessResponse>;

TEST(ArenaMessageAllocatorTest, RequestAndResponseShareOneArenaPerCall) {
  CheckAllocator allocator;
  auto* first = allocator.AllocateMessages();
  auto* second = allocator.AllocateMessages();
  ASSERT_NE(first->request()->GetArena(), nullptr);
  EXPECT_EQ(first->request()->GetArena(), first->response()->GetArena());
  EXPECT_NE(first->request()->GetArena(), second->request()->GetArena());
  first->Release();
  second->Release();
}

TEST(ArenaMessageAllocatorTest, MessagesLargerThanTheFirstBlockStillWork) {
  CheckAllocator allocator;
  auto* call = allocator.AllocateMessages();
  const std::string long_id(100000, 'x');
  call->request()->mutable_user()->set_id(long_id);
  for (int i = 0; i < 100; ++i) {
    call->response()->add_paths()->add_steps()->mutable_entity()->set_id(
        "step");
  }
  EXPECT_EQ(call->request()->user().id(), long_id);
  EXPECT_EQ(call->response()->paths_size(), 100);
  v1::CheckAccessResponse copy;
  ASSERT_TRUE(copy.ParseFromString(call->response()->SerializeAsString()));
  EXPECT_EQ(copy.paths(99).steps(0).entity().id(), "step");
  call->Release();
}

}  // namespace
}  // namespace identitygraph
