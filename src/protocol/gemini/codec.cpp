// PLACEHOLDER until the gemini translator lands: every operation reports that translation for
// this wire is not available, so cross-wire requests get a clear 400 instead of a crash.
#include "protocol/codecs.hpp"

namespace sluice::protocol::gemini {
namespace {

core::GatewayError unavailable() {
  return {core::ErrorKind::InvalidRequest, "translation to or from the gemini wire is not available yet",
          "", "translation_unavailable"};
}

class NullDecoder final : public StreamDecoder {
 public:
  void on_event(const http::SseEvent&, std::vector<ir::Event>&) override {}
  void on_end(std::vector<ir::Event>&) override {}
};
class NullEncoder final : public StreamEncoder {
 public:
  void on_event(const ir::Event&, std::string&) override {}
};

class Codec final : public WireCodec {
 public:
  Endpoint endpoint() const override { return Endpoint::GenerateContent; }
  std::variant<ir::Request, core::GatewayError> parse_request(std::string_view,
                                                              const RequestContext&) const override {
    return unavailable();
  }
  std::string serialize_request(ir::Request&) const override { return "{}"; }
  std::string upstream_path(const ir::Request&) const override { return "/"; }
  std::variant<ir::Response, core::GatewayError> parse_response(std::string_view) const override {
    return unavailable();
  }
  std::string serialize_response(const ir::Response&, const EncodeOptions&) const override { return "{}"; }
  std::unique_ptr<StreamDecoder> decoder() const override { return std::make_unique<NullDecoder>(); }
  std::unique_ptr<StreamEncoder> encoder(const EncodeOptions&) const override {
    return std::make_unique<NullEncoder>();
  }
  core::GatewayError parse_error(int, std::string_view) const override { return unavailable(); }
};

}  // namespace

const WireCodec& codec() {
  static const Codec c;
  return c;
}

}  // namespace sluice::protocol::gemini
