// route: resolve the requested model name (alias, route, provider/model, listed, default) and
// plan the attempts: a route's targets are checked against what the request needs, scored and
// ordered by the route's strategy; any other name is tried on its provider's accounts.

#include <algorithm>
#include <cmath>

#include "governance/cost.hpp"
#include "governance/period.hpp"
#include "pipeline/auto_route.hpp"
#include "pipeline/pipeline.hpp"
#include "protocol/codec.hpp"
#include "routing/auto_table.hpp"

namespace sluice::pipeline {
namespace {

/// The budget-remaining policy: how much of the tightest budget would be left after this
/// request's worst case on a target (1: plenty, 0: it does not fit). Empty when no budget
/// applies, so the policy scores every target alike.
routing::BudgetView budget_view(const Exchange& ex) {
  if (!ex.governance || ex.governance->budgets().empty()) return {};
  const double remaining =
      ex.governance->budgets().remaining_usd(subject_of(ex), governance::now_ms());
  if (!std::isfinite(remaining)) return {};
  const auto input = governance::worst_case_input_tokens(ex.request.body.size());
  const auto max_out = ex.probe.max_output.value_or(0);
  return [remaining, input, max_out](const routing::Target& t) {
    if (!t.info) return 1.0;
    if (remaining <= 0) return 0.0;
    const double worst = governance::worst_case_usd(*t.info, input, max_out);
    return std::clamp((remaining - worst) / remaining, 0.0, 1.0);
  };
}

class RouteStage final : public Stage {
 public:
  std::string_view name() const override { return "route"; }

  Decision decide(Exchange& ex) override {
    // An auto name is planned from its tier's candidates; any other name resolves first.
    const bool automatic = routing::is_auto_name(ex.requested_model);
    if (!automatic) {
      auto r = providers::resolve_model(*ex.snapshot, protocol::family_of(ex.endpoint),
                                        ex.requested_model);
      if (auto* err = std::get_if<core::GatewayError>(&r)) {
        return Decision::refuse(std::move(*err));
      }
      ex.resolution = std::move(std::get<providers::Resolution>(r));
      if (!ex.resolution->route) {
        ex.direct =
            routing::direct_targets(*ex.snapshot, *ex.resolution->provider, ex.resolution->model);
        ex.plan = routing::plan_direct(ex.direct, ex.snapshot->config.routing);
        return Decision::next();
      }
    }
    auto traits = read_traits(ex);
    if (auto* err = std::get_if<core::GatewayError>(&traits)) {
      return Decision::refuse(std::move(*err));
    }
    const auto& needs = std::get<routing::RequestTraits>(traits);
    routing::PlanOptions opts;
    opts.seed = routing::random_seed();
    const routing::BudgetView budget = budget_view(ex);
    if (budget) opts.budget = &budget;
    if (!automatic) {
      ex.plan =
          routing::plan_route(*ex.resolution->route, needs, ex.snapshot->config.routing, opts);
      return Decision::next();
    }
    auto failed = plan_auto(ex, needs, opts);
    if (failed) return Decision::refuse(std::move(*failed));
    return Decision::next();
  }

 private:
  /// A route (or auto tier) chooses by what the request needs (tools, images, size), so the
  /// request is read once here; translation reuses the parse.
  static std::variant<routing::RequestTraits, core::GatewayError> read_traits(Exchange& ex) {
    routing::RequestTraits traits;
    if (const auto* codec = protocol::codec_for(ex.endpoint)) {
      protocol::RequestContext ctx{ex.endpoint, ex.requested_model,
                                   ex.endpoint == protocol::Endpoint::StreamGenerate};
      auto parsed = codec->parse_request(ex.request.body, ctx);
      if (auto* err = std::get_if<core::GatewayError>(&parsed)) return std::move(*err);
      ex.parsed = std::move(std::get<ir::Request>(parsed));
      traits = routing::traits_of(*ex.parsed);
    }
    return traits;
  }
};

}  // namespace

StagePtr make_route_stage() {
  return std::make_unique<RouteStage>();
}

}  // namespace sluice::pipeline
