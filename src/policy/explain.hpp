#pragma once
// A decision as JSON, for `sluice policy test --json` (and an admin endpoint later).

#include <boost/json/object.hpp>

#include "policy/decision.hpp"

namespace sluice::policy {

/// {"matched": [...], "verdict": "allow|deny|none", "decided_by", "deny": {status, message},
///  "route", "route_rule", "caps": {...}, "skills": [...], "skills_off": [...],
///  "skills_kept": [...], "redact": [...], "tags": [...], "council": {k, mode}}; absent
/// members were not decided.
boost::json::object to_json(const Decision& d);

std::string_view verdict_name(Verdict v);

}  // namespace sluice::policy
