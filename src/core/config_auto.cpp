// The `auto:` section: intent x risk -> tier, each tier's models, the directions' weights and
// the outcome learner's settings. Validated here, with the node's position, like every section.

#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/config.hpp"
#include "core/config_sections.hpp"
#include "core/yaml_check.hpp"

namespace sluice::core {
namespace {

// intel::Intent order (intel/classifier.hpp); core does not depend on intel.
constexpr std::string_view kIntentNames[kAutoIntents] = {
    "chat", "trivial_edit", "feature", "refactor", "debug", "test", "high_stakes"};
constexpr std::string_view kPolicyNames[8] = {"cheapest", "health", "latency",   "capability",
                                              "context",  "budget", "ratelimit", "fairness"};

AutoTier tier(const YAML::Node& n, std::string_view what) {
  auto t = auto_tier_from_string(scalar(n, what));
  if (!t) fail(n, std::string(what) + " must be fast, balanced or frontier");
  return *t;
}

void load_tier(const YAML::Node& n, std::string_view name, AutoTierConfig& t, const Config& cfg) {
  const std::string what = "auto.tiers." + std::string(name);
  check_keys(n, what, {"min", "max", "catalog", "models"});
  if (n["min"]) t.min = static_cast<int>(whole(n["min"], what + ".min", 1, 5));
  if (n["max"]) t.max = static_cast<int>(whole(n["max"], what + ".max", 1, 5));
  if (t.min > t.max) fail(n, what + ": min must not be above max");
  if (n["catalog"]) t.catalog = boolean(n["catalog"], what + ".catalog");
  if (const auto ms = n["models"]) {
    if (!ms.IsSequence()) fail(ms, what + ".models must be a list of provider/model names");
    t.models.clear();
    for (const auto& m : ms) {
      auto id = scalar(m, "model");
      const auto slash = id.find('/');
      if (slash == std::string::npos || slash + 1 == id.size() ||
          !cfg.find_provider(id.substr(0, slash))) {
        fail(m, "'" + id + "' in " + what +
                    ".models is not provider/model with a configured provider");
      }
      t.models.push_back(std::move(id));
    }
  }
}

void load_learning(const YAML::Node& n, AutoLearningConfig& l) {
  check_keys(n, "auto.learning",
             {"prior", "explore_cap", "explore_floor", "direction_influence", "seed", "implicit",
              "retry_window"});
  if (n["prior"]) l.prior = number(n["prior"], "auto.learning.prior", 0.01, 1000);
  if (n["explore_cap"]) l.explore_cap = number(n["explore_cap"], "auto.learning.explore_cap", 0, 1);
  if (n["explore_floor"]) {
    l.explore_floor = number(n["explore_floor"], "auto.learning.explore_floor", 0, 1);
  }
  if (l.explore_floor > l.explore_cap) {
    fail(n, "auto.learning.explore_floor must not be above explore_cap");
  }
  if (n["direction_influence"]) {
    l.direction_influence =
        number(n["direction_influence"], "auto.learning.direction_influence", 0, 1);
  }
  if (n["seed"]) {
    l.seed = static_cast<std::uint64_t>(whole(n["seed"], "auto.learning.seed", 0, 1LL << 62));
  }
  if (n["implicit"]) l.implicit = boolean(n["implicit"], "auto.learning.implicit");
  if (n["retry_window"]) {
    l.retry_window = duration(n["retry_window"], "auto.learning.retry_window");
    if (l.retry_window.count() <= 0 || l.retry_window > std::chrono::hours(1)) {
      fail(n["retry_window"], "auto.learning.retry_window must be between 1ms and 1h");
    }
  }
}

}  // namespace

std::string_view to_string(AutoTier t) {
  switch (t) {
    case AutoTier::Fast:
      return "fast";
    case AutoTier::Balanced:
      return "balanced";
    case AutoTier::Frontier:
      return "frontier";
  }
  return "?";
}

std::string_view to_string(AutoDirection d) {
  switch (d) {
    case AutoDirection::Default:
      return "default";
    case AutoDirection::Cost:
      return "cost";
    case AutoDirection::Speed:
      return "speed";
    case AutoDirection::Quality:
      return "quality";
  }
  return "?";
}

std::optional<AutoTier> auto_tier_from_string(std::string_view s) {
  if (s == "fast") return AutoTier::Fast;
  if (s == "balanced") return AutoTier::Balanced;
  if (s == "frontier") return AutoTier::Frontier;
  return std::nullopt;
}

std::optional<AutoDirection> auto_direction_from_string(std::string_view s) {
  if (s == "cost") return AutoDirection::Cost;
  if (s == "speed") return AutoDirection::Speed;
  if (s == "quality") return AutoDirection::Quality;
  return std::nullopt;
}

ScoreWeights auto_weights(const AutoConfig& cfg, AutoDirection d) {
  const auto& w = cfg.weights[static_cast<std::size_t>(d)];
  return ScoreWeights{w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]};
}

void load_auto(const YAML::Node& node, Config& cfg) {
  check_keys(node, "auto",
             {"default_tier", "direction", "intents", "risk", "tiers", "directions", "learning"});
  AutoConfig& a = cfg.autoroute;
  if (node["default_tier"]) a.default_tier = tier(node["default_tier"], "auto.default_tier");
  if (const auto d = node["direction"]) {
    const auto text = scalar(d, "auto.direction");
    auto dir = auto_direction_from_string(text);
    if (!dir && text != "default")
      fail(d, "auto.direction must be default, cost, speed or quality");
    a.direction = dir.value_or(AutoDirection::Default);
  }
  if (const auto in = node["intents"]) {
    if (!in.IsMap()) fail(in, "auto.intents must be a mapping of intent: tier");
    for (const auto& kv : in) {
      const auto name = scalar(kv.first, "intent");
      const auto* it = std::find(std::begin(kIntentNames), std::end(kIntentNames), name);
      if (it == std::end(kIntentNames)) {
        fail(kv.first, "unknown intent '" + name +
                           "' in auto.intents (known: chat, trivial_edit, feature, refactor, "
                           "debug, test, high_stakes)");
      }
      a.intents[static_cast<std::size_t>(it - std::begin(kIntentNames))] =
          tier(kv.second, "auto.intents." + name);
    }
  }
  if (const auto r = node["risk"]) {
    check_keys(r, "auto.risk", {"balanced", "frontier"});
    if (r["balanced"]) a.risk_balanced = number(r["balanced"], "auto.risk.balanced", 0, 1.01);
    if (r["frontier"]) a.risk_frontier = number(r["frontier"], "auto.risk.frontier", 0, 1.01);
  }
  if (const auto ts = node["tiers"]) {
    check_keys(ts, "auto.tiers", {"fast", "balanced", "frontier"});
    for (std::size_t i = 0; i < kAutoTiers; ++i) {
      const auto name = to_string(static_cast<AutoTier>(i));
      if (const auto t = ts[std::string(name)]) load_tier(t, name, a.tiers[i], cfg);
    }
  }
  if (const auto ds = node["directions"]) {
    check_keys(ds, "auto.directions", {"default", "cost", "speed", "quality"});
    for (std::size_t d = 0; d < kAutoDirections; ++d) {
      const std::string name(to_string(static_cast<AutoDirection>(d)));
      const auto w = ds[name];
      if (!w) continue;
      check_keys(w, "auto.directions." + name,
                 {"cheapest", "health", "latency", "capability", "context", "budget", "ratelimit",
                  "fairness"});
      for (std::size_t p = 0; p < 8; ++p) {
        const std::string key(kPolicyNames[p]);
        if (w[key]) a.weights[d][p] = number(w[key], "auto.directions." + name + "." + key, 0, 100);
      }
    }
  }
  if (node["learning"]) load_learning(node["learning"], a.learning);
}

}  // namespace sluice::core
