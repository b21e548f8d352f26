#pragma once
// A policy rule: `id`, `match`, `then`, optional `continue` and `description`.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "policy/content_index.hpp"
#include "policy/match.hpp"
#include "protocol/ir.hpp"

namespace sluice::policy {

/// `require_council`: the code-intelligence council's hook. 0 and "" leave its defaults.
struct Council {
  int k = 0;
  std::string mode;    // async, gate; or (as first written) majority, unanimous, any
  std::string decide;  // majority, unanimous, any
};

/// A rule's `then:` block as written.
struct Then {
  bool allow = false;
  bool deny = false;
  int deny_status = 403;
  std::string deny_message;  // "" -> a message naming the rule
  std::string route;
  std::optional<ir::Effort> cap_reasoning;
  std::int64_t cap_max_tokens = 0;            // 0: no cap
  std::vector<std::string> cap_service_tier;  // empty: no cap
  std::vector<std::string> inject_skill;
  std::vector<std::string> redact;
  std::vector<std::string> tag;
  std::optional<Council> council;
};

struct Rule {
  std::string id;
  std::string description;
  std::string file;  // where it was written, for messages and `sluice policy test`
  int line = 0;
  Match match;
  Then then;
  bool continues = false;               // `continue: true`: later rules are evaluated too
  std::vector<YAML::Mark> skill_marks;  // where each inject_skill name was written
  YAML::Mark route_mark;
};

/// Parses one rule; throws core::YamlFail at the offending node.
Rule parse_rule(const YAML::Node& node, ContentIndex& content, const std::string& file);

}  // namespace sluice::policy
