#pragma once
// A key's caps applied to the request body in the client's own wire, before routing: reasoning
// effort clamped (OpenAI reasoning_effort, Responses reasoning.effort, Anthropic
// thinking.budget_tokens, Gemini generationConfig.thinkingConfig.thinkingBudget), output tokens
// capped (max_tokens / max_completion_tokens / max_output_tokens / maxOutputTokens, set when the
// client gave none), and service tiers outside the allowed set refused or downgraded. A body
// that needs no change is not touched (passthrough stays byte-exact).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "protocol/ir.hpp"
#include "protocol/wire.hpp"

namespace sluice::governance {

struct Caps {
  std::optional<ir::Effort> max_reasoning;
  std::vector<std::string> service_tiers;  // allowed; empty: any
  bool downgrade_tier = true;              // else a tier outside the set is refused (403)
  std::int64_t max_output_tokens = 0;      // 0: no cap
  bool empty() const { return !max_reasoning && service_tiers.empty() && max_output_tokens == 0; }
};

struct CapOutcome {
  std::optional<std::string> body;            // the rewritten body, when anything changed
  std::vector<std::string> applied;           // "reasoning_effort high->low", for x-sluice-capped
  std::optional<core::GatewayError> refused;  // a service tier outside the set, when refusing
};

/// True for a tier some wire accepts (OpenAI's auto/default/flex/priority/scale, Anthropic's
/// auto/standard_only): what a key's allowed set may name.
bool known_service_tier(std::string_view tier);

/// `body` must be a valid JSON object (ingress checked it).
CapOutcome apply_caps(protocol::Endpoint endpoint, std::string_view body, const Caps& caps);

}  // namespace sluice::governance
