#include <gtest/gtest.h>

#include "routing/health.hpp"

namespace sluice::routing {
namespace {

using namespace std::chrono_literals;

core::HealthConfig config() {
  core::HealthConfig c;
  c.window = 10s;
  c.failure_threshold = 3;
  c.error_rate = 0.5;
  c.min_requests = 10;
  c.open_for = 2s;
  return c;
}

TEST(Health, ConsecutiveFailuresOpenTheCircuitWhichAdmitsOneProbeAfterOpenFor) {
  const auto cfg = config();
  TargetHealth h("p/default/m");
  const auto t0 = Clock::time_point{} + 1000s;
  EXPECT_TRUE(h.admit(t0, cfg));
  h.record_failure(t0, cfg, Failure::ServerError);
  h.record_failure(t0, cfg, Failure::Timeout);
  EXPECT_EQ(h.view(t0, cfg).circuit, Circuit::Closed);
  h.record_failure(t0, cfg, Failure::Connect);
  EXPECT_EQ(h.view(t0, cfg).circuit, Circuit::Open);
  EXPECT_FALSE(h.admit(t0 + 1s, cfg));
  EXPECT_FALSE(h.view(t0 + 1s, cfg).admits);
  ASSERT_TRUE(h.view(t0 + 1s, cfg).available_in.has_value());
  // After open_for exactly one caller becomes the probe.
  EXPECT_TRUE(h.admit(t0 + 2s, cfg));
  EXPECT_EQ(h.view(t0 + 2s, cfg).circuit, Circuit::HalfOpen);
  EXPECT_FALSE(h.admit(t0 + 2s, cfg));
  h.record_success(t0 + 2s, cfg, 5ms, 10ms);
  EXPECT_EQ(h.view(t0 + 2s, cfg).circuit, Circuit::Closed);
  EXPECT_TRUE(h.admit(t0 + 2s, cfg));
  // The failures that opened it are forgotten: one more failure does not reopen it.
  h.record_failure(t0 + 2s, cfg, Failure::ServerError);
  EXPECT_EQ(h.view(t0 + 2s, cfg).circuit, Circuit::Closed);
}

TEST(Health, FailedProbeReopensAndALostProbeDoesNotWedgeTheCircuit) {
  const auto cfg = config();
  TargetHealth h("k");
  const auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 3; ++i) h.record_failure(t0, cfg, Failure::ServerError);
  ASSERT_TRUE(h.admit(t0 + 2s, cfg));
  h.record_failure(t0 + 2s, cfg, Failure::ServerError);
  EXPECT_EQ(h.view(t0 + 2s, cfg).circuit, Circuit::Open);
  EXPECT_FALSE(h.admit(t0 + 3s, cfg));
  ASSERT_TRUE(h.admit(t0 + 4s, cfg));  // probe claimed, never reported (client hung up)
  EXPECT_FALSE(h.admit(t0 + 5s, cfg));
  EXPECT_TRUE(h.admit(t0 + 6s, cfg));  // another probe after open_for
}

TEST(Health, ErrorRateOverTheWindowOpensOnlyWithEnoughRequests) {
  const auto cfg = config();
  TargetHealth h("k");
  const auto t0 = Clock::time_point{} + 1000s;
  // Alternate: never three in a row, but half of ten fail.
  for (int i = 0; i < 4; ++i) {
    h.record_success(t0, cfg, 1ms, 1ms);
    h.record_failure(t0, cfg, Failure::ServerError);
  }
  EXPECT_EQ(h.view(t0, cfg).circuit, Circuit::Closed);  // 8 requests < min_requests
  h.record_success(t0, cfg, 1ms, 1ms);
  h.record_failure(t0, cfg, Failure::ServerError);
  EXPECT_EQ(h.view(t0, cfg).circuit, Circuit::Open);
  EXPECT_DOUBLE_EQ(h.view(t0, cfg).error_rate, 0.5);
}

TEST(Health, OldRequestsLeaveTheWindow) {
  const auto cfg = config();
  TargetHealth h("k");
  const auto t0 = Clock::time_point{} + 1000s;
  h.record_failure(t0, cfg, Failure::ServerError);
  h.record_success(t0, cfg, 1ms, 1ms);
  EXPECT_EQ(h.view(t0, cfg).requests, 2u);
  EXPECT_EQ(h.view(t0 + 11s, cfg).requests, 0u);
  EXPECT_DOUBLE_EQ(h.view(t0 + 11s, cfg).error_rate, 0.0);
}

TEST(Health, RateLimitsHoldTheTargetForRetryAfterWithoutOpeningTheCircuit) {
  const auto cfg = config();
  TargetHealth h("k");
  const auto t0 = Clock::time_point{} + 1000s;
  for (int i = 0; i < 5; ++i) h.record_failure(t0, cfg, Failure::RateLimited, 3s);
  const auto v = h.view(t0, cfg);
  EXPECT_EQ(v.circuit, Circuit::Closed);
  EXPECT_EQ(v.throttled, 5u);
  EXPECT_FALSE(v.admits);
  EXPECT_FALSE(h.admit(t0 + 2s, cfg));
  EXPECT_TRUE(h.admit(t0 + 3s, cfg));
}

TEST(Health, LatencyIsAnEwmaAndTheRegistryKeepsOneRecordPerTarget) {
  const auto cfg = config();
  HealthRegistry reg;
  auto& a = reg.get("p", "default", "m");
  EXPECT_EQ(&a, &reg.get("p", "default", "m"));
  EXPECT_NE(&a, &reg.get("p", "other", "m"));
  const auto t0 = Clock::time_point{} + 1000s;
  a.record_success(t0, cfg, 100ms, 200ms);
  EXPECT_DOUBLE_EQ(a.view(t0, cfg).ttfb_ms, 100);
  a.record_success(t0, cfg, 200ms, 200ms);
  EXPECT_DOUBLE_EQ(a.view(t0, cfg).ttfb_ms, 120);  // 100 + 0.2 * (200 - 100)
  EXPECT_EQ(reg.all().size(), 2u);
}

}  // namespace
}  // namespace sluice::routing
