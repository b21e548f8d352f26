#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "acme/version.hpp"

namespace acme {
namespace {

TEST(Version, ParsesSemver) {
  auto v = parse_version("1.24.3");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->major, 1);
  EXPECT_EQ(v->minor, 24);
  EXPECT_EQ(v->patch, 3);
}

TEST(Version, ParsesFourPartBuildNumbers) {
  // Windows file versions: the third part is a build number above 255.
  auto v = parse_version("10.0.19041.1");
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->build, 1);
}

TEST(Version, RejectsGarbage) {
  for (const char* bad : {"", "v", "1..2", "1.2.x", "-1.0.0", "99999999999.0.0"}) {
    EXPECT_FALSE(parse_version(bad).has_value()) << bad;
  }
}

TEST(Version, ComparesNumerically) {
  EXPECT_LT(*parse_version("1.9.0"), *parse_version("1.10.0"));
  EXPECT_LT(*parse_version("2.0.0-rc.1"), *parse_version("2.0.0"));
}

TEST(Checksum, Crc32OfKnownInputs) {
  EXPECT_EQ(crc32(""), 0x00000000u);
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

TEST(Checksum, Adler32) {
  EXPECT_EQ(adler32("Wikipedia"), 300286872u);  // 0x11E60398
}

TEST(Timestamp, MillisecondsSinceEpoch) {
  constexpr std::int64_t kNov2026 = 1795000000000;
  EXPECT_EQ(format_utc(kNov2026), "2026-11-19T11:06:40Z");
  EXPECT_EQ(format_utc(0), "1970-01-01T00:00:00Z");
}

}  // namespace
}  // namespace acme
