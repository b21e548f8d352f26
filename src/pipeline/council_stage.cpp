// council: does this request's answer need a council (a policy rule's require_council, or a
// classified risk at or above council.risk_threshold)? If so, the council's writer is stacked on
// the exchange (council_writer.cpp); the reviews happen once the answer exists. Runs after
// budget (a request refused earlier has no answer to review) and before execute.
//
// It then stacks the answer guardrails (pipeline/response_guard.hpp) on top, so that the answer
// reaches the council already redacted: a secret the guardrails take out of the answer must
// not go to another provider's reviewer.

#include <fmt/format.h>

#include "core/log.hpp"
#include "pipeline/council.hpp"
#include "pipeline/response_guard.hpp"

namespace sluice::pipeline {
namespace {

bool answers(protocol::Endpoint ep) {
  using protocol::Endpoint;
  return ep == Endpoint::ChatCompletions || ep == Endpoint::Responses || ep == Endpoint::Messages ||
         ep == Endpoint::GenerateContent || ep == Endpoint::StreamGenerate;
}

class CouncilStage final : public Stage {
 public:
  std::string_view name() const override { return "council"; }

  Decision decide(Exchange& ex) override {
    convene(ex);
    stack_response_guard(ex);
    return Decision::next();
  }

  void on_complete(Exchange& ex) noexcept override { settle_council(ex); }

 private:
  // Stacks the council's writer when this request's answer needs one.
  static void convene(Exchange& ex) {
    if (!answers(ex.endpoint)) return;
    const auto& settings = ex.snapshot->config.council;
    const policy::Council* required =
        ex.policy && ex.policy->council ? &*ex.policy->council : nullptr;
    const bool risky = settings && settings->risk_threshold && ex.intel &&
                       ex.intel->risk >= *settings->risk_threshold;
    if (!required && !risky) return;
    if (!settings) {
      log::warn(
          "request {}: a policy rule requires a council, but the config has no council "
          "section; the answer goes unreviewed",
          ex.request_id);
      ex.decisions.push_back("council: required but not configured");
      return;
    }
    CouncilPlan plan;
    plan.settings = settings;
    plan.mode = settings->mode;
    plan.rule = settings->rule;
    plan.k = settings->k;
    if (required) {
      plan.trigger = "policy: " + ex.policy->header();
      if (required->k > 0) plan.k = required->k;
      // `mode` names the delivery (async, gate) or, as the policy hook first had it, the rule.
      if (auto m = council::mode_from(required->mode)) plan.mode = *m;
      if (auto r = council::rule_from(required->mode)) plan.rule = *r;
      if (auto r = council::rule_from(required->decide)) plan.rule = *r;
    } else {
      plan.trigger =
          fmt::format("risk {:.2f} >= {:.2f}", ex.intel->risk, *settings->risk_threshold);
    }
    stack_council(ex, std::move(plan));
  }
};

}  // namespace

StagePtr make_council_stage() {
  return std::make_unique<CouncilStage>();
}

}  // namespace sluice::pipeline
