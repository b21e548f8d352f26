#pragma once
// What the intent classifier reads from an agent request: the latest user instruction, the
// files and symbols the conversation touches, the size of the change in progress and the shape
// of the conversation. Tool definitions, system prompts and tool outputs are skipped unread
// (they are most of a coding agent's bytes and say nothing about this request's intent).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "protocol/wire.hpp"

namespace sluice::intel {

/// The longest instruction kept; a pasted log beyond this adds cost, not signal.
inline constexpr std::size_t kMaxInstructionBytes = 8 * 1024;
inline constexpr std::size_t kMaxFiles = 64;
inline constexpr std::size_t kMaxSymbols = 32;

struct TouchedFile {
  std::string path;      // as the conversation names it, relative to `cwd` when under it
  bool edited = false;   // written by a tool call or a diff, not only read or mentioned
  bool current = false;  // named by the latest instruction or touched after it (this task)
};

struct RequestSignals {
  /// The last user turn's own text: not a tool result, with agent scaffolding removed (Claude
  /// Code's <system-reminder> blocks, Codex's <environment_context>, AGENTS.md instructions).
  std::string latest_instruction;
  std::vector<TouchedFile> files;    // first appearance first, no duplicates
  std::vector<std::string> symbols;  // functions/types named in the instruction or edited
  /// Lines added plus lines removed by the change in progress: diffs in the latest instruction
  /// and every edit the agent made after it (Edit/Write/apply_patch/SEARCH-REPLACE/diffs).
  std::uint32_t change_lines = 0;
  std::uint32_t turns = 0;       // user and assistant messages (system/developer excluded)
  std::uint32_t user_turns = 0;  // user messages that carry an instruction
  std::uint32_t tool_calls = 0;  // over the whole conversation
  std::uint32_t edit_calls = 0;  // tool calls that wrote files, after the latest instruction
  std::uint32_t tool_results = 0;
  bool has_tool_calls = false;
  bool tool_error = false;     // the last tool result reported a failure
  bool tools_offered = false;  // the request defines tools (an agent is driving it)
  std::string cwd;             // the agent's working directory, when the request states it
};

using SignalsResult = std::variant<RequestSignals, core::GatewayError>;

/// Reads the signals from a request body of `endpoint`'s wire (chat completions, responses,
/// messages or count_tokens, generateContent and its streaming and countTokens forms). Errors
/// (InvalidRequest, with the byte offset) for a body that is not a JSON object, is malformed
/// where it is read, or belongs to an endpoint without a conversation (embeddings).
SignalsResult extract_signals(protocol::Endpoint endpoint, std::string_view body);

/// The endpoint a wire name stands for: anthropic, openai_chat, openai_responses or gemini.
std::optional<protocol::Endpoint> endpoint_for_wire(std::string_view wire);

}  // namespace sluice::intel
