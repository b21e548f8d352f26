#pragma once
// Skills injected into a request body in the client's own wire, after the client's own system
// content so the client's cached prompt prefix stays byte-identical:
//   Anthropic  `system` string: the text is appended to it (after a blank line); array: a new
//              text block after the client's blocks (their cache_control marks untouched);
//              absent: a `system` string is added.
//   Chat       a message after the leading system/developer messages, with the role of the last
//              of them (so a client that speaks `developer` to reasoning models keeps doing so),
//              `system` when there are none (every OpenAI-compatible server knows it).
//   Responses  `instructions` string: appended. No instructions but leading developer/system
//              input messages (Codex): a developer message after them, since adding
//              `instructions` would land before the client's cached prefix. Otherwise an
//              `instructions` field is added.
//   Gemini     `systemInstruction.parts`: a text part appended (or systemInstruction added).
//              With `cachedContent` the API refuses a systemInstruction, so the text goes in a
//              user turn before the request's contents (after the cached ones).
// Every injection is one splice: bytes before `at` and after it are the client's.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/wire.hpp"

namespace sluice::policy {

struct Injection {
  std::string body;       // the rewritten body
  std::size_t at = 0;     // where the new bytes start: body[0, at) is the client's prefix
  std::size_t added = 0;  // how many bytes replaced `removed` bytes there
  std::size_t removed = 0;
  std::string where;  // what was done, for `sluice policy test` ("system: text block after 3")
};

/// Injects `text` into `body` (a valid JSON request of `endpoint`). nullopt, leaving the body
/// alone, when `text` is empty, the endpoint has no system prompt (embeddings, token counts
/// other than Anthropic's), or the body's shape is not one the wire accepts.
std::optional<Injection> inject_text(protocol::Endpoint endpoint, std::string_view body,
                                     std::string_view text);

}  // namespace sluice::policy
