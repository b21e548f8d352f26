#include "policy/explain.hpp"

#include <boost/json/array.hpp>

#include "protocol/mappings.hpp"

namespace sluice::policy {
namespace {

namespace bj = boost::json;

template <class Range>
bj::array strings(const Range& items) {
  bj::array out;
  for (const auto& s : items) out.emplace_back(bj::string_view(s.data(), s.size()));
  return out;
}

bj::string_view sv(std::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

std::string_view verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Allow:
      return "allow";
    case Verdict::Deny:
      return "deny";
    case Verdict::None:
      return "none";
  }
  return "none";
}

bj::object to_json(const Decision& d) {
  bj::object o;
  o["matched"] = strings(d.matched);
  o["verdict"] = sv(verdict_name(d.verdict));
  if (!d.decided_by.empty()) o["decided_by"] = sv(d.decided_by);
  if (d.denied()) o["deny"] = {{"status", d.deny_status}, {"message", d.deny_message}};
  if (!d.route.empty()) {
    o["route"] = sv(d.route);
    o["route_rule"] = sv(d.route_rule);
  }
  if (!d.caps.empty()) {
    bj::object caps;
    if (d.caps.max_reasoning) caps["reasoning"] = sv(protocol::effort_name(*d.caps.max_reasoning));
    if (d.caps.max_output_tokens > 0) caps["max_tokens"] = d.caps.max_output_tokens;
    if (!d.caps.service_tiers.empty()) caps["service_tier"] = strings(d.caps.service_tiers);
    o["caps"] = std::move(caps);
  }
  bj::array skills;
  for (const auto* s : d.skills) skills.emplace_back(sv(s->name));
  o["skills"] = std::move(skills);
  if (!d.skills_off.empty()) o["skills_off"] = strings(d.skills_off);
  if (!d.skills_kept.empty()) o["skills_kept"] = strings(d.skills_kept);
  if (!d.redact.empty()) o["redact"] = strings(d.redact);
  if (!d.tags.empty()) o["tags"] = strings(d.tags);
  if (d.council) {
    bj::object c;
    if (d.council->k > 0) c["k"] = d.council->k;
    if (!d.council->mode.empty()) c["mode"] = d.council->mode;
    if (!d.council->decide.empty()) c["decide"] = d.council->decide;
    o["council"] = std::move(c);
  }
  return o;
}

}  // namespace sluice::policy
