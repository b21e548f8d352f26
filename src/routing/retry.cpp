#include "routing/retry.hpp"

#include <algorithm>
#include <charconv>
#include <ctime>

namespace sluice::routing {
namespace {

std::optional<double> number(const std::string* text) {
  if (!text) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || v < 0) return std::nullopt;
  return v;
}

/// "Wed, 21 Oct 2015 07:28:00 GMT" -> seconds from now (0 if in the past).
std::optional<double> http_date_from_now(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end) return std::nullopt;
  const auto when = timegm(&tm);
  const auto now = std::time(nullptr);
  return when > now ? static_cast<double>(when - now) : 0.0;
}

}  // namespace

Failure failure_of_status(int status) {
  if (status == 429 || status == 529) return Failure::RateLimited;
  if (status >= 500 || status == 408) return Failure::ServerError;
  return Failure::None;
}

std::optional<Clock::duration> retry_after_of(const http::Headers& h) {
  using std::chrono::duration_cast;
  using dms = std::chrono::duration<double, std::milli>;
  if (auto ms = number(http::find_header(h, "retry-after-ms"))) {
    return duration_cast<Clock::duration>(dms(*ms));
  }
  const std::string* ra = http::find_header(h, "retry-after");
  if (!ra) return std::nullopt;
  auto secs = number(ra);
  if (!secs) secs = http_date_from_now(*ra);
  if (!secs) return std::nullopt;
  return duration_cast<Clock::duration>(dms(*secs * 1000));
}

std::optional<double> headroom_of(const http::Headers& h) {
  auto remaining = number(http::find_header(h, "x-ratelimit-remaining-requests"));
  auto limit = number(http::find_header(h, "x-ratelimit-limit-requests"));
  if (!remaining || !limit) {
    remaining = number(http::find_header(h, "anthropic-ratelimit-requests-remaining"));
    limit = number(http::find_header(h, "anthropic-ratelimit-requests-limit"));
  }
  if (!remaining || !limit || *limit <= 0) return std::nullopt;
  return std::clamp(*remaining / *limit, 0.0, 1.0);
}

Clock::duration backoff(int round, const core::RoutingConfig& cfg, std::uint64_t random) {
  const auto base = std::chrono::duration_cast<Clock::duration>(cfg.backoff);
  const auto cap = std::chrono::duration_cast<Clock::duration>(cfg.backoff_max);
  Clock::duration ceiling = base * (1L << std::clamp(round - 1, 0, 20));
  ceiling = std::min(ceiling, cap);
  // Full jitter: anywhere in [ceiling/2, ceiling], so retries from many clients do not align.
  const double frac = 0.5 + 0.5 * static_cast<double>(random >> 11) * 0x1.0p-53;
  return std::chrono::duration_cast<Clock::duration>(ceiling * frac);
}

}  // namespace sluice::routing
