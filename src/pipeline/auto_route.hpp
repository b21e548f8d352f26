#pragma once
// Auto routing on the request path: the model names auto, auto:TIER and auto:TIER:DIRECTION
// become the tier's scored plan with the outcome learner's pick first (docs/intel.md).

#include <optional>

#include "core/error.hpp"
#include "pipeline/exchange.hpp"
#include "routing/plan.hpp"

namespace sluice::pipeline {

/// Plans an auto name (routing::is_auto_name) into ex.plan and sets ex.resolution; an error
/// (400 bad tier or direction, 403 nothing the key may use, 503 an empty tier) to answer
/// otherwise. `traits` is what the request needs; `opts` carries the seed and budget view.
std::optional<core::GatewayError> plan_auto(Exchange& ex, const routing::RequestTraits& traits,
                                            const routing::PlanOptions& opts);

/// The intent label the learner keys statistics by: the classifier's, else "unclassified".
std::string_view learn_intent(const Exchange& ex);

}  // namespace sluice::pipeline
