#pragma once
// Shared pieces of the Gemini (generateContent) codec: field lookup that accepts both the
// lowerCamel and the proto snake_case spelling (Google's JSON mapping accepts either and the
// official curl samples use snake_case), thought-signature conventions, schema conversion and
// the entry points that codec.cpp glues together.

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "protocol/codec.hpp"

namespace sluice::protocol::gemini {

namespace bj = boost::json;

class Writer;  // writer.hpp

/// A field by its lowerCamel name or its snake_case alias.
inline const bj::value* get(const bj::object& o, std::string_view camel, std::string_view snake) {
  if (auto it = o.find(camel); it != o.end()) return &it->value();
  if (snake.empty()) return nullptr;
  auto it = o.find(snake);
  return it == o.end() ? nullptr : &it->value();
}
inline const bj::value* get(const bj::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

// ---- Thought signatures ------------------------------------------------------------------
// Gemini signatures are only valid for Gemini, and other providers' signatures are only valid
// for them. In the IR a signature that came FROM a Gemini upstream is marked with kGeminiSig so
// serialize_request can replay it and drop foreign ones. A foreign signature shown TO a Gemini
// client is wrapped in kForeignSig so the client's next request restores it unchanged;
// Anthropic redacted thinking travels the same way under kRedactedSig.
// An IR Reasoning part with empty text and a signature carries the signature of the part that
// follows it in the same message (or stands alone at the end of the message).
inline constexpr std::string_view kGeminiSig = "gemini:";
inline constexpr std::string_view kForeignSig = "sluice:";
inline constexpr std::string_view kRedactedSig = "sluice-redacted:";
/// Gemini 3's documented sentinel for function calls that have no signature of its own.
inline constexpr std::string_view kSkipSigValidator = "skip_thought_signature_validator";

/// Upstream thoughtSignature -> IR signature.
inline std::string sig_from_upstream(std::string_view s) {
  std::string out;
  out.reserve(kGeminiSig.size() + s.size());
  out.append(kGeminiSig).append(s);
  return out;
}
/// IR signature -> what a Gemini client is shown.
std::string sig_for_client(std::string_view ir_sig);
/// IR signature -> the upstream thoughtSignature, or "" when it is not Gemini's.
inline std::string_view sig_for_upstream(std::string_view ir_sig) {
  return ir_sig.starts_with(kGeminiSig) ? ir_sig.substr(kGeminiSig.size()) : std::string_view{};
}

/// A Gemini-client part -> IR parts for the thought-signature conventions above. Appends the
/// Reasoning / RedactedReasoning part a client signature stands for.
void append_client_sig(std::vector<ir::Part>& out, std::string_view client_sig, std::string text);

// ---- Ids -----------------------------------------------------------------------------------
/// A deterministic tool-call id for a Gemini function call that has none: "call_<resp>_<i>" in
/// responses (unique across turns), "call_<i>_<name>" inside one request's history.
std::string synth_call_id(std::string_view response_id, std::size_t index, std::string_view name);

// ---- Schemas -------------------------------------------------------------------------------
/// A Gemini OpenAPI-subset schema (type "OBJECT", nullable) -> standard JSON Schema text.
std::string schema_to_json_schema(const bj::value& gemini_schema);

/// Writes `"<subset_key>": <schema>` into the object being written: standard JSON Schema text
/// -> Gemini's subset, dropping keywords Gemini rejects (additionalProperties, $schema,
/// unsupported formats ...), folding ["x","null"] into nullable and const into enum. A schema the
/// subset cannot hold ($ref, free-form nested objects, maps) goes whole (minus $schema) under
/// `full_key` (parametersJsonSchema / responseJsonSchema). With `top_level_tool`, an object
/// schema without properties means "no parameters" and nothing is written. Returns whether a
/// field was written.
bool write_gemini_schema(std::string_view json_schema_text, bool top_level_tool,
                         std::string_view subset_key, std::string_view full_key, Writer& w);

// ---- Codec pieces --------------------------------------------------------------------------
std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body,
                                                            const RequestContext& ctx);
std::string serialize_request(ir::Request& req);
std::string upstream_path(const ir::Request& req);

std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body);
std::string serialize_response(const ir::Response& res, const EncodeOptions& opt);

std::unique_ptr<StreamDecoder> make_decoder();
std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt);

/// usageMetadata <-> IR usage (Gemini counts thoughts apart from candidates; the IR does not).
ir::Usage usage_from(const bj::object& usage_metadata);
void write_usage_metadata(const ir::Usage& u, Writer& w);
/// The functionCall field of a ToolCall part (arguments re-serialised; {} when not an object).
void write_call(const ir::Part& call, Writer& w);
/// finishReason -> IR stop; STOP with function calls in the answer is a tool-use stop.
ir::StopReason stop_from(std::string_view finish_reason, bool has_calls);

core::GatewayError parse_error(int status, std::string_view body);
/// Gemini error status ("RESOURCE_EXHAUSTED") -> the IR's error_type ("rate_limit_error").
std::string_view error_type_for_status(std::string_view status);
/// IR error_type -> Gemini {code, status}.
struct GeminiErrorCode {
  int code;
  std::string_view status;
};
GeminiErrorCode error_code_for_type(std::string_view error_type);

}  // namespace sluice::protocol::gemini
