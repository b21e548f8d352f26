#pragma once
// The documented cross-wire mappings (docs/translation.md), as tables so each codec looks up
// instead of re-deciding: stop reasons and reasoning effort <-> thinking budget.

#include <cstdint>
#include <optional>
#include <string_view>

#include "protocol/ir.hpp"

namespace sluice::protocol {

/// A wire's name for a stop reason. Wires: "anthropic" (stop_reason), "openai_chat"
/// (finish_reason), "openai_responses" (incomplete_details.reason, "" when completed),
/// "gemini" (finishReason).
std::string_view stop_reason_name(ir::StopReason r, std::string_view wire);
/// The IR stop reason for a wire's name; unknown names map to EndTurn.
ir::StopReason stop_reason_from(std::string_view name, std::string_view wire);

/// Effort -> thinking budget tokens (Anthropic budget_tokens, Gemini thinkingBudget).
std::int64_t effort_to_budget(ir::Effort e);
/// Thinking budget tokens -> the nearest effort (for OpenAI reasoning_effort).
ir::Effort budget_to_effort(std::int64_t budget);
std::string_view effort_name(ir::Effort e);
std::optional<ir::Effort> effort_from(std::string_view name);

}  // namespace sluice::protocol
