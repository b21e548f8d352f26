// Rules: YAML -> Rule, every field checked here so evaluation never meets a bad value.

#include "policy/rule.hpp"

#include <algorithm>
#include <array>

#include "core/error.hpp"
#include "core/yaml_check.hpp"
#include "governance/caps.hpp"
#include "guard/kinds.hpp"
#include "protocol/mappings.hpp"

namespace sluice::policy {
namespace {

constexpr std::array<std::string_view, 5> kCouncilModes{"async", "gate", "majority", "unanimous",
                                                        "any"};
constexpr std::array<std::string_view, 3> kCouncilRules{"majority", "unanimous", "any"};

bool identifier(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == ':' || c == '/';
  });
}

std::vector<std::string> names(const YAML::Node& node, std::string_view what) {
  auto out = string_list(node, what);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (!identifier(out[i])) {
      core::fail(node.IsSequence() ? node[i] : node,
                 std::string(what) + ": '" + out[i] +
                     "' must be a name of letters, digits, '-', '_', '.', ':' or '/'");
    }
  }
  return out;
}

void parse_deny(const YAML::Node& node, Then& t) {
  t.deny = true;
  if (node.IsScalar()) {
    // `deny: true` or `deny: "message"`; `deny: false` is a mistake worth reporting.
    const auto text = node.as<std::string>();
    if (text == "false") core::fail(node, "deny: false denies nothing; remove it");
    if (text != "true") t.deny_message = text;
    return;
  }
  core::check_keys(node, "deny", {"status", "message"});
  if (const auto& s = node["status"]) {
    t.deny_status = static_cast<int>(core::whole(s, "deny.status", 400, 599));
    // The client's error shape is chosen by kind, so only statuses a kind stands for survive.
    if (core::GatewayError{core::kind_for_status(t.deny_status), "", "", ""}.status() !=
        t.deny_status) {
      core::fail(
          s, "deny.status: " + std::to_string(t.deny_status) +
                 " cannot be answered (use 400, 401, 403, 404, 413, 429, 500, 502, 503 or 504)");
    }
  }
  if (node["message"]) t.deny_message = core::scalar(node["message"], "deny.message");
}

void parse_cap(const YAML::Node& node, Then& t) {
  core::check_keys(node, "cap", {"reasoning", "max_tokens", "service_tier"});
  if (node.size() == 0) core::fail(node, "cap must set reasoning, max_tokens or service_tier");
  if (const auto& r = node["reasoning"]) {
    const auto name = core::scalar(r, "cap.reasoning");
    t.cap_reasoning = protocol::effort_from(name);
    if (!t.cap_reasoning) {
      core::fail(r, "cap.reasoning: '" + name + "' is not an effort (minimal, low, medium, high)");
    }
  }
  if (const auto& m = node["max_tokens"]) {
    t.cap_max_tokens = core::whole(m, "cap.max_tokens", 1, 100'000'000);
  }
  if (const auto& s = node["service_tier"]) {
    t.cap_service_tier = string_list(s, "cap.service_tier");
    for (std::size_t i = 0; i < t.cap_service_tier.size(); ++i) {
      if (!governance::known_service_tier(t.cap_service_tier[i])) {
        core::fail(s.IsSequence() ? s[i] : s,
                   "cap.service_tier: '" + t.cap_service_tier[i] +
                       "' is not a service tier (auto, default, flex, priority, scale, "
                       "standard_only)");
      }
    }
  }
}

Council parse_council(const YAML::Node& node) {
  Council c;
  if (node.IsScalar()) {
    if (!core::boolean(node, "require_council")) {
      core::fail(node, "require_council: false requires nothing; remove it");
    }
    return c;
  }
  core::check_keys(node, "require_council", {"k", "mode", "decide"});
  if (node["k"]) c.k = static_cast<int>(core::whole(node["k"], "require_council.k", 1, 16));
  if (node["mode"]) {
    c.mode = core::scalar(node["mode"], "require_council.mode");
    if (std::find(kCouncilModes.begin(), kCouncilModes.end(), c.mode) == kCouncilModes.end()) {
      core::fail(node["mode"], "require_council.mode: '" + c.mode +
                                   "' is not a mode (async, gate; or majority, unanimous, any)");
    }
  }
  if (node["decide"]) {
    c.decide = core::scalar(node["decide"], "require_council.decide");
    if (std::find(kCouncilRules.begin(), kCouncilRules.end(), c.decide) == kCouncilRules.end()) {
      core::fail(node["decide"], "require_council.decide: '" + c.decide +
                                     "' is not a rule (majority, unanimous, any)");
    }
  }
  return c;
}

Then parse_then(const YAML::Node& node, Rule& rule) {
  Then t;
  core::check_keys(
      node, "then",
      {"allow", "deny", "route", "cap", "inject_skill", "redact", "tag", "require_council"});
  if (node.size() == 0) core::fail(node, "then must name at least one action");
  if (const auto& a = node["allow"]) {
    t.allow = core::boolean(a, "allow");
    if (!t.allow) core::fail(a, "allow: false allows nothing; write deny to refuse");
  }
  if (const auto& d = node["deny"]) {
    if (t.allow) core::fail(d, "a rule cannot both allow and deny");
    parse_deny(d, t);
  }
  if (const auto& r = node["route"]) {
    t.route = core::scalar(r, "route");
    if (t.route.empty()) core::fail(r, "route must name a model or a route");
    rule.route_mark = r.Mark();
  }
  if (const auto& c = node["cap"]) parse_cap(c, t);
  if (const auto& s = node["inject_skill"]) {
    t.inject_skill = names(s, "inject_skill");
    if (s.IsSequence()) {
      for (const auto& item : s) rule.skill_marks.push_back(item.Mark());
    } else {
      rule.skill_marks.push_back(s.Mark());
    }
  }
  if (const auto& r = node["redact"]) {
    t.redact = names(r, "redact");
    // A misspelt kind would redact nothing, silently. Custom kinds are the guardrails
    // section's to define; the loader checks those against it.
    for (const auto& kind : t.redact) {
      if (kind.starts_with("custom:") || guard::kind_from_name(kind)) continue;
      core::fail(r, "redact: '" + kind +
                        "' is not a guardrail kind (email, phone, credit_card, iban, us_ssn, "
                        "ip_address, aws_access_key, github_token, gitlab_token, slack_token, "
                        "stripe_key, openai_key, anthropic_key, private_key, jwt, "
                        "generic_secret, or custom:NAME)");
    }
  }
  if (const auto& g = node["tag"]) t.tag = names(g, "tag");
  if (const auto& c = node["require_council"]) t.council = parse_council(c);
  return t;
}

}  // namespace

Rule parse_rule(const YAML::Node& node, ContentIndex& content, const std::string& file) {
  core::check_keys(node, "rule", {"id", "description", "match", "then", "continue"});
  Rule r;
  r.file = file;
  r.line = node.Mark().line + 1;
  if (!node["id"]) core::fail(node, "rule has no id (every rule needs a unique id)");
  r.id = core::scalar(node["id"], "id");
  if (!identifier(r.id)) {
    core::fail(node["id"], "id '" + r.id + "' must be letters, digits, '-', '_', '.', ':' or '/'");
  }
  if (node["description"]) r.description = core::scalar(node["description"], "description");
  if (!node["then"]) core::fail(node, "rule '" + r.id + "' has no then");
  r.match = compile_match(node["match"], content, "rule '" + r.id + "' match");
  r.then = parse_then(node["then"], r);
  if (node["continue"]) r.continues = core::boolean(node["continue"], "continue");
  return r;
}

}  // namespace sluice::policy
