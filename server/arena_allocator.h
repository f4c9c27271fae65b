// A gRPC message allocator that puts a call's request (as the ParsedRequest
// the server's handlers receive, parsed_request.h) and response on one
// protobuf arena whose first block lives inside the holder: a typical call
// then costs a single heap allocation for both messages, their strings and
// sub-messages, freed at once when gRPC releases the call. Thread-safe (every
// call gets its own holder); must outlive the server.
//
//   ArenaMessageAllocator<FooRequest, FooResponse> allocator;
//   ParseRequestsOf("pkg.Service.Foo", &Impl::Foo, &allocator);
#ifndef IDENTITYGRAPH_SERVER_ARENA_ALLOCATOR_H_
#define IDENTITYGRAPH_SERVER_ARENA_ALLOCATOR_H_

#include <cstddef>

#include "google/protobuf/arena.h"
#include "grpcpp/support/message_allocator.h"
#include "server/parsed_request.h"

namespace identitygraph {

template <typename Request, typename Response>
class ArenaMessageAllocator final
    : public grpc::MessageAllocator<ParsedRequest<Request>, Response> {
 public:
  grpc::MessageHolder<ParsedRequest<Request>, Response>* AllocateMessages()
      override {
    static_assert(sizeof(Holder) <= 1024, "see first_block_");
    return new Holder();
  }

 private:
  class Holder final
      : public grpc::MessageHolder<ParsedRequest<Request>, Response> {
   public:
    Holder() : arena_(first_block_, sizeof(first_block_)), request_(&arena_) {
      this->set_request(&request_);
      this->set_response(
          google::protobuf::Arena::CreateMessage<Response>(&arena_));
    }
    void Release() override { delete this; }

   private:
    // Room for a check's request and response with their ids; larger answers
    // (listings, full entities) grow the arena with heap blocks. Kept small
    // enough that the whole holder comes from glibc's per-thread cache (up to
    // 1032 bytes): a larger one measured slower than no arena at all.
    alignas(std::max_align_t) char first_block_[736];
    google::protobuf::Arena arena_;
    ParsedRequest<Request> request_;
  };
};

}  // namespace identitygraph

#endif  // IDENTITYGRAPH_SERVER_ARENA_ALLOCATOR_H_
