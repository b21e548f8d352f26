// Time windows across timezones, daylight saving and midnight.

#include <gtest/gtest.h>

#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

using test::at;

bool in_window(const std::string& window, const std::string& iso) {
  auto set = test::compile("- id: w\n  match: {time: " + window + "}\n  then: {tag: [t]}\n");
  if (!set) return false;
  SampleRequest r;
  r.now = at(iso);
  return !set->evaluate(r.facts()).matched.empty();
}

TEST(PolicyTime, IanaZoneFollowsDaylightSaving) {
  const std::string berlin = "{hours: '09:00-18:00', timezone: Europe/Berlin}";
  // Winter: CET = UTC+1, so 09:00 local is 08:00Z.
  EXPECT_FALSE(in_window(berlin, "2026-01-15T07:59:00Z"));
  EXPECT_TRUE(in_window(berlin, "2026-01-15T08:00:00Z"));
  EXPECT_TRUE(in_window(berlin, "2026-01-15T16:59:00Z"));
  EXPECT_FALSE(in_window(berlin, "2026-01-15T17:00:00Z"));
  // Summer: CEST = UTC+2, so 09:00 local is 07:00Z.
  EXPECT_TRUE(in_window(berlin, "2026-07-15T07:00:00Z"));
  EXPECT_FALSE(in_window(berlin, "2026-07-15T16:00:00Z"));
  // The switch itself: 2026-03-29 01:00Z is 03:00 CEST.
  const std::string early = "{hours: '02:30-03:30', timezone: Europe/Berlin}";
  EXPECT_FALSE(in_window(early, "2026-03-29T00:59:00Z"));  // 01:59 CET
  EXPECT_TRUE(in_window(early, "2026-03-29T01:00:00Z"));   // 03:00 CEST
}

TEST(PolicyTime, ZonesOnBothSidesOfUtcAndTheirDays) {
  // 2026-11-23T23:30Z is Monday in UTC, already Tuesday in Tokyo, still Monday in New York.
  const std::string t = "2026-11-23T23:30:00Z";
  EXPECT_TRUE(in_window("{days: [mon], timezone: UTC}", t));
  EXPECT_TRUE(in_window("{days: [tue], timezone: Asia/Tokyo}", t));
  EXPECT_FALSE(in_window("{days: [mon], timezone: Asia/Tokyo}", t));
  EXPECT_TRUE(in_window("{days: [mon], hours: '18:00-19:00', timezone: America/New_York}", t));
  // A half-hour zone.
  EXPECT_TRUE(in_window("{hours: '05:00-05:30', timezone: Asia/Kolkata}", t));  // 05:00 IST
}

TEST(PolicyTime, FixedOffsetsAndUtc) {
  const std::string t = "2026-11-23T10:15:00Z";
  EXPECT_TRUE(in_window("{hours: '12:00-13:00', timezone: '+02:00'}", t));
  EXPECT_TRUE(in_window("{hours: '04:30-05:00', timezone: '-0545'}", t));
  EXPECT_TRUE(in_window("{hours: '10:00-11:00', timezone: UTC}", t));
  EXPECT_TRUE(in_window("{hours: '10:00-11:00'}", t));  // UTC by default
  EXPECT_FALSE(in_window("{hours: '10:00-11:00', timezone: '+01:00'}", t));
}

TEST(PolicyTime, WindowsAcrossMidnightBelongToTheDayTheyStart) {
  const std::string fri_night = "{days: [fri], hours: '22:00-06:00', timezone: UTC}";
  EXPECT_TRUE(in_window(fri_night, "2026-11-27T23:00:00Z"));   // Friday 23:00
  EXPECT_TRUE(in_window(fri_night, "2026-11-28T05:59:00Z"));   // Saturday 05:59
  EXPECT_FALSE(in_window(fri_night, "2026-11-28T06:00:00Z"));  // Saturday 06:00
  EXPECT_FALSE(in_window(fri_night, "2026-11-27T05:00:00Z"));  // Friday 05:00: Thursday's night
  EXPECT_FALSE(in_window(fri_night, "2026-11-27T21:59:00Z"));
  // Ending at midnight, and the whole day.
  EXPECT_TRUE(in_window("{hours: '20:00-00:00'}", "2026-11-27T23:59:00Z"));
  EXPECT_FALSE(in_window("{hours: '20:00-00:00'}", "2026-11-28T00:00:00Z"));
  EXPECT_TRUE(in_window("{hours: '00:00-24:00'}", "2026-11-28T00:00:00Z"));
}

TEST(PolicyTime, DayRangesAndNames) {
  const std::string t = "2026-11-29T12:00:00Z";  // a Sunday
  EXPECT_FALSE(in_window("{days: mon-fri}", t));
  EXPECT_TRUE(in_window("{days: [sat-sun]}", t));
  EXPECT_TRUE(in_window("{days: fri-mon}", t));  // wraps over the weekend
  EXPECT_TRUE(in_window("{days: [Sunday]}", t));
}

}  // namespace
}  // namespace sluice::policy
