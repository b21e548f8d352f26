#include "policy/decision.hpp"

#include <algorithm>

namespace sluice::policy {
namespace {

void add_unique(std::vector<std::string_view>& out, const std::vector<std::string>& items) {
  for (const auto& i : items) {
    if (std::find(out.begin(), out.end(), i) == out.end()) out.push_back(i);
  }
}

template <class T, class F>
std::string joined(const std::vector<T>& items, F name) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ',';
    out += name(i);
  }
  return out;
}

}  // namespace

void Decision::merge(const Rule& rule) {
  const auto& t = rule.then;
  if (t.deny && verdict != Verdict::Deny) {
    verdict = Verdict::Deny;
    decided_by = rule.id;
    deny_status = t.deny_status;
    deny_message =
        t.deny_message.empty() ? "request denied by policy rule '" + rule.id + "'" : t.deny_message;
  } else if (t.allow && verdict == Verdict::None) {
    verdict = Verdict::Allow;
    decided_by = rule.id;
  }
  if (!t.route.empty() && route.empty()) {
    route = t.route;
    route_rule = rule.id;
  }
  if (t.cap_reasoning && (!caps.max_reasoning || *t.cap_reasoning < *caps.max_reasoning)) {
    caps.max_reasoning = t.cap_reasoning;
  }
  if (t.cap_max_tokens > 0 &&
      (caps.max_output_tokens == 0 || t.cap_max_tokens < caps.max_output_tokens)) {
    caps.max_output_tokens = t.cap_max_tokens;
  }
  if (!t.cap_service_tier.empty()) {
    if (caps.service_tiers.empty()) {
      caps.service_tiers = t.cap_service_tier;
    } else {
      std::vector<std::string> both;
      for (const auto& tier : caps.service_tiers) {
        const auto& next = t.cap_service_tier;
        if (std::find(next.begin(), next.end(), tier) != next.end()) both.push_back(tier);
      }
      if (!both.empty()) caps.service_tiers = std::move(both);
    }
  }
  add_unique(redact, t.redact);
  add_unique(tags, t.tag);
  if (t.council && !council) council = t.council;
}

std::string Decision::header() const {
  return joined(matched, [](std::string_view id) { return id; });
}

std::string Decision::skills_header() const {
  return joined(skills, [](const Skill* s) { return std::string_view(s->name); });
}

core::GatewayError Decision::deny_error() const {
  return core::GatewayError{core::kind_for_status(deny_status), deny_message, "", "policy_denied"};
}

std::string Decision::skill_text() const {
  std::string out;
  for (const auto* s : skills) {
    if (!out.empty()) out += "\n\n";
    out += s->wrapped;
  }
  return out;
}

}  // namespace sluice::policy
