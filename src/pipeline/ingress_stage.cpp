// ingress: validate the body as JSON and read the few fields routing needs; nothing else is
// parsed, so unknown fields reach the provider byte for byte.

#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

using protocol::Endpoint;

// "/v1beta/models/gemini-2.5-pro:generateContent" -> "gemini-2.5-pro"
std::string gemini_model_from_path(std::string_view path) {
  constexpr std::string_view kPrefix = "/v1beta/models/";
  if (!path.starts_with(kPrefix)) return {};
  path.remove_prefix(kPrefix.size());
  return std::string(path.substr(0, path.rfind(':')));
}

class IngressStage final : public Stage {
 public:
  std::string_view name() const override { return "ingress"; }

  Decision decide(Exchange& ex) override {
    ex.request_bytes = ex.request.body.size();
    ex.probe = protocol::probe_json(ex.request.body);
    if (!ex.probe.valid || !ex.probe.is_object) {
      core::GatewayError err{
          core::ErrorKind::InvalidRequest,
          ex.probe.valid ? ex.probe.error : "malformed JSON in the request body: " + ex.probe.error,
          "", "invalid_json"};
      return Decision::refuse(std::move(err));
    }
    if (protocol::family_of(ex.endpoint) == protocol::Family::Gemini) {
      ex.requested_model = gemini_model_from_path(ex.request.path());
      ex.stream = ex.endpoint == Endpoint::StreamGenerate;
    } else {
      if (!ex.probe.model) {
        core::GatewayError err{
            core::ErrorKind::InvalidRequest,
            "the request body has no \"model\" string; name a model (GET /v1/models lists them)",
            "model", "missing_model"};
        return Decision::refuse(std::move(err));
      }
      ex.requested_model = *ex.probe.model;
      ex.stream = ex.probe.stream.value_or(false);
    }
    return Decision::next();
  }
};

}  // namespace

StagePtr make_ingress_stage() {
  return std::make_unique<IngressStage>();
}

}  // namespace sluice::pipeline
