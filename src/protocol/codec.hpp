#pragma once
// One codec per wire, to and from the IR. Cross-wire execution is
//   client codec.parse_request -> ir::Request -> provider codec.serialize_request
//   provider codec.parse_response / decoder -> ir -> client codec.serialize_response / encoder
// Codecs are stateless and shared; decoders and encoders are per stream and not thread-safe.
// Nothing here throws on bad input: errors come back as values with a message for the client.

#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/error.hpp"
#include "http/sse.hpp"
#include "protocol/ir.hpp"
#include "protocol/wire.hpp"

namespace sluice::protocol {

/// What a parser needs beyond the body. Gemini carries the model and the stream flag in the URL.
struct RequestContext {
  Endpoint endpoint = Endpoint::ChatCompletions;
  std::string model_from_path;  // Gemini
  bool stream_from_path = false;  // Gemini streamGenerateContent
};

/// What an encoder needs to speak for the gateway.
struct EncodeOptions {
  std::string model;       // the model name the client sees
  std::string id;          // response id to use when the upstream's does not fit the client wire
  bool include_usage = false;  // OpenAI chat: emit the final usage chunk (stream_options)
  std::int64_t created = 0;    // unix seconds
  /// The client's own parsed request, when the encoder must echo its shape (Responses: a tool
  /// the client offered as `custom` comes back as custom_tool_call). May be null.
  const ir::Request* request = nullptr;
};

/// Upstream stream (this wire) -> canonical events. Feed each SSE event as it arrives.
class StreamDecoder {
 public:
  virtual ~StreamDecoder() = default;
  /// Translates one upstream SSE event; appends zero or more IR events to `out`.
  virtual void on_event(const http::SseEvent& ev, std::vector<ir::Event>& out) = 0;
  /// The upstream stream ended cleanly. Appends what is still owed (PartStop, Finish, Done) if
  /// the upstream did not send it, so the client always sees a complete grammar.
  virtual void on_end(std::vector<ir::Event>& out) = 0;
};

/// Canonical events -> the client's exact SSE byte sequence for this wire.
class StreamEncoder {
 public:
  virtual ~StreamEncoder() = default;
  /// Appends the bytes for `ev` (possibly none, possibly several events) to `out`.
  virtual void on_event(const ir::Event& ev, std::string& out) = 0;
};

class WireCodec {
 public:
  virtual ~WireCodec() = default;
  /// The endpoint this codec serves as a client wire (and calls as a provider wire).
  virtual Endpoint endpoint() const = 0;

  /// Client request body -> IR. Errors are 400s naming the offending field.
  virtual std::variant<ir::Request, core::GatewayError> parse_request(
      std::string_view body, const RequestContext& ctx) const = 0;
  /// IR -> this wire's request body for `req.model`. Pure: never modifies the input except to
  /// append to `req.dropped` the fields this wire cannot express (so a retry can rerun it).
  virtual std::string serialize_request(ir::Request& req) const = 0;
  /// Where the request goes, relative to the provider's base URL (e.g. "/chat/completions",
  /// "/v1/messages", "/v1beta/models/M:streamGenerateContent?alt=sse").
  virtual std::string upstream_path(const ir::Request& req) const = 0;

  /// Upstream non-stream response body -> IR.
  virtual std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body) const = 0;
  /// IR -> this wire's response body for the client.
  virtual std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) const = 0;

  virtual std::unique_ptr<StreamDecoder> decoder() const = 0;
  virtual std::unique_ptr<StreamEncoder> encoder(const EncodeOptions& opt) const = 0;

  /// Upstream error response (status + body in this wire's shape) -> a gateway error whose kind
  /// follows the status and whose message is the upstream's.
  virtual core::GatewayError parse_error(int status, std::string_view body) const = 0;
};

/// The codec for a client endpoint (chat, responses, messages, generateContent/stream); nullptr
/// for endpoints that are passthrough-only (embeddings, count_tokens).
const WireCodec* codec_for(Endpoint endpoint);
/// The codec used to call a provider of `family` (OpenAI-family providers are called through
/// Chat Completions, which every OpenAI-compatible server speaks).
const WireCodec& provider_codec(Family family);

}  // namespace sluice::protocol
