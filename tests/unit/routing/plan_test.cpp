#include <gtest/gtest.h>

#include <map>

#include "routing/plan.hpp"
#include "routing/retry.hpp"

namespace sluice::routing {
namespace {

using namespace std::chrono_literals;

providers::SnapshotPtr snapshot(const std::string& routes) {
  const std::string yaml = R"(providers:
  - {name: a, type: openai, base_url: "http://a/v1"}
  - {name: b, type: anthropic, base_url: "http://b"}
  - name: multi
    type: openai
    base_url: "http://m/v1"
    accounts: [{name: k1, api_key: x}, {name: k2, api_key: y}]
catalog:
  - {id: small, input: 0.1, output: 0.4, context: 1000, max_output: 500, capabilities: [tools], tier: 1}
  - {id: big, input: 3, output: 15, context: 200000, max_output: 64000, capabilities: [tools, vision, json, reasoning], tier: 5}
  - {id: mid, input: 1, output: 2, context: 100000, max_output: 8000, capabilities: [tools, vision], tier: 3}
routes:
)" + routes;
  auto r = core::parse_config(
      yaml, "t.yaml", [](const char*) -> std::optional<std::string> { return std::nullopt; });
  if (auto* e = std::get_if<core::ConfigError>(&r)) {
    ADD_FAILURE() << e->to_string();
    return nullptr;
  }
  return providers::make_snapshot(std::get<core::Config>(std::move(r)));
}

std::vector<std::string> order(const Plan& p) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < p.eligible; ++i) out.push_back(p.order[i].target->label());
  return out;
}

Plan plan_of(const providers::Snapshot& s, const std::string& route, RequestTraits t = {},
             std::uint64_t seed = 1) {
  PlanOptions o;
  o.seed = seed;
  return plan_route(*s.routes->find(route), t, s.config.routing, o);
}

TEST(Plan, FallbackKeepsOrderAndExcludesUnfitModels) {
  auto s = snapshot("  r: {targets: [a/small, b/big, a/mid]}\n");
  EXPECT_EQ(order(plan_of(*s, "r")), (std::vector<std::string>{"a/small", "b/big", "a/mid"}));
  RequestTraits vision;
  vision.needs = core::kVision;
  const auto p = plan_of(*s, "r", vision);
  EXPECT_EQ(order(p), (std::vector<std::string>{"b/big", "a/mid"}));
  EXPECT_EQ(p.order.back().excluded, Exclusion::Capability);
  RequestTraits large;
  large.prompt_tokens = 5000;
  EXPECT_EQ(plan_of(*s, "r", large).order.back().excluded, Exclusion::Context);
  RequestTraits long_out;
  long_out.max_output = 9000;  // above mid's 8,000
  EXPECT_EQ(order(plan_of(*s, "r", long_out)), (std::vector<std::string>{"b/big"}));
}

TEST(Plan, UnknownModelsAreNotExcluded) {
  auto s = snapshot("  r: {targets: [a/who-knows, b/big]}\n");
  RequestTraits all;
  all.needs = core::kTools | core::kVision | core::kJson | core::kReasoning;
  all.prompt_tokens = 1'000'000;
  EXPECT_EQ(order(plan_of(*s, "r", all)), (std::vector<std::string>{"a/who-knows"}));
}

TEST(Plan, CheapestOrdersByEstimatedCostOfThisRequest) {
  auto s = snapshot("  r: {strategy: cheapest, targets: [b/big, a/mid, a/small]}\n");
  const auto p = plan_of(*s, "r");
  EXPECT_EQ(order(p), (std::vector<std::string>{"a/small", "a/mid", "b/big"}));
  EXPECT_DOUBLE_EQ(p.order[0].score[kCheapest], 1.0);
  EXPECT_LT(p.order[2].score[kCheapest], p.order[1].score[kCheapest]);
  // 100 prompt tokens and 1,024 assumed output at small's prices.
  RequestTraits t;
  t.prompt_tokens = 100;
  EXPECT_NEAR(plan_of(*s, "r", t).order[0].cost_usd, (100 * 0.1 + 1024 * 0.4) / 1e6, 1e-12);
}

TEST(Plan, RoundRobinRotatesAndAccountsTakeTurns) {
  auto s =
      snapshot("  r: {strategy: round-robin, targets: [a/x, b/y]}\n  m: {targets: [multi/z]}\n");
  std::map<std::string, int> first;
  for (int i = 0; i < 10; ++i) ++first[plan_of(*s, "r").order[0].target->label()];
  EXPECT_EQ(first["a/x"], 5);
  EXPECT_EQ(first["b/y"], 5);
  std::map<std::string, int> acct;
  for (int i = 0; i < 10; ++i) ++acct[plan_of(*s, "m").order[0].target->label()];
  EXPECT_EQ(acct["multi/z@k1"], 5);
  EXPECT_EQ(acct["multi/z@k2"], 5);
}

TEST(Plan, WeightedDrawsInProportionAndIsDeterministicPerSeed) {
  auto s = snapshot(
      "  r:\n    strategy: weighted\n    targets: [{target: a/x, weight: 3}, {target: b/y, weight: "
      "1}, "
      "{target: a/z, weight: 0}]\n");
  EXPECT_EQ(order(plan_of(*s, "r", {}, 42)), order(plan_of(*s, "r", {}, 42)));
  std::map<std::string, int> first;
  for (std::uint64_t seed = 1; seed <= 4000; ++seed) {
    ++first[plan_of(*s, "r", {}, seed * 7919).order[0].target->label()];
  }
  EXPECT_NEAR(first["a/x"] / 4000.0, 0.75, 0.03);
  EXPECT_NEAR(first["b/y"] / 4000.0, 0.25, 0.03);
  EXPECT_EQ(first["a/z"], 0);  // weight 0: only ever a last resort
  EXPECT_EQ(plan_of(*s, "r").eligible, 3u);
}

TEST(Plan, ScoredPrefersHealthyAndRecordsEveryContribution) {
  auto s = snapshot(
      "  r:\n    strategy: scored\n    targets: [a/mid, b/mid]\n    weights: {cheapest: 0, "
      "health: 5, latency: 0, capability: 0, context: 0, budget: 0, ratelimit: 0, fairness: 0}\n");
  const auto& cfg = s->config.routing.health;
  auto& ha = *s->routes->find("r")->targets[0].health;
  const auto now = Clock::now();
  ha.record_failure(now, cfg, Failure::ServerError);
  ha.record_success(now, cfg, 1ms, 1ms);
  const auto p = plan_of(*s, "r");
  EXPECT_EQ(order(p), (std::vector<std::string>{"b/mid", "a/mid"}));
  EXPECT_DOUBLE_EQ(p.order[0].total, 5.0);
  EXPECT_DOUBLE_EQ(p.order[1].score[kHealth], 0.5);
  for (const auto& c : p.order) {
    for (double v : c.score) {
      EXPECT_GE(v, 0.0);
      EXPECT_LE(v, 1.0);
    }
  }
}

TEST(Plan, LeastLatencyTriesUnmeasuredFirstThenFastest) {
  auto s = snapshot("  r: {strategy: least-latency, targets: [a/x, b/y, a/z]}\n");
  const auto& cfg = s->config.routing.health;
  const auto& targets = s->routes->find("r")->targets;
  targets[0].health->record_success(Clock::now(), cfg, 300ms, 300ms);
  targets[1].health->record_success(Clock::now(), cfg, 100ms, 100ms);
  EXPECT_EQ(order(plan_of(*s, "r")), (std::vector<std::string>{"a/z", "b/y", "a/x"}));
}

TEST(Plan, OpenCircuitsAndRateLimitsAreExcluded) {
  auto s = snapshot("  r: {targets: [a/x, b/y]}\n");
  const auto& cfg = s->config.routing.health;
  auto* h = s->routes->find("r")->targets[0].health;
  for (int i = 0; i < cfg.failure_threshold; ++i) {
    h->record_failure(Clock::now(), cfg, Failure::ServerError);
  }
  auto p = plan_of(*s, "r");
  EXPECT_EQ(order(p), (std::vector<std::string>{"b/y"}));
  EXPECT_EQ(p.order[1].excluded, Exclusion::CircuitOpen);
  s->routes->find("r")->targets[1].health->record_failure(Clock::now(), cfg, Failure::RateLimited,
                                                          30s);
  p = plan_of(*s, "r");
  EXPECT_EQ(p.eligible, 0u);
}

TEST(Retry, StatusesRetryAfterHeadroomAndBackoff) {
  EXPECT_EQ(failure_of_status(429), Failure::RateLimited);
  EXPECT_EQ(failure_of_status(529), Failure::RateLimited);
  EXPECT_EQ(failure_of_status(503), Failure::ServerError);
  EXPECT_EQ(failure_of_status(400), Failure::None);
  EXPECT_EQ(failure_of_status(200), Failure::None);
  EXPECT_EQ(*retry_after_of({{"retry-after", "2"}}), std::chrono::seconds(2));
  EXPECT_EQ(*retry_after_of({{"retry-after", "2"}, {"retry-after-ms", "1500"}}), 1500ms);
  EXPECT_EQ(*retry_after_of({{"retry-after", "Wed, 21 Oct 2015 07:28:00 GMT"}}), 0s);  // past
  EXPECT_FALSE(retry_after_of({{"retry-after", "soon"}}));
  EXPECT_FALSE(retry_after_of({}));
  EXPECT_DOUBLE_EQ(*headroom_of({{"x-ratelimit-remaining-requests", "25"},
                                 {"x-ratelimit-limit-requests", "100"}}),
                   0.25);
  EXPECT_DOUBLE_EQ(*headroom_of({{"anthropic-ratelimit-requests-remaining", "9"},
                                 {"anthropic-ratelimit-requests-limit", "10"}}),
                   0.9);
  EXPECT_FALSE(headroom_of({{"x-ratelimit-remaining-requests", "25"}}));
  core::RoutingConfig cfg;
  cfg.backoff = 100ms;
  cfg.backoff_max = 1s;
  for (std::uint64_t r : {0ULL, ~0ULL, 12345678901234ULL}) {
    EXPECT_GE(backoff(1, cfg, r), 50ms);
    EXPECT_LE(backoff(1, cfg, r), 100ms);
    EXPECT_GE(backoff(3, cfg, r), 200ms);
    EXPECT_LE(backoff(3, cfg, r), 400ms);
    EXPECT_LE(backoff(30, cfg, r), 1s);
  }
}

}  // namespace
}  // namespace sluice::routing
