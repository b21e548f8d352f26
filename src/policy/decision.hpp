#pragma once
// What the policy set decided for one request: every matched rule in order, the merged actions,
// and the skills to inject. Views point into the PolicySet that made it, so a Decision must not
// outlive its set (the Exchange keeps the set's pointer for the request's lifetime).
//
// Merging when rules say `continue: true` (docs/policy.md, "Merging"):
//   deny    sticky: once a rule denies, the request is denied; the first deny's status and
//           message are the ones answered, and a later allow does not undo it.
//   allow   the verdict when no rule denies.
//   route   the first matched rule that routes wins (earlier rules are the more specific ones,
//           as with first-match); later routes are ignored.
//   cap     the tighter value wins: lowest reasoning effort and max_tokens; service tiers are
//           intersected (when the intersection is empty the earlier list stays).
//   inject_skill, redact, tag   accumulate, in order, without duplicates.
//   require_council   the first rule's k and mode win.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "governance/caps.hpp"
#include "policy/rule.hpp"
#include "policy/skill.hpp"

namespace sluice::policy {

enum class Verdict { None, Allow, Deny };

struct Decision {
  std::vector<std::string_view> matched;  // rule ids, in evaluation order
  Verdict verdict = Verdict::None;        // None: no matched rule allowed or denied
  std::string_view decided_by;            // the rule id, or the hard skill's name, that decided
  int deny_status = 0;
  std::string deny_message;
  std::string_view route;       // model or route to use instead of the requested one; "" keeps it
  std::string_view route_rule;  // the rule that chose it
  governance::Caps caps;        // empty() when no rule caps
  std::vector<const Skill*> skills;           // to inject, highest priority first
  std::vector<std::string_view> skills_off;   // soft skills the client switched off
  std::vector<std::string_view> skills_kept;  // hard skills the client tried to switch off
  std::vector<std::string_view> redact;       // finding kinds to redact
  std::vector<std::string_view> tags;         // labels for the ledger and audit
  std::optional<Council> council;
  int scans = 0;  // how many times the request text was scanned by regexes (0, 1 or 2)

  bool denied() const { return verdict == Verdict::Deny; }
  /// The x-sluice-policy value: matched rule ids joined by ','; "" when none matched.
  std::string header() const;
  /// The injected skills' names joined by ',' (for an x-sluice-skills header); "" when none.
  std::string skills_header() const;
  /// The error to answer a denied request with, in the client's shape (protocol/errors.hpp).
  core::GatewayError deny_error() const;
  /// The text injected into the system prompt: each skill wrapped, joined by a blank line; ""
  /// when there is nothing to inject.
  std::string skill_text() const;

  /// Folds a matched rule's actions into this decision (the rules above).
  void merge(const Rule& rule);
};

/// The header a client sends to switch soft skills off: names separated by commas, or "*".
inline constexpr std::string_view kSkillsOffHeader = "x-sluice-skills-off";

}  // namespace sluice::policy
