#pragma once
// Per-target health: a sliding-window error rate, latency EWMAs, rate-limit state and a circuit
// breaker (closed -> open -> half-open with a single probe -> closed). A target is one
// (provider, account, model). Shared by every event loop; each target has its own short lock,
// and targets outlive config reloads so a reload does not forget that a provider is down.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/config.hpp"

namespace sluice::routing {

using Clock = std::chrono::steady_clock;

enum class Circuit { Closed, Open, HalfOpen };
std::string_view to_string(Circuit c);

/// Why an attempt failed; None is success.
enum class Failure {
  None,
  Connect,        // never reached the upstream
  Timeout,        // connect, first byte or first content too slow
  ServerError,    // 5xx
  RateLimited,    // 429 / 529
  StreamError,    // a 200 whose stream opened with an error event, or broke mid-stream
  ContentFilter,  // the model refused (only when configured as a failure)
};
std::string_view to_string(Failure f);

/// A copy of a target's state for scoring and explanation.
struct HealthView {
  Circuit circuit = Circuit::Closed;
  bool admits = true;           // a request could be sent now (closed, or a probe is due)
  std::uint32_t requests = 0;   // in the window
  std::uint32_t failures = 0;   // in the window (rate limits excluded)
  std::uint32_t throttled = 0;  // 429/529 in the window
  double error_rate = 0;
  int consecutive_failures = 0;
  double ttfb_ms = -1;   // EWMA; -1 = no sample yet
  double total_ms = -1;  // EWMA
  double headroom = 1;   // upstream x-ratelimit remaining / limit; 1 when unknown
  std::optional<Clock::duration> available_in;  // open circuit or retry-after still running
  std::uint32_t in_flight = 0;
};

class TargetHealth {
 public:
  explicit TargetHealth(std::string key) : key_(std::move(key)) {}
  const std::string& key() const { return key_; }

  /// Claims the right to send one request now. Closed: always. Open: no, until open_for has
  /// passed; then exactly one caller becomes the half-open probe. Rate-limited: no.
  bool admit(Clock::time_point now, const core::HealthConfig& cfg);
  void record_success(Clock::time_point now, const core::HealthConfig& cfg, Clock::duration ttfb,
                      Clock::duration total);
  /// `retry_after` (from a 429/529/503) keeps the target out of rotation until it passes.
  void record_failure(Clock::time_point now, const core::HealthConfig& cfg, Failure why,
                      std::optional<Clock::duration> retry_after = std::nullopt);
  /// Upstream x-ratelimit-remaining/limit headers, as a fraction of headroom left.
  void record_headroom(double fraction);
  HealthView view(Clock::time_point now, const core::HealthConfig& cfg) const;

  void enter() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  void leave() { in_flight_.fetch_sub(1, std::memory_order_relaxed); }

 private:
  struct Bucket {
    std::int64_t epoch = -1;  // window slot index since the clock's epoch
    std::uint32_t ok = 0;
    std::uint32_t failed = 0;
    std::uint32_t throttled = 0;
  };
  static constexpr std::size_t kBuckets = 10;
  Bucket& bucket(Clock::time_point now, const core::HealthConfig& cfg);
  void totals(Clock::time_point now, const core::HealthConfig& cfg, std::uint32_t& ok,
              std::uint32_t& failed, std::uint32_t& throttled) const;
  void open(Clock::time_point now, const core::HealthConfig& cfg);

  const std::string key_;
  mutable std::mutex mu_;
  std::array<Bucket, kBuckets> buckets_{};
  Circuit circuit_ = Circuit::Closed;
  Clock::time_point open_until_{};
  Clock::time_point probe_started_{};
  bool probe_in_flight_ = false;
  int consecutive_ = 0;
  double ttfb_ms_ = -1;
  double total_ms_ = -1;
  double headroom_ = 1;
  Clock::time_point limited_until_{};
  std::atomic<std::uint32_t> in_flight_{0};
};

/// Every target's health, keyed by "provider/account/model". Entries are never removed (a
/// handful per configured target), so the references handed out stay valid.
class HealthRegistry {
 public:
  TargetHealth& get(const std::string& provider, const std::string& account,
                    const std::string& model);
  /// All targets, for metrics and the admin API.
  std::vector<TargetHealth*> all() const;

 private:
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::unique_ptr<TargetHealth>> targets_;
};

}  // namespace sluice::routing
