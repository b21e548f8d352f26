#pragma once
// Retry decisions: which upstream answers are worth another attempt, how long an upstream asks
// us to wait (retry-after), how much rate-limit headroom it reports, and jittered backoff.

#include <chrono>
#include <cstdint>
#include <optional>

#include "core/config.hpp"
#include "http/message.hpp"
#include "routing/health.hpp"

namespace sluice::routing {

/// The failure an upstream status means: 429/529 RateLimited, 5xx and 408 ServerError, else None
/// (a 4xx is the request's fault; another provider would say the same).
Failure failure_of_status(int status);

/// retry-after-ms, or retry-after as seconds or an HTTP date; nullopt when absent or invalid.
std::optional<Clock::duration> retry_after_of(const http::Headers& upstream);

/// remaining/limit from x-ratelimit-*-requests (OpenAI) or anthropic-ratelimit-requests-*.
std::optional<double> headroom_of(const http::Headers& upstream);

/// Wait before re-trying a target already tried in this request, for the `round`-th time
/// (1-based): full jitter over an exponential ramp, capped at routing.backoff_max.
Clock::duration backoff(int round, const core::RoutingConfig& cfg, std::uint64_t random);

}  // namespace sluice::routing
