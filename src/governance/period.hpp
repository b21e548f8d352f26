#pragma once
// Budget periods: UTC calendar months, weeks (Monday 00:00) and days, or fixed lengths ("7d")
// laid end to end from the Unix epoch, so every instance agrees on when a window starts.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::governance {

struct Period {
  enum class Kind { Month, Week, Day, Fixed };
  Kind kind = Kind::Month;
  std::chrono::seconds length{0};  // Fixed only

  /// "month" | "monthly" | "week" | "weekly" | "day" | "daily" | a lifetime ("7d", "12h").
  static std::optional<Period> parse(std::string_view text);
  std::string to_string() const;  // "month", "7d", ...
};

struct Window {
  std::int64_t start_ms = 0;  // inclusive
  std::int64_t end_ms = 0;    // exclusive: when the budget resets
};

/// The window of `period` holding `now_ms` (Unix milliseconds, UTC).
Window window_of(const Period& period, std::int64_t now_ms);
/// "2026-12-01T00:00:00Z"
std::string iso8601(std::int64_t ms);
/// "2026-11-21" (UTC day of `ms`).
std::string utc_day(std::int64_t ms);
/// Unix milliseconds now (system clock).
std::int64_t now_ms();

}  // namespace sluice::governance
