// The governance half of the config: where state is stored, whether keys are required, budgets
// for users, teams, projects and the org, and team rate limits. Key budgets and limits come with
// each key (`sluice keys create`), not from here.

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <filesystem>

#include "core/config_sections.hpp"
#include "core/yaml_check.hpp"

namespace sluice::core {
namespace {

/// "month" | "week" | "day" (or -ly) | N followed by s, m, h, d or w. governance::Period parses
/// the same grammar; core checks it here so a bad period is a file:line error at load.
bool valid_period(std::string_view p) {
  for (std::string_view named : {"month", "monthly", "week", "weekly", "day", "daily"}) {
    if (p == named) return true;
  }
  if (p.size() < 2) return false;
  if (std::string_view("smhdw").find(p.back()) == std::string_view::npos) return false;
  bool nonzero = false;
  for (char c : p.substr(0, p.size() - 1)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    nonzero = nonzero || c != '0';
  }
  return nonzero;
}

BudgetConfig load_budget(const YAML::Node& n) {
  check_keys(n, "a budget",
             {"key", "user", "team", "project", "org", "limit", "period", "warn", "action",
              "throttle_rpm"});
  BudgetConfig b;
  b.line = n.Mark().line + 1;
  int scopes = 0;
  const std::pair<const char*, BudgetScopeKind> kinds[] = {{"key", BudgetScopeKind::Key},
                                                           {"user", BudgetScopeKind::User},
                                                           {"team", BudgetScopeKind::Team},
                                                           {"project", BudgetScopeKind::Project}};
  for (const auto& [field, kind] : kinds) {
    if (!n[field]) continue;
    ++scopes;
    b.scope = kind;
    b.name = scalar(n[field], field);
    if (b.name.empty()) fail(n[field], std::string(field) + " must not be empty");
  }
  if (n["org"]) {
    ++scopes;
    if (!boolean(n["org"], "org")) fail(n["org"], "org: true is the only form (the whole org)");
    b.scope = BudgetScopeKind::Org;
  }
  if (scopes != 1) {
    fail(n, "a budget names exactly one of key, user, team, project or org: true");
  }
  if (!n["limit"]) fail(n, "a budget needs limit: USD");
  b.limit_usd = number(n["limit"], "limit", 0.000001, 1e12);
  if (n["period"]) {
    b.period = scalar(n["period"], "period");
    if (!valid_period(b.period)) {
      fail(n["period"], "period must be month, week, day or a length like 7d, 12h");
    }
  }
  if (n["warn"]) b.warn = number(n["warn"], "warn", 0, 1);
  if (n["action"]) {
    b.action = scalar(n["action"], "action");
    if (b.action != "block" && b.action != "fallback" && b.action != "throttle") {
      fail(n["action"], "action must be block, fallback or throttle");
    }
  }
  if (n["throttle_rpm"]) {
    b.throttle_rpm = static_cast<std::int64_t>(number(n["throttle_rpm"], "throttle_rpm", 1, 1e9));
  }
  if (b.action == "throttle" && b.throttle_rpm == 0) {
    fail(n, "a throttle budget needs throttle_rpm (the rate allowed once it is spent)");
  }
  return b;
}

TeamLimitConfig load_team_limit(const YAML::Node& n) {
  check_keys(n, "a team rate limit", {"team", "rpm", "tpm"});
  TeamLimitConfig t;
  t.line = n.Mark().line + 1;
  if (!n["team"]) fail(n, "a team rate limit needs team: NAME");
  t.team = scalar(n["team"], "team");
  if (n["rpm"]) t.rpm = static_cast<std::int64_t>(number(n["rpm"], "rpm", 1, 1e9));
  if (n["tpm"]) t.tpm = static_cast<std::int64_t>(number(n["tpm"], "tpm", 1, 1e12));
  if (t.rpm == 0 && t.tpm == 0) fail(n, "a team rate limit needs rpm, tpm or both");
  return t;
}

}  // namespace

void load_store(const YAML::Node& n, StoreConfig& s,
                const std::function<std::string(const YAML::Node&, std::string_view)>& text) {
  check_keys(n, "store", {"path", "master_key_file"});
  if (n["path"]) s.path = text(n["path"], "store.path");
  if (n["master_key_file"]) s.master_key_file = text(n["master_key_file"], "master_key_file");
}

void load_audit(const YAML::Node& n, AuditConfig& a, StoreConfig& s,
                const std::function<std::string(const YAML::Node&, std::string_view)>& text) {
  check_keys(n, "audit",
             {"enabled", "store_content", "durability", "checkpoint_every", "checkpoint_seconds",
              "signing_key_file"});
  if (n["enabled"]) a.enabled = boolean(n["enabled"], "audit.enabled");
  if (const auto c = n["store_content"]) {
    const auto v = scalar(c, "store_content");
    if (v != "none" && v != "encrypted") {
      fail(c, "store_content must be none (hashes only) or encrypted (AES-256-GCM under the "
              "master key)");
    }
    a.store_content = v == "encrypted";
  }
  if (const auto d = n["durability"]) {
    const auto v = scalar(d, "durability");
    if (v != "batched" && v != "strict") fail(d, "durability must be batched or strict");
    a.strict = v == "strict";
  }
  if (n["checkpoint_every"]) {
    a.checkpoint_records =
        static_cast<std::int64_t>(number(n["checkpoint_every"], "checkpoint_every", 1, 1e9));
  }
  if (n["checkpoint_seconds"]) {
    a.checkpoint_seconds =
        static_cast<std::int64_t>(number(n["checkpoint_seconds"], "checkpoint_seconds", 1, 86400));
  }
  if (n["signing_key_file"]) s.audit_key_file = text(n["signing_key_file"], "signing_key_file");
}

void load_governance(const YAML::Node& root, GovernanceConfig& g) {
  if (const auto auth = root["auth"]) {
    const auto mode = scalar(auth, "auth");
    if (mode == "auto") {
      g.auth = AuthMode::Auto;
    } else if (mode == "on" || mode == "true") {
      g.auth = AuthMode::On;
    } else if (mode == "off" || mode == "false") {
      g.auth = AuthMode::Off;
    } else {
      fail(auth, "auth must be auto (on once a key exists), on or off");
    }
  }
  if (const auto budgets = root["budgets"]) {
    if (!budgets.IsSequence()) fail(budgets, "budgets must be a list");
    for (const auto& b : budgets) g.budgets.push_back(load_budget(b));
  }
  if (const auto limits = root["rate_limits"]) {
    check_keys(limits, "rate_limits", {"teams"});
    if (const auto teams = limits["teams"]) {
      if (!teams.IsSequence()) fail(teams, "rate_limits.teams must be a list");
      for (const auto& t : teams) g.team_limits.push_back(load_team_limit(t));
    }
  }
  if (const auto tiers = root["service_tiers"]) {
    check_keys(tiers, "service_tiers", {"outside_allowed"});
    if (tiers["outside_allowed"]) {
      const auto v = scalar(tiers["outside_allowed"], "outside_allowed");
      if (v != "downgrade" && v != "refuse") {
        fail(tiers["outside_allowed"], "outside_allowed must be downgrade or refuse");
      }
      g.downgrade_service_tier = v == "downgrade";
    }
  }
}

void resolve_store_paths(StoreConfig& s, const std::string& config_file, EnvLookup env) {
  namespace fs = std::filesystem;
  const fs::path base = config_file.empty() ? fs::path() : fs::path(config_file).parent_path();
  fs::path data_dir = "sluice-data";
  if (auto d = env("SLUICE_DATA_DIR"); d && !d->empty()) data_dir = fs::absolute(*d);
  auto resolve = [&](const std::string& given, const char* file_name) {
    if (given == ":memory:") return given;
    fs::path p = given.empty() ? data_dir / file_name : fs::path(given);
    if (p.is_relative() && !(given.empty() && data_dir.is_absolute())) p = base / p;
    return p.lexically_normal().string();
  };
  s.path = resolve(s.path, "sluice.db");
  s.master_key_file = resolve(s.master_key_file, "master.key");
  s.audit_key_file = resolve(s.audit_key_file, "audit.key");
}

}  // namespace sluice::core
