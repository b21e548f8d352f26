// The admin API: views of routing for operators (GET /admin/route, /admin/health), and keys and
// budgets (admin_keys.cpp).
// Guarded by `admin.token` (Authorization: Bearer) when set; without a token only clients on
// the loopback interface are served, so a gateway bound to 0.0.0.0 does not expose it.

#include <boost/json/serialize.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <charconv>

#include "pipeline/gateway.hpp"
#include "protocol/errors.hpp"
#include "routing/explain.hpp"

namespace sluice::pipeline {
namespace {

bool loopback(std::string_view remote) {
  return remote.starts_with("127.") || remote.starts_with("::1") ||
         remote.starts_with("::ffff:127.");
}

/// Constant-time comparison: the admin token must not leak through response timing.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::optional<std::string> param(std::string_view query, std::string_view name) {
  // An empty view may have a null data(), which Boost.URL 1.81 passes to strlen.
  if (query.empty()) return std::nullopt;
  auto parsed = boost::urls::parse_query(boost::core::string_view(query.data(), query.size()));
  if (!parsed) return std::nullopt;
  for (const auto& p : boost::urls::params_view(*parsed)) {  // decoded (%20, +)
    if (p.key == name) return std::string(p.value);
  }
  return std::nullopt;
}

bool flag(std::string_view query, std::string_view name) {
  auto v = param(query, name);
  return v && (v->empty() || *v == "1" || *v == "true");
}

}  // namespace

std::pair<int, std::string> admin_reply(const providers::Snapshot& snap, const http::Request& req,
                                        governance::Governance* governance) {
  const auto path = req.path();
  const auto& token = snap.config.admin_token;
  auto fail = [](core::ErrorKind kind, std::string msg) {
    core::GatewayError err{kind, std::move(msg), "", ""};
    return std::pair{err.status(), protocol::error_body(protocol::Family::OpenAI, err, "")};
  };
  if (!token.empty()) {
    const std::string* auth = http::find_header(req.headers, "authorization");
    const std::string_view given = auth && auth->starts_with("Bearer ")
                                       ? std::string_view(*auth).substr(7)
                                       : std::string_view{};
    if (!same_secret(given, token)) {
      return fail(core::ErrorKind::Unauthenticated,
                  "the admin API needs Authorization: Bearer <admin.token>");
    }
  } else if (!loopback(req.remote)) {
    return fail(core::ErrorKind::PermissionDenied,
                "the admin API is served to loopback clients only; set admin.token to open it");
  }
  if (auto reply = governance_admin_reply(governance, req)) return std::move(*reply);
  if (req.method != "GET") {
    return fail(core::ErrorKind::MethodNotAllowed, req.method + " is not allowed; use GET");
  }
  const auto query = req.query();
  if (path == "/admin/health") {
    return {200, boost::json::serialize(routing::health_report(snap))};
  }
  if (path == "/admin/route") {
    routing::ExplainQuery q;
    auto model = param(query, "model");
    if (!model || model->empty()) {
      return fail(core::ErrorKind::InvalidRequest, "GET /admin/route needs ?model=NAME");
    }
    q.model = *model;
    if (auto w = param(query, "wire")) {
      auto fam = protocol::family_from_string(*w);
      if (!fam)
        return fail(core::ErrorKind::InvalidRequest, "wire must be openai, anthropic or gemini");
      q.wire = *fam;
    }
    std::uint8_t needs = 0;
    if (flag(query, "tools")) needs |= core::kTools;
    if (flag(query, "vision")) needs |= core::kVision;
    if (flag(query, "json")) needs |= core::kJson;
    if (flag(query, "reasoning")) needs |= core::kReasoning;
    std::uint64_t max_tokens = 0;
    if (auto m = param(query, "max_tokens")) {
      auto [p, ec] = std::from_chars(m->data(), m->data() + m->size(), max_tokens);
      if (ec != std::errc() || p != m->data() + m->size()) {
        return fail(core::ErrorKind::InvalidRequest, "max_tokens must be a whole number");
      }
    }
    q.traits = routing::traits_for(param(query, "prompt").value_or(""), needs, max_tokens);
    return {200, boost::json::serialize(routing::explain(snap, q))};
  }
  return fail(core::ErrorKind::NotFound,
              "no such admin endpoint: " + std::string(path) +
                  " (GET /admin/route?model=NAME, GET /admin/health, /admin/keys, "
                  "GET /admin/budgets, GET /admin/events)");
}

}  // namespace sluice::pipeline
