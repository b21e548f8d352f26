#pragma once
// Internals of the Anthropic Messages codec (POST /v1/messages), shared by its translation units:
//   request_parse.cpp      client body -> ir::Request
//   request_serialize.cpp  ir::Request -> upstream body, upstream_path
//   response.cpp           non-stream bodies both ways
//   stream_decoder.cpp     upstream SSE -> ir::Event
//   stream_encoder.cpp     ir::Event -> client SSE
//   errors.cpp             upstream error bodies
//   codec.cpp              the WireCodec and the helpers below

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/codec.hpp"

namespace sluice::protocol::anthropic {

namespace bj = boost::json;

inline constexpr std::string_view kWire = "anthropic";
/// max_tokens is required by Anthropic; used when the client did not set a limit.
inline constexpr std::int64_t kDefaultMaxTokens = 8192;
/// Anthropic's smallest thinking budget.
inline constexpr std::int64_t kMinThinkingBudget = 1024;

std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body);
std::string serialize_request(ir::Request& req);
std::string upstream_path(const ir::Request& req);

std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body);
std::string serialize_response(const ir::Response& res, const EncodeOptions& opt);

std::unique_ptr<StreamDecoder> make_decoder();
std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt);

core::GatewayError parse_error(int status, std::string_view body);
/// An Anthropic error type ("overloaded_error", ...) for an IR error type of any wire.
std::string_view error_type_name(std::string_view ir_error_type);

// ---- helpers shared by the files above (codec.cpp) ----

/// `{"cache_control": ...}` of a block, if any.
std::optional<ir::CacheControl> cache_control_of(const bj::object& block);
bj::object cache_control_json(const ir::CacheControl& cc, bj::storage_ptr sp);

/// Anthropic usage (input_tokens excludes cache reads and writes) -> IR usage (input includes
/// them). Fields missing from `u` keep the values already in `into`.
void read_usage(const bj::object& u, ir::Usage& into);
/// IR usage -> Anthropic usage object; `input_side` adds the cache fields.
bj::object usage_json(const ir::Usage& u, bool input_side, bj::storage_ptr sp);

/// The message id a client sees: the IR id when it already has Anthropic's "msg_" prefix, else
/// one derived from EncodeOptions.id (deterministic).
std::string message_id(std::string_view ir_id, const EncodeOptions& opt);

/// True for thinking signatures / redacted data that Anthropic issued (base64 protobuf starting
/// with 'E'); OpenAI encrypted reasoning ("gAAAA...") and Gemini thought signatures ("C...") are
/// not, and sending them back would make Anthropic reject the request.
bool is_anthropic_signature(std::string_view sig);

/// A string field as a view into the document ("" / `fallback` when absent or not a string);
/// for the type and role tags compared on every block, without a copy.
inline std::string_view view_field(const bj::object& o, std::string_view key,
                                   std::string_view fallback = {}) {
  auto it = o.find(key);
  if (it == o.end() || !it->value().is_string()) return fallback;
  return it->value().get_string();
}

/// Parses `text` as JSON into `sp`; nullopt when it is not valid JSON.
std::optional<bj::value> parse_json(std::string_view text, bj::storage_ptr sp);

}  // namespace sluice::protocol::anthropic
