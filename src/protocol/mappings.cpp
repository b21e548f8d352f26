#include "protocol/mappings.hpp"

#include <array>

namespace sluice::protocol {
namespace {

struct StopRow {
  ir::StopReason reason;
  std::string_view anthropic;
  std::string_view openai_chat;
  std::string_view openai_responses;  // incomplete_details.reason; "" = completed
  std::string_view gemini;
};

// First row per reason wins when mapping IR -> wire; every cell is matched wire -> IR.
constexpr std::array<StopRow, 8> kStops{{
    {ir::StopReason::EndTurn, "end_turn", "stop", "", "STOP"},
    {ir::StopReason::MaxTokens, "max_tokens", "length", "max_output_tokens", "MAX_TOKENS"},
    {ir::StopReason::StopSequence, "stop_sequence", "stop", "", "STOP"},
    {ir::StopReason::ToolUse, "tool_use", "tool_calls", "", "STOP"},
    {ir::StopReason::ContentFilter, "refusal", "content_filter", "content_filter", "SAFETY"},
    {ir::StopReason::Refusal, "refusal", "content_filter", "content_filter", "PROHIBITED_CONTENT"},
    {ir::StopReason::PauseTurn, "pause_turn", "stop", "", "STOP"},
    {ir::StopReason::Error, "end_turn", "stop", "", "OTHER"},
}};

std::string_view cell(const StopRow& r, std::string_view wire) {
  if (wire == "anthropic") return r.anthropic;
  if (wire == "openai_chat") return r.openai_chat;
  if (wire == "openai_responses") return r.openai_responses;
  return r.gemini;
}

struct EffortRow {
  ir::Effort effort;
  std::string_view name;
  std::int64_t budget;
};
// Budgets follow Anthropic's guidance (minimum 1024) and leave room under common max_tokens.
constexpr std::array<EffortRow, 4> kEfforts{{
    {ir::Effort::Minimal, "minimal", 1024},
    {ir::Effort::Low, "low", 4096},
    {ir::Effort::Medium, "medium", 10000},
    {ir::Effort::High, "high", 32000},
}};

}  // namespace

std::string_view stop_reason_name(ir::StopReason r, std::string_view wire) {
  for (const auto& row : kStops) {
    if (row.reason == r) return cell(row, wire);
  }
  return cell(kStops[0], wire);
}

ir::StopReason stop_reason_from(std::string_view name, std::string_view wire) {
  for (const auto& row : kStops) {
    if (cell(row, wire) == name) return row.reason;
  }
  // Two IR reasons share Anthropic's "refusal"; reading it back, it is a refusal.
  if (wire == "anthropic" && name == "refusal") return ir::StopReason::Refusal;
  // Gemini's other safety-style reasons.
  if (wire == "gemini" && (name == "RECITATION" || name == "BLOCKLIST" || name == "SPII" ||
                           name == "IMAGE_SAFETY")) {
    return ir::StopReason::ContentFilter;
  }
  if (wire == "gemini" && (name == "MALFORMED_FUNCTION_CALL" || name == "UNEXPECTED_TOOL_CALL" ||
                           name == "TOO_MANY_TOOL_CALLS")) {
    return ir::StopReason::Error;
  }
  return ir::StopReason::EndTurn;
}

std::int64_t effort_to_budget(ir::Effort e) {
  for (const auto& row : kEfforts) {
    if (row.effort == e) return row.budget;
  }
  return 10000;
}

ir::Effort budget_to_effort(std::int64_t budget) {
  // The smallest effort whose budget covers the request.
  for (const auto& row : kEfforts) {
    if (budget <= row.budget) return row.effort;
  }
  return ir::Effort::High;
}

std::string_view effort_name(ir::Effort e) {
  for (const auto& row : kEfforts) {
    if (row.effort == e) return row.name;
  }
  return "medium";
}

std::optional<ir::Effort> effort_from(std::string_view name) {
  for (const auto& row : kEfforts) {
    if (row.name == name) return row.effort;
  }
  return std::nullopt;
}

}  // namespace sluice::protocol
