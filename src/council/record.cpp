#include "council/record.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/canonical_json.hpp"
#include "core/sha256.hpp"
#include "governance/period.hpp"

namespace sluice::council {
namespace {

namespace json = boost::json;

std::string money(double usd) {
  return fmt::format("{:.9f}", usd);
}

json::value key_json(const CouncilRecord& c) {
  if (c.key_id.empty()) return nullptr;
  return json::object{{"id", c.key_id}, {"name", c.key_name}, {"user", c.user}, {"team", c.team}};
}

json::value decision_json(const CouncilRecord& c) {
  if (!c.decision) return nullptr;
  return json::string(to_string(*c.decision));
}

std::string reasons_hash(const ReviewRecord& r) {
  std::string joined;
  for (const auto& s : r.reasons) {
    joined += s;
    joined += '\n';
  }
  return core::sha256_hex(joined);
}

}  // namespace

double CouncilRecord::cost_usd() const {
  double sum = 0;
  for (const auto& r : reviews) sum += r.cost_usd;
  return sum;
}

std::string to_json(const CouncilRecord& c) {
  json::array reviewers;
  for (const auto& r : c.reviews) {
    json::array reasons;
    for (const auto& s : r.reasons) reasons.push_back(json::string(s));
    json::object o{{"name", r.name},
                   {"model", r.model},
                   {"provider", r.provider},
                   {"request_id", r.request_id},
                   {"status", r.status},
                   {"verdict", r.verdict ? json::value(to_string(*r.verdict)) : json::value()},
                   {"reasons", std::move(reasons)},
                   {"cost_usd", money(r.cost_usd)},
                   {"latency_ms", r.latency_ms}};
    if (!r.error.empty()) o["error"] = r.error;
    reviewers.push_back(std::move(o));
  }
  json::object o{
      {"request_id", c.request_id},
      {"time", governance::iso8601(c.time_ms)},
      {"decided", c.decided_ms ? json::value(governance::iso8601(c.decided_ms)) : json::value()},
      {"status", c.status},
      {"decision", decision_json(c)},
      {"mode", to_string(c.mode)},
      {"rule", to_string(c.rule)},
      {"k", c.k},
      {"trigger", c.trigger},
      {"intent", c.intent.empty() ? json::value() : json::value(c.intent)},
      {"risk", c.risk ? json::value(*c.risk) : json::value()},
      {"key", key_json(c)},
      {"wire", c.wire},
      {"primary", json::object{{"model", c.primary_model}, {"provider", c.primary_provider}}},
      {"delivered", c.delivered.empty() ? json::value() : json::value(c.delivered)},
      {"cost_usd", money(c.cost_usd())},
      {"reviewers", std::move(reviewers)}};
  return json::serialize(o);
}

store::AuditRow audit_row(const CouncilRecord& c) {
  json::array reviewers;
  for (const auto& r : c.reviews) {
    reviewers.push_back(
        json::object{{"name", r.name},
                     {"model", r.model},
                     {"provider", r.provider},
                     {"request_id", r.request_id},
                     {"status", r.status},
                     {"verdict", r.verdict ? json::value(to_string(*r.verdict)) : json::value()},
                     {"reasons_sha256", reasons_hash(r)},
                     {"prompt_sha256", r.prompt_sha256},
                     {"reply_sha256", r.reply_sha256},
                     {"cost_usd", money(r.cost_usd)},
                     {"latency_ms", r.latency_ms}});
  }
  json::object o{
      {"kind", "council"},
      {"time_ms", c.decided_ms},
      {"request_id", c.request_id},
      {"key", key_json(c)},
      {"mode", to_string(c.mode)},
      {"rule", to_string(c.rule)},
      {"k", c.k},
      {"trigger", c.trigger},
      {"status", c.status},
      {"decision", decision_json(c)},
      {"delivered", c.delivered},
      {"answer_sha256", c.answer_sha256},
      {"primary", json::object{{"model", c.primary_model}, {"provider", c.primary_provider}}},
      {"cost_usd", money(c.cost_usd())},
      {"reviewers", std::move(reviewers)}};
  store::AuditRow row;
  row.time_ms = c.decided_ms;
  row.kind = "council";
  row.request_id = c.request_id;
  row.key_id = c.key_id;
  row.user = c.user;
  row.team = c.team;
  row.model = c.primary_model;
  row.provider = c.primary_provider;
  row.decision = c.decision ? std::string(to_string(*c.decision)) : "none";
  row.record = core::canonical_json(o);
  return row;
}

store::CouncilRow council_row(const CouncilRecord& c) {
  store::CouncilRow row;
  row.request_id = c.request_id;
  row.time_ms = c.time_ms;
  row.key_id = c.key_id;
  row.mode = std::string(to_string(c.mode));
  row.status = c.status;
  row.decision = c.decision ? std::string(to_string(*c.decision)) : "";
  row.detail = to_json(c);
  row.audit = audit_row(c);
  return row;
}

Registry& Registry::instance() {
  static Registry r;
  return r;
}

void Registry::put(const CouncilRecord& c) {
  auto text = to_json(c);
  std::lock_guard lock(mu_);
  const bool fresh = json_.insert_or_assign(c.request_id, std::move(text)).second;
  if (fresh) order_.push_back(c.request_id);
  // Forget the oldest; a council still pending is in flight for at most its timeout, far
  // shorter than kKeep councils take to arrive, so what goes has been stored.
  while (order_.size() > kKeep) {
    json_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<std::string> Registry::find(const std::string& request_id) const {
  std::lock_guard lock(mu_);
  auto it = json_.find(request_id);
  if (it == json_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sluice::council
