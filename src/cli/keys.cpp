// sluice keys: create, list, show, revoke and rotate virtual keys in the store the config names
// (store.path). Works while the gateway runs: it notices the change within a quarter second.
// The secret is printed once, by create and rotate; the store keeps only its SHA-256.

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "core/log.hpp"
#include "core/text.hpp"
#include "governance/cost.hpp"
#include "governance/key_admin.hpp"
#include "governance/period.hpp"

namespace sluice::cli {
namespace {

struct KeysCommon {
  std::string config_path;
  bool json = false;
};

std::unique_ptr<store::Store> open_store(const std::string& config_path) {
  auto cfg = load_config(find_config(config_path));
  if (!cfg) return nullptr;
  try {
    return store::open_sqlite(cfg->store.path);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return nullptr;
  }
}

std::string list_text(const std::vector<std::string>& v, std::string_view none) {
  return v.empty() ? std::string(none) : core::join(v, ",");
}

void print_key(const store::KeyRecord& k, std::int64_t now) {
  std::cout << fmt::format(
      "id:          {}\nname:        {}\nprefix:      {}...\nstatus:      {}\n", k.id, k.name,
      k.prefix, governance::key_status(k, now));
  if (!k.user.empty()) std::cout << "user:        " << k.user << "\n";
  if (!k.team.empty()) std::cout << "team:        " << k.team << "\n";
  if (!k.project.empty()) std::cout << "project:     " << k.project << "\n";
  if (!k.role.empty()) std::cout << "role:        " << k.role << "\n";
  std::cout << "models:      " << list_text(k.models, "any") << "\n";
  if (k.budget_usd > 0) {
    std::cout << fmt::format("budget:      {}/{} ({})\n", governance::usd(k.budget_usd),
                             k.budget_period, k.budget_action);
  }
  if (k.rpm) std::cout << "rpm:         " << k.rpm << "\n";
  if (k.tpm) std::cout << "tpm:         " << k.tpm << "\n";
  if (!k.max_reasoning.empty()) std::cout << "reasoning:   at most " << k.max_reasoning << "\n";
  if (!k.service_tiers.empty()) {
    std::cout << "tiers:       " << list_text(k.service_tiers, "") << "\n";
  }
  if (k.max_output_tokens) std::cout << "max output:  " << k.max_output_tokens << " tokens\n";
  std::cout << "created:     " << governance::iso8601(k.created_ms) << "\n";
  if (k.expires_ms) std::cout << "expires:     " << governance::iso8601(k.expires_ms) << "\n";
  if (k.revoked_ms) std::cout << "revoked:     " << governance::iso8601(k.revoked_ms) << "\n";
  if (k.rotated_ms) std::cout << "rotated:     " << governance::iso8601(k.rotated_ms) << "\n";
}

int print_issued(const governance::KeyResult& r, bool json, std::string_view verb) {
  if (const auto* err = std::get_if<std::string>(&r)) {
    std::cerr << "sluice keys: " << *err << "\n";
    return 2;
  }
  const auto& k = std::get<governance::IssuedKey>(r);
  if (json) {
    auto o = governance::key_json(k.record, governance::now_ms());
    o["key"] = k.secret;
    std::cout << boost::json::serialize(o) << "\n";
    return 0;
  }
  std::cerr << fmt::format("{} key '{}' ({}). The key is shown once; store it now:\n", verb,
                           k.record.name, k.record.id);
  std::cout << k.secret << "\n";
  return 0;
}

}  // namespace

void add_keys(CLI::App& app) {
  auto common = std::make_shared<KeysCommon>();
  auto* keys = app.add_subcommand("keys", "Create and manage virtual keys");
  keys->require_subcommand(1);
  auto add_common = [&](CLI::App* cmd) {
    cmd->add_option("-c,--config", common->config_path,
                    "YAML config file naming the store (default: $SLUICE_CONFIG, ./sluice.yaml)");
    cmd->add_flag("--json", common->json, "print JSON");
  };

  auto opt = std::make_shared<governance::KeyOptions>();
  auto* create = keys->add_subcommand("create", "Create a key and print it once");
  add_common(create);
  create->add_option("--name", opt->name, "unique name, e.g. alice-laptop")->required();
  create->add_option("--user", opt->user, "the person it belongs to");
  create->add_option("--team", opt->team, "team (team budgets and rate limits apply)");
  create->add_option("--project", opt->project, "project (project budgets apply)");
  create->add_option("--role", opt->role, "role, for policy rules that match on `role`");
  create->add_option("--models", opt->models, "allowed models, globs: 'claude-*,gpt-5*'");
  create->add_option("--budget", opt->budget, "spend limit: 50/month, 10/day, 100/7d");
  create->add_option("--budget-action", opt->budget_action,
                     "at the limit: block (default), fallback or throttle");
  create->add_option("--rpm", opt->rpm, "requests per minute");
  create->add_option("--tpm", opt->tpm, "tokens per minute");
  create->add_option("--expires", opt->expires, "lifetime: 30d, 12h, 2w");
  create->add_option("--max-reasoning", opt->max_reasoning, "low, medium or high");
  create->add_option("--service-tiers", opt->service_tiers, "allowed tiers: default,flex");
  create->add_option("--max-output-tokens", opt->max_output_tokens, "output token cap");
  create->callback([common, opt] {
    auto db = open_store(common->config_path);
    if (!db) throw CLI::RuntimeError(2);
    int rc = print_issued(governance::create_key(*db, *opt, governance::now_ms()), common->json,
                          "created");
    if (rc) throw CLI::RuntimeError(rc);
  });

  auto* list = keys->add_subcommand("list", "List keys (never their secrets)");
  add_common(list);
  list->callback([common] {
    auto db = open_store(common->config_path);
    if (!db) throw CLI::RuntimeError(2);
    const auto now = governance::now_ms();
    const auto all = db->keys();
    if (common->json) {
      boost::json::array a;
      for (const auto& k : all) a.push_back(governance::key_json(k, now));
      std::cout << boost::json::serialize(a) << "\n";
      return;
    }
    std::cout << fmt::format("{:<21} {:<20} {:<8} {:<12} {:<12} {:<16} {}\n", "ID", "NAME",
                             "STATUS", "USER", "TEAM", "BUDGET", "MODELS");
    for (const auto& k : all) {
      const auto budget =
          k.budget_usd > 0 ? governance::usd(k.budget_usd) + "/" + k.budget_period : "-";
      std::cout << fmt::format("{:<21} {:<20} {:<8} {:<12} {:<12} {:<16} {}\n", k.id, k.name,
                               governance::key_status(k, now), k.user.empty() ? "-" : k.user,
                               k.team.empty() ? "-" : k.team, budget, list_text(k.models, "any"));
    }
  });

  auto target = std::make_shared<std::string>();
  auto* show = keys->add_subcommand("show", "Show one key by id or name");
  add_common(show);
  show->add_option("key", *target, "id or name")->required();
  show->callback([common, target] {
    auto db = open_store(common->config_path);
    if (!db) throw CLI::RuntimeError(2);
    auto k = db->find_key(*target);
    if (!k) {
      std::cerr << "sluice keys: no key with id or name '" << *target << "'\n";
      throw CLI::RuntimeError(2);
    }
    if (common->json) {
      std::cout << boost::json::serialize(governance::key_json(*k, governance::now_ms())) << "\n";
    } else {
      print_key(*k, governance::now_ms());
    }
  });

  auto* revoke =
      keys->add_subcommand("revoke", "Revoke a key (a running gateway refuses it within a second)");
  add_common(revoke);
  revoke->add_option("key", *target, "id or name")->required();
  revoke->callback([common, target] {
    auto db = open_store(common->config_path);
    if (!db) throw CLI::RuntimeError(2);
    auto r = governance::revoke_key(*db, *target, governance::now_ms());
    if (const auto* err = std::get_if<std::string>(&r)) {
      std::cerr << "sluice keys: " << *err << "\n";
      throw CLI::RuntimeError(2);
    }
    const auto& k = std::get<store::KeyRecord>(r);
    std::cout << fmt::format("revoked key '{}' ({})\n", k.name, k.id);
  });

  auto* rotate =
      keys->add_subcommand("rotate", "Give a key a new secret; the old one stops working");
  add_common(rotate);
  rotate->add_option("key", *target, "id or name")->required();
  rotate->callback([common, target] {
    auto db = open_store(common->config_path);
    if (!db) throw CLI::RuntimeError(2);
    int rc = print_issued(governance::rotate_key(*db, *target, governance::now_ms()), common->json,
                          "rotated");
    if (rc) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice::cli
