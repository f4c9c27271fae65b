// libFuzzer target: the rate limiter under any sequence of answers (statuses
// and rate-limit headers the input makes up, however absurd), on a fake
// clock. Every AwaitTurn must return (a turn, or an error naming the header)
// within the header-wait bound: this is how the hang of a far-future
// x-ratelimit-reset was found. scripts/fuzz.sh runs it.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "importer/rate_limiter.h"

namespace {

using identitygraph::importer::RateLimiter;

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool empty() const { return at_ >= size_; }
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  int64_t Number() {
    // Mostly small, sometimes huge or negative: what headers may say.
    switch (Byte() % 4) {
      case 0:
        return Byte();
      case 1:
        return Byte() * 256 + Byte();
      case 2:
        return -static_cast<int64_t>(Byte());
      default: {
        uint64_t v = 0;
        for (int i = 0; i < 8; ++i) v = v << 8 | Byte();
        return static_cast<int64_t>(v);
      }
    }
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Input in(data, size);
  absl::Time now = absl::FromUnixSeconds(1790000000);
  absl::Duration slept;
  std::atomic<bool> cancelled{false};
  // Past this, a wait is a hang: the sleeper cancels it and the check below
  // tells a legitimate wait (for a probe's answer, which only comes from the
  // input) from a stuck limiter.
  const absl::Duration budget = RateLimiter::kMaxHeaderWait + absl::Seconds(2);
  RateLimiter limiter([&] { return now; },
                      [&](absl::Duration d) {
                        now += d;
                        slept += d;
                        if (slept > budget) cancelled = true;
                      });
  std::vector<RateLimiter::Turn> out;
  for (int ops = 0; !in.empty() && ops < 64; ++ops) {
    switch (in.Byte() % 5) {
      case 0: {
        slept = absl::ZeroDuration();
        cancelled = false;
        absl::StatusOr<RateLimiter::Turn> turn = limiter.AwaitTurn(cancelled);
        // With nothing in flight nothing can end a wait but the clock: it
        // must end within the header bound (a turn, or an error naming the
        // header).
        if (cancelled && out.empty()) std::abort();
        if (turn.ok()) out.push_back(*turn);
        break;
      }
      case 1: {
        if (out.empty()) break;
        const RateLimiter::Turn turn = out.back();
        out.pop_back();
        static constexpr long kStatuses[] = {200, 429, 500, 404, 503};
        const long status = kStatuses[in.Byte() % 5];
        std::map<std::string, std::string> headers;
        const uint8_t present = in.Byte();
        if (present & 1) {
          headers["x-ratelimit-limit"] = std::to_string(in.Number());
        }
        if (present & 2) {
          headers["x-ratelimit-remaining"] = std::to_string(in.Number());
        }
        if (present & 4) {
          headers["x-ratelimit-reset"] =
              std::to_string(absl::ToUnixSeconds(now) + in.Number());
        }
        if (present & 8) headers["retry-after"] = std::to_string(in.Number());
        if (present & 16) headers["x-ratelimit-reset"] = "soon";
        limiter.Observe(turn, status, headers);
        break;
      }
      case 2:
        if (!out.empty()) {
          limiter.Abandon(out.back());
          out.pop_back();
        }
        break;
      case 3:
        now += absl::Milliseconds(in.Byte() * 40);
        break;
      default:
        limiter.set_share((in.Byte() % 101) / 100.0);
        break;
    }
  }
  (void)limiter.waited();
  (void)limiter.rate();
  return 0;
}
