#include "pipeline/auto_route.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/text.hpp"
#include "governance/keys.hpp"
#include "intel/learner.hpp"
#include "routing/auto_table.hpp"

namespace sluice::pipeline {

std::string_view learn_intent(const Exchange& ex) {
  return ex.intel ? intel::intent_name(ex.intel->intent) : std::string_view("unclassified");
}

std::optional<core::GatewayError> plan_auto(Exchange& ex, const routing::RequestTraits& traits,
                                            const routing::PlanOptions& opts) {
  const auto parsed = routing::parse_auto_name(ex.requested_model);
  if (const auto* msg = std::get_if<std::string>(&parsed)) {
    return core::GatewayError{core::ErrorKind::InvalidRequest, *msg, "model", "invalid_auto_model"};
  }
  const auto& name = std::get<routing::AutoName>(parsed);
  const auto& cfg = ex.snapshot->config.autoroute;
  routing::TierChoice tier;
  if (name.tier) {
    tier = {*name.tier, "requested"};
  } else {
    std::optional<std::size_t> intent;
    if (ex.intel) intent = static_cast<std::size_t>(ex.intel->intent);
    tier = routing::choose_tier(cfg, intent, ex.intel ? ex.intel->risk : 0.0);
  }
  const auto direction = name.direction.value_or(cfg.direction);
  const routing::Route& route = ex.snapshot->autos->route(tier.tier, direction);
  if (route.targets.empty()) {
    return core::GatewayError{
        core::ErrorKind::Unavailable,
        fmt::format("no model of tier '{}' is served here: give models a catalog tier in its "
                    "range or list them under auto.tiers.{}.models",
                    core::to_string(tier.tier), core::to_string(tier.tier)),
        "model", "no_auto_candidates"};
  }
  ex.plan = routing::plan_route(route, traits, ex.snapshot->config.routing, opts);
  // The key's allowlist narrows the tier; what it forbids is not even a fallback.
  if (ex.key && !ex.key->record.models.empty()) {
    const auto& allow = ex.key->record.models;
    const auto forbidden = [&allow](const routing::Scored& s) {
      return !governance::model_allowed(allow,
                                        s.target->provider->config.name + "/" + s.target->model);
    };
    std::size_t eligible = 0;
    for (std::size_t i = 0; i < ex.plan.eligible; ++i) eligible += !forbidden(ex.plan.order[i]);
    std::erase_if(ex.plan.order, forbidden);
    ex.plan.eligible = eligible;
    if (ex.plan.order.empty()) {
      return core::GatewayError{
          core::ErrorKind::PermissionDenied,
          fmt::format("no model of tier '{}' is allowed for {}; allowed: {}",
                      core::to_string(tier.tier), ex.key->label, core::join(allow, ", ")),
          "model", "model_not_allowed"};
    }
  }
  ex.resolution = providers::Resolution{nullptr, route.config->name, "auto", &route};
  ex.auto_routed = true;

  // The learner chooses among the eligible models (accounts of one model are one arm), with
  // each model's direction score relative to the best one.
  std::vector<std::string> models;
  std::vector<double> scores;
  for (std::size_t i = 0; i < ex.plan.eligible; ++i) {
    const auto& s = ex.plan.order[i];
    auto label = s.target->provider->config.name + "/" + s.target->model;
    if (std::find(models.begin(), models.end(), label) != models.end()) continue;
    models.push_back(std::move(label));
    scores.push_back(s.total);
  }
  std::string how = "only";
  if (models.size() > 1) {
    const double top = std::max(*std::max_element(scores.begin(), scores.end()), 1e-12);
    for (auto& v : scores) v = std::clamp(v / top, 0.0, 1.0);
    std::size_t pick = 0;
    if (ex.learner) {
      const auto draw = ex.learner->choose(learn_intent(ex), models, scores, cfg.learning);
      pick = draw.pick;
      how = std::string(intel::to_string(draw.kind));
    } else {
      how = "score";
    }
    // The pick's targets first; the rest keep the direction's order as the fallback chain.
    const std::string& chosen = models[pick];
    std::stable_partition(ex.plan.order.begin(),
                          ex.plan.order.begin() + static_cast<std::ptrdiff_t>(ex.plan.eligible),
                          [&chosen](const routing::Scored& s) {
                            return s.target->provider->config.name + "/" + s.target->model ==
                                   chosen;
                          });
  }
  ex.governance_headers.push_back(
      {"x-sluice-auto", fmt::format("tier={}; direction={}; intent={}; why={}; choice={}",
                                    core::to_string(tier.tier), core::to_string(direction),
                                    learn_intent(ex), tier.why, how)});
  return std::nullopt;
}

}  // namespace sluice::pipeline
