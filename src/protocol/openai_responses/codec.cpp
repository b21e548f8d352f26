// The OpenAI Responses wire (POST /v1/responses), glued into the WireCodec interface.
#include "protocol/codecs.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {
namespace {

/// The client's parsed request, when the gateway passes it (EncodeOptions::request); it tells
/// which tool calls go back to the client as custom_tool_call items.
template <class Options>
const ir::Request* client_request(const Options& opt) {
  if constexpr (requires { opt.request; }) {
    return opt.request;
  } else {
    return nullptr;
  }
}

class Codec final : public WireCodec {
 public:
  Endpoint endpoint() const override { return Endpoint::Responses; }
  std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body,
                                                              const RequestContext&) const override {
    return openai_responses::parse_request(body);
  }
  std::string serialize_request(ir::Request& req) const override { return openai_responses::serialize_request(req); }
  std::string upstream_path(const ir::Request&) const override { return "/responses"; }
  std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body) const override {
    return openai_responses::parse_response(body);
  }
  std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) const override {
    return openai_responses::serialize_response(res, opt, custom_tool_names(client_request(opt)));
  }
  std::unique_ptr<StreamDecoder> decoder() const override { return make_decoder(); }
  std::unique_ptr<StreamEncoder> encoder(const EncodeOptions& opt) const override {
    return make_encoder(opt, custom_tool_names(client_request(opt)));
  }
  core::GatewayError parse_error(int status, std::string_view body) const override {
    return openai_responses::parse_error(status, body);
  }
};

}  // namespace

const WireCodec& codec() {
  static const Codec c;
  return c;
}

}  // namespace sluice::protocol::openai_responses
