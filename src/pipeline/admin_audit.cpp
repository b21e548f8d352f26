// GET /admin/audit: pages of audit records, newest first, filtered by key, user, team, model,
// provider, status, decision, kind and time range; GET /admin/audit/{request_id}: one record.
// Pagination is by sequence number (`before=` the last seq of the previous page), which stays
// stable while new records arrive.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <charconv>

#include "governance/period.hpp"
#include "pipeline/gateway.hpp"

namespace sluice::pipeline {
namespace {

std::optional<std::int64_t> int_param(std::string_view query, std::string_view name) {
  auto v = http::query_param(query, name);
  if (!v) return std::nullopt;
  std::int64_t out = 0;
  auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || p != v->data() + v->size()) return std::nullopt;
  return out;
}

boost::json::object row_json(const store::AuditRow& r) {
  boost::system::error_code ec;
  auto rec = boost::json::parse(r.record, ec);
  return {{"seq", r.seq},
          {"hash", r.hash},
          {"time", governance::iso8601(r.time_ms)},
          {"record", ec ? boost::json::value(nullptr) : std::move(rec)}};
}

}  // namespace

std::optional<std::pair<int, std::string>> audit_admin_reply(governance::Governance* gov,
                                                             const http::Request& req) {
  const auto path = req.path();
  if (path != "/admin/audit" && !path.starts_with("/admin/audit/")) return std::nullopt;
  if (!gov) return admin_error(core::ErrorKind::NotFound, "the audit log is not open here");
  if (req.method != "GET") return admin_error(core::ErrorKind::MethodNotAllowed, "use GET");
  const auto query = req.query();
  store::AuditQuery q;
  if (path.starts_with("/admin/audit/")) {
    q.request_id = std::string(path.substr(std::string_view("/admin/audit/").size()));
    q.kind = "request";  // not the council's record, which has the same request id
    q.limit = 1;
  } else {
    const std::pair<const char*, std::string*> filters[] = {
        {"key", &q.key_id},        {"user", &q.user},
        {"team", &q.team},         {"model", &q.model},
        {"provider", &q.provider}, {"decision", &q.decision},
        {"kind", &q.kind},         {"request_id", &q.request_id}};
    for (const auto& [name, field] : filters) {
      if (auto v = http::query_param(query, name)) *field = *v;
    }
    std::int64_t status = 0;
    const std::pair<const char*, std::int64_t*> numbers[] = {{"since_ms", &q.since_ms},
                                                             {"until_ms", &q.until_ms},
                                                             {"before", &q.before_seq},
                                                             {"after", &q.after_seq},
                                                             {"status", &status}};
    for (const auto& [name, field] : numbers) {
      if (http::query_param(query, name)) {
        auto v = int_param(query, name);
        if (!v) {
          return admin_error(core::ErrorKind::InvalidRequest,
                             std::string(name) + " must be an integer");
        }
        *field = *v;
      }
    }
    q.status = static_cast<int>(status);
    if (auto l = int_param(query, "limit"))
      q.limit = static_cast<std::size_t>(std::clamp<std::int64_t>(*l, 1, 1000));
    // after= pages forward (oldest first); otherwise newest first.
    q.newest_first = !http::query_param(query, "after");
  }
  try {
    auto rows = gov->with_store([&](store::Store& s) { return s.audit_rows(q); });
    if (path.starts_with("/admin/audit/")) {
      if (rows.empty()) {
        return admin_error(core::ErrorKind::NotFound,
                           "no audit record for request " + q.request_id);
      }
      return std::pair{200, boost::json::serialize(row_json(rows.front()))};
    }
    boost::json::array data;
    for (const auto& r : rows) data.push_back(row_json(r));
    boost::json::object out{{"data", std::move(data)}};
    const bool more = rows.size() == q.limit;
    out["has_more"] = more;
    if (more)
      out["next"] = q.newest_first ? "before=" + std::to_string(rows.back().seq)
                                   : "after=" + std::to_string(rows.back().seq);
    return std::pair{200, boost::json::serialize(out)};
  } catch (const std::exception& e) {
    return admin_error(core::ErrorKind::Internal, std::string("the store failed: ") + e.what());
  }
}

}  // namespace sluice::pipeline
