#include "governance/period.hpp"

#include <gtest/gtest.h>

namespace sluice::governance {
namespace {

using namespace std::chrono;

std::int64_t at(int y, unsigned m, unsigned d, int hour = 0, int minute = 0) {
  const sys_days date{year{y} / month{m} / day{d}};
  return duration_cast<milliseconds>(date.time_since_epoch() + hours{hour} + minutes{minute})
      .count();
}

Period parsed(std::string_view text) {
  auto p = Period::parse(text);
  EXPECT_TRUE(p.has_value()) << text;
  return p.value_or(Period{});
}

TEST(Period, ParseAndToStringRoundTrip) {
  for (const auto* text : {"month", "week", "day", "7d", "12h", "90m", "45s", "14d"}) {
    EXPECT_EQ(parsed(text).to_string(), text);
  }
  EXPECT_EQ(parsed("monthly").to_string(), "month");
  EXPECT_EQ(parsed("weekly").kind, Period::Kind::Week);
  EXPECT_EQ(parsed("daily").kind, Period::Kind::Day);
  EXPECT_EQ(parsed("2w").to_string(), "14d");
  EXPECT_EQ(parsed("60m").to_string(), "1h");
  EXPECT_FALSE(Period::parse("year").has_value());
  EXPECT_FALSE(Period::parse("").has_value());
}

TEST(Period, MonthWindowIsTheUtcCalendarMonth) {
  const auto w = window_of(parsed("month"), at(2026, 11, 21, 15, 30));
  EXPECT_EQ(w.start_ms, at(2026, 11, 1));
  EXPECT_EQ(w.end_ms, at(2026, 12, 1));
  EXPECT_EQ(iso8601(w.end_ms), "2026-12-01T00:00:00Z");
  // The last millisecond of November is still November; midnight is December.
  EXPECT_EQ(window_of(parsed("month"), at(2026, 12, 1) - 1).end_ms, at(2026, 12, 1));
  EXPECT_EQ(window_of(parsed("month"), at(2026, 12, 1)).start_ms, at(2026, 12, 1));
}

TEST(Period, DecemberRollsIntoJanuary) {
  const auto w = window_of(parsed("month"), at(2026, 12, 31, 23, 59));
  EXPECT_EQ(w.start_ms, at(2026, 12, 1));
  EXPECT_EQ(w.end_ms, at(2027, 1, 1));
  EXPECT_EQ(iso8601(w.end_ms), "2027-01-01T00:00:00Z");
}

TEST(Period, FebruaryOfALeapYearHas29Days) {
  const auto w = window_of(parsed("month"), at(2028, 2, 10));
  EXPECT_EQ(w.end_ms, at(2028, 3, 1));
  EXPECT_EQ(w.end_ms - w.start_ms, 29LL * 86400 * 1000);
  const auto common = window_of(parsed("month"), at(2027, 2, 10));
  EXPECT_EQ(common.end_ms - common.start_ms, 28LL * 86400 * 1000);
}

TEST(Period, WeeksStartOnMondayUtc) {
  // 2026-11-21 is a Saturday; its week began on Monday 2026-11-16.
  auto w = window_of(parsed("week"), at(2026, 11, 21, 12));
  EXPECT_EQ(utc_day(w.start_ms), "2026-11-16");
  EXPECT_EQ(utc_day(w.end_ms), "2026-11-23");
  // A Monday starts its own week; the Sunday before belongs to the previous one.
  w = window_of(parsed("week"), at(2026, 11, 23));
  EXPECT_EQ(w.start_ms, at(2026, 11, 23));
  w = window_of(parsed("week"), at(2026, 11, 22, 23, 59));
  EXPECT_EQ(w.start_ms, at(2026, 11, 16));
}

TEST(Period, DaysStartAtUtcMidnight) {
  const auto w = window_of(parsed("day"), at(2026, 11, 21, 23, 59));
  EXPECT_EQ(w.start_ms, at(2026, 11, 21));
  EXPECT_EQ(w.end_ms, at(2026, 11, 22));
}

TEST(Period, FixedWindowsAreAlignedToTheEpoch) {
  const auto p = parsed("7d");
  const std::int64_t len = 7LL * 86400 * 1000;
  const auto now = at(2026, 11, 21, 8);
  const auto w = window_of(p, now);
  EXPECT_EQ(w.start_ms % len, 0);
  EXPECT_EQ(w.end_ms - w.start_ms, len);
  EXPECT_LE(w.start_ms, now);
  EXPECT_GT(w.end_ms, now);
  // Any instant in the same window agrees on it; the next one starts where this one ends.
  EXPECT_EQ(window_of(p, w.start_ms).start_ms, w.start_ms);
  EXPECT_EQ(window_of(p, w.end_ms - 1).start_ms, w.start_ms);
  EXPECT_EQ(window_of(p, w.end_ms).start_ms, w.end_ms);
}

TEST(Period, Iso8601AndUtcDay) {
  EXPECT_EQ(iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601(at(2026, 11, 21, 15, 30) + 42'999), "2026-11-21T15:30:42Z");
  EXPECT_EQ(utc_day(at(2026, 11, 21, 23, 59)), "2026-11-21");
  EXPECT_EQ(utc_day(-1), "1969-12-31");
  EXPECT_GT(now_ms(), at(2024, 1, 1));
}

}  // namespace
}  // namespace sluice::governance
