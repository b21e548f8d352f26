#include "pipeline/gateway.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <atomic>
#include <random>

#include "pipeline/feedback.hpp"
#include "protocol/errors.hpp"
#include "routing/auto_table.hpp"

namespace sluice::pipeline {
namespace {

using protocol::Endpoint;

struct Route {
  std::string_view path;
  Endpoint endpoint;
};

// Exact paths. OpenAI SDK clients may also be pointed at the root without /v1 (base_url
// "http://host:4100"), so the bare forms are accepted too.
constexpr Route kRoutes[] = {
    {"/v1/chat/completions", Endpoint::ChatCompletions},
    {"/chat/completions", Endpoint::ChatCompletions},
    {"/v1/responses", Endpoint::Responses},
    {"/responses", Endpoint::Responses},
    {"/v1/embeddings", Endpoint::Embeddings},
    {"/embeddings", Endpoint::Embeddings},
    {"/v1/messages", Endpoint::Messages},
    {"/v1/messages/count_tokens", Endpoint::CountTokens},
};

std::optional<Endpoint> endpoint_for(std::string_view path) {
  for (const auto& r : kRoutes) {
    if (r.path == path) return r.endpoint;
  }
  if (path.starts_with("/v1beta/models/")) {
    auto colon = path.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    auto method = path.substr(colon + 1);
    if (method == "generateContent") return Endpoint::GenerateContent;
    if (method == "streamGenerateContent") return Endpoint::StreamGenerate;
    if (method == "countTokens") return Endpoint::GeminiCountTokens;
    if (method == "embedContent") return Endpoint::GeminiEmbed;
  }
  return std::nullopt;
}

bool is_model_list(std::string_view path) {
  return path == "/v1/models" || path == "/models" || path == "/v1beta/models" ||
         path.starts_with("/v1/models/") || path.starts_with("/models/");
}

}  // namespace

std::string new_request_id() {
  static const std::uint64_t kProcess = [] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) ^ rd();
  }();
  static std::atomic<std::uint64_t> counter{0};
  const std::uint32_t n =
      static_cast<std::uint32_t>(counter.fetch_add(1, std::memory_order_relaxed));
  // "req_" + 16 hex digits of the process + 8 of the counter, by hand (snprintf cost ~1,500
  // instructions per request).
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(4 + 16 + 8, '0');
  id[0] = 'r';
  id[1] = 'e';
  id[2] = 'q';
  id[3] = '_';
  for (int i = 0; i < 16; ++i) id[4 + i] = kHex[(kProcess >> (60 - 4 * i)) & 0xf];
  for (int i = 0; i < 8; ++i) id[20 + i] = kHex[(n >> (28 - 4 * i)) & 0xf];
  return id;
}

Gateway::Gateway(providers::SnapshotHolder& snapshots, governance::Governance* governance,
                 intel::Learner* learner)
    : snapshots_(snapshots),
      governance_(governance),
      learner_(learner),
      pipeline_(make_default_pipeline()) {}

http::LocalReply Gateway::local_reply(const http::Request& req, int status,
                                      std::string_view message) const {
  core::GatewayError err{core::kind_for_status(status), std::string(message), "", ""};
  auto id = new_request_id();
  return {{{"content-type", "application/json"}, {"x-sluice-request-id", id}},
          protocol::error_body(protocol::family_for_path(req.path()), err, id)};
}

boost::asio::awaitable<void> Gateway::send_json(http::ResponseWriter& w, int status,
                                                std::string body, const std::string& request_id) {
  // Built outside the co_await: GCC 12 miscompiles braced lists in a coroutine's await operand.
  http::Headers h;
  h.push_back({"content-type", "application/json"});
  h.push_back({"x-sluice-request-id", request_id});
  co_await w.send(status, std::move(h), std::move(body));
}

namespace {

// Every name a client may send: routes, aliases, then provider/model for each known model. Plain
// functions, not coroutines: the JSON is built outside any co_await (see send_json).
struct ModelEntry {
  std::string id;
  std::string owner;
};

std::vector<ModelEntry> model_entries(const providers::Snapshot& snap) {
  std::vector<ModelEntry> entries;
  // auto and auto:TIER for each tier that has candidates (the :DIRECTION forms are not
  // listed: three times as many names that say nothing new).
  bool any_auto = false;
  for (std::size_t t = 0; t < core::kAutoTiers; ++t) {
    const auto tier = static_cast<core::AutoTier>(t);
    if (snap.autos && snap.autos->candidates(tier) > 0) {
      any_auto = true;
      entries.push_back({"auto:" + std::string(core::to_string(tier)), "sluice-auto"});
    }
  }
  if (any_auto) entries.insert(entries.begin(), {"auto", "sluice-auto"});
  for (const auto& r : snap.config.routes) entries.push_back({r.name, "sluice-route"});
  for (const auto& [alias, target] : snap.config.aliases)
    entries.push_back({alias, "sluice-alias"});
  for (const auto& p : snap.providers) {
    for (const auto& m : p.models) entries.push_back({p.config.name + "/" + m, p.config.name});
  }
  return entries;
}

std::pair<int, std::string> render_models(const providers::Snapshot& snap, std::string_view path,
                                          bool anthropic_shape, const std::string& request_id) {
  const auto entries = model_entries(snap);
  std::string_view single;
  if (path.starts_with("/v1/models/")) single = path.substr(11);
  if (path.starts_with("/models/")) single = path.substr(8);
  if (!single.empty()) {
    for (const auto& e : entries) {
      if (e.id != single) continue;
      boost::json::object m;
      m["id"] = e.id;
      m["object"] = "model";
      m["created"] = 0;
      m["owned_by"] = e.owner;
      return {200, boost::json::serialize(m)};
    }
    core::GatewayError err{
        core::ErrorKind::NotFound,
        "model '" + std::string(single) + "' is not listed; GET /v1/models lists them", "model",
        "model_not_found"};
    return {404, protocol::error_body(protocol::Family::OpenAI, err, request_id)};
  }
  boost::json::array data;
  boost::json::object root;
  if (path == "/v1beta/models") {
    for (const auto& e : entries) {
      boost::json::object m;
      m["name"] = "models/" + e.id;
      m["displayName"] = e.id;
      m["supportedGenerationMethods"] = boost::json::array{"generateContent", "countTokens"};
      data.push_back(std::move(m));
    }
    root["models"] = std::move(data);
  } else if (anthropic_shape) {
    for (const auto& e : entries) {
      boost::json::object m;
      m["type"] = "model";
      m["id"] = e.id;
      m["display_name"] = e.id;
      m["created_at"] = "1970-01-01T00:00:00Z";
      data.push_back(std::move(m));
    }
    root["data"] = std::move(data);
    root["has_more"] = false;
    root["first_id"] =
        entries.empty() ? boost::json::value(nullptr) : boost::json::value(entries.front().id);
    root["last_id"] =
        entries.empty() ? boost::json::value(nullptr) : boost::json::value(entries.back().id);
  } else {
    for (const auto& e : entries) {
      boost::json::object m;
      m["id"] = e.id;
      m["object"] = "model";
      m["created"] = 0;
      m["owned_by"] = e.owner;
      data.push_back(std::move(m));
    }
    root["object"] = "list";
    root["data"] = std::move(data);
  }
  return {200, boost::json::serialize(root)};
}

}  // namespace

boost::asio::awaitable<void> Gateway::list_models(http::Request& req, http::ResponseWriter& w,
                                                  const std::string& request_id) {
  auto snap = snapshots_.get();
  auto [status, body] =
      render_models(*snap, req.path(),
                    http::find_header(req.headers, "anthropic-version") != nullptr, request_id);
  co_await send_json(w, status, std::move(body), request_id);
}

boost::asio::awaitable<void> Gateway::admin(http::Request& req, http::ResponseWriter& w,
                                            const std::string& request_id) {
  auto snap = snapshots_.get();
  auto [status, body] = admin_reply(*snap, req, governance_);
  co_await send_json(w, status, std::move(body), request_id);
}

boost::asio::awaitable<void> Gateway::handle(http::Request& req, http::ResponseWriter& w) {
  if (auto ep = endpoint_for(req.path()); ep && req.method == "POST") {
    ExchangeStart start;
    start.request_id = new_request_id();
    start.endpoint = *ep;
    start.snapshot = snapshots_.get();
    start.governance = governance_;
    start.learner = learner_;
    return pipeline_.serve(req, w, std::move(start));
  }
  return handle_other(req, w);
}

boost::asio::awaitable<void> Gateway::handle_other(http::Request& req, http::ResponseWriter& w) {
  const auto path = req.path();
  const auto id = new_request_id();
  auto error = [&](core::ErrorKind kind, std::string msg) -> boost::asio::awaitable<void> {
    core::GatewayError err{kind, std::move(msg), "", ""};
    co_await send_json(w, err.status(),
                       protocol::error_body(protocol::family_for_path(path), err, id), id);
  };

  if (auto ep = endpoint_for(path)) {
    // A model endpoint (handle() takes its POSTs) asked with another method.
    // Codex tries a WebSocket on GET /v1/responses first; 426 makes it fall back to HTTP at
    // once (a 404 costs it five retries).
    if (*ep == Endpoint::Responses && http::find_header(req.headers, "upgrade")) {
      co_return co_await error(core::ErrorKind::UpgradeRequired,
                               "WebSocket transport is not supported; use HTTP with SSE");
    }
    co_return co_await error(core::ErrorKind::MethodNotAllowed,
                             req.method + " is not allowed on " + std::string(path) + "; use POST");
  }
  if (path == "/v1/feedback" || path == "/feedback") {
    if (req.method != "POST") {
      co_return co_await error(
          core::ErrorKind::MethodNotAllowed,
          req.method + " is not allowed on " + std::string(path) + "; use POST");
    }
    auto [status, body] = feedback_reply(req, governance_, learner_, id);
    co_return co_await send_json(w, status, std::move(body), id);
  }
  if (path.starts_with("/admin/")) co_return co_await admin(req, w, id);
  if (req.method == "GET" || req.method == "HEAD") {
    if (path == "/healthz") co_return co_await send_json(w, 200, R"({"status":"ok"})", id);
    if (path == "/readyz") {
      if (draining_.load()) co_return co_await send_json(w, 503, R"({"status":"draining"})", id);
      co_return co_await send_json(w, 200, R"({"status":"ready"})", id);
    }
    if (is_model_list(path)) co_return co_await list_models(req, w, id);
    if (path == "/") {
      // Claude Code warms the connection with HEAD /; answer at once.
      co_return co_await send_json(w, 200, R"({"name":"sluice","version":")" SLUICE_VERSION R"("})",
                                   id);
    }
  } else if (path == "/healthz" || path == "/readyz" || is_model_list(path)) {
    co_return co_await error(core::ErrorKind::MethodNotAllowed,
                             req.method + " is not allowed on " + std::string(path) + "; use GET");
  }
  co_await error(
      core::ErrorKind::NotFound,
      "no such endpoint: " + req.method + " " + std::string(path) +
          ". sluice serves POST /v1/chat/completions, /v1/responses, /v1/embeddings, "
          "/v1/messages, /v1/messages/count_tokens, /v1beta/models/{model}:generateContent, "
          "/v1/feedback and GET /v1/models");
}

}  // namespace sluice::pipeline
