// sluice route auto --prompt TEXT: how the gateway would serve `auto` for this prompt (intent,
// risk, tier and why, the tier's candidates with their prices, scores, outcome record and the
// sampled values, and the pick), without calling anything. And sluice intel stats: what the
// outcome learner has learned, per (intent, model).

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <filesystem>
#include <iostream>
#include <map>

#include "cli/auto.hpp"
#include "cli/config_source.hpp"
#include "core/log.hpp"
#include "intel/learner.hpp"
#include "intel/outcome_store.hpp"
#include "intel/runtime.hpp"
#include "routing/auto_table.hpp"
#include "routing/explain.hpp"

namespace sluice::cli {
namespace {

/// The store's outcome statistics if the database exists (a CLI explanation creates nothing).
std::unique_ptr<intel::Learner> open_learner(const std::string& db) {
  if (!db.empty() && db != ":memory:" && std::filesystem::exists(db)) {
    return std::make_unique<intel::Learner>(db);
  }
  return std::make_unique<intel::Learner>();
}

std::string request_body(std::string_view prompt) {
  boost::json::object msg{{"role", "user"}, {"content", prompt}};
  boost::json::object body{{"model", "auto"}, {"messages", boost::json::array{msg}}};
  return boost::json::serialize(body);
}

}  // namespace

int explain_auto(const AutoExplainOptions& o) {
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  const auto db = cfg->store.path;
  std::optional<intel::Assessment> assessment;
  std::string classified = "not classified: the config has no intel: section";
  if (cfg->intel && cfg->intel->classify) {
    auto rt = intel::Runtime::create(*cfg->intel);
    if (auto* err = std::get_if<std::string>(&rt)) {
      log::error("{}", *err);
      return 2;
    }
    assessment = std::get<intel::RuntimePtr>(rt)->assess(protocol::Endpoint::ChatCompletions,
                                                         request_body(o.prompt), "");
    classified = assessment ? "" : "not classified: the prompt has no text to read";
  }
  auto snap = providers::make_snapshot(std::move(*cfg));
  const auto& ac = snap->config.autoroute;
  routing::TierChoice tier;
  if (!o.tier.empty()) {
    auto t = core::auto_tier_from_string(o.tier);
    if (!t) {
      log::error("--tier must be fast, balanced or frontier");
      return 2;
    }
    tier = {*t, "requested (--tier)"};
  } else {
    std::optional<std::size_t> intent;
    if (assessment) intent = static_cast<std::size_t>(assessment->intent);
    tier = routing::choose_tier(ac, intent, assessment ? assessment->risk : 0.0);
  }
  auto direction = ac.direction;
  if (!o.direction.empty()) {
    auto d = core::auto_direction_from_string(o.direction);
    if (!d) {
      log::error("--direction must be cost, speed or quality");
      return 2;
    }
    direction = *d;
  }
  const std::string intent =
      assessment ? std::string(intel::intent_name(assessment->intent)) : "unclassified";
  std::cout << fmt::format("model     auto\n");
  if (assessment) {
    std::cout << fmt::format("intent    {} (risk {:.3f})\n", intent, assessment->risk);
  } else {
    std::cout << fmt::format("intent    {}\n", classified);
  }
  std::cout << fmt::format("tier      {} ({})\n", core::to_string(tier.tier), tier.why);
  std::cout << fmt::format("direction {}\n", core::to_string(direction));

  const auto& route = snap->autos->route(tier.tier, direction);
  if (route.targets.empty()) {
    std::cout << fmt::format(
        "\nno model of tier '{}' is served: give models a catalog tier in [{}, {}] or list them "
        "under auto.tiers.{}.models\n",
        core::to_string(tier.tier), ac.tiers[static_cast<std::size_t>(tier.tier)].min,
        ac.tiers[static_cast<std::size_t>(tier.tier)].max, core::to_string(tier.tier));
    return 1;
  }
  routing::PlanOptions opts;
  opts.advance = false;
  const auto plan =
      routing::plan_route(route, routing::traits_for(o.prompt, 0, 0), snap->config.routing, opts);
  std::vector<std::string> models;
  std::vector<double> scores;
  for (std::size_t i = 0; i < plan.eligible; ++i) {
    const auto* t = plan.order[i].target;
    auto label = t->provider->config.name + "/" + t->model;
    if (std::find(models.begin(), models.end(), label) != models.end()) continue;
    models.push_back(std::move(label));
    scores.push_back(plan.order[i].total);
  }
  const double top =
      scores.empty() ? 1 : std::max(*std::max_element(scores.begin(), scores.end()), 1e-12);
  for (auto& s : scores) s = std::clamp(s / top, 0.0, 1.0);
  auto learner = open_learner(db);
  const auto arms = learner->arms(intent, models);
  intel::Draw draw;
  if (!models.empty()) draw = learner->choose(intent, models, scores, ac.learning);

  std::cout << fmt::format("\n{:<4} {:<34} {:>10} {:>7} {:>7} {:>7} {:>6} {:>7} {:>7}\n", "rank",
                           "candidate", "est. $", "score", "succ", "fail", "mean", "sample",
                           "value");
  for (std::size_t i = 0; i < models.size(); ++i) {
    double cost = -1;
    for (const auto& s : plan.order) {
      if (s.target->provider->config.name + "/" + s.target->model == models[i]) {
        cost = s.cost_usd;
        break;
      }
    }
    std::cout << fmt::format(
        "{:<4} {:<34} {:>10} {:>7.3f} {:>7.1f} {:>7.1f} {:>6.3f} {:>7.3f} {:>7.3f}{}\n", i + 1,
        models[i], cost < 0 ? std::string("-") : fmt::format("{:.6f}", cost), scores[i],
        arms[i].successes, arms[i].failures, intel::posterior_mean(arms[i], ac.learning.prior),
        draw.sampled[i], draw.value[i], i == draw.pick ? "  <- pick" : "");
  }
  for (std::size_t i = plan.eligible; i < plan.order.size(); ++i) {
    std::cout << fmt::format("-    {:<34} excluded: {}\n", plan.order[i].target->label(),
                             routing::to_string(plan.order[i].excluded));
  }
  if (models.empty()) {
    std::cout << "\nno candidate can serve this request\n";
    return 1;
  }
  std::cout << fmt::format(
      "\nchosen    {} ({}; score = the {} direction's weighted policies relative to the best, "
      "value = sample x (1 - {:.2f} + {:.2f} x score))\n",
      models[draw.pick], intel::to_string(draw.kind), core::to_string(direction),
      ac.learning.direction_influence, ac.learning.direction_influence);
  std::cout << "fallback  the other candidates in score order\n";
  return 0;
}

int print_outcome_stats(const OutcomeStatsOptions& o) {
  std::string db = o.db;
  double prior = 1;
  if (db.empty()) {
    auto cfg = load_config(find_config(o.config_path));
    if (!cfg) return 2;
    db = cfg->store.path;
    prior = cfg->autoroute.learning.prior;
  }
  if (!std::filesystem::exists(db)) {
    log::error("no database at {}: nothing has been learned yet (serve writes it)", db);
    return 1;
  }
  std::vector<intel::ArmStats> rows;
  try {
    rows = intel::read_outcome_stats(db);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 1;
  }
  std::map<std::string, std::int64_t> picks;  // per intent
  for (const auto& r : rows) picks[r.intent] += r.picks;
  boost::json::array out;
  if (!o.json) {
    std::cout << fmt::format("{:<14} {:<36} {:>9} {:>9} {:>7} {:>7} {:>7}\n", "intent", "model",
                             "successes", "failures", "mean", "picks", "share");
  }
  for (const auto& r : rows) {
    const double mean = (r.successes + prior) / (r.successes + r.failures + 2 * prior);
    const auto total = picks[r.intent];
    const double share = total ? static_cast<double>(r.picks) / static_cast<double>(total) : 0;
    if (o.json) {
      out.push_back({{"intent", r.intent},
                     {"model", r.model},
                     {"successes", r.successes},
                     {"failures", r.failures},
                     {"posterior_mean", mean},
                     {"picks", r.picks},
                     {"share", share}});
    } else {
      std::cout << fmt::format("{:<14} {:<36} {:>9.1f} {:>9.1f} {:>7.3f} {:>7} {:>6.1f}%\n",
                               r.intent, r.model, r.successes, r.failures, mean, r.picks,
                               share * 100);
    }
  }
  if (o.json) std::cout << boost::json::serialize(out) << "\n";
  if (!o.json && rows.empty()) std::cout << "(nothing learned yet)\n";
  return 0;
}

}  // namespace sluice::cli
