#pragma once
// Guardrails on an answer, in the client's own wire. Scanned: the assistant's text (chat
// choices[].message.content, Responses output_text parts, Anthropic text blocks, Gemini text
// parts). Not scanned: reasoning and thinking (Anthropic and Gemini sign them; a changed byte
// makes the next turn fail), tool-call arguments (the client runs them as written), ids.
// Checked against the tool lists: every tool call (chat tool_calls and function_call, Responses
// function_call and custom_tool_call items, Anthropic tool_use and server_tool_use blocks,
// Gemini functionCall parts).
//
// A text's `redact` findings are replaced in place ("[REDACTED:<kind>]"): only the string
// values change, every other byte of the body stays as the upstream sent it. A `block` finding
// or a call to a denied tool stops the answer: the client gets response_blocked_error()
// instead. A clean body is proved clean by a raw-bytes pass and never parsed.
//
// Streams: guard/sse_guard.hpp.

#include <optional>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "guard/guard.hpp"
#include "protocol/wire.hpp"

namespace sluice::guard {

/// Why an answer was stopped.
struct ResponseBlock {
  enum class Reason { Finding, Tool };
  Reason reason = Reason::Finding;
  std::string name;  // the finding's kind ("aws_access_key") or the tool ("Bash")
};

/// The error a blocked answer becomes, in the client's shape (protocol/errors.hpp): code
/// "guardrail_blocked", naming the kind or the tool, never the content.
///
/// Status 400, as on the request side, for what the client can act on: the SDKs raise it
/// as a bad request and do not retry it. Not a 5xx, which every official SDK retries on its
/// own (paying for the same answer again, most likely blocked again); not 403, which says the
/// key lacks a permission. OpenAI answers its own content-policy rejections with 400 too.
core::GatewayError response_blocked_error(const ResponseBlock& block);

struct ResponseScan {
  Counts counts;                         // findings by kind, over every scanned text
  std::optional<ResponseBlock> blocked;  // the first block finding or denied tool call
  std::optional<std::string> body;       // the rewritten body, when a text was redacted

  bool is_blocked() const { return blocked.has_value(); }
};

/// Whether the answers of `endpoint` carry text or tool calls (not embeddings, token counts).
bool answers_with_text(protocol::Endpoint endpoint);

/// Scans a whole (non-streamed) answer body: a JSON object, or for Gemini's
/// streamGenerateContent without alt=sse a JSON array of them. Anything else is left alone.
/// When the answer is blocked, `body` is not produced; every text is still scanned, so the
/// counts describe the whole answer.
ResponseScan scan_response(protocol::Endpoint endpoint, std::string_view body, const Guard& guard);

}  // namespace sluice::guard
