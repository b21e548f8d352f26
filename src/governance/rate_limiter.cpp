// Token-bucket rpm/tpm limits and OpenAI-style rate-limit headers. Buckets refill continuously
// from the time points callers pass in, so tests drive time without sleeping.
#include "governance/rate_limiter.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>

namespace sluice::governance {
namespace {

// Refill arithmetic in doubles: a bucket that is full to a billionth of a unit is full.
constexpr double kEpsilon = 1e-9;

using std::chrono::milliseconds;

milliseconds ceil_ms(double ms) {
  return milliseconds(static_cast<std::int64_t>(std::ceil(std::max(0.0, ms) - kEpsilon)));
}

// Milliseconds until `available` reaches `want` in a bucket refilled at `per_minute`.
double wait_ms(double available, double want, std::int64_t per_minute) {
  if (available + kEpsilon >= want) return 0;
  return (want - available) * 60000.0 / static_cast<double>(per_minute);
}

RateState state_of(double available, std::int64_t capacity) {
  RateState st;
  st.limit = capacity;
  st.remaining = static_cast<std::int64_t>(std::floor(std::max(0.0, available) + kEpsilon));
  st.reset = ceil_ms(wait_ms(available, static_cast<double>(capacity), capacity));
  return st;
}

// Whole seconds and up to three decimals, trailing zeros dropped: "1", "1.5", "1.05".
char* put_seconds(char* out, std::int64_t ms) {
  out = std::to_chars(out, out + 20, ms / 1000).ptr;
  if (auto frac = ms % 1000; frac != 0) {
    *out++ = '.';
    char digits[3] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10)};
    int n = 3;
    while (digits[n - 1] == '0') --n;
    out = std::copy(digits, digits + n, out);
  }
  return out;
}

// OpenAI's reset format, printed into `out` (at least kDurationChars): see openai_duration.
constexpr std::size_t kDurationChars = 48;
char* put_openai_duration(char* out, milliseconds d) {
  const std::int64_t ms = std::max<std::int64_t>(0, d.count());
  if (ms < 1000) {
    out = std::to_chars(out, out + 4, ms).ptr;
    *out++ = 'm';
    *out++ = 's';
    return out;
  }
  // Go's time.Duration format past a second: "1.5s", "6m0s", "1h2m3s", "1h0m0.5s".
  if (ms >= 60000) {
    if (const auto hours = ms / 3600000; hours > 0) {
      out = std::to_chars(out, out + 20, hours).ptr;
      *out++ = 'h';
    }
    out = std::to_chars(out, out + 2, ms / 60000 % 60).ptr;
    *out++ = 'm';
  }
  out = put_seconds(out, ms % 60000);
  *out++ = 's';
  return out;
}

}  // namespace

RateLimiter::Shard& RateLimiter::shard(std::string_view id) {
  return shards_[std::hash<std::string_view>{}(id) % shards_.size()];
}

namespace {

template <class Bucket>
void refill(Bucket& b, std::int64_t rpm, std::int64_t tpm, RateClock::time_point now) {
  if (b.fresh) {
    b.requests = static_cast<double>(rpm);
    b.tokens = static_cast<double>(tpm);
    b.at = now;
    b.fresh = false;
    return;
  }
  if (now <= b.at) return;  // a caller with an older time point: nothing to add
  const double seconds = std::chrono::duration<double>(now - b.at).count();
  // A limit lowered by a reload caps what is available at once; debt is kept as it is.
  if (rpm > 0) {
    b.requests = std::min(static_cast<double>(rpm), b.requests + seconds * rpm / 60.0);
  }
  if (tpm > 0) b.tokens = std::min(static_cast<double>(tpm), b.tokens + seconds * tpm / 60.0);
  b.at = now;
}

}  // namespace

RateDecision RateLimiter::acquire(std::string_view id, std::int64_t rpm, std::int64_t tpm,
                                  std::int64_t tokens, RateClock::time_point now) {
  RateDecision d;
  if (rpm <= 0 && tpm <= 0) return d;
  tokens = std::max<std::int64_t>(0, tokens);
  auto& sh = shard(id);
  const std::lock_guard lock(sh.mu);
  auto it = sh.buckets.find(id);
  if (it == sh.buckets.end()) it = sh.buckets.emplace(std::string(id), Bucket{}).first;
  Bucket& b = it->second;
  refill(b, rpm, tpm, now);
  b.rpm = rpm;

  if (tpm > 0 && tokens > tpm) {
    d.allowed = false;
    d.exhausted = "tokens";  // retry_after stays 0: no amount of waiting makes it fit
  } else {
    const double wait_r = rpm > 0 ? wait_ms(b.requests, 1, rpm) : 0;
    const double wait_t = tpm > 0 ? wait_ms(b.tokens, static_cast<double>(tokens), tpm) : 0;
    if (wait_r > 0 || wait_t > 0) {
      d.allowed = false;
      d.retry_after = ceil_ms(std::max(wait_r, wait_t));
      d.exhausted = wait_t > wait_r ? "tokens" : "requests";
    } else {
      if (rpm > 0) b.requests -= 1;
      if (tpm > 0) b.tokens -= static_cast<double>(tokens);
    }
  }
  if (rpm > 0) d.requests = state_of(b.requests, rpm);
  if (tpm > 0) d.tokens = state_of(b.tokens, tpm);
  return d;
}

void RateLimiter::adjust_tokens(std::string_view id, std::int64_t tpm, std::int64_t delta,
                                RateClock::time_point now) {
  if (tpm <= 0 || delta == 0) return;
  auto& sh = shard(id);
  const std::lock_guard lock(sh.mu);
  auto it = sh.buckets.find(id);
  if (it == sh.buckets.end()) it = sh.buckets.emplace(std::string(id), Bucket{}).first;
  Bucket& b = it->second;
  refill(b, b.rpm, tpm, now);
  // Taking may leave the bucket in debt; returning never fills it past capacity.
  b.tokens = std::min(static_cast<double>(tpm), b.tokens - static_cast<double>(delta));
}

namespace {

// Calls emit(name, value) for each header add_rate_headers documents, the values printed
// into a buffer that lives for the call: one walk for both the Headers and the HeaderLines
// form.
template <class Emit>
void each_rate_header(const RateDecision& d, Emit&& emit) {
  struct Names {
    std::string_view limit;
    std::string_view remaining;
    std::string_view reset;
  };
  static constexpr Names kRequests{"x-ratelimit-limit-requests", "x-ratelimit-remaining-requests",
                                   "x-ratelimit-reset-requests"};
  static constexpr Names kTokens{"x-ratelimit-limit-tokens", "x-ratelimit-remaining-tokens",
                                 "x-ratelimit-reset-tokens"};
  char buf[kDurationChars];
  const auto number = [&](std::string_view name, std::int64_t v) {
    emit(name, std::string_view(buf, std::to_chars(buf, buf + sizeof buf, v).ptr));
  };
  const auto bucket = [&](const Names& n, const RateState& st) {
    number(n.limit, st.limit);
    number(n.remaining, st.remaining);
    emit(n.reset, std::string_view(buf, put_openai_duration(buf, st.reset)));
  };
  if (d.requests) bucket(kRequests, *d.requests);
  if (d.tokens) bucket(kTokens, *d.tokens);
  if (!d.allowed) {
    const auto ms = std::max<std::int64_t>(0, d.retry_after.count());
    number("retry-after", std::max<std::int64_t>(1, (ms + 999) / 1000));
    number("retry-after-ms", ms);
  }
}

}  // namespace

void add_rate_headers(const RateDecision& d, http::Headers& headers) {
  headers.reserve(headers.size() + 8);
  each_rate_header(d, [&](std::string_view name, std::string_view value) {
    headers.push_back({std::string(name), std::string(value)});
  });
}

void add_rate_lines(const RateDecision& d, http::HeaderLines& lines) {
  each_rate_header(
      d, [&](std::string_view name, std::string_view value) { lines.add_printed(name, value); });
}

std::string openai_duration(std::chrono::milliseconds d) {
  char buf[kDurationChars];
  return std::string(buf, put_openai_duration(buf, d));
}

}  // namespace sluice::governance
