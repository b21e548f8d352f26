#include <gtest/gtest.h>

#include "routing/auto_table.hpp"
#include "routing/plan.hpp"

namespace sluice::routing {
namespace {

using core::AutoDirection;
using core::AutoTier;

std::variant<providers::SnapshotPtr, core::ConfigError> load(const std::string& extra) {
  const std::string yaml = R"(providers:
  - {name: a, type: openai, base_url: "http://a/v1", models: [small, small2, mid, gpt-fake, text-embedding-fake]}
  - {name: b, type: anthropic, base_url: "http://b", models: [big, local-coder]}
catalog:
  - {id: small, input: 0.1, output: 0.4, context: 100000, tier: 1}
  - {id: small2, input: 0.5, output: 2, context: 100000, tier: 2}
  - {id: mid, input: 1, output: 4, context: 100000, tier: 3}
  - {id: big, input: 3, output: 15, context: 200000, tier: 5}
)" + extra;
  auto r = core::parse_config(
      yaml, "t.yaml", [](const char*) -> std::optional<std::string> { return std::nullopt; });
  if (auto* e = std::get_if<core::ConfigError>(&r)) return *e;
  return providers::make_snapshot(std::get<core::Config>(std::move(r)));
}

providers::SnapshotPtr snap(const std::string& extra = "") {
  auto r = load(extra);
  if (auto* e = std::get_if<core::ConfigError>(&r)) {
    ADD_FAILURE() << e->to_string();
    return nullptr;
  }
  return std::get<providers::SnapshotPtr>(r);
}

std::vector<std::string> models(const Route& r) {
  std::vector<std::string> out;
  for (const auto& t : r.targets) out.push_back(t.label());
  return out;
}

TEST(AutoName, ParsesTierAndDirection) {
  EXPECT_TRUE(is_auto_name("auto"));
  EXPECT_TRUE(is_auto_name("auto:fast"));
  EXPECT_FALSE(is_auto_name("automatic"));
  EXPECT_FALSE(is_auto_name("a/auto"));
  auto plain = std::get<AutoName>(parse_auto_name("auto"));
  EXPECT_FALSE(plain.tier);
  auto full = std::get<AutoName>(parse_auto_name("auto:frontier:speed"));
  EXPECT_EQ(*full.tier, AutoTier::Frontier);
  EXPECT_EQ(*full.direction, AutoDirection::Speed);
  EXPECT_NE(std::get<std::string>(parse_auto_name("auto:medium")).find("unknown tier 'medium'"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(parse_auto_name("auto:fast:slow")).find("'slow'"),
            std::string::npos);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_auto_name("auto:")));
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_auto_name("auto:fast:")));
}

TEST(AutoTierChoice, DefaultsMapIntentsAndRiskRaises) {
  core::AutoConfig cfg;
  EXPECT_EQ(choose_tier(cfg, std::nullopt, 0).tier, AutoTier::Balanced);  // not classified
  EXPECT_EQ(choose_tier(cfg, 0, 0.02).tier, AutoTier::Fast);              // chat
  EXPECT_EQ(choose_tier(cfg, 1, 0.08).tier, AutoTier::Fast);              // trivial_edit
  EXPECT_EQ(choose_tier(cfg, 2, 0.3).tier, AutoTier::Balanced);           // feature
  EXPECT_EQ(choose_tier(cfg, 4, 0.3).tier, AutoTier::Balanced);           // debug
  EXPECT_EQ(choose_tier(cfg, 6, 0.9).tier, AutoTier::Frontier);           // high_stakes
  EXPECT_EQ(choose_tier(cfg, 1, 0.45).tier, AutoTier::Balanced);          // a risky small edit
  const auto risky = choose_tier(cfg, 2, 0.75);
  EXPECT_EQ(risky.tier, AutoTier::Frontier);
  EXPECT_EQ(risky.why, "risk 0.75 >= 0.70");
  cfg.intents[6] = AutoTier::Balanced;
  cfg.risk_frontier = 1.01;  // never
  EXPECT_EQ(choose_tier(cfg, 6, 0.99).tier, AutoTier::Balanced);
}

TEST(AutoTable, TiersComeFromCatalogRangesAndServedModels) {
  auto s = snap();
  ASSERT_TRUE(s);
  EXPECT_EQ(models(s->autos->route(AutoTier::Fast, AutoDirection::Default)),
            (std::vector<std::string>{"a/small", "a/small2"}));
  // gpt-fake is tier 4 in the shipped catalog; big is not listed by `a`, so only `b` has it.
  EXPECT_EQ(models(s->autos->route(AutoTier::Balanced, AutoDirection::Cost)),
            (std::vector<std::string>{"a/mid", "a/gpt-fake"}));
  EXPECT_EQ(models(s->autos->route(AutoTier::Frontier, AutoDirection::Quality)),
            (std::vector<std::string>{"b/big"}));
}

TEST(AutoTable, ExplicitModelsAndRangesFromConfig) {
  auto s = snap(R"(auto:
  tiers:
    fast: {max: 1, models: [b/local-coder]}
    balanced: {min: 2, max: 4}
    frontier: {catalog: false, models: [b/big, a/mid]}
)");
  ASSERT_TRUE(s);
  EXPECT_EQ(models(s->autos->route(AutoTier::Fast, AutoDirection::Default)),
            (std::vector<std::string>{"a/small", "b/local-coder"}));
  EXPECT_EQ(models(s->autos->route(AutoTier::Balanced, AutoDirection::Default)),
            (std::vector<std::string>{"a/small2", "a/mid", "a/gpt-fake"}));
  EXPECT_EQ(models(s->autos->route(AutoTier::Frontier, AutoDirection::Default)),
            (std::vector<std::string>{"b/big", "a/mid"}));
}

TEST(AutoTable, DirectionWeightsOrderTheTier) {
  auto s = snap();
  ASSERT_TRUE(s);
  PlanOptions opts;
  opts.advance = false;
  RequestTraits traits;
  traits.prompt_tokens = 100;
  const auto cost = plan_route(s->autos->route(AutoTier::Fast, AutoDirection::Cost), traits,
                               s->config.routing, opts);
  EXPECT_EQ(cost.order.front().target->model, "small");
  const auto quality = plan_route(s->autos->route(AutoTier::Fast, AutoDirection::Quality), traits,
                                  s->config.routing, opts);
  EXPECT_EQ(quality.order.front().target->model, "small2");
}

TEST(AutoConfigLoad, BadValuesAreRejectedWithTheirLine) {
  const auto error = [](const std::string& extra) {
    auto r = load(extra);
    auto* e = std::get_if<core::ConfigError>(&r);
    return e ? e->to_string() : std::string("accepted");
  };
  EXPECT_NE(error("auto: {default_tier: medium}\n").find("auto.default_tier must be fast"),
            std::string::npos);
  EXPECT_NE(error("auto: {intents: {chitchat: fast}}\n").find("unknown intent 'chitchat'"),
            std::string::npos);
  EXPECT_NE(error("auto: {tiers: {fast: {models: [nope/x]}}}\n").find("configured provider"),
            std::string::npos);
  EXPECT_NE(error("auto: {tiers: {fast: {min: 3, max: 2}}}\n").find("min must not be above"),
            std::string::npos);
  EXPECT_NE(error("auto: {learning: {explore_cap: 0.1, explore_floor: 0.2}}\n").find("floor"),
            std::string::npos);
  EXPECT_NE(error("auto: {directions: {cost: {cheap: 2}}}\n").find("unknown key 'cheap'"),
            std::string::npos);
  const auto e = error("auto:\n  learning:\n    explor_cap: 0.1\n");
  EXPECT_NE(e.find("t.yaml:11:5: unknown key 'explor_cap' in auto.learning"), std::string::npos)
      << e;
  EXPECT_EQ(error("auto: {direction: cost, risk: {frontier: 0.8}, learning: {seed: 3}}\n"),
            "accepted");
}

// A route or alias called auto would be shadowed by auto routing: refused at load.
TEST(AutoConfigLoad, RoutesAndAliasesCannotTakeAutoNames) {
  const auto error = [](const std::string& extra) {
    auto r = load(extra);
    auto* e = std::get_if<core::ConfigError>(&r);
    return e ? e->to_string() : std::string("accepted");
  };
  EXPECT_NE(
      error("routes:\n  auto: {targets: [a/small]}\n").find("t.yaml:10:3: 'auto' is reserved"),
      std::string::npos)
      << error("routes:\n  auto: {targets: [a/small]}\n");
  EXPECT_NE(error("aliases: {'auto:fast': a/small}\n").find("'auto:fast' is reserved"),
            std::string::npos);
  EXPECT_EQ(error("aliases: {autopilot: a/small}\n"), "accepted");
}

}  // namespace
}  // namespace sluice::routing
