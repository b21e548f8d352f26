#include "governance/rate_limiter.hpp"

#include <gtest/gtest.h>

namespace sluice::governance {
namespace {

using namespace std::chrono_literals;

const RateClock::time_point t0 = RateClock::time_point{} + 1000s;

std::string header(const http::Headers& h, std::string_view name) {
  const auto* v = http::find_header(h, name);
  return v ? *v : "<absent>";
}

TEST(RateLimiter, RequestsPerMinuteRefuseTheFourthAndRefillOverTime) {
  RateLimiter rl;
  for (int i = 0; i < 3; ++i) {
    const auto d = rl.acquire("key:a", 3, 0, 0, t0);
    ASSERT_TRUE(d.allowed) << i;
    ASSERT_TRUE(d.requests.has_value());
    EXPECT_EQ(d.requests->remaining, 2 - i);
    EXPECT_FALSE(d.tokens.has_value());
  }
  const auto refused = rl.acquire("key:a", 3, 0, 0, t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.exhausted, "requests");
  EXPECT_EQ(refused.retry_after, 20s);
  EXPECT_EQ(refused.requests->remaining, 0);
  EXPECT_EQ(refused.requests->reset, 60s);

  http::Headers h;
  add_rate_headers(refused, h);
  EXPECT_EQ(header(h, "x-ratelimit-limit-requests"), "3");
  EXPECT_EQ(header(h, "x-ratelimit-remaining-requests"), "0");
  EXPECT_EQ(header(h, "x-ratelimit-reset-requests"), "1m0s");
  EXPECT_EQ(header(h, "retry-after"), "20");
  EXPECT_EQ(header(h, "retry-after-ms"), "20000");
  EXPECT_EQ(header(h, "x-ratelimit-limit-tokens"), "<absent>");

  EXPECT_FALSE(rl.acquire("key:a", 3, 0, 0, t0 + 19'999ms).allowed);
  EXPECT_TRUE(rl.acquire("key:a", 3, 0, 0, t0 + 20s).allowed);
  EXPECT_FALSE(rl.acquire("key:a", 3, 0, 0, t0 + 20s).allowed);
  // Other ids have buckets of their own.
  EXPECT_TRUE(rl.acquire("key:b", 3, 0, 0, t0).allowed);
}

TEST(RateLimiter, TokensPerMinuteRefuseWhatDoesNotFit) {
  RateLimiter rl;
  auto d = rl.acquire("team:x", 100, 1000, 700, t0);
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(d.tokens->remaining, 300);
  EXPECT_EQ(d.requests->remaining, 99);
  d = rl.acquire("team:x", 100, 1000, 400, t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.exhausted, "tokens");
  EXPECT_EQ(d.retry_after, 6s);  // 100 tokens at 1000/min
  EXPECT_EQ(d.requests->remaining, 99) << "a refusal takes nothing";

  http::Headers h;
  add_rate_headers(d, h);
  EXPECT_EQ(header(h, "x-ratelimit-limit-tokens"), "1000");
  EXPECT_EQ(header(h, "x-ratelimit-remaining-tokens"), "300");
  EXPECT_EQ(header(h, "x-ratelimit-reset-tokens"), "42s");
  EXPECT_EQ(header(h, "x-ratelimit-reset-requests"), "600ms");
  EXPECT_EQ(header(h, "retry-after"), "6");
  EXPECT_TRUE(rl.acquire("team:x", 100, 1000, 400, t0 + 6s).allowed);
}

TEST(RateLimiter, ARequestLargerThanTheWholeLimitCannotWait) {
  RateLimiter rl;
  const auto d = rl.acquire("key:a", 0, 1000, 1001, t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.exhausted, "tokens");
  EXPECT_EQ(d.retry_after, 0ms);
  EXPECT_EQ(d.tokens->remaining, 1000);
  http::Headers h;
  add_rate_headers(d, h);
  EXPECT_EQ(header(h, "retry-after"), "1");
  EXPECT_EQ(header(h, "retry-after-ms"), "0");
}

TEST(RateLimiter, UnlimitedMeansNoBucketAndNoHeaders) {
  RateLimiter rl;
  const auto d = rl.acquire("key:a", 0, 0, 1'000'000, t0);
  EXPECT_TRUE(d.allowed);
  EXPECT_FALSE(d.requests.has_value());
  EXPECT_FALSE(d.tokens.has_value());
  http::Headers h;
  add_rate_headers(d, h);
  EXPECT_TRUE(h.empty());
}

TEST(RateLimiter, TokenDebtDelaysTheNextRequest) {
  RateLimiter rl;
  ASSERT_TRUE(rl.acquire("key:a", 0, 600, 100, t0).allowed);
  // The response used 1000 tokens more than reserved: the bucket is 500 in debt.
  rl.adjust_tokens("key:a", 600, 1000, t0);
  auto d = rl.acquire("key:a", 0, 600, 100, t0);
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retry_after, 60s);  // 600 tokens at 10 per second
  EXPECT_EQ(d.tokens->remaining, 0);
  EXPECT_TRUE(rl.acquire("key:a", 0, 600, 100, t0 + 60s).allowed);
  // Returning tokens never fills past capacity.
  rl.adjust_tokens("key:a", 600, -10'000, t0 + 60s);
  d = rl.acquire("key:a", 0, 600, 600, t0 + 60s);
  EXPECT_TRUE(d.allowed);
  EXPECT_EQ(d.tokens->remaining, 0);
}

TEST(RateLimiter, OpenAiDurations) {
  EXPECT_EQ(openai_duration(0ms), "0ms");
  EXPECT_EQ(openai_duration(250ms), "250ms");
  EXPECT_EQ(openai_duration(999ms), "999ms");
  EXPECT_EQ(openai_duration(1s), "1s");
  EXPECT_EQ(openai_duration(1500ms), "1.5s");
  EXPECT_EQ(openai_duration(1050ms), "1.05s");
  EXPECT_EQ(openai_duration(59'999ms), "59.999s");
  EXPECT_EQ(openai_duration(6min), "6m0s");
  EXPECT_EQ(openai_duration(1h + 2min + 3s), "1h2m3s");
  EXPECT_EQ(openai_duration(1h), "1h0m0s");
  EXPECT_EQ(openai_duration(61'500ms), "1m1.5s");
  EXPECT_EQ(openai_duration(-5ms), "0ms");
}

}  // namespace
}  // namespace sluice::governance
