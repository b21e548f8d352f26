#pragma once
// The openai_chat (Chat Completions) codec's pieces, shared between its translation units.
// Chat Completions is also the provider wire for every OpenAI-compatible server (OpenAI, Ollama,
// vLLM, Groq, Mistral, DeepSeek ...), so the parsing side accepts their common variations.

#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/codec.hpp"
#include "protocol/json_util.hpp"

namespace sluice::protocol::openai_chat {

namespace bj = boost::json;

inline constexpr std::string_view kWire = "openai_chat";

std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body);
std::string serialize_request(ir::Request& req);
std::string upstream_path(const ir::Request& req);

std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body);
std::string serialize_response(const ir::Response& res, const EncodeOptions& opt);

std::unique_ptr<StreamDecoder> make_decoder();
std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt);

core::GatewayError parse_error(int status, std::string_view body);

/// A finish_reason -> IR stop reason; tool calls turn a plain "stop" into ToolUse (servers
/// that report "stop" after calling tools).
ir::StopReason stop_from_finish(std::string_view finish, bool had_tool_calls);

/// Chat usage object (prompt/completion tokens and their details, or DeepSeek's cache fields)
/// -> IR usage. Prompt tokens already include cached ones, as in the IR.
ir::Usage usage_from(const bj::object& u);
/// IR usage -> the chat usage object, written as JSON text.
void append_usage(std::string& out, const ir::Usage& u);

/// A response/chunk id in chat's "chatcmpl-" convention: the upstream's when it fits, else one
/// derived from the gateway's id.
std::string response_id(std::string_view ir_id, std::string_view gateway_id);

/// Appends `s` as a JSON string literal (quotes included).
using json::append_json_string;

/// The IR's error_type (Anthropic-style names) from an OpenAI error's type/code, and back.
std::string error_type_from(std::string_view type, std::string_view code);
std::string_view openai_error_type(std::string_view ir_error_type);

/// Splits a data URL ("data:image/png;base64,AAAA") into media type and base64 payload; false
/// when `url` is not a base64 data URL.
bool split_data_url(std::string_view url, std::string& media_type, std::string& data);

}  // namespace sluice::protocol::openai_chat
