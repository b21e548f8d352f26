#include "governance/keys.hpp"

#include "core/text.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace sluice::governance {
namespace {

using namespace std::chrono_literals;

TEST(Keys, GeneratedKeysAreBase64UrlAfterThePrefixAndDiffer) {
  const auto a = generate_key();
  const auto b = generate_key();
  ASSERT_EQ(a.size(), kKeyPrefix.size() + 43);
  EXPECT_EQ(a.substr(0, kKeyPrefix.size()), kKeyPrefix);
  for (const char c : a.substr(kKeyPrefix.size())) {
    const bool url_safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                          (c >= '0' && c <= '9') || c == '-' || c == '_';
    EXPECT_TRUE(url_safe) << "unexpected character '" << c << "' in " << a;
  }
  EXPECT_NE(a, b);
  EXPECT_EQ(display_prefix(a), a.substr(0, 14));
}

TEST(Keys, KeyIdsAreKeyAndSixteenHexDigits) {
  const auto id = generate_key_id();
  ASSERT_EQ(id.size(), 20u);
  EXPECT_EQ(id.substr(0, 4), "key_");
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 4), std::string::npos);
  EXPECT_NE(id, generate_key_id());
}

TEST(Keys, HashIsHexSha256) {
  EXPECT_EQ(hash_key("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_key(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_TRUE(same_secret(hash_key("abc"), hash_key("abc")));
  EXPECT_FALSE(same_secret(hash_key("abc"), hash_key("abd")));
  EXPECT_FALSE(same_secret("abc", "abcd"));
}

TEST(Keys, GlobMatchesWholeNamesWithStarAndQuestionMark) {
  EXPECT_TRUE(core::glob_match("claude-*", "claude-sonnet-4-5"));
  EXPECT_FALSE(core::glob_match("gpt-5*", "gpt-4o"));
  EXPECT_TRUE(core::glob_match("gpt-5*", "gpt-5"));
  EXPECT_TRUE(core::glob_match("gpt-?o", "gpt-4o"));
  EXPECT_FALSE(core::glob_match("gpt-?o", "gpt-o"));
  EXPECT_TRUE(core::glob_match("*", ""));
  EXPECT_TRUE(core::glob_match("*", "anything/at-all"));
  EXPECT_TRUE(core::glob_match("*-mini", "gpt-4o-mini"));
  EXPECT_FALSE(core::glob_match("*-mini", "gpt-4o-mini-2"));
  EXPECT_TRUE(core::glob_match("a*b*c", "axxbyyc"));
  EXPECT_FALSE(core::glob_match("a*b*c", "axxbyy"));
  EXPECT_FALSE(core::glob_match("claude", "claude-3"));
  EXPECT_FALSE(core::glob_match("Claude-*", "claude-3"));
  EXPECT_FALSE(core::glob_match("", "x"));
  EXPECT_TRUE(core::glob_match("", ""));
}

TEST(Keys, PathologicalGlobFinishesQuickly) {
  const std::string text(20000, 'a');
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_FALSE(core::glob_match("a*a*a*a*a*a*a*a*b", text));
  EXPECT_TRUE(core::glob_match("a*a*a*a*a*a*a*a*a", text));
  // A backtracking matcher takes ages here; the iterative one is linear-ish per star.
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 2s);
}

TEST(Keys, ModelAllowlistMatchesTheModelPartOfProviderNames) {
  const std::vector<std::string> allow = {"claude-*", "gpt-5*"};
  EXPECT_TRUE(model_allowed({}, "anything"));
  EXPECT_TRUE(model_allowed(allow, "claude-sonnet-4-5"));
  EXPECT_TRUE(model_allowed(allow, "anthropic/claude-sonnet-4-5"));
  EXPECT_TRUE(model_allowed(allow, "openai/gpt-5-mini"));
  EXPECT_FALSE(model_allowed(allow, "openai/gpt-4o"));
  EXPECT_FALSE(model_allowed(allow, "gemini-2.5-pro"));
  EXPECT_TRUE(model_allowed({"openai/*"}, "openai/gpt-4o"));
  EXPECT_FALSE(model_allowed({"openai/*"}, "gpt-4o"));
}

TEST(Keys, SplitListTrimsAndDropsEmptyItems) {
  EXPECT_EQ(core::split_list("claude-*, gpt-5* ,,  "),
            (std::vector<std::string>{"claude-*", "gpt-5*"}));
  EXPECT_TRUE(core::split_list("").empty());
  EXPECT_EQ(core::split_list("one"), std::vector<std::string>{"one"});
}

TEST(Keys, ParseLifetime) {
  EXPECT_EQ(parse_lifetime("30d"), std::chrono::seconds(30 * 86400));
  EXPECT_EQ(parse_lifetime("12h"), std::chrono::seconds(12 * 3600));
  EXPECT_EQ(parse_lifetime("90m"), std::chrono::seconds(90 * 60));
  EXPECT_EQ(parse_lifetime("45s"), std::chrono::seconds(45));
  EXPECT_EQ(parse_lifetime("2w"), std::chrono::seconds(14 * 86400));
  for (const auto* bad :
       {"", "d", "0d", "-1d", "5", "5y", "1.5d", "d5", "5 d", "99999999999999999w"}) {
    EXPECT_FALSE(parse_lifetime(bad).has_value()) << bad;
  }
}

TEST(Keys, ParseBudget) {
  auto b = parse_budget("50/month");
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->usd, 50);
  EXPECT_EQ(b->period, "month");
  b = parse_budget("$5.5/week");
  ASSERT_TRUE(b);
  EXPECT_DOUBLE_EQ(b->usd, 5.5);
  EXPECT_EQ(b->period, "week");
  b = parse_budget("100/7d");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->period, "7d");
  b = parse_budget("10/daily");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->period, "day");
  for (const auto* bad : {"", "50", "/month", "50/", "0/month", "-5/month", "abc/month", "50/year",
                          "1e3/month", "inf/month", "nan/day", "$/month", "5$/month"}) {
    EXPECT_FALSE(parse_budget(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace sluice::governance
