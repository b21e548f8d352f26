#pragma once
// Guardrails on a request body in the client's own wire. Only text a person or a tool wrote is
// scanned: message and system text, tool results and tool-call arguments (never tool schemas,
// model names, images, ids, or signed thinking blocks, which must come back unchanged).
// Strings are scanned decoded, so JSON escapes cannot hide or split a match.
//
// A body is decoded only when it may need it: a raw-bytes pass over the body (the same
// detectors, treating escape sequences as boundaries) proves most clean bodies clean, and
// those are never re-serialised, so passthrough stays byte-exact.
//
// Denied tools are removed from the tools offered upstream. A tool_choice that forces a
// removed tool becomes "auto" (Anthropic {"type":"auto"}; Gemini drops the name from
// allowedFunctionNames and turns mode ANY into AUTO when none is left); when no tool is left,
// `tools` and the choice are removed together, since every provider rejects a choice without
// tools. The request itself goes on: a denied tool is a capability taken away, not an error.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guard/guard.hpp"
#include "protocol/wire.hpp"

namespace sluice::guard {

struct RequestScan {
  Counts counts;                            // findings by kind, over every scanned text
  std::optional<std::string> blocked_kind;  // the first finding whose action is block
  std::optional<std::string> body;          // the rewritten body, when anything changed
  std::vector<std::string> removed_tools;   // names of the tools taken out
  bool tool_choice_changed = false;         // the client's tool_choice was rewritten

  bool blocked() const { return blocked_kind.has_value(); }
};

/// `body` should be a JSON object (ingress checked it); anything else is left alone. When the
/// request is blocked, `body` is not produced.
RequestScan scan_request(protocol::Endpoint endpoint, std::string_view body, const Guard& guard);

}  // namespace sluice::guard
