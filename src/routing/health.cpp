#include "routing/health.hpp"

#include <algorithm>

namespace sluice::routing {
namespace {

constexpr double kEwmaAlpha = 0.2;  // ~the last ten requests dominate

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void ewma(double& avg, double sample) {
  avg = avg < 0 ? sample : avg + kEwmaAlpha * (sample - avg);
}

}  // namespace

std::string_view to_string(Circuit c) {
  switch (c) {
    case Circuit::Closed:
      return "closed";
    case Circuit::Open:
      return "open";
    case Circuit::HalfOpen:
      return "half-open";
  }
  return "closed";
}

std::string_view to_string(Failure f) {
  switch (f) {
    case Failure::None:
      return "none";
    case Failure::Connect:
      return "connect";
    case Failure::Timeout:
      return "timeout";
    case Failure::ServerError:
      return "server_error";
    case Failure::RateLimited:
      return "rate_limited";
    case Failure::StreamError:
      return "stream_error";
    case Failure::ContentFilter:
      return "content_filter";
  }
  return "none";
}

TargetHealth::Bucket& TargetHealth::bucket(Clock::time_point now, const core::HealthConfig& cfg) {
  const auto width = std::max<Clock::duration>(cfg.window / kBuckets, std::chrono::milliseconds(1));
  const std::int64_t epoch = now.time_since_epoch() / width;
  Bucket& b = buckets_[static_cast<std::size_t>(epoch) % kBuckets];
  if (b.epoch != epoch) b = Bucket{epoch, 0, 0, 0};
  return b;
}

void TargetHealth::totals(Clock::time_point now, const core::HealthConfig& cfg, std::uint32_t& ok,
                          std::uint32_t& failed, std::uint32_t& throttled) const {
  const auto width = std::max<Clock::duration>(cfg.window / kBuckets, std::chrono::milliseconds(1));
  const std::int64_t epoch = now.time_since_epoch() / width;
  ok = failed = throttled = 0;
  for (const auto& b : buckets_) {
    if (b.epoch < 0 || epoch - b.epoch >= static_cast<std::int64_t>(kBuckets)) continue;
    ok += b.ok;
    failed += b.failed;
    throttled += b.throttled;
  }
}

void TargetHealth::open(Clock::time_point now, const core::HealthConfig& cfg) {
  circuit_ = Circuit::Open;
  open_until_ = now + cfg.open_for;
  probe_in_flight_ = false;
}

bool TargetHealth::admit(Clock::time_point now, const core::HealthConfig& cfg) {
  std::lock_guard lock(mu_);
  if (now < limited_until_) return false;
  switch (circuit_) {
    case Circuit::Closed:
      return true;
    case Circuit::Open:
      if (now < open_until_) return false;
      circuit_ = Circuit::HalfOpen;
      probe_in_flight_ = true;
      probe_started_ = now;
      return true;
    case Circuit::HalfOpen:
      // A probe that never reported (its client hung up) must not wedge the circuit.
      if (probe_in_flight_ && now - probe_started_ < cfg.open_for) return false;
      probe_in_flight_ = true;
      probe_started_ = now;
      return true;
  }
  return false;
}

void TargetHealth::record_success(Clock::time_point now, const core::HealthConfig& cfg,
                                  Clock::duration ttfb, Clock::duration total) {
  std::lock_guard lock(mu_);
  ++bucket(now, cfg).ok;
  consecutive_ = 0;
  ewma(ttfb_ms_, ms(ttfb));
  ewma(total_ms_, ms(total));
  if (circuit_ != Circuit::Closed) {
    // The probe came back healthy: close, and forget the failures that opened the circuit so
    // the old error rate does not trip it again at once.
    circuit_ = Circuit::Closed;
    probe_in_flight_ = false;
    for (auto& b : buckets_) b.failed = 0;
  }
}

void TargetHealth::record_failure(Clock::time_point now, const core::HealthConfig& cfg, Failure why,
                                  std::optional<Clock::duration> retry_after) {
  std::lock_guard lock(mu_);
  Bucket& b = bucket(now, cfg);
  if (why == Failure::RateLimited) {
    // Throttling says the upstream is busy, not broken: it steers traffic (ratelimit policy,
    // retry-after) but does not open the circuit.
    ++b.throttled;
    if (retry_after) limited_until_ = std::max(limited_until_, now + *retry_after);
    if (circuit_ == Circuit::HalfOpen) open(now, cfg);
    return;
  }
  ++b.failed;
  ++consecutive_;
  if (retry_after) limited_until_ = std::max(limited_until_, now + *retry_after);
  if (circuit_ == Circuit::HalfOpen) {
    open(now, cfg);
    return;
  }
  if (circuit_ == Circuit::Open) return;
  std::uint32_t ok = 0, failed = 0, throttled = 0;
  totals(now, cfg, ok, failed, throttled);
  const std::uint32_t n = ok + failed;
  const bool rate_trip = n >= static_cast<std::uint32_t>(cfg.min_requests) &&
                         static_cast<double>(failed) >= cfg.error_rate * n;
  if (consecutive_ >= cfg.failure_threshold || rate_trip) open(now, cfg);
}

void TargetHealth::record_headroom(double fraction) {
  std::lock_guard lock(mu_);
  headroom_ = std::clamp(fraction, 0.0, 1.0);
}

HealthView TargetHealth::view(Clock::time_point now, const core::HealthConfig& cfg) const {
  std::lock_guard lock(mu_);
  HealthView v;
  v.circuit = circuit_;
  std::uint32_t ok = 0;
  totals(now, cfg, ok, v.failures, v.throttled);
  v.requests = ok + v.failures + v.throttled;
  v.error_rate = ok + v.failures ? static_cast<double>(v.failures) / (ok + v.failures) : 0;
  v.consecutive_failures = consecutive_;
  v.ttfb_ms = ttfb_ms_;
  v.total_ms = total_ms_;
  v.headroom = headroom_;
  v.in_flight = in_flight_.load(std::memory_order_relaxed);
  Clock::time_point until{};
  if (circuit_ == Circuit::Open && now < open_until_) until = open_until_;
  if (circuit_ == Circuit::HalfOpen && probe_in_flight_ && now - probe_started_ < cfg.open_for) {
    until = probe_started_ + cfg.open_for;
  }
  if (now < limited_until_) until = std::max(until, limited_until_);
  if (until > now) v.available_in = until - now;
  v.admits = !v.available_in;
  return v;
}

TargetHealth& HealthRegistry::get(const std::string& provider, const std::string& account,
                                  const std::string& model) {
  std::string key = provider + "/" + account + "/" + model;
  std::lock_guard lock(mu_);
  auto& slot = targets_[key];
  if (!slot) slot = std::make_unique<TargetHealth>(std::move(key));
  return *slot;
}

std::vector<TargetHealth*> HealthRegistry::all() const {
  std::lock_guard lock(mu_);
  std::vector<TargetHealth*> out;
  out.reserve(targets_.size());
  for (const auto& [k, t] : targets_) out.push_back(t.get());
  std::sort(out.begin(), out.end(),
            [](const TargetHealth* a, const TargetHealth* b) { return a->key() < b->key(); });
  return out;
}

}  // namespace sluice::routing
