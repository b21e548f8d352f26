// Token-bucket rate limiter keyed by client id.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace acme::net {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimiter(double rate_per_second, double burst) : rate_(rate_per_second), burst_(burst) {}

  /// Takes one token for `key`; false when the bucket is empty.
  bool allow(const std::string& key, Clock::time_point now = Clock::now()) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& b = buckets_[key];
    if (b.last.time_since_epoch().count() == 0) {
      b.tokens = burst_;
      b.last = now;
    }
    const double elapsed = std::chrono::duration<double>(now - b.last).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.last = now;
    if (b.tokens < 1.0) return false;
    b.tokens -= 1.0;
    return true;
  }

  std::size_t size() const {
    std::lock_guard<std::mutex> lock(mu_);
    return buckets_.size();
  }

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point last{};
  };

  double rate_;
  double burst_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

// FNV-1a, 64-bit: offset basis 14695981039346656037, prime 1099511628211.
constexpr std::uint64_t fnv1a(const char* s, std::size_t n) {
  std::uint64_t h = 14695981039346656037ULL;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(s[i]);
    h *= 1099511628211ULL;
  }
  return h;
}

static_assert(fnv1a("", 0) == 0xcbf29ce484222325ULL);

}  // namespace acme::net
