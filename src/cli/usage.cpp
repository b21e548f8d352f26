// sluice usage: the ledger summed by key, user, team, project, model or day, for a time range,
// as a table, CSV (finance chargeback) or JSON. Reads the store the config names.

#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "cli/time_arg.hpp"
#include "core/log.hpp"
#include "governance/keys.hpp"
#include "governance/period.hpp"
#include "store/store.hpp"

namespace sluice::cli {
namespace {

struct UsageOptions {
  std::string config_path;
  std::string by = "key";
  std::string since;
  std::string until;
  std::string format = "table";
};

std::optional<store::UsageGroup> group_of(std::string_view by) {
  if (by == "key") return store::UsageGroup::Key;
  if (by == "user") return store::UsageGroup::User;
  if (by == "team") return store::UsageGroup::Team;
  if (by == "project") return store::UsageGroup::Project;
  if (by == "model") return store::UsageGroup::Model;
  if (by == "day") return store::UsageGroup::Day;
  if (by == "intent") return store::UsageGroup::Intent;
  if (by == "tag") return store::UsageGroup::Tag;
  if (by == "finding") return store::UsageGroup::Finding;
  if (by == "kind") return store::UsageGroup::Kind;
  return std::nullopt;
}

/// CSV field per RFC 4180: quoted when it holds a comma, quote or line break.
std::string csv(std::string_view s) {
  if (s.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

int run_usage(const UsageOptions& o) {
  const auto group = group_of(o.by);
  if (!group) {
    std::cerr << "sluice usage: --by must be key, user, team, project, model, day, intent, tag, "
                 "finding or kind\n";
    return 2;
  }
  if (o.format != "table" && o.format != "csv" && o.format != "json") {
    std::cerr << "sluice usage: --format must be table, csv or json\n";
    return 2;
  }
  const auto now = governance::now_ms();
  store::UsageQuery q;
  if (!o.since.empty()) {
    auto t = parse_time(o.since, now);
    if (!t) {
      std::cerr << "sluice usage: --since takes YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or 7d\n";
      return 2;
    }
    q.since_ms = *t;
  }
  if (!o.until.empty()) {
    auto t = parse_time(o.until, now);
    if (!t) {
      std::cerr << "sluice usage: --until takes YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ or 7d\n";
      return 2;
    }
    q.until_ms = *t;
  }
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  std::vector<store::UsageTotal> rows;
  try {
    rows = store::open_sqlite(cfg->store.path)->usage_totals(*group, q);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 1;
  }
  if (o.format == "json") {
    boost::json::array a;
    for (const auto& r : rows) {
      a.push_back({{o.by, r.group},
                   {"requests", r.requests},
                   {"input_tokens", r.input_tokens},
                   {"output_tokens", r.output_tokens},
                   {"cached_tokens", r.cached_tokens},
                   {"reasoning_tokens", r.reasoning_tokens},
                   {"cost_usd", r.cost_usd},
                   {"estimated_requests", r.estimated},
                   {"errors", r.errors}});
    }
    std::cout << boost::json::serialize(a) << "\n";
    return 0;
  }
  if (o.format == "csv") {
    std::cout << o.by
              << ",requests,input_tokens,output_tokens,cached_tokens,reasoning_tokens,cost_usd,"
                 "estimated_requests,errors\n";
    for (const auto& r : rows) {
      std::cout << fmt::format("{},{},{},{},{},{},{:.6f},{},{}\n", csv(r.group), r.requests,
                               r.input_tokens, r.output_tokens, r.cached_tokens, r.reasoning_tokens,
                               r.cost_usd, r.estimated, r.errors);
    }
    return 0;
  }
  std::cout << fmt::format("{:<28} {:>9} {:>12} {:>12} {:>10} {:>10} {:>12} {:>6}\n", o.by,
                           "REQUESTS", "INPUT", "OUTPUT", "CACHED", "REASONING", "COST USD",
                           "ERRORS");
  double total = 0;
  std::int64_t requests = 0;
  for (const auto& r : rows) {
    total += r.cost_usd;
    requests += r.requests;
    std::cout << fmt::format(
        "{:<28} {:>9} {:>12} {:>12} {:>10} {:>10} {:>12.4f} {:>6}{}\n", r.group, r.requests,
        r.input_tokens, r.output_tokens, r.cached_tokens, r.reasoning_tokens, r.cost_usd, r.errors,
        r.estimated ? " (estimated: " + std::to_string(r.estimated) + ")" : "");
  }
  std::cout << fmt::format("{:<28} {:>9} {:>12} {:>12} {:>10} {:>10} {:>12.4f}\n", "TOTAL",
                           requests, "", "", "", "", total);
  return 0;
}

}  // namespace

void add_usage(CLI::App& app) {
  auto opt = std::make_shared<UsageOptions>();
  auto* cmd = app.add_subcommand("usage", "Spend and tokens from the usage ledger");
  cmd->add_option("-c,--config", opt->config_path,
                  "YAML config file naming the store (default: $SLUICE_CONFIG, ./sluice.yaml)");
  cmd->add_option("--by", opt->by,
                  "key | user | team | project | model | day | intent | tag | finding | kind "
                  "(request or council) (default key)");
  cmd->add_option("--since", opt->since, "from: YYYY-MM-DD, ISO time, or 7d ago");
  cmd->add_option("--until", opt->until, "to (exclusive): YYYY-MM-DD, ISO time, or 1d ago");
  cmd->add_option("--format", opt->format, "table | csv | json (default table)");
  cmd->callback([opt] {
    int rc = run_usage(*opt);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice::cli
