#pragma once
// Deterministic content for the fake upstream: answer text, tool-call arguments from a JSON
// schema, token counts and embeddings. Everything here is a pure function of the parsed request
// (a Turn), so the same request gets the same answer in every wire format, streamed or not.

#include <boost/json/value.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "protocol/json_util.hpp"

namespace sluice::fake {

inline constexpr int kDefaultChunks = 8;

/// 64-bit FNV-1a: the seed of everything generated for a request.
std::uint64_t hash64(std::string_view text);

/// Tokens for `bytes` bytes of text: ceil(bytes / 4), the usual rule of thumb.
constexpr std::int64_t tokens_for_bytes(std::size_t bytes) {
  return static_cast<std::int64_t>((bytes + 3) / 4);
}

/// Bytes of every string (object keys included) inside `v`: what the prompt "weighs".
std::size_t text_bytes(const boost::json::value& v);

/// Appends `text` as a JSON string literal, quotes included.
using protocol::json::append_json_string;
/// Appends the decimal form of `value`.
void append_int(std::string& out, std::int64_t value);
/// Appends `value` as `digits` lower-case hex digits (the low ones).
void append_hex(std::string& out, std::uint64_t value, int digits = 16);
/// Appends standard base64 (with padding) of `size` bytes.
void append_base64(std::string& out, const void* data, std::size_t size);

/// The text a message content carries: a string, or the last part with a "text" string (the
/// prompt after any preamble blocks), or the last string of an array. Empty if none.
std::string_view last_text(const boost::json::value& content);
/// OpenAI-style automatic prefix caching: prompts of 1024+ tokens have everything but the last
/// message (`tail_tokens`) served from cache, in steps of 128 tokens.
std::int64_t prefix_cached_tokens(std::int64_t input_tokens, std::int64_t tail_tokens);

/// Splits `text` into at most `n` non-empty pieces of similar size, never inside a UTF-8
/// sequence. Fewer pieces only when the text has fewer than `n` characters.
std::vector<std::string_view> split_text(std::string_view text, int n);

/// A value that satisfies `schema` the way a model would fill it: every `required` property of an
/// object set to a type-appropriate value (string "fake", number 1, boolean true, array [],
/// object {} or its own required properties, the first `enum`/`const` value). Null schema: {}.
boost::json::value fake_value(const boost::json::value* schema);
/// fake_value() serialised; always a JSON object for a tool's argument schema.
std::string fake_arguments(const boost::json::value* schema);

/// The tool the fake decides to call.
struct ToolOffer {
  std::string_view name;
  const boost::json::value* schema = nullptr;  // JSON schema of the arguments, if any
  bool custom = false;  // Responses `custom` tool: free-form text input, not JSON arguments
};

/// What a request asks for, whatever its wire format. String views point into the parsed body,
/// which outlives every use of the Turn.
struct Turn {
  std::string_view model;
  std::string_view last_text;      // last user text, or the tool result's text
  bool after_tool_result = false;  // the last message is a tool result: give the final answer
  std::optional<ToolOffer> tool;   // set when tools are offered and may be called
  const boost::json::value* output_schema = nullptr;  // structured output requested
  bool reasoning = false;                             // thinking / reasoning requested
  bool tool_preamble = false;           // Anthropic: a short text block comes before tool_use
  std::int64_t input_tokens = 0;        // all prompt tokens, cached ones included
  std::int64_t cached_tokens = 0;       // read from a prompt cache (part of input_tokens)
  std::int64_t cache_write_tokens = 0;  // written to a prompt cache (part of input_tokens)
  std::int64_t max_output_tokens = 0;   // 0: no limit
  int chunks = kDefaultChunks;          // content deltas when streamed
  // x-fake-reply: the answer text ('|' marks where stream deltas split); unset: generated.
  std::optional<std::string_view> reply;
  bool force_tool = false;  // x-fake-tool-call: call `tool` whatever the request offered

  // Wire-specific knobs, parsed by the wire that uses them.
  bool include_usage = false;        // chat: stream_options.include_usage
  bool encrypted_reasoning = false;  // responses: include has "reasoning.encrypted_content"
  bool reasoning_summary = false;    // responses: reasoning.summary set
  bool visible_thoughts = false;     // gemini: thinkingConfig.includeThoughts
  std::string_view reasoning_effort;
};

struct Usage {
  std::int64_t input = 0;        // all prompt tokens (cached ones included)
  std::int64_t cached = 0;       // served from a prompt cache
  std::int64_t cache_write = 0;  // Anthropic cache_creation_input_tokens
  std::int64_t output = 0;       // all generated tokens, reasoning included
  std::int64_t reasoning = 0;
};

enum class Finish { Stop, ToolCall, Length };

/// The answer, before any wire format is applied.
struct Reply {
  std::uint64_t seed = 0;
  std::string id;            // 24 hex digits; each wire adds its prefix (chatcmpl-, msg_, resp_)
  std::string reasoning;     // empty unless Turn::reasoning
  std::string text;          // the answer; with a tool call, only the Anthropic preamble
  std::string tool_call_id;  // 24 hex digits (call_, toolu_ prefixes added by the wire)
  std::string_view tool_name;
  bool tool_custom = false;
  std::string tool_input;  // JSON arguments, or free-form input for a custom tool
  Finish finish = Finish::Stop;
  Usage usage;
  // Chosen delta boundaries in `text` (x-fake-reply's '|' marks); empty: split evenly.
  std::vector<std::size_t> text_cuts;

  bool has_tool_call() const { return !tool_name.empty(); }
};

/// The deterministic answer to `turn`.
Reply make_reply(const Turn& turn);

/// Pieces of each streamed part; `chunks` is the requested number of content deltas.
struct Pieces {
  std::vector<std::string_view> reasoning;   // max(1, chunks / 2) pieces
  std::vector<std::string_view> text;        // `chunks` pieces
  std::vector<std::string_view> tool_input;  // max(2, chunks) pieces
};
Pieces split_reply(const Reply& reply, int chunks);

/// A deterministic unit vector of `dims` floats for `text`.
std::vector<float> embedding(std::string_view text, int dims);

/// A signature-like opaque token (base64) of about `bytes` bytes derived from `seed`.
std::string opaque_token(std::uint64_t seed, std::size_t bytes);

}  // namespace sluice::fake
