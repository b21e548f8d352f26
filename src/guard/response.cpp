// Answer guardrails on a whole body: a cheap proof that the body is clean, else find the texts
// and tool calls by span, scan, and splice redacted strings in place of the originals.
#include "guard/response.hpp"

#include "core/json_escape.hpp"
#include "guard/request_internal.hpp"
#include "guard/response_places.hpp"

namespace sluice::guard {
namespace {

/// False when no tool call in the raw body can be a denied one. With an allow list any call
/// may be, so only a body with no call marker at all is clean.
bool may_call_denied_tool(std::string_view body, const Guard& guard) {
  if (!guard.has_tool_rules()) return false;
  if (guard.config().tool_allow.empty()) return detail::deny_glob_may_match(body, guard);
  for (std::string_view marker : {"\"tool_calls\"", "\"function_call\"", "\"custom_tool_call\"",
                                  "tool_use\"", "\"functionCall\""}) {
    if (body.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

core::GatewayError response_blocked_error(const ResponseBlock& block) {
  core::GatewayError e;
  e.kind = core::ErrorKind::InvalidRequest;
  e.code = "guardrail_blocked";
  if (block.reason == ResponseBlock::Reason::Tool) {
    e.message = "response blocked by guardrails: the model called the tool '" + block.name +
                "', which guardrails.tools does not allow (the call was not delivered)";
  } else {
    e.message = "response blocked by guardrails: the model's answer contains " + block.name +
                " (the rest of the answer was withheld; the content was not stored)";
  }
  return e;
}

bool answers_with_text(protocol::Endpoint endpoint) {
  using protocol::Endpoint;
  switch (endpoint) {
    case Endpoint::ChatCompletions:
    case Endpoint::Responses:
    case Endpoint::Messages:
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
      return true;
    case Endpoint::Embeddings:
    case Endpoint::CountTokens:
    case Endpoint::GeminiCountTokens:
    case Endpoint::GeminiEmbed:
      break;
  }
  return false;
}

ResponseScan scan_response(protocol::Endpoint endpoint, std::string_view body, const Guard& guard) {
  ResponseScan out;
  if (!answers_with_text(endpoint)) return out;
  const bool text = guard.scans_text() && guard.json_may_match(body);
  const bool tools = may_call_denied_tool(body, guard);
  if (!text && !tools) return out;
  const auto root = detail::js::root(body);
  if (!root) return out;

  std::vector<detail::Place> places;
  detail::body_places(endpoint, body, *root, places);
  std::vector<detail::Edit> edits;
  for (const auto& p : places) {
    const auto literal = body.substr(p.value.begin, p.value.end - p.value.begin);
    if (p.role == detail::Place::Role::Tool) {
      if (!tools || out.blocked) continue;
      const auto name = detail::decode_string(literal);
      if (name && guard.tool_denied(*name)) {
        out.blocked = ResponseBlock{ResponseBlock::Reason::Tool, *name};
      }
      continue;
    }
    if (!text) continue;
    const auto value = detail::decode_string(literal);
    if (!value) continue;
    // Every text is scanned even after a block, so the counts describe the whole answer.
    const auto found = guard.scan(*value);
    if (found.empty()) continue;
    guard.count(found, out.counts);
    if (const auto* block = guard.first_block(found); block && !out.blocked) {
      out.blocked =
          ResponseBlock{ResponseBlock::Reason::Finding, std::string(guard.kind_name(block->kind))};
    }
    if (guard.strongest(found) == Action::Redact) {
      std::string quoted;
      core::append_json_string(quoted, guard.redact(*value, found));
      edits.push_back({p.value, std::move(quoted)});
    }
  }
  if (!out.blocked && !edits.empty()) out.body = detail::apply_edits(body, edits);
  return out;
}

}  // namespace sluice::guard
