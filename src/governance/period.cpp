// Budget windows in UTC, computed with <chrono>'s calendar types so that month lengths, leap
// years and weekdays come from the standard library rather than from hand-written arithmetic.
#include "governance/period.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <limits>

#include "governance/keys.hpp"

namespace sluice::governance {
namespace {

using std::chrono::days;
using std::chrono::milliseconds;
using std::chrono::sys_days;

std::int64_t ms_of(sys_days d) {
  return std::chrono::duration_cast<milliseconds>(d.time_since_epoch()).count();
}

sys_days day_of(std::int64_t ms) {
  // floor, not duration_cast: times before the epoch belong to the day that starts before them.
  return std::chrono::floor<days>(std::chrono::sys_time<milliseconds>(milliseconds(ms)));
}

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const auto q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

std::optional<Period> Period::parse(std::string_view text) {
  if (text == "month" || text == "monthly") return Period{Kind::Month, {}};
  if (text == "week" || text == "weekly") return Period{Kind::Week, {}};
  if (text == "day" || text == "daily") return Period{Kind::Day, {}};
  const auto len = parse_lifetime(text);
  if (!len) return std::nullopt;
  return Period{Kind::Fixed, *len};
}

std::string Period::to_string() const {
  switch (kind) {
    case Kind::Month:
      return "month";
    case Kind::Week:
      return "week";
    case Kind::Day:
      return "day";
    case Kind::Fixed:
      break;
  }
  // Days rather than weeks, so "7d" reads back as written ("this 7d period").
  const auto s = length.count();
  if (s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

Window window_of(const Period& period, std::int64_t now_ms) {
  using std::chrono::months;
  using std::chrono::year_month_day;
  switch (period.kind) {
    case Period::Kind::Month: {
      const year_month_day ymd{day_of(now_ms)};
      const auto first = ymd.year() / ymd.month() / 1;
      return {ms_of(sys_days{first}), ms_of(sys_days{first + months{1}})};
    }
    case Period::Kind::Week: {
      const auto today = day_of(now_ms);
      // weekday subtraction is modulo 7, so this is 0 on Monday and 6 on Sunday.
      const auto since_monday = std::chrono::weekday{today} - std::chrono::Monday;
      const auto monday = today - since_monday;
      return {ms_of(monday), ms_of(monday + days{7})};
    }
    case Period::Kind::Day: {
      const auto today = day_of(now_ms);
      return {ms_of(today), ms_of(today + days{1})};
    }
    case Period::Kind::Fixed:
      break;
  }
  const std::int64_t len = period.length.count() * 1000;
  if (len <= 0)
    return {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()};
  const auto start = floor_div(now_ms, len) * len;
  return {start, start + len};
}

std::string iso8601(std::int64_t ms) {
  const auto day = day_of(ms);
  const std::chrono::year_month_day ymd{day};
  const std::chrono::hh_mm_ss hms{milliseconds(ms) - day.time_since_epoch()};
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  return buf;
}

std::string utc_day(std::int64_t ms) {
  const std::chrono::year_month_day ymd{day_of(ms)};
  // Formatted by hand: snprintf cost ~1,500 instructions, and this runs per request.
  const int y = static_cast<int>(ymd.year());
  const unsigned m = static_cast<unsigned>(ymd.month());
  const unsigned d = static_cast<unsigned>(ymd.day());
  if (y < 0 || y > 9999) return fmt::format("{:04}-{:02}-{:02}", y, m, d);
  std::string out = "0000-00-00";
  out[0] = static_cast<char>('0' + y / 1000);
  out[1] = static_cast<char>('0' + y / 100 % 10);
  out[2] = static_cast<char>('0' + y / 10 % 10);
  out[3] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace sluice::governance
