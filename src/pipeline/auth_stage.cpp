// auth: the caller's virtual key -> identity and scopes. A missing, unknown, revoked or expired
// key is a 401, a model outside the key's allowlist a 403 that names what is allowed, and the
// key's caps (reasoning effort, output tokens, service tier) are applied to the body here, so
// routing and both execute paths see the capped request.

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include "governance/keys.hpp"
#include "governance/period.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

/// The key as each SDK sends it: OpenAI `Authorization: Bearer`, Anthropic `x-api-key` (or a
/// bearer token, as Claude Code sends ANTHROPIC_AUTH_TOKEN), Gemini `x-goog-api-key` or `?key=`.
std::string presented_key(const http::Request& req) {
  if (const auto* auth = http::find_header(req.headers, "authorization")) {
    if (starts_with_nocase(*auth, "bearer ")) {
      std::string_view v = std::string_view(*auth).substr(7);
      while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
      return std::string(v);
    }
  }
  if (const auto* k = http::find_header(req.headers, "x-api-key")) return *k;
  if (const auto* k = http::find_header(req.headers, "x-goog-api-key")) return *k;
  const auto query = req.query();
  if (query.empty()) return {};  // Boost.URL 1.81 strlen()s a null data()
  auto parsed = boost::urls::parse_query(boost::core::string_view(query.data(), query.size()));
  if (!parsed) return {};
  for (const auto& p : boost::urls::params_view(*parsed)) {
    if (p.key == "key") return std::string(p.value);
  }
  return {};
}

core::GatewayError unauthenticated(std::string message) {
  return {core::ErrorKind::Unauthenticated, std::move(message), "", "invalid_api_key"};
}

std::string allowed_list(const std::vector<std::string>& models) {
  std::string out;
  for (const auto& m : models) {
    if (!out.empty()) out += ", ";
    out += m;
  }
  return out;
}

class AuthStage final : public Stage {
 public:
  std::string_view name() const override { return "auth"; }

  boost::asio::awaitable<Verdict> on_request(Exchange& ex) override {
    auto* gov = ex.governance;
    if (!gov || !gov->auth_required()) co_return Verdict::Continue;
    const std::string secret = presented_key(ex.request);
    if (secret.empty()) {
      co_return co_await respond_error(
          ex, unauthenticated("this gateway needs a sluice virtual key: send it as "
                              "Authorization: Bearer sk-sluice-..., x-api-key or x-goog-api-key "
                              "(create one with `sluice keys create`)"));
    }
    auto key = gov->keys().find(secret);
    if (!key) {
      // Never echo the secret; a provider key sent by mistake is the common case.
      const bool looks_like_ours = secret.starts_with(governance::kKeyPrefix);
      co_return co_await respond_error(
          ex, unauthenticated(looks_like_ours
                                  ? "unknown sluice key; check for a typo or a rotated key"
                                  : "this is not a sluice key; the gateway holds the provider "
                                    "keys, so send your sk-sluice-... virtual key instead"));
    }
    const auto& rec = key->record;
    if (rec.revoked_ms != 0) {
      co_return co_await respond_error(ex, unauthenticated(key->label + " was revoked at " +
                                                           governance::iso8601(rec.revoked_ms)));
    }
    if (rec.expires_ms != 0 && rec.expires_ms <= governance::now_ms()) {
      co_return co_await respond_error(
          ex, unauthenticated(key->label + " expired at " + governance::iso8601(rec.expires_ms)));
    }
    ex.key = key;
    if (!governance::model_allowed(rec.models, ex.requested_model)) {
      core::GatewayError err{core::ErrorKind::PermissionDenied,
                             "model '" + ex.requested_model + "' is not allowed for " + key->label +
                                 "; allowed: " + allowed_list(rec.models),
                             "model", "model_not_allowed"};
      co_return co_await respond_error(ex, std::move(err));
    }
    if (!key->caps.empty()) {
      auto capped = governance::apply_caps(ex.endpoint, ex.request.body, key->caps);
      if (capped.refused) co_return co_await respond_error(ex, std::move(*capped.refused));
      if (capped.body) {
        ex.request.body = std::move(*capped.body);
        ex.probe = protocol::probe_json(ex.request.body);  // passthrough rewrites by offsets
        std::string applied;
        for (const auto& a : capped.applied) {
          if (!applied.empty()) applied += ", ";
          applied += a;
        }
        ex.governance_headers.push_back({"x-sluice-capped", std::move(applied)});
      }
    }
    co_return Verdict::Continue;
  }
};

}  // namespace

StagePtr make_auth_stage() {
  return std::make_unique<AuthStage>();
}

}  // namespace sluice::pipeline
