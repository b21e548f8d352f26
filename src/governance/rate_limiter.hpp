#pragma once
// Requests-per-minute and tokens-per-minute limits as token buckets (capacity = the per-minute
// limit, refilled continuously), answered in OpenAI's style: x-ratelimit-limit-*,
// x-ratelimit-remaining-* and x-ratelimit-reset-* ("1s", "6m0s", "250ms"). Buckets live in 16
// mutex-striped shards keyed by subject ("key:key_ab12", "team:payments").

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include "core/string_hash.hpp"
#include "http/message.hpp"

namespace sluice::governance {

using RateClock = std::chrono::steady_clock;

struct RateState {
  std::int64_t limit = 0;
  std::int64_t remaining = 0;          // whole units left now (never below 0)
  std::chrono::milliseconds reset{0};  // until the bucket is full again
};

struct RateDecision {
  bool allowed = true;
  std::optional<RateState> requests;         // present when an rpm applies
  std::optional<RateState> tokens;           // present when a tpm applies
  std::chrono::milliseconds retry_after{0};  // when !allowed: until the request would fit
  std::string_view exhausted;                // when !allowed: "requests" or "tokens"
};

class RateLimiter {
 public:
  /// Takes one request and `tokens` from the buckets of `id`, both or neither. rpm/tpm 0 means
  /// unlimited (no bucket, no header). A request larger than the whole tpm is refused with a
  /// retry_after of zero: waiting cannot help.
  RateDecision acquire(std::string_view id, std::int64_t rpm, std::int64_t tpm, std::int64_t tokens,
                       RateClock::time_point now);
  /// Once usage is known: returns (delta < 0) or takes (delta > 0) tokens. The bucket may go
  /// into debt, which later requests wait out.
  void adjust_tokens(std::string_view id, std::int64_t tpm, std::int64_t delta,
                     RateClock::time_point now);

 private:
  struct Bucket {
    double requests = 0;  // available
    double tokens = 0;
    RateClock::time_point at{};
    std::int64_t rpm = 0;  // the last rpm seen, so adjust_tokens() can refill requests too
    bool fresh = true;
  };
  struct Shard {
    std::mutex mu;
    core::StringMap<Bucket> buckets;  // looked up by string_view: no key string per request
  };
  Shard& shard(std::string_view id);
  std::array<Shard, 16> shards_;
};

/// Adds x-ratelimit-{limit,remaining,reset}-{requests,tokens} for the buckets in `d`, and
/// retry-after (whole seconds, at least 1) and retry-after-ms when it was refused.
void add_rate_headers(const RateDecision& d, http::Headers& headers);
/// The same headers as rendered lines, for a response's fixed set (http::HeaderLines).
void add_rate_lines(const RateDecision& d, http::HeaderLines& lines);
/// OpenAI's reset format: "250ms", "1s", "1.5s", "6m0s", "1h2m3s".
std::string openai_duration(std::chrono::milliseconds d);

}  // namespace sluice::governance
