// The shipped catalog, config overrides, and the routing half of the config with its errors.

#include <gtest/gtest.h>

#include <set>

#include "core/config.hpp"
#include "core/config_sections.hpp"
#include "providers/catalog.hpp"

namespace sluice {
namespace {

std::variant<core::Config, core::ConfigError> parse(const std::string& yaml) {
  return core::parse_config(yaml, "t.yaml", [](const char* name) -> std::optional<std::string> {
    if (std::string_view(name) == "KEY_TWO") return std::string("secret-two");
    return std::nullopt;
  });
}

std::string error_of(const std::string& yaml) {
  auto r = parse(yaml);
  if (auto* e = std::get_if<core::ConfigError>(&r)) return e->to_string();
  return "accepted";
}

const std::string kProviders = R"(providers:
  - {name: a, type: openai, base_url: "http://a/v1"}
  - {name: b, type: anthropic, base_url: "http://b"}
)";

TEST(Catalog, ShippedDataParsesAndIsComplete) {
  const auto& all = core::shipped_catalog();
  ASSERT_GT(all.size(), 40u);
  std::set<std::string> ids, vendors;
  for (const auto& m : all) {
    EXPECT_TRUE(ids.insert(m.id).second) << "duplicate " << m.id;
    vendors.insert(m.vendor);
    EXPECT_FALSE(m.source.empty()) << m.id;
    EXPECT_EQ(m.as_of.size(), 10u) << m.id << " as_of " << m.as_of;
    EXPECT_GT(m.context, 0u) << m.id;
    EXPECT_GE(m.tier, 1) << m.id;
  }
  for (const char* v : {"openai", "anthropic", "google", "mistral", "xai", "deepseek", "sluice"}) {
    EXPECT_TRUE(vendors.count(v)) << "no " << v << " models in data/catalog.yaml";
  }
}

TEST(Catalog, LookupForgivesDatesTagsAndPrefixes) {
  providers::Catalog c;
  ASSERT_NE(c.find("gpt-5"), nullptr);
  EXPECT_EQ(c.find("gpt-5-2025-08-07"), c.find("gpt-5"));
  EXPECT_EQ(c.find("models/gemini-2.5-pro"), c.find("gemini-2.5-pro"));
  EXPECT_EQ(c.find("qwen3-coder:latest"), c.find("qwen3-coder"));
  EXPECT_EQ(c.find("openrouter/gpt-5"), c.find("gpt-5"));
  EXPECT_EQ(c.find("no-such-model"), nullptr);
  ASSERT_NE(c.find("claude-fake-sonnet"), nullptr);
  EXPECT_DOUBLE_EQ(providers::estimate_cost_usd(*c.find("claude-fake-sonnet"), 1'000'000, 0), 3.0);
}

TEST(Catalog, ConfigOverridesPartlyAndAddsWithTheirOrigin) {
  auto r = parse(kProviders + R"(catalog:
  - {id: gpt-5, input: 0.5}
  - {id: in-house, input: 0, output: 0, context: 32000, capabilities: [tools]}
)");
  ASSERT_TRUE(std::holds_alternative<core::Config>(r))
      << std::get<core::ConfigError>(r).to_string();
  providers::Catalog c(std::get<core::Config>(r).catalog);
  const auto* gpt5 = c.find("gpt-5");
  ASSERT_NE(gpt5, nullptr);
  EXPECT_DOUBLE_EQ(gpt5->input, 0.5);
  EXPECT_DOUBLE_EQ(gpt5->output, core::find_shipped_model("gpt-5")->output);  // kept
  EXPECT_EQ(gpt5->origin, "t.yaml:5");
  ASSERT_NE(c.find("in-house"), nullptr);
  EXPECT_EQ(c.find("in-house")->caps, core::kTools);
}

TEST(Config, RoutesLoadWithShortAndLongTargetsAndDefaults) {
  auto r = parse(kProviders + R"(routing:
  max_attempts: 4
  health: {failure_threshold: 2, open_for: 3s}
routes:
  coding:
    targets: [b/claude-sonnet-4-5, {target: a/gpt-5, weight: 2}]
  spread: {strategy: weighted, targets: [a/x, b/y], max_attempts: 2, deadline: 30s}
aliases:
  code: coding
)");
  ASSERT_TRUE(std::holds_alternative<core::Config>(r))
      << std::get<core::ConfigError>(r).to_string();
  const auto& cfg = std::get<core::Config>(r);
  ASSERT_EQ(cfg.routes.size(), 2u);
  const auto* coding = cfg.find_route("coding");
  ASSERT_NE(coding, nullptr);
  EXPECT_EQ(coding->strategy, core::Strategy::Fallback);
  EXPECT_EQ(coding->targets[1].provider, "a");
  EXPECT_EQ(coding->targets[1].model, "gpt-5");
  EXPECT_DOUBLE_EQ(coding->targets[1].weight, 2);
  EXPECT_EQ(cfg.routing.max_attempts, 4);
  EXPECT_EQ(cfg.routing.health.failure_threshold, 2);
  EXPECT_EQ(*cfg.find_route("spread")->max_attempts, 2);
  EXPECT_EQ(cfg.aliases.at("code"), "coding");
}

TEST(Config, RoutingMistakesNameTheirPlace) {
  EXPECT_EQ(error_of(kProviders + "routes:\n  r: {targets: [nowhere/m]}\n"),
            "t.yaml:5:17: route 'r' target 'nowhere/m' must be provider/model with a configured "
            "provider");
  EXPECT_EQ(error_of(kProviders + "routes:\n  r: {strategy: fastest, targets: [a/m]}\n"),
            "t.yaml:5:17: strategy must be fallback, weighted, round-robin, least-latency, "
            "cheapest or scored");
  EXPECT_EQ(error_of(kProviders + "routes:\n  r: {targets: []}\n"),
            "t.yaml:5:6: route 'r' needs targets: a non-empty list of provider/model");
  EXPECT_EQ(error_of(kProviders +
                     "routes:\n  r: {strategy: weighted, targets: [{target: a/m, weight: 0}]}\n"),
            "t.yaml:5:36: a weighted route needs at least one weight above 0");
  EXPECT_EQ(error_of(kProviders + "routes:\n  r: {targets: [{target: a/m, account: nope}]}\n"),
            "t.yaml:5:40: provider 'a' has no account 'nope'");
  EXPECT_EQ(error_of(kProviders + "routes:\n  r: {targets: [a/m]}\naliases:\n  r: a/m\n"),
            "t.yaml:7:3: 'r' is both an alias and a route; rename one");
  EXPECT_EQ(error_of(kProviders + "routing:\n  health: {error_rate: 2}\n"),
            "t.yaml:5:24: health.error_rate must be between 0.01 and 1");
  EXPECT_EQ(
      error_of(kProviders + "catalog:\n  - {id: new-model, input: 1}\n"),
      "t.yaml:5:5: catalog entry 'new-model' is not in the shipped catalog, so it needs output "
      "(input and output are USD per million tokens, context is tokens)");
  EXPECT_EQ(error_of(kProviders + "catalog:\n  - {id: gpt-5, capabilities: [telepathy]}\n"),
            "t.yaml:5:32: unknown capability 'telepathy' (known: tools, vision, json, reasoning)");
}

TEST(Config, AccountsCarryTheirOwnKeys) {
  auto r = parse(R"(providers:
  - name: o
    type: openai
    base_url: "http://o/v1"
    accounts:
      - {name: one, api_key: inline-one}
      - {name: two, api_key: "${KEY_TWO}"}
)");
  ASSERT_TRUE(std::holds_alternative<core::Config>(r))
      << std::get<core::ConfigError>(r).to_string();
  const auto& p = std::get<core::Config>(r).providers[0];
  ASSERT_EQ(p.accounts.size(), 2u);
  EXPECT_EQ(p.accounts[1].api_key, "secret-two");
  EXPECT_EQ(p.accounts[1].api_key_source, "${KEY_TWO}");
  EXPECT_EQ(error_of(R"(providers:
  - {name: o, type: openai, base_url: "http://o/v1", api_key: k, accounts: [{name: a, api_key: b}]}
)"),
            "t.yaml:2:76: provider 'o' has both api_key and accounts; put every key in accounts");
}

}  // namespace
}  // namespace sluice
