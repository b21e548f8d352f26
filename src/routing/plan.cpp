#include "routing/plan.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "protocol/events.hpp"
#include "providers/catalog.hpp"

namespace sluice::routing {
namespace {

std::uint64_t splitmix(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double unit(std::uint64_t& state) {  // (0, 1]
  return (static_cast<double>(splitmix(state) >> 11) + 1.0) * 0x1.0p-53;
}

Exclusion fit(const Target& t, const RequestTraits& traits) {
  if (!t.info) return Exclusion::None;  // unknown models are given the benefit of the doubt
  if ((t.info->caps & traits.needs) != traits.needs) return Exclusion::Capability;
  if (traits.max_output && t.info->max_output && traits.max_output > t.info->max_output) {
    return Exclusion::MaxOutput;
  }
  if (traits.prompt_tokens + traits.max_output > t.info->context) return Exclusion::Context;
  return Exclusion::None;
}

void score(Scored& s, const RequestTraits& traits, const PlanOptions& opts) {
  const Target& t = *s.target;
  const HealthView& h = s.health;
  const std::uint64_t out = traits.max_output ? traits.max_output : kAssumedOutputTokens;
  if (t.info) s.cost_usd = providers::estimate_cost_usd(*t.info, traits.prompt_tokens, out);
  s.score[kHealth] = h.circuit == Circuit::HalfOpen ? 0.25 : 1.0 - h.error_rate;
  s.score[kCapability] = t.info ? t.info->tier / 5.0 : 0.5;
  s.score[kContext] =
      t.info ? 1.0 - static_cast<double>(traits.prompt_tokens + out) /
                         static_cast<double>(std::max<std::uint64_t>(t.info->context, 1))
             : 0.5;
  s.score[kContext] = std::clamp(s.score[kContext], 0.0, 1.0);
  s.score[kBudget] = opts.budget && *opts.budget ? std::clamp((*opts.budget)(t), 0.0, 1.0) : 1.0;
  const double throttled =
      h.requests ? static_cast<double>(h.throttled) / static_cast<double>(h.requests) : 0.0;
  s.score[kRateLimit] = h.headroom * (1.0 - throttled);
  s.score[kFairness] = 1.0 / (1.0 + h.in_flight);
}

/// Policies scored relative to the best eligible candidate (cheapest, fastest).
void score_relative(std::vector<Scored>& all, std::size_t eligible) {
  double min_cost = std::numeric_limits<double>::infinity();
  double min_ttfb = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < eligible; ++i) {
    if (all[i].cost_usd >= 0) min_cost = std::min(min_cost, all[i].cost_usd);
    if (all[i].health.ttfb_ms >= 0) min_ttfb = std::min(min_ttfb, all[i].health.ttfb_ms);
  }
  constexpr double kEps = 1e-12;
  for (auto& s : all) {
    // Excluded candidates can beat the eligible minimum; scores stay within [0, 1].
    s.score[kCheapest] =
        s.cost_usd < 0 ? 0.0 : std::min(1.0, (min_cost + kEps) / (s.cost_usd + kEps));
    s.score[kLatency] =
        s.health.ttfb_ms < 0 ? 0.5 : std::min(1.0, (min_ttfb + kEps) / (s.health.ttfb_ms + kEps));
  }
}

}  // namespace

RequestTraits traits_of(const ir::Request& req) {
  RequestTraits t;
  if (!req.tools.empty()) t.needs |= core::kTools;
  for (const auto& m : req.messages) {
    for (const auto& p : m.parts) {
      if (p.kind == ir::Part::Kind::Image) t.needs |= core::kVision;
    }
  }
  if (req.response_format && req.response_format->kind != ir::ResponseFormat::Kind::Text) {
    t.needs |= core::kJson;
  }
  if ((req.reasoning_effort && *req.reasoning_effort != ir::Effort::Minimal) ||
      (req.thinking_budget && *req.thinking_budget > 0 && !req.thinking_disabled)) {
    t.needs |= core::kReasoning;
  }
  t.prompt_tokens =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, protocol::estimate_input_tokens(req)));
  if (req.max_output_tokens && *req.max_output_tokens > 0) {
    t.max_output = static_cast<std::uint64_t>(*req.max_output_tokens);
  }
  return t;
}

std::string_view policy_name(std::size_t p) {
  static constexpr std::string_view kNames[kPolicyCount] = {
      "cheapest", "health", "latency", "capability", "context", "budget", "ratelimit", "fairness"};
  return p < kPolicyCount ? kNames[p] : "?";
}

double policy_weight(const core::ScoreWeights& w, std::size_t p) {
  switch (p) {
    case kCheapest:
      return w.cheapest;
    case kHealth:
      return w.health;
    case kLatency:
      return w.latency;
    case kCapability:
      return w.capability;
    case kContext:
      return w.context;
    case kBudget:
      return w.budget;
    case kRateLimit:
      return w.ratelimit;
    case kFairness:
      return w.fairness;
    default:
      return 0;
  }
}

std::string_view to_string(Exclusion e) {
  switch (e) {
    case Exclusion::None:
      return "";
    case Exclusion::Capability:
      return "lacks a capability the request needs";
    case Exclusion::Context:
      return "prompt plus max output does not fit the context window";
    case Exclusion::MaxOutput:
      return "max output tokens above the model's limit";
    case Exclusion::CircuitOpen:
      return "circuit open";
    case Exclusion::RateLimited:
      return "rate-limited (retry-after running)";
  }
  return "";
}

Plan plan_route(const Route& route, const RequestTraits& traits, const core::RoutingConfig& cfg,
                const PlanOptions& opts) {
  const core::RouteConfig& rc = *route.config;
  Plan plan;
  plan.max_attempts = rc.max_attempts.value_or(cfg.max_attempts);
  plan.deadline = rc.deadline.value_or(cfg.deadline);
  plan.retry_on_content_filter = rc.retry_on_content_filter.value_or(cfg.retry_on_content_filter);
  plan.order.resize(route.targets.size());
  for (std::size_t i = 0; i < route.targets.size(); ++i) {
    Scored& s = plan.order[i];
    s.target = &route.targets[i];
    s.health = s.target->health->view(opts.now, cfg.health);
    s.excluded = fit(*s.target, traits);
    if (s.excluded == Exclusion::None && !s.health.admits) {
      s.excluded =
          s.health.circuit == Circuit::Closed ? Exclusion::RateLimited : Exclusion::CircuitOpen;
    }
    score(s, traits, opts);
  }
  // Eligible first (stable: config order), so relative scores compare only real options.
  auto mid = std::stable_partition(plan.order.begin(), plan.order.end(),
                                   [](const Scored& s) { return s.excluded == Exclusion::None; });
  plan.eligible = static_cast<std::size_t>(mid - plan.order.begin());
  score_relative(plan.order, plan.eligible);
  for (auto& s : plan.order) {
    s.total = 0;
    for (std::size_t p = 0; p < kPolicyCount; ++p)
      s.total += policy_weight(rc.weights, p) * s.score[p];
  }

  const std::uint64_t turn =
      opts.advance ? route.turn.fetch_add(1, std::memory_order_relaxed) : route.turn.load();
  const auto positions = std::max<std::size_t>(route.positions, 1);
  // Accounts of one target take turns; a target pinned to one account has just that one.
  const auto account_rank = [turn](const Target& t) {
    const std::size_t n = t.provider->accounts.size();
    return (t.account + n - turn % n) % n;
  };
  std::vector<double> key(plan.eligible);
  std::uint64_t rng = opts.seed;
  for (std::size_t i = 0; i < plan.eligible; ++i) {
    const Scored& s = plan.order[i];
    const Target& t = *s.target;
    const double pos = static_cast<double>(t.position);
    const double acct = static_cast<double>(account_rank(t)) / 1024.0;  // below one position
    switch (rc.strategy) {
      case core::Strategy::Fallback:
        key[i] = pos + acct;
        break;
      case core::Strategy::RoundRobin:
        key[i] =
            static_cast<double>((t.position + positions - turn % positions) % positions) + acct;
        break;
      case core::Strategy::LeastLatency:
        // Unmeasured targets go first: that is how they get measured.
        key[i] = (s.health.ttfb_ms < 0 ? 0.0 : s.health.ttfb_ms) * 1024.0 + pos + acct;
        break;
      case core::Strategy::Cheapest:
        key[i] = (s.cost_usd < 0 ? 1e300 : s.cost_usd * 1e9) + (pos + acct) * 1e-3;
        break;
      case core::Strategy::Scored:
        key[i] = -s.total * 1e6 + pos + acct;
        break;
      case core::Strategy::Weighted: {
        // Weighted sampling without replacement (Efraimidis-Spirakis): the first is drawn in
        // proportion to weight, the rest follow as further draws. Accounts split the weight.
        const double w = t.weight / static_cast<double>(t.provider->accounts.size());
        key[i] = w > 0 ? -std::log(unit(rng)) / w : std::numeric_limits<double>::max();
        break;
      }
    }
  }
  std::vector<std::size_t> idx(plan.eligible);
  for (std::size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::stable_sort(idx.begin(), idx.end(),
                   [&](std::size_t a, std::size_t b) { return key[a] < key[b]; });
  std::vector<Scored> ordered;
  ordered.reserve(plan.order.size());
  for (auto i : idx) ordered.push_back(plan.order[i]);
  for (std::size_t i = plan.eligible; i < plan.order.size(); ++i) ordered.push_back(plan.order[i]);
  plan.order = std::move(ordered);
  return plan;
}

Plan plan_direct(const std::vector<Target>& targets, const core::RoutingConfig& cfg) {
  Plan plan;
  plan.max_attempts = static_cast<int>(targets.size());
  plan.deadline = cfg.deadline;
  plan.retry_on_content_filter = false;
  plan.order.resize(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    plan.order[i].target = &targets[i];
  }
  plan.eligible = targets.size();
  return plan;
}

std::uint64_t random_seed() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return gen();
}

}  // namespace sluice::routing
