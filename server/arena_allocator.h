// A gRPC message allocator that puts a call's request and response on one
// protobuf arena whose first block lives inside the holder: a typical call
// then costs a single heap allocation for both messages, their strings and
// sub-messages, freed at once when gRPC releases the call. Thread-safe (every
// call gets its own holder); must outlive the server.
//
//   ArenaMessageAllocator<FooRequest, FooResponse> allocator;
//   service.SetMessageAllocatorFor_Foo(&allocator);
#ifndef IDENTITYGRAPH_SERVER_ARENA_ALLOCATOR_H_
#define IDENTITYGRAPH_SERVER_ARENA_ALLOCATOR_H_

#include <cstddef>

#include "google/protobuf/arena.h"
#include "grpcpp/support/message_allocator.h"

namespace identitygraph {

template <typename Request, typename Response>
class ArenaMessageAllocator final
    : public grpc::MessageAllocator<Request, Response> {
 public:
  grpc::MessageHolder<Request, Response>* AllocateMessages() override {
    static_assert(sizeof(Holder) <= 1024, "see first_block_");
    return new Holder();
  }

 private:
  class Holder final : public grpc::MessageHolder<Request, Response> {
   public:
    Holder() : arena_(first_block_, sizeof(first_block_)) {
      this->set_request(
          google::protobuf::Arena::CreateMessage<Request>(&arena_));
      this->set_response(
          google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    // Room for a check's request and response with their ids; larger answers
    // (listings, full entities) grow the arena with heap blocks. Kept small
    // enough that the whole holder comes from glibc's per-thread cache (up to
    // 1032 bytes): a larger one measured slower than no arena at all.
    alignas(std::max_align_t) char first_block_[768];
    google::protobuf::Arena arena_;
  };
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_ARENA_ALLOCATOR_H_
