// The governance sections of the config: store paths, auth mode, budgets and team limits, and
// the file:line errors a platform engineer gets for mistakes in them.

#include <gtest/gtest.h>

#include "core/config.hpp"

namespace sluice::core {
namespace {

std::optional<std::string> no_env(const char*) {
  return std::nullopt;
}
std::optional<std::string> data_dir_env(const char* name) {
  if (std::string_view(name) == "SLUICE_DATA_DIR") return "/srv/sluice";
  return std::nullopt;
}

Config ok(const std::string& yaml, const std::string& file = "/etc/sluice/sluice.yaml",
          EnvLookup env = no_env) {
  auto r = parse_config(yaml, file, env);
  if (auto* e = std::get_if<ConfigError>(&r)) ADD_FAILURE() << e->to_string();
  return std::holds_alternative<Config>(r) ? std::get<Config>(r) : Config{};
}

ConfigError bad(const std::string& yaml) {
  auto r = parse_config(yaml, "sluice.yaml", no_env);
  EXPECT_TRUE(std::holds_alternative<ConfigError>(r)) << "config was accepted:\n" << yaml;
  return std::holds_alternative<ConfigError>(r) ? std::get<ConfigError>(r) : ConfigError{};
}

TEST(ConfigGovernance, StoreDefaultsBesideTheConfigFile) {
  auto c = ok("");
  EXPECT_EQ(c.store.path, "/etc/sluice/sluice-data/sluice.db");
  EXPECT_EQ(c.store.master_key_file, "/etc/sluice/sluice-data/master.key");
  EXPECT_EQ(c.governance.auth, AuthMode::Auto);
}

TEST(ConfigGovernance, DataDirFromTheEnvironmentAndRelativePaths) {
  auto c = ok("", "/etc/sluice/sluice.yaml", data_dir_env);
  EXPECT_EQ(c.store.path, "/srv/sluice/sluice.db");
  auto d = ok("store: {path: state/gw.db, master_key_file: /run/secrets/mk}\n");
  EXPECT_EQ(d.store.path, "/etc/sluice/state/gw.db");
  EXPECT_EQ(d.store.master_key_file, "/run/secrets/mk");
}

TEST(ConfigGovernance, BudgetsAuthAndLimitsLoad) {
  auto c = ok(R"(auth: on
budgets:
  - {team: payments, limit: 500, period: month, warn: 0.9, action: fallback}
  - {project: checkout, limit: 50, period: 7d, action: throttle, throttle_rpm: 5}
  - {org: true, limit: 10000}
rate_limits:
  teams:
    - {team: payments, rpm: 600, tpm: 2000000}
service_tiers: {outside_allowed: refuse}
)");
  EXPECT_EQ(c.governance.auth, AuthMode::On);
  ASSERT_EQ(c.governance.budgets.size(), 3u);
  const auto& team = c.governance.budgets[0];
  EXPECT_EQ(team.scope, BudgetScopeKind::Team);
  EXPECT_EQ(team.name, "payments");
  EXPECT_DOUBLE_EQ(team.limit_usd, 500);
  EXPECT_DOUBLE_EQ(team.warn, 0.9);
  EXPECT_EQ(team.action, "fallback");
  EXPECT_EQ(c.governance.budgets[1].period, "7d");
  EXPECT_EQ(c.governance.budgets[1].throttle_rpm, 5);
  EXPECT_EQ(c.governance.budgets[2].scope, BudgetScopeKind::Org);
  EXPECT_EQ(c.governance.budgets[2].action, "block");
  ASSERT_EQ(c.governance.team_limits.size(), 1u);
  EXPECT_EQ(c.governance.team_limits[0].tpm, 2000000);
  EXPECT_FALSE(c.governance.downgrade_service_tier);
}

TEST(ConfigGovernance, MistakesAreReportedWhereTheyAre) {
  auto e = bad("budgets:\n  - {team: a, user: b, limit: 5}\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("exactly one of key, user, team, project or org"), std::string::npos);
  e = bad("budgets:\n  - {team: a, limit: 5, period: fortnight}\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_NE(e.message.find("period must be"), std::string::npos);
  e = bad("budgets:\n  - {team: a, limit: 5, action: throttle}\n");
  EXPECT_NE(e.message.find("throttle_rpm"), std::string::npos);
  e = bad("budgets:\n  - {team: a}\n");
  EXPECT_NE(e.message.find("needs limit"), std::string::npos);
  e = bad("auth: maybe\n");
  EXPECT_EQ(e.line, 1);
  EXPECT_NE(e.message.find("auth must be"), std::string::npos);
  e = bad("rate_limits:\n  teams:\n    - {team: a}\n");
  EXPECT_EQ(e.line, 3);
  e = bad("store: {path: a.db, bogus: 1}\n");
  EXPECT_NE(e.message.find("bogus"), std::string::npos);
}

}  // namespace
}  // namespace sluice::core
