#pragma once
// `auto:` — how the model names `auto`, `auto:TIER` and `auto:TIER:DIRECTION` are served: which
// tier an intent (and its risk) gets, which models make up each tier, how a direction weighs
// the candidates, and how the outcome learner explores (docs/intel.md, "Auto routing").

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

struct ScoreWeights;

enum class AutoTier : std::uint8_t { Fast, Balanced, Frontier };
inline constexpr std::size_t kAutoTiers = 3;
/// Default: the routing policies' default weights; the others lean on one policy.
enum class AutoDirection : std::uint8_t { Default, Cost, Speed, Quality };
inline constexpr std::size_t kAutoDirections = 4;

std::string_view to_string(AutoTier t);
std::string_view to_string(AutoDirection d);  // "default", "cost", "speed", "quality"
std::optional<AutoTier> auto_tier_from_string(std::string_view s);
/// "cost", "speed" or "quality" ("default" is not a name a client sends).
std::optional<AutoDirection> auto_direction_from_string(std::string_view s);

/// The models of one tier: every model a configured provider serves whose catalog tier lies in
/// [min, max], plus `models` (provider/model) named outright (local models without a catalog
/// tier, or a model placed in another tier than its catalog rank).
struct AutoTierConfig {
  int min = 1;
  int max = 5;
  bool catalog = true;  // false: only `models`
  std::vector<std::string> models;
};

/// The outcome learner (Thompson sampling with bounded exploration).
struct AutoLearningConfig {
  double prior = 1;                  // Beta(successes + prior, failures + prior)
  double explore_cap = 0.2;          // at most this share of an intent's picks depart from the best
  double explore_floor = 0.02;       // this share always goes to a random other candidate
  double direction_influence = 0.3;  // how far the direction's score can scale the sample
  std::uint64_t seed = 0;            // 0: random; else a fixed sequence (tests)
  bool implicit = true;              // retries and tool errors count as failures
  std::chrono::milliseconds retry_window{60'000};
};

/// Number of intents the classifier knows (intel::kIntents), in intel::Intent order.
inline constexpr std::size_t kAutoIntents = 7;

struct AutoConfig {
  AutoTier default_tier = AutoTier::Balanced;        // `auto` on a request that was not classified
  AutoDirection direction = AutoDirection::Default;  // when the name gives none
  // chat, trivial_edit, feature, refactor, debug, test, high_stakes
  std::array<AutoTier, kAutoIntents> intents{
      AutoTier::Fast,     AutoTier::Fast,     AutoTier::Balanced, AutoTier::Balanced,
      AutoTier::Balanced, AutoTier::Balanced, AutoTier::Frontier};
  // A risk at or above a threshold raises the tier to at least that one (never lowers it).
  double risk_balanced = 0.4;
  double risk_frontier = 0.7;
  std::array<AutoTierConfig, kAutoTiers> tiers{AutoTierConfig{1, 2, true, {}},
                                               AutoTierConfig{3, 4, true, {}},
                                               AutoTierConfig{5, 5, true, {}}};
  // Per direction, the scored strategy's eight policy weights in routing::Policy order
  // (cheapest, health, latency, capability, context, budget, ratelimit, fairness).
  std::array<std::array<double, 8>, kAutoDirections> weights{{
      {1, 2, 1, 1, 1, 1, 1, 0.5},      // default: the routing defaults
      {4, 2, 0.5, 0.5, 1, 1, 1, 0.5},  // cost
      {0.5, 2, 4, 0.5, 1, 1, 1, 0.5},  // speed (time to first byte)
      {0.5, 2, 0.5, 4, 1, 1, 1, 0.5},  // quality (catalog tier)
  }};
  AutoLearningConfig learning;
};

/// The weights a direction scores candidates with.
ScoreWeights auto_weights(const AutoConfig& cfg, AutoDirection d);

}  // namespace sluice::core
