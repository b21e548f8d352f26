// auth: the caller's virtual key -> identity and scopes. A missing, unknown, revoked or expired
// key is a 401, a model outside the key's allowlist a 403 that names what is allowed, and the
// key's caps (reasoning effort, output tokens, service tier) are applied to the body here, so
// routing and both execute paths see the capped request.

#include "core/text.hpp"
#include "governance/keys.hpp"
#include "governance/period.hpp"
#include "pipeline/pipeline.hpp"
#include "routing/auto_table.hpp"

namespace sluice::pipeline {

std::string_view presented_key(const http::Request& req, std::string& decoded) {
  if (const auto bearer = http::bearer_token(req.headers); !bearer.empty()) return bearer;
  if (const auto* k = http::find_header(req.headers, "x-api-key")) return *k;
  if (const auto* k = http::find_header(req.headers, "x-goog-api-key")) return *k;
  decoded = http::query_param(req.query(), "key").value_or("");
  return decoded;
}

namespace {

core::GatewayError unauthenticated(std::string message) {
  return {core::ErrorKind::Unauthenticated, std::move(message), "", "invalid_api_key"};
}

class AuthStage final : public Stage {
 public:
  std::string_view name() const override { return "auth"; }

  Decision decide(Exchange& ex) override {
    auto* gov = ex.governance;
    if (!gov || !gov->auth_required()) return Decision::next();
    std::string decoded;
    const std::string_view secret = presented_key(ex.request, decoded);
    if (secret.empty()) {
      return Decision::refuse(
          unauthenticated("this gateway needs a sluice virtual key: send it as "
                          "Authorization: Bearer sk-sluice-..., x-api-key or x-goog-api-key "
                          "(create one with `sluice keys create`)"));
    }
    auto key = gov->keys().find(secret);
    if (!key) {
      // Never echo the secret; a provider key sent by mistake is the common case.
      const bool looks_like_ours = secret.starts_with(governance::kKeyPrefix);
      return Decision::refuse(unauthenticated(
          looks_like_ours ? "unknown sluice key; check for a typo or a rotated key"
                          : "this is not a sluice key; the gateway holds the provider "
                            "keys, so send your sk-sluice-... virtual key instead"));
    }
    const auto& rec = key->record;
    if (rec.revoked_ms != 0) {
      return Decision::refuse(
          unauthenticated(key->label + " was revoked at " + governance::iso8601(rec.revoked_ms)));
    }
    if (rec.expires_ms != 0 && rec.expires_ms <= governance::now_ms()) {
      return Decision::refuse(
          unauthenticated(key->label + " expired at " + governance::iso8601(rec.expires_ms)));
    }
    ex.key = key;
    // An auto name is narrowed to the allowed models of its tier by the route stage instead.
    if (!routing::is_auto_name(ex.requested_model) &&
        !governance::model_allowed(rec.models, ex.requested_model)) {
      core::GatewayError err{core::ErrorKind::PermissionDenied,
                             "model '" + ex.requested_model + "' is not allowed for " + key->label +
                                 "; allowed: " + core::join(rec.models, ", "),
                             "model", "model_not_allowed"};
      return Decision::refuse(std::move(err));
    }
    if (!key->caps.empty()) {
      auto capped = governance::apply_caps(ex.endpoint, ex.request.body, key->caps);
      if (capped.refused) return Decision::refuse(std::move(*capped.refused));
      if (capped.body) {
        ex.request.body = std::move(*capped.body);
        ex.probe = protocol::probe_json(ex.request.body);  // passthrough rewrites by offsets
        ex.governance_headers.push_back({"x-sluice-capped", core::join(capped.applied, ", ")});
      }
    }
    return Decision::next();
  }
};

}  // namespace

StagePtr make_auth_stage() {
  return std::make_unique<AuthStage>();
}

}  // namespace sluice::pipeline
