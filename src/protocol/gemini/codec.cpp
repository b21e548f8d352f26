// The Gemini (generateContent / streamGenerateContent) codec: glue over the pieces in this
// directory, plus the small helpers they share.
#include "protocol/codecs.hpp"
#include "protocol/gemini/internal.hpp"

namespace sluice::protocol::gemini {

std::string sig_for_client(std::string_view ir_sig) {
  if (ir_sig.starts_with(kGeminiSig)) {
    return std::string(ir_sig.substr(kGeminiSig.size()));
  }
  std::string s(kForeignSig);
  s += ir_sig;
  return s;
}

void append_client_sig(std::vector<ir::Part>& out, std::string_view client_sig, std::string text) {
  ir::Part p;
  if (client_sig.starts_with(kRedactedSig)) {
    p.kind = ir::Part::Kind::RedactedReasoning;
    p.data = std::string(client_sig.substr(kRedactedSig.size()));
  } else {
    p.kind = ir::Part::Kind::Reasoning;
    p.text = std::move(text);
    p.signature = client_sig.starts_with(kForeignSig)
                      ? std::string(client_sig.substr(kForeignSig.size()))
                      : sig_from_upstream(client_sig);
  }
  out.push_back(std::move(p));
}

std::string synth_call_id(std::string_view response_id, std::size_t index, std::string_view name) {
  std::string id = "call_";
  // Other wires restrict ids to [A-Za-z0-9_-] (Anthropic's tool_use id pattern).
  auto append_clean = [&](std::string_view s) {
    for (char c : s) {
      const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '-';
      id += ok ? c : '_';
    }
  };
  if (!response_id.empty()) {
    append_clean(response_id);
    id += '_';
    id += std::to_string(index);
  } else {
    id += std::to_string(index);
    id += '_';
    append_clean(name);
  }
  return id;
}

namespace {

class Codec final : public WireCodec {
 public:
  Endpoint endpoint() const override { return Endpoint::GenerateContent; }
  std::variant<ir::Request, core::GatewayError> parse_request(
      std::string_view body, const RequestContext& ctx) const override {
    return gemini::parse_request(body, ctx);
  }
  std::string serialize_request(ir::Request& req) const override {
    return gemini::serialize_request(req);
  }
  std::string upstream_path(const ir::Request& req) const override {
    return gemini::upstream_path(req);
  }
  std::variant<ir::Response, core::GatewayError> parse_response(
      std::string_view body) const override {
    return gemini::parse_response(body);
  }
  std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) const override {
    return gemini::serialize_response(res, opt);
  }
  std::unique_ptr<StreamDecoder> decoder() const override { return make_decoder(); }
  std::unique_ptr<StreamEncoder> encoder(const EncodeOptions& opt) const override {
    return make_encoder(opt);
  }
  core::GatewayError parse_error(int status, std::string_view body) const override {
    return gemini::parse_error(status, body);
  }
};

}  // namespace

const WireCodec& codec() {
  static const Codec c;
  return c;
}

}  // namespace sluice::protocol::gemini
