// libFuzzer target: any bytes as a snapshot journal, and as the payload of a
// journal record (sealed with its size and checksum, so that mutations reach
// the decoder behind them). ParseJournal must refuse what it cannot read with
// an error; a journal it accepts must apply to a snapshot or be refused by
// ApplyJournal, never crash. scripts/fuzz.sh runs it.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "graph/graph_builder.h"
#include "graph/snapshot.h"
#include "graph/snapshot_journal.h"

namespace {

using identitygraph::graph::EdgeKind;
using identitygraph::graph::GraphBuilder;
using identitygraph::graph::Journal;
using identitygraph::graph::Snapshot;
using identitygraph::graph::VertexKind;

std::shared_ptr<const Snapshot> Base() {
  GraphBuilder b;
  b.AddEntity(VertexKind::kUser, "ada", "Ada", "ada@acme.com");
  b.AddEntity(VertexKind::kRole, "admin", "Admin");
  b.AddEntity(VertexKind::kApplication, "payroll", "Payroll");
  b.AddEntity(VertexKind::kOrganization, "acme", "Acme");
  b.AddEdge(EdgeKind::kRoleApplication, VertexKind::kRole, "admin",
            VertexKind::kApplication, "payroll");
  b.AddEdge(EdgeKind::kUserRole, VertexKind::kUser, "ada", VertexKind::kRole,
            "admin");
  return std::move(b).Build(7, absl::UnixEpoch());
}

// A journal following version 7 holding `payload` as its one record.
std::string Sealed(absl::string_view payload) {
  std::string out("IGJOURNL", 8);
  const uint32_t format = 1;
  const int64_t base = 7;
  const uint32_t size = static_cast<uint32_t>(payload.size());
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char c : payload) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  out.append(reinterpret_cast<const char*>(&format), sizeof(format));
  out.append(reinterpret_cast<const char*>(&base), sizeof(base));
  out.append(reinterpret_cast<const char*>(&size), sizeof(size));
  out.append(reinterpret_cast<const char*>(&hash), sizeof(hash));
  out.append(payload.data(), payload.size());
  return out;
}

void Check(const std::string& bytes) {
  absl::StatusOr<Journal> journal = identitygraph::graph::ParseJournal(bytes);
  if (!journal.ok()) {
    if (journal.status().message().empty()) std::abort();
    return;
  }
  if (journal->end + journal->torn_tail_bytes != bytes.size()) std::abort();
  static const std::shared_ptr<const Snapshot> base = Base();
  int applied = 0;
  absl::StatusOr<std::shared_ptr<const Snapshot>> last =
      identitygraph::graph::ApplyJournal(base, *journal, &applied);
  if (last.ok() && (*last)->vertex_count() < base->vertex_count()) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view input(reinterpret_cast<const char*>(data), size);
  Check(std::string(input));
  Check(Sealed(input));
  return 0;
}
