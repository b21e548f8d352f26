#pragma once
// Internal to features*.cpp: each wire's walker reports the conversation to a Collector, one
// message at a time in order, and the Collector turns it into RequestSignals the same way for
// every wire. Strings arrive raw (JSON escapes kept) so that what is never looked at is never
// decoded.

#include <string>
#include <string_view>
#include <vector>

#include "intel/features.hpp"
#include "intel/features_skim.hpp"

namespace sluice::intel::detail {

enum class Role { User, Assistant, Tool, Other };

Role role_from(std::string_view raw);

class Collector {
 public:
  explicit Collector(RequestSignals& out) : out_(out) {}

  /// A message (or Responses item) starts; Tool is a tool result on the user's side.
  void begin_message(Role role);
  /// A text part of the current message.
  void text(std::string_view raw);
  /// A tool call whose arguments are a JSON object (Anthropic input, Gemini args), raw.
  void tool_call_object(std::string_view raw_object);
  /// A tool call whose arguments are a JSON document inside a string (OpenAI `arguments`).
  void tool_call_json(std::string_view raw_string);
  /// A free-form tool input (a Responses custom tool such as Codex's apply_patch), raw.
  void tool_call_text(std::string_view raw_string);
  /// A tool's output, raw JSON (a string or content blocks); only the last one's failure is
  /// read. The view must stay valid until finish().
  void tool_result(std::string_view raw_value, bool is_error);
  void end_message();

  void note_tools_offered() { out_.tools_offered = true; }
  /// A system prompt, raw: read only for the working directory it states.
  void system_text(std::string_view raw);
  /// Relates paths to the working directory, merges duplicates, adds the instruction's symbols.
  void finish();

 private:
  void add_file(std::string_view path, bool edited);
  void add_patch(std::string_view decoded);
  void counted_edit(std::uint32_t lines);

  RequestSignals& out_;
  Role role_ = Role::Other;
  bool user_side_ = false;
  bool any_turn_ = false;
  std::string text_;                     // this message's instruction text so far
  std::vector<std::string> chat_files_;  // aider's files in the chat
  std::string_view last_result_;
  bool last_result_error_ = false;
};

enum class Wire { Anthropic, OpenAIChat, OpenAIResponses, Gemini };

/// Walks the members of a request's top-level object (`s` is inside it) and reports the
/// conversation to `c`. Stops early once the conversation, system prompt and tools were seen.
void walk(Wire wire, JsonSkim& s, Collector& c);

}  // namespace sluice::intel::detail
