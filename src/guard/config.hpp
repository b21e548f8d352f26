#pragma once
// Guardrail settings, read from the `guardrails:` section of the config:
//
//   guardrails:
//     actions:                     # off | log | redact | block
//       pii: log                   # a category's default (pii, secret, custom); all default to log
//       secret: redact
//       credit_card: block         # a kind overrides its category
//       ip_address: off            # off: not looked for at all
//     custom:                      # extra patterns (RE2 syntax)
//       - name: employee_id        # [a-z0-9_]+, unique; findings are of kind custom:employee_id
//         pattern: 'EMP-\d{6}'
//         action: block            # optional; else actions.custom
//     tools:
//       allow: [Read, Grep, "mcp__github__*"]   # globs; when given, every other tool is removed
//       deny: ["mcp__*__delete*", Bash]          # globs; removed even when allowed
//     responses: true              # scan answers too (text, and tool calls against the lists)
//     max_lookbehind: 256          # bytes a response stream holds back for matching (32..65536)
//     generic_secret:
//       min_length: 12             # shortest value a `key = value` secret may have (6..256)
//       min_entropy: 3.0           # bits per byte it needs (0..8)
//
// Kinds: email, phone, credit_card, iban, us_ssn, ip_address, aws_access_key, github_token,
// gitlab_token, slack_token, stripe_key, openai_key, anthropic_key, private_key, jwt,
// generic_secret (see detectors.hpp for what each matches).

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "guard/kinds.hpp"

// Declared only, so that core/config.hpp can hold a GuardConfig without an include cycle.
namespace YAML {
class Node;
}
namespace sluice::core {
struct ConfigError;
}

namespace sluice::guard {

struct CustomPattern {
  std::string name;  // the kind is "custom:" + name
  std::string pattern;
  std::optional<Action> action;  // else the custom category's
};

struct GuardConfig {
  std::array<Action, 3> category_actions{Action::Log, Action::Log, Action::Log};  // by Category
  std::array<std::optional<Action>, kBuiltinKinds> kind_actions{};                // by Kind
  std::vector<CustomPattern> custom;
  std::vector<std::string> tool_allow;  // globs; empty: every tool is allowed
  std::vector<std::string> tool_deny;   // globs
  bool responses = true;                // answers are scanned too (guard/response.hpp)
  std::size_t max_lookbehind = 256;
  std::size_t generic_min_length = 12;
  double generic_min_entropy = 3.0;

  Action action_for(Kind k) const;
  Action action_for(const CustomPattern& p) const;
};

/// Reads a `guardrails:` node (null or absent: the defaults). Throws core::YamlFail, with the
/// offending node's position, for unknown keys, kinds or actions, invalid RE2 patterns,
/// duplicate custom names and out-of-range numbers. For use inside the main config loader.
GuardConfig read_guard_config(const YAML::Node& node);

/// The same, for callers outside the loader: errors come back as "file:line:column: reason"
/// (include core/config.hpp to use the result).
std::variant<GuardConfig, core::ConfigError> parse_guard_config(const YAML::Node& node,
                                                                std::string_view file);

}  // namespace sluice::guard
