// The intel: graph / sensitive_zones config: defaults, values, and every mistake rejected at
// its line with what to write instead.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "intel/graph/zones.hpp"

namespace sluice::intel::graph {
namespace {

std::variant<GraphConfig, core::ConfigError> parse(const std::string& yaml) {
  return parse_graph_config(YAML::Load(yaml)["intel"], "sluice.yaml");
}

std::string error_of(const std::string& yaml) {
  const auto r = parse(yaml);
  const auto* e = std::get_if<core::ConfigError>(&r);
  return e ? e->to_string() : "accepted";
}

TEST(GraphConfig, AbsentMeansDefaults) {
  const auto r = parse("other: 1\n");
  ASSERT_TRUE(std::holds_alternative<GraphConfig>(r));
  const auto& c = std::get<GraphConfig>(r);
  EXPECT_EQ(c.db, "");
  EXPECT_EQ(c.max_dependents, 10000u);
  EXPECT_EQ(c.max_depth, 8u);
  EXPECT_TRUE(c.zones.defaults);
  EXPECT_TRUE(c.zones.paths.empty());
}

TEST(GraphConfig, ReadsEveryKey) {
  const auto r = parse(
      "intel:\n"
      "  graph:\n"
      "    db: /var/lib/sluice/graph.db\n"
      "    max_dependents: 500\n"
      "    max_depth: 3\n"
      "  sensitive_zones:\n"
      "    defaults: false\n"
      "    paths: [\"src/ledger/*\", \"*/secrets.*\"]\n"
      "    symbols: [\"*Password*\"]\n");
  ASSERT_TRUE(std::holds_alternative<GraphConfig>(r)) << std::get<core::ConfigError>(r).to_string();
  const auto& c = std::get<GraphConfig>(r);
  EXPECT_EQ(c.db, "/var/lib/sluice/graph.db");
  EXPECT_EQ(c.max_dependents, 500u);
  EXPECT_EQ(c.max_depth, 3u);
  EXPECT_FALSE(c.zones.defaults);
  EXPECT_EQ(c.zones.paths, (std::vector<std::string>{"src/ledger/*", "*/secrets.*"}));
  EXPECT_EQ(c.zones.symbols, (std::vector<std::string>{"*Password*"}));
}

TEST(GraphConfig, MistakesNameTheirLine) {
  EXPECT_EQ(error_of("intel:\n  graph:\n    dbpath: x\n"),
            "sluice.yaml:3:5: unknown key 'dbpath' in intel.graph (known: db, max_dependents, "
            "max_depth)");
  EXPECT_NE(error_of("intel:\n  graph:\n    max_depth: 0\n").find("sluice.yaml:3:"),
            std::string::npos);
  EXPECT_NE(error_of("intel:\n  graph:\n    max_dependents: lots\n").find("sluice.yaml:3:"),
            std::string::npos);
  EXPECT_NE(error_of("intel:\n  sensitive_zones:\n    paths: src/*\n").find("must be a list"),
            std::string::npos);
  EXPECT_NE(error_of("intel:\n  sensitive_zones:\n    paths:\n      - \"\"\n")
                .find("sluice.yaml:4:9: intel.sensitive_zones.paths entries must not be empty"),
            std::string::npos);
  EXPECT_NE(error_of("intel:\n  sensitive_zones:\n    defaults: maybe\n").find("sluice.yaml:3:"),
            std::string::npos);
  EXPECT_NE(error_of("intel:\n  sensitive_zones:\n    words: [x]\n").find("unknown key 'words'"),
            std::string::npos);
  EXPECT_NE(error_of("intel: [1, 2]\n").find("intel must be a mapping"), std::string::npos);
}

TEST(SensitiveZones, DefaultsAreTheClassifierVocabulary) {
  const SensitiveZones z;
  EXPECT_NE(z.path_zones("src/auth/session.py"), 0);
  EXPECT_NE(z.path_zones("app/billing/invoice.ts"), 0);
  EXPECT_NE(z.path_zones("db/migrations/0042_cents.py"), 0);
  EXPECT_NE(z.path_zones("infra/terraform/main.go"), 0);
  EXPECT_EQ(zone_names(z.path_zones("infra/network/vpn.go")), std::vector<std::string>{"infra"});
  EXPECT_NE(z.path_zones("deploy/k8s/app.py"), 0);
  EXPECT_NE(z.path_zones("lib/crypto/aes.c"), 0);
  EXPECT_EQ(z.path_zones("src/ui/button.tsx"), 0);
  EXPECT_EQ(z.path_zones("src/author/profile.py"), 0);  // words, not substrings
  EXPECT_NE(z.symbol_zones("verifyPassword", "User.verifyPassword"), 0);
  EXPECT_NE(z.symbol_zones("charge_card", "charge_card"), 0);
  EXPECT_EQ(z.symbol_zones("render", "Button.render"), 0);
  EXPECT_EQ(zone_names(z.path_zones("src/auth/login.py")), std::vector<std::string>{"auth"});
}

TEST(SensitiveZones, ConfiguredGlobsAddToOrReplaceThem) {
  SensitiveZoneConfig c;
  c.paths = {"src/ledger/*"};
  c.symbols = {"Ledger.*", "*Settle*"};
  const SensitiveZones with(c);
  EXPECT_EQ(with.path_zones("src/ledger/post.go"), kConfiguredZone);
  EXPECT_EQ(with.symbol_zones("post", "Ledger.post"), kConfiguredZone);
  EXPECT_EQ(with.symbol_zones("trySettleNow", "trySettleNow"), kConfiguredZone);
  EXPECT_NE(with.path_zones("src/auth/x.py"), 0);
  c.defaults = false;
  const SensitiveZones only(c);
  EXPECT_EQ(only.path_zones("src/auth/x.py"), 0);
  EXPECT_EQ(zone_names(kConfiguredZone), std::vector<std::string>{"configured"});
}

}  // namespace
}  // namespace sluice::intel::graph
