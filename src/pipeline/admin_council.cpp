// GET /admin/council/{request_id}: a request's council (docs/council.md) — pending ones from
// this process's registry, decided ones from the store (so a restart or another replica's
// CLI still finds them).

#include "council/record.hpp"
#include "pipeline/gateway.hpp"

namespace sluice::pipeline {

std::optional<std::pair<int, std::string>> council_admin_reply(governance::Governance* gov,
                                                               const http::Request& req) {
  constexpr std::string_view kPrefix = "/admin/council/";
  const auto path = req.path();
  if (!path.starts_with(kPrefix) && path != "/admin/council") return std::nullopt;
  if (req.method != "GET") return admin_error(core::ErrorKind::MethodNotAllowed, "use GET");
  const std::string id(path.substr(std::min(path.size(), kPrefix.size())));
  if (id.empty()) {
    return admin_error(core::ErrorKind::InvalidRequest, "GET /admin/council/{request_id}");
  }
  if (auto json = council::Registry::instance().find(id)) return std::pair{200, std::move(*json)};
  if (gov) {
    try {
      auto row = gov->with_store([&](store::Store& s) { return s.find_council(id); });
      if (row) return std::pair{200, std::move(row->detail)};
    } catch (const std::exception& e) {
      return admin_error(core::ErrorKind::Internal, std::string("the store failed: ") + e.what());
    }
  }
  return admin_error(core::ErrorKind::NotFound, "no council for request " + id);
}

}  // namespace sluice::pipeline
