#pragma once
// Planning one request: every target of its route is checked (capability, context, circuit,
// rate limit), scored by each policy, and ordered by the route's strategy. The plan is the
// order in which execute tries targets, and also the explanation `sluice route` prints.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "protocol/ir.hpp"
#include "routing/routes.hpp"

namespace sluice::routing {

/// What the request needs from a model, read from its IR (or given to `sluice route`).
struct RequestTraits {
  std::uint8_t needs = 0;           // core::Capability bits
  std::uint64_t prompt_tokens = 0;  // estimated
  std::uint64_t max_output = 0;     // as requested; 0 = not said
};
RequestTraits traits_of(const ir::Request& req);
/// Output tokens assumed for pricing a request that does not cap them.
constexpr std::uint64_t kAssumedOutputTokens = 1024;

enum Policy : std::size_t {
  kCheapest,
  kHealth,
  kLatency,
  kCapability,
  kContext,
  kBudget,
  kRateLimit,
  kFairness,
  kPolicyCount
};
std::string_view policy_name(std::size_t p);
double policy_weight(const core::ScoreWeights& w, std::size_t p);

enum class Exclusion { None, Capability, Context, MaxOutput, CircuitOpen, RateLimited };
std::string_view to_string(Exclusion e);

struct Scored {
  const Target* target = nullptr;
  Exclusion excluded = Exclusion::None;
  HealthView health;
  double cost_usd = -1;  // this request's estimated cost; -1 when the price is unknown
  std::array<double, kPolicyCount> score{};  // each policy's score in [0, 1]
  double total = 0;                          // sum of weight * score
};

struct Plan {
  std::vector<Scored> order;  // eligible targets in try order, then the excluded ones
  std::size_t eligible = 0;
  int max_attempts = 1;
  std::chrono::milliseconds deadline{0};
  bool retry_on_content_filter = false;
};

/// Remaining-budget fraction (0..1) for a target; governance provides it, 1 = no constraint.
using BudgetView = std::function<double(const Target&)>;

struct PlanOptions {
  Clock::time_point now = Clock::now();
  std::uint64_t seed = 0;  // randomness for `weighted`
  bool advance = true;     // move the round-robin turn (false for explanations)
  const BudgetView* budget = nullptr;
};

/// Plans a configured route.
Plan plan_route(const Route& route, const RequestTraits& traits, const core::RoutingConfig& cfg,
                const PlanOptions& opts);
/// Plans a name that is not a route: its provider's accounts, each tried once, never excluded
/// (there is nowhere else to send it).
Plan plan_direct(const std::vector<Target>& targets, const core::RoutingConfig& cfg);

/// A random seed for one request (per-thread generator; no lock).
std::uint64_t random_seed();

}  // namespace sluice::routing
