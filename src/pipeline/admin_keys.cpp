// The admin API's governance half: virtual keys (list, create, show, revoke, rotate), budget
// state and recent governance events. Same guard as the rest of /admin (admin.token, else loopback
// only). A key's secret is in the response to create and rotate, and nowhere else.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "governance/key_admin.hpp"
#include "governance/period.hpp"
#include "pipeline/gateway.hpp"
#include "protocol/errors.hpp"

namespace sluice::pipeline {
namespace {

std::pair<int, std::string> issued(int status, const governance::IssuedKey& k) {
  auto o = governance::key_json(k.record, governance::now_ms());
  o["key"] = k.secret;
  return {status, boost::json::serialize(o)};
}

boost::json::object budget_json(const governance::BudgetState& b) {
  boost::json::object o;
  o["label"] = b.rule.label;
  o["limit_usd"] = b.rule.limit_usd;
  o["spent_usd"] = b.spent_usd;
  o["reserved_usd"] = b.reserved_usd;
  o["period"] = b.rule.period.to_string();
  o["action"] = governance::to_string(b.rule.action);
  o["warn"] = b.rule.warn;
  o["window_start"] = governance::iso8601(b.window.start_ms);
  o["resets"] = governance::iso8601(b.window.end_ms);
  return o;
}

std::pair<int, std::string> keys_reply(governance::Governance& gov, const http::Request& req) {
  const auto now = governance::now_ms();
  std::string_view rest = req.path().substr(std::string_view("/admin/keys").size());
  if (rest.starts_with('/')) rest.remove_prefix(1);
  std::string_view id = rest.substr(0, rest.find('/'));
  std::string_view action = id.size() < rest.size() ? rest.substr(id.size() + 1) : "";

  if (id.empty()) {
    if (req.method == "GET") {
      boost::json::array data;
      std::int64_t generation = 0;
      const auto all = gov.with_store([&](store::Store& s) {
        generation = s.keys_generation();
        return s.keys();
      });
      for (const auto& k : all) data.push_back(governance::key_json(k, now));
      // `loaded` tells whether this gateway already enforces the latest change (the CLI writes
      // the store; the gateway picks it up within a quarter second).
      return {200, boost::json::serialize(
                       boost::json::object{{"data", std::move(data)},
                                           {"generation", generation},
                                           {"loaded", gov.loaded_generation() == generation}})};
    }
    if (req.method != "POST") {
      return admin_error(core::ErrorKind::MethodNotAllowed, "use GET or POST on /admin/keys");
    }
    boost::system::error_code ec;
    auto body = boost::json::parse(req.body, ec);
    if (ec || !body.is_object()) {
      return admin_error(core::ErrorKind::InvalidRequest,
                         "POST /admin/keys needs a JSON object body");
    }
    auto opts = governance::key_options_from_json(body.get_object());
    if (auto* err = std::get_if<std::string>(&opts)) {
      return admin_error(core::ErrorKind::InvalidRequest, *err);
    }
    auto made = gov.with_store([&](store::Store& s) {
      return governance::create_key(s, std::get<governance::KeyOptions>(opts), now);
    });
    if (auto* err = std::get_if<std::string>(&made)) {
      return admin_error(core::ErrorKind::InvalidRequest, *err);
    }
    gov.reload_keys();
    return issued(201, std::get<governance::IssuedKey>(made));
  }

  if (action.empty() && req.method == "GET") {
    auto k = gov.with_store([&](store::Store& s) { return s.find_key(id); });
    if (!k)
      return admin_error(core::ErrorKind::NotFound,
                         "no key with id or name '" + std::string(id) + "'");
    return {200, boost::json::serialize(governance::key_json(*k, now))};
  }
  const bool revoke =
      (action.empty() && req.method == "DELETE") || (action == "revoke" && req.method == "POST");
  if (revoke) {
    auto r = gov.with_store([&](store::Store& s) { return governance::revoke_key(s, id, now); });
    if (auto* err = std::get_if<std::string>(&r)) {
      return admin_error(core::ErrorKind::InvalidRequest, *err);
    }
    gov.reload_keys();
    return {200, boost::json::serialize(governance::key_json(std::get<store::KeyRecord>(r), now))};
  }
  if (action == "rotate" && req.method == "POST") {
    auto r = gov.with_store([&](store::Store& s) { return governance::rotate_key(s, id, now); });
    if (auto* err = std::get_if<std::string>(&r)) {
      return admin_error(core::ErrorKind::InvalidRequest, *err);
    }
    gov.reload_keys();
    return issued(200, std::get<governance::IssuedKey>(r));
  }
  return admin_error(core::ErrorKind::NotFound,
                     "keys endpoints: GET/POST /admin/keys, GET/DELETE /admin/keys/{id}, POST "
                     "/admin/keys/{id}/revoke, POST /admin/keys/{id}/rotate");
}

}  // namespace

std::optional<std::pair<int, std::string>> governance_admin_reply(governance::Governance* gov,
                                                                  const http::Request& req) {
  const auto path = req.path();
  const bool keys = path == "/admin/keys" || path.starts_with("/admin/keys/");
  const bool budgets = path == "/admin/budgets";
  const bool events = path == "/admin/events";
  if (!keys && !budgets && !events) return std::nullopt;
  if (!gov)
    return admin_error(core::ErrorKind::NotFound, "governance is not running in this process");
  try {
    if (keys) return keys_reply(*gov, req);
    if (req.method != "GET") return admin_error(core::ErrorKind::MethodNotAllowed, "use GET");
    if (events) {
      // The last day's governance events: budget warnings and exhaustion, key changes.
      const auto since = governance::now_ms() - 24 * 3600 * 1000;
      boost::json::array data;
      for (const auto& e : gov->with_store([&](store::Store& s) { return s.events(since); })) {
        data.push_back({{"time", governance::iso8601(e.time_ms)},
                        {"kind", e.kind},
                        {"scope", e.scope},
                        {"detail", e.detail}});
      }
      return std::pair{200, boost::json::serialize(boost::json::object{{"data", std::move(data)}})};
    }
    boost::json::array data;
    for (const auto& b : gov->budgets().states(governance::now_ms())) {
      data.push_back(budget_json(b));
    }
    return std::pair{200, boost::json::serialize(boost::json::object{{"data", std::move(data)}})};
  } catch (const std::exception& e) {
    return admin_error(core::ErrorKind::Internal, std::string("the store failed: ") + e.what());
  }
}

}  // namespace sluice::pipeline
