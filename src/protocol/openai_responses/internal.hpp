#pragma once
// Shared pieces of the OpenAI Responses codec (POST /v1/responses): the entry points each file
// implements, item/usage builders used by both the non-stream body and the stream encoder, and
// the two conventions this wire needs beyond the IR:
//  - Custom tools (Codex's freeform `apply_patch`) travel as function tools taking
//    {"input": string}; the schema text below marks them so the way back can restore
//    `custom_tool_call` items for the client that offered them.
//  - Reasoning that did not come from OpenAI rides in `encrypted_content` behind a "sluice."
//    prefix, so a thinking signature survives Codex's round trip (Anthropic requires it back).

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "protocol/codec.hpp"
#include "protocol/ir.hpp"
#include "protocol/json_util.hpp"

namespace sluice::protocol::openai_responses {

namespace bj = boost::json;

inline constexpr std::string_view kWire = "openai_responses";

// --- entry points (one file each) -----------------------------------------------------------

std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body);
std::string serialize_request(ir::Request& req);
std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body);
/// `custom_tools`: names the client offered as `custom` tools (their calls go back as
/// custom_tool_call items); see custom_tool_names().
std::string serialize_response(const ir::Response& res, const EncodeOptions& opt,
                               const std::vector<std::string>& custom_tools);
std::unique_ptr<StreamDecoder> make_decoder();
std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt, std::vector<std::string> custom_tools);
core::GatewayError parse_error(int status, std::string_view body);

// --- custom tools ---------------------------------------------------------------------------

/// The IR parameters text for a custom tool; `syntax`/`definition` come from its grammar format
/// (empty for free text) and are folded into the description so the model still sees them.
std::string custom_tool_parameters(std::string_view syntax, std::string_view definition);
/// True for a tool whose parameters were made by custom_tool_parameters().
bool is_custom_tool(const ir::Tool& tool);
/// Names of the custom tools in a client's parsed request (empty for none / nullptr).
std::vector<std::string> custom_tool_names(const ir::Request* client_request);
/// Tool-call arguments {"input": "..."} for a custom tool call's raw input.
std::string custom_arguments(std::string_view input);
/// The raw input back out of a custom tool call's arguments (the arguments text itself when they
/// are not {"input": string}).
std::string custom_input(std::string_view arguments);

/// Incrementally decodes the "input" string of {"input": "..."} from argument fragments, so a
/// custom tool call streams as raw text deltas. Tolerates escapes split across fragments.
class CustomInputExtractor {
 public:
  /// Appends the decoded input text contained in `fragment` to `out`.
  void feed(std::string_view fragment, std::string& out);
  /// True once the value of "input" began (false means the arguments had another shape).
  bool found() const { return state_ != State::Seek; }

 private:
  enum class State { Seek, Value, Escape, Unicode, Done };
  void unicode_done(std::string& out);
  State state_ = State::Seek;
  // Seek: a tiny tokenizer that only tracks strings and depth to find the "input" key.
  int depth_ = 0;
  bool in_string_ = false;
  bool string_escape_ = false;
  bool key_is_input_ = false;
  bool expect_value_ = false;
  std::string key_;
  std::string hex_;
  unsigned high_surrogate_ = 0;
};

// --- reasoning carried in encrypted_content -------------------------------------------------

/// OpenAI's own encrypted reasoning (a Fernet token); the only kind OpenAI accepts back.
inline bool is_openai_encrypted(std::string_view data) { return data.starts_with("gAAAA"); }
/// encrypted_content for a foreign thinking signature / a foreign redacted-reasoning blob.
std::string envelope_signature(std::string_view signature);
std::string envelope_redacted(std::string_view data);
/// What an incoming encrypted_content holds.
struct Unwrapped {
  std::string signature;  // a thinking signature (goes on the Reasoning part)
  std::string redacted;   // opaque data (a RedactedReasoning part)
};
Unwrapped unwrap_encrypted(std::string_view encrypted);

// --- ids, usage, items ----------------------------------------------------------------------

/// The response id: the IR id when it already is a Responses id, else one derived from opt.id.
std::string response_id(std::string_view ir_id, const EncodeOptions& opt);
/// A deterministic item id: "<prefix>_<base>_<output index>", base = opt.id without "resp_".
std::string item_id(std::string_view prefix, const EncodeOptions& opt, std::size_t output_index);

bj::object usage_json(const ir::Usage& u);
ir::Usage usage_from(const bj::object& usage);

bj::object message_item(std::string_view id, std::string_view text, std::string_view status);
bj::object function_call_item(std::string_view id, std::string_view call_id, std::string_view name,
                              std::string_view arguments, std::string_view status);
bj::object custom_call_item(std::string_view id, std::string_view call_id, std::string_view name,
                            std::string_view input);
bj::object reasoning_item(std::string_view id, std::string_view summary, bool has_summary,
                          std::string_view encrypted);
/// A response object for a body or a stream's created/completed/failed event. `usage` null for
/// in-progress, `error` only for failed.
bj::object response_object(std::string_view id, std::int64_t created, std::string_view model,
                           std::string_view status, bj::array output, const ir::Usage* usage,
                           std::string_view incomplete_reason, const bj::value& error);

/// Appends `s` as a quoted JSON string.
using json::append_json_string;
/// Appends `s` JSON-escaped without quotes.
using json::append_json_escaped;

/// A minimal streaming JSON writer for bodies built on the hot path (no DOM): commas are
/// tracked with one flag, so calls must follow JSON's nesting.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}
  JsonWriter& open_object() { return open('{'); }
  JsonWriter& close_object() { return close('}'); }
  JsonWriter& open_array() { return open('['); }
  JsonWriter& close_array() { return close(']'); }
  JsonWriter& key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    first_ = true;
    return *this;
  }
  JsonWriter& string(std::string_view s) {
    separate();
    append_json_string(out_, s);
    return *this;
  }
  JsonWriter& boolean(bool b) {
    separate();
    out_ += b ? "true" : "false";
    return *this;
  }
  JsonWriter& integer(std::int64_t n);
  JsonWriter& number(double d);
  /// JSON text from the IR (schemas, metadata), spliced after validation; text that does not
  /// parse is written as a string, like json::parse_or_string.
  JsonWriter& raw(std::string_view json_text);
  /// key + string value.
  JsonWriter& field(std::string_view k, std::string_view v) { return key(k).string(v); }

 private:
  JsonWriter& open(char c) {
    separate();
    out_ += c;
    first_ = true;
    return *this;
  }
  JsonWriter& close(char c) {
    out_ += c;
    first_ = false;
    return *this;
  }
  void separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }
  std::string& out_;
  bool first_ = true;
};

/// True when `text` is one complete JSON value (validated without building a DOM).
bool valid_json(std::string_view text);

/// A 400 naming the offending field.
core::GatewayError invalid(std::string_view path, std::string_view what);

}  // namespace sluice::protocol::openai_responses
