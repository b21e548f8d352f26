#include "governance/cost.hpp"

#include <gtest/gtest.h>

#include <random>

namespace sluice::governance {
namespace {

core::ModelInfo sonnet() {
  core::ModelInfo m;
  m.id = "claude-sonnet-4-5";
  m.input = 3;
  m.output = 15;
  m.cache_read = 0.3;
  m.cache_write = 3.75;
  m.max_output = 64000;
  return m;
}

TEST(Cost, PricesEachKindOfTokenAtItsOwnRate) {
  ir::Usage u;
  u.input = 10'000;  // 6'000 plain + 3'000 cache reads + 1'000 cache writes
  u.cache_read = 3'000;
  u.cache_write = 1'000;
  u.output = 2'000;  // reasoning is part of output, not added on top
  u.reasoning = 1'500;
  // 6000*3 + 3000*0.3 + 1000*3.75 + 2000*15 = 18000 + 900 + 3750 + 30000 = 52650 per million.
  EXPECT_NEAR(cost_usd(sonnet(), u), 0.05265, 1e-12);
}

TEST(Cost, UnsetCachePricesFallBackToInputAndRemainderNeverGoesNegative) {
  core::ModelInfo m;
  m.input = 2;
  m.output = 8;
  ir::Usage u;
  u.input = 100;
  u.cache_read = 150;  // an upstream reporting cache reads beyond input
  u.output = 0;
  EXPECT_NEAR(cost_usd(m, u), 150 * 2e-6, 1e-15);
}

TEST(Cost, WorstCaseInputTokensRoundUp) {
  EXPECT_EQ(worst_case_input_tokens(0), 0);
  EXPECT_EQ(worst_case_input_tokens(1), 1);
  EXPECT_EQ(worst_case_input_tokens(3), 1);
  EXPECT_EQ(worst_case_input_tokens(4), 2);
  EXPECT_EQ(worst_case_input_tokens(3000), 1000);
}

TEST(Cost, WorstCaseUsesTheDearestInputPriceAndTheOutputCap) {
  const auto m = sonnet();
  EXPECT_NEAR(worst_case_usd(m, 1000, 100), (1000 * 3.75 + 100 * 15) * 1e-6, 1e-12);
  // No request cap: the model's max_output; neither: 4096.
  EXPECT_NEAR(worst_case_usd(m, 0, 0), 64000 * 15e-6, 1e-12);
  auto bare = m;
  bare.max_output = 0;
  EXPECT_NEAR(worst_case_usd(bare, 0, -1), 4096 * 15e-6, 1e-12);
}

TEST(Cost, WorstCaseBoundsEveryUsageWithinTheEstimate) {
  std::mt19937 rng(7);
  const auto m = sonnet();
  const std::int64_t body_bytes = 30'000, max_output = 2'000;
  const auto input_cap = worst_case_input_tokens(body_bytes);
  const double worst = worst_case_usd(m, input_cap, max_output);
  for (int i = 0; i < 2000; ++i) {
    ir::Usage u;
    u.input = std::uniform_int_distribution<std::int64_t>(0, input_cap)(rng);
    u.cache_read = std::uniform_int_distribution<std::int64_t>(0, u.input)(rng);
    u.cache_write = std::uniform_int_distribution<std::int64_t>(0, u.input - u.cache_read)(rng);
    u.output = std::uniform_int_distribution<std::int64_t>(0, max_output)(rng);
    u.reasoning = u.output / 2;
    ASSERT_LE(cost_usd(m, u), worst + 1e-12) << "input " << u.input << " output " << u.output;
  }
  // All cache writes at the cap is the dearest case and is exactly the bound.
  ir::Usage all_writes{input_cap, max_output, 0, input_cap, 0};
  EXPECT_NEAR(cost_usd(m, all_writes), worst, 1e-12);
}

TEST(Cost, EstimateUsageIsFourBytesPerToken) {
  const auto u = estimate_usage(401, 8);
  EXPECT_EQ(u.input, 101);
  EXPECT_EQ(u.output, 2);
  EXPECT_EQ(u.cache_read, 0);
}

}  // namespace
}  // namespace sluice::governance
