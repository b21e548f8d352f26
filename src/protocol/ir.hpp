#pragma once
// The canonical intermediate representation every wire translates to and from. One translator
// per wire (protocol/<wire>/), never pairwise code: client wire -> IR -> provider wire, and the
// response and each stream event back the same way.
//
// JSON that the IR does not interpret (tool schemas, metadata, arguments) is carried as raw
// JSON text so a round trip does not reformat it.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::ir {

/// Anthropic-style prompt-caching mark. Carried so it survives to upstreams that honour it and
/// is dropped quietly for those that cache on their own.
struct CacheControl {
  std::string type = "ephemeral";
  std::string ttl;  // "5m", "1h" or ""
};

/// One piece of message content.
struct Part {
  enum class Kind {
    Text,
    Image,        // media_type + data (base64), or url
    Document,     // a file: media_type + data, url, or file_id; filename
    ToolCall,     // id, name, arguments (JSON text)
    ToolResult,   // id (the call's id), content (nested parts), is_error
    Reasoning,    // text (visible reasoning / thinking), signature
    RedactedReasoning,  // data: opaque (Anthropic redacted_thinking.data, OpenAI encrypted_content)
  };
  Kind kind = Kind::Text;
  std::string text;        // Text, Reasoning
  std::string media_type;  // Image, Document ("image/png", "application/pdf")
  std::string data;        // Image/Document base64; RedactedReasoning opaque data
  std::string url;         // Image/Document by URL
  std::string file_id;     // Document by provider file id
  std::string filename;    // Document
  std::string id;          // ToolCall id; ToolResult: the id of the call it answers
  std::string name;        // ToolCall function name
  std::string arguments;   // ToolCall arguments as JSON text ("{}" when none)
  std::vector<Part> content;  // ToolResult content
  bool is_error = false;      // ToolResult
  std::string signature;      // Reasoning (Anthropic thinking signature)
  std::optional<CacheControl> cache_control;
};

enum class Role { User, Assistant, System, Developer };

/// A turn. Tool results travel as ToolResult parts in a User message (Anthropic's model); wires
/// with a separate tool role split them out when serialising.
struct Message {
  Role role = Role::User;
  std::vector<Part> parts;
  std::string name;  // OpenAI participant name, rarely used
};

/// Top-level instructions, in order. Developer (OpenAI) and system are kept apart so a wire that
/// has both can restore them; others merge them.
struct Instruction {
  Role role = Role::System;  // System or Developer
  std::string text;
  std::optional<CacheControl> cache_control;
};

struct Tool {
  std::string name;
  std::string description;
  std::string parameters;  // JSON Schema as JSON text ("{}" if none)
  bool strict = false;
  std::optional<CacheControl> cache_control;
};

struct ToolChoice {
  enum class Mode { Auto, None, Required, Named };
  Mode mode = Mode::Auto;
  std::string name;                      // Named
  std::optional<bool> parallel_calls;    // OpenAI parallel_tool_calls; Anthropic's inverse flag
};

struct ResponseFormat {
  enum class Kind { Text, JsonObject, JsonSchema };
  Kind kind = Kind::Text;
  std::string name;
  std::string schema;  // JSON text
  bool strict = false;
};

/// Effort as the OpenAI wires name it; Anthropic and Gemini express it as a token budget.
enum class Effort { Minimal, Low, Medium, High };

struct Request {
  std::string model;
  std::vector<Instruction> instructions;
  std::vector<Message> messages;
  std::vector<Tool> tools;
  std::optional<ToolChoice> tool_choice;

  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<std::int64_t> top_k;
  std::optional<std::int64_t> seed;
  std::optional<std::int64_t> max_output_tokens;
  std::vector<std::string> stop;
  std::optional<ResponseFormat> response_format;

  std::optional<Effort> reasoning_effort;
  std::optional<std::int64_t> thinking_budget;  // tokens
  bool thinking_disabled = false;               // explicitly off
  bool include_reasoning = false;               // client wants reasoning back (summaries etc.)

  std::string user;           // end-user id (OpenAI user / Anthropic metadata.user_id)
  std::string metadata;       // JSON object text, passed where the target has metadata
  std::int64_t n = 1;         // choices; > 1 only where the target can
  bool stream = false;
  bool stream_usage = false;  // the client asked for usage in the stream (OpenAI include_usage)

  /// Client fields the target wire cannot express; reported in x-sluice-dropped (or rejected
  /// when the route is strict). Filled by serialisers.
  std::vector<std::string> dropped;
};

enum class StopReason { EndTurn, MaxTokens, StopSequence, ToolUse, ContentFilter, PauseTurn, Refusal, Error };

struct Usage {
  std::int64_t input = 0;        // prompt tokens, including cached ones
  std::int64_t output = 0;       // completion tokens, including reasoning
  std::int64_t cache_read = 0;
  std::int64_t cache_write = 0;
  std::int64_t reasoning = 0;
};

struct Response {
  std::string id;
  std::string model;
  std::vector<Part> content;  // Text, ToolCall, Reasoning, RedactedReasoning
  StopReason stop = StopReason::EndTurn;
  std::string stop_sequence;
  Usage usage;
  std::int64_t created = 0;  // unix seconds
};

/// The canonical stream grammar: Start, then for each content part PartStart, deltas, PartStop,
/// then Finish (stop reason and usage), then Done. Usage may also arrive early (input tokens at
/// start). Decoders emit it; encoders turn it into the client's exact event sequence.
struct Event {
  enum class Kind {
    Start,           // id, model, usage (input side if known)
    PartStart,       // index, part (kind; ToolCall: id and name; Reasoning: nothing yet)
    TextDelta,       // index, text
    ReasoningDelta,  // index, text
    SignatureDelta,  // index, text (signature)
    ToolArgsDelta,   // index, text (a fragment of the arguments JSON)
    PartStop,        // index
    Usage,           // usage (cumulative so far)
    Finish,          // stop, stop_sequence, usage (final)
    Error,           // error_type, text (message)
    Done,            // nothing follows
  };
  Kind kind = Kind::Start;
  int index = 0;
  Part part;  // PartStart
  std::string text;
  std::string id;
  std::string model;
  StopReason stop = StopReason::EndTurn;
  std::string stop_sequence;
  Usage usage;
  std::string error_type;  // "overloaded_error", "rate_limit_error", ...
};

}  // namespace sluice::ir
