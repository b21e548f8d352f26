// The admin API: views of routing for operators (GET /admin/route, /admin/health), and keys and
// budgets (admin_keys.cpp).
// Guarded by `admin.token` (Authorization: Bearer) when set; without a token only clients on
// the loopback interface are served, so a gateway bound to 0.0.0.0 does not expose it.

#include <boost/json/serialize.hpp>

#include <charconv>

#include "governance/keys.hpp"
#include "pipeline/gateway.hpp"
#include "protocol/errors.hpp"
#include "routing/explain.hpp"

namespace sluice::pipeline {
namespace {

bool loopback(std::string_view remote) {
  return remote.starts_with("127.") || remote.starts_with("::1") ||
         remote.starts_with("::ffff:127.");
}

bool flag(std::string_view query, std::string_view name) {
  auto v = http::query_param(query, name);
  return v && (v->empty() || *v == "1" || *v == "true");
}

}  // namespace

std::pair<int, std::string> admin_error(core::ErrorKind kind, std::string message) {
  core::GatewayError err{kind, std::move(message), "", ""};
  return {err.status(), protocol::error_body(protocol::Family::OpenAI, err, "")};
}

std::pair<int, std::string> admin_reply(const providers::Snapshot& snap, const http::Request& req,
                                        governance::Governance* governance) {
  const auto path = req.path();
  const auto& token = snap.config.admin_token;
  if (!token.empty()) {
    if (!governance::same_secret(http::bearer_token(req.headers), token)) {
      return admin_error(core::ErrorKind::Unauthenticated,
                         "the admin API needs Authorization: Bearer <admin.token>");
    }
  } else if (!loopback(req.remote)) {
    return admin_error(
        core::ErrorKind::PermissionDenied,
        "the admin API is served to loopback clients only; set admin.token to open it");
  }
  if (auto reply = governance_admin_reply(governance, req)) return std::move(*reply);
  if (auto reply = audit_admin_reply(governance, req)) return std::move(*reply);
  if (auto reply = council_admin_reply(governance, req)) return std::move(*reply);
  if (req.method != "GET") {
    return admin_error(core::ErrorKind::MethodNotAllowed, req.method + " is not allowed; use GET");
  }
  const auto query = req.query();
  if (path == "/admin/health") {
    return {200, boost::json::serialize(routing::health_report(snap))};
  }
  if (path == "/admin/route") {
    routing::ExplainQuery q;
    auto model = http::query_param(query, "model");
    if (!model || model->empty()) {
      return admin_error(core::ErrorKind::InvalidRequest, "GET /admin/route needs ?model=NAME");
    }
    q.model = *model;
    if (auto w = http::query_param(query, "wire")) {
      auto fam = protocol::family_from_string(*w);
      if (!fam)
        return admin_error(core::ErrorKind::InvalidRequest,
                           "wire must be openai, anthropic or gemini");
      q.wire = *fam;
    }
    std::uint8_t needs = 0;
    if (flag(query, "tools")) needs |= core::kTools;
    if (flag(query, "vision")) needs |= core::kVision;
    if (flag(query, "json")) needs |= core::kJson;
    if (flag(query, "reasoning")) needs |= core::kReasoning;
    std::uint64_t max_tokens = 0;
    if (auto m = http::query_param(query, "max_tokens")) {
      auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), max_tokens);
      if (ec != std::errc() || p != m->data() + m->size()) {
        return admin_error(core::ErrorKind::InvalidRequest, "max_tokens must be a whole number");
      }
    }
    q.traits =
        routing::traits_for(http::query_param(query, "prompt").value_or(""), needs, max_tokens);
    return {200, boost::json::serialize(routing::explain(snap, q))};
  }
  return admin_error(core::ErrorKind::NotFound,
                     "no such admin endpoint: " + std::string(path) +
                         " (GET /admin/route?model=NAME, GET /admin/health, /admin/keys, "
                         "GET /admin/budgets, GET /admin/events)");
}

}  // namespace sluice::pipeline
