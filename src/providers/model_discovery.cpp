#include "providers/model_discovery.hpp"

#include <boost/json/parse.hpp>

#include "core/log.hpp"
#include "providers/forwarding.hpp"

namespace sluice::providers {

std::optional<std::vector<std::string>> parse_model_list(protocol::Family family,
                                                         std::string_view body) {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  std::vector<std::string> out;
  const auto& o = v.as_object();
  const char* list_key = family == protocol::Family::Gemini ? "models" : "data";
  const char* id_key = family == protocol::Family::Gemini ? "name" : "id";
  auto it = o.find(list_key);
  if (it == o.end() || !it->value().is_array()) return std::nullopt;
  for (const auto& m : it->value().as_array()) {
    if (!m.is_object()) continue;
    auto id = m.as_object().find(id_key);
    if (id == m.as_object().end() || !id->value().is_string()) continue;
    std::string name(id->value().as_string());
    if (name.starts_with("models/")) name.erase(0, 7);
    out.push_back(std::move(name));
  }
  return out;
}

boost::asio::awaitable<std::optional<std::vector<std::string>>> fetch_models(const Provider& p) {
  http::UpstreamRequest req;
  req.method = "GET";
  switch (p.config.type) {
    case protocol::Family::OpenAI:
      req.target = p.origin.base_path + "/models";
      break;
    case protocol::Family::Anthropic:
      req.target = p.origin.base_path + "/v1/models?limit=1000";
      break;
    case protocol::Family::Gemini:
      req.target = p.origin.base_path + "/v1beta/models?pageSize=1000";
      break;
  }
  req.headers = upstream_headers(p, p.accounts.front().api_key, {});
  http::ClientTimeouts t{std::chrono::milliseconds(3000), std::chrono::milliseconds(5000),
                         std::chrono::milliseconds(5000), std::chrono::milliseconds(8000)};
  auto r = co_await http::send_upstream(p.origin, std::move(req), t);
  if (auto* e = std::get_if<http::UpstreamError>(&r)) {
    log::warn("provider {}: model list not fetched: {}", p.config.name, e->message);
    co_return std::nullopt;
  }
  auto& resp = std::get<http::UpstreamResponse>(r);
  std::string body;
  const bool complete = co_await resp.read_all(body, 16 * 1024 * 1024);
  if (!complete) {
    log::warn("provider {}: model list not fetched: {}", p.config.name, resp.error()->message);
    co_return std::nullopt;
  }
  if (resp.status() != 200) {
    log::warn("provider {}: model list answered HTTP {}", p.config.name, resp.status());
    co_return std::nullopt;
  }
  auto models = parse_model_list(p.config.type, body);
  if (!models) log::warn("provider {}: model list was not in the expected shape", p.config.name);
  co_return models;
}

}  // namespace sluice::providers
