#include "server/change_batch_log.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/durable_file.h"
#include "google/protobuf/util/json_util.h"
#include "importer/re2_util.h"
#include "re2/re2.h"
#include "server/kept_aside.h"
#include "server/log.h"

namespace identitygraph {
namespace {

constexpr size_t kMaxFileBytes = size_t{64} << 20;
// Far beyond any real count, and far from overflow when one is added.
constexpr int64_t kMaxSavedNumber = int64_t{1} << 53;

bool Misfit(const v1::ChangeBatch& batch) {
  const int64_t number = ChangeBatchNumber(batch.name());
  return number == 0 || number > kMaxSavedNumber ||
         batch.snapshot_version() < 0 ||
         batch.snapshot_version() > kMaxSavedNumber;
}

}  // namespace

int64_t ChangeBatchNumber(const std::string& name) {
  static const LazyRE2 kName = {R"(^changeBatches/([1-9][0-9]{0,17})$)"};
  int64_t number = 0;
  if (!RE2::FullMatch(name, *kName, &number)) return 0;
  return number;
}

absl::StatusOr<ChangeBatchLog> ChangeBatchLog::Open(std::string path,
                                                    size_t kept) {
  ChangeBatchLog log(std::move(path), std::max<size_t>(1, kept));
  absl::StatusOr<std::string> contents = ReadFile(log.path_, kMaxFileBytes);
  if (absl::IsNotFound(contents.status())) return log;
  absl::Status unreadable = contents.status();
  v1::ListChangeBatchesResponse saved;
  if (unreadable.ok()) {
    google::protobuf::util::JsonParseOptions parse;
    parse.ignore_unknown_fields = true;
    if (!google::protobuf::util::JsonStringToMessage(*contents, &saved, parse)
             .ok()) {
      unreadable = absl::DataLossError(absl::StrCat(
          log.path_, " is not a change batch log this server wrote"));
    } else if (std::any_of(saved.change_batches().begin(),
                           saved.change_batches().end(), Misfit)) {
      unreadable = absl::DataLossError(
          absl::StrCat(log.path_,
                       " holds a batch name or snapshot version this server "
                       "never writes"));
    }
  }
  if (!unreadable.ok()) {
    if (absl::Status kept = KeepAside(log.path_, unreadable); !kept.ok()) {
      return kept;
    }
    return log;
  }
  for (auto it = saved.change_batches().rbegin();
       it != saved.change_batches().rend(); ++it) {
    log.next_number_ =
        std::max(log.next_number_, ChangeBatchNumber(it->name()) + 1);
    log.batches_.push_back(*it);
  }
  while (log.batches_.size() > log.kept_) log.batches_.pop_front();
  return log;
}

std::string ChangeBatchLog::Add(v1::ChangeBatch batch) {
  batch.set_name(absl::StrCat("changeBatches/", next_number_++));
  std::string name = batch.name();
  batches_.push_back(std::move(batch));
  while (batches_.size() > kept_) batches_.pop_front();
  Save();
  return name;
}

std::vector<v1::ChangeBatch> ChangeBatchLog::List() const {
  return std::vector<v1::ChangeBatch>(batches_.rbegin(), batches_.rend());
}

int64_t ChangeBatchLog::max_snapshot_version() const {
  int64_t version = 0;
  for (const v1::ChangeBatch& batch : batches_) {
    version = std::max(version, batch.snapshot_version());
  }
  return version;
}

void ChangeBatchLog::Save() const {
  v1::ListChangeBatchesResponse saved;
  for (auto it = batches_.rbegin(); it != batches_.rend(); ++it) {
    *saved.add_change_batches() = *it;
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(saved, &json);
  if (absl::Status written = WriteFileAtomically(path_, json, 0600);
      !written.ok()) {
    LogError(absl::StrCat("could not save the change batch log: ",
                          written.message()));
  }
}

}  // namespace identitygraph
