#pragma once
// The compiled policy: rules in evaluation order and skills by priority, with every regular
// expression compiled once. Immutable after compile(); evaluate() is const, takes no lock of its
// own and may run on any number of threads at once. A reload compiles a new set and swaps the
// pointer; requests keep the set they started with.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "policy/content_index.hpp"
#include "policy/decision.hpp"
#include "policy/facts.hpp"
#include "policy/rule.hpp"
#include "policy/skill.hpp"

namespace sluice::policy {

/// Rules as YAML: a sequence of rules, or a mapping with a `rules:` sequence. `file` names the
/// source in errors (positions are the node's marks).
struct RuleSource {
  YAML::Node node;
  std::string file;
};

/// A skill file's text.
struct SkillSource {
  std::string file;
  std::string text;
};

struct CompileOptions {
  /// An inject_skill naming no loaded skill is an error (off for `sluice policy check` of rule
  /// files given without their skills).
  bool require_known_skills = true;
};

class PolicySet;
using PolicySetPtr = std::shared_ptr<const PolicySet>;

class PolicySet {
 public:
  /// Compiles rules (in the order given; within a source, in file order) and skills. The first
  /// problem is returned as file:line:column and a reason: unknown fields, invalid regexes, bad
  /// time windows or risk expressions, duplicate rule ids or skill names, unknown skills.
  static std::variant<PolicySetPtr, core::ConfigError> compile(std::span<const RuleSource> rules,
                                                               std::span<const SkillSource> skills,
                                                               const CompileOptions& options = {});

  /// Evaluates the rules in order (first match wins unless the rule says continue), merges the
  /// actions of every matched rule (decision.hpp), then selects the skills to inject: those
  /// whose match holds and those a matched rule names, minus soft skills the client switched off
  /// (x-sluice-skills-off); a hard skill the client tried to switch off stays and applies its
  /// on_disabled consequence. A denied request gets no skills.
  Decision evaluate(const RequestFacts& facts) const;

  const std::vector<Rule>& rules() const { return rules_; }
  /// Skills, highest priority first (then by name): the order they are injected in.
  const std::vector<Skill>& skills() const { return skills_; }
  const Skill* find_skill(std::string_view name) const;
  bool empty() const { return rules_.empty() && skills_.empty(); }
  /// Whether evaluating may scan the request text (some rule or skill has a content condition).
  bool reads_content() const {
    return !content_.empty(Scope::Prompt) || !content_.empty(Scope::Latest);
  }
  /// Whether some rule or skill has a condition of this kind (tools, metadata, findings...):
  /// the pipeline gathers a fact only when the set reads it.
  bool reads(Condition::Kind kind) const { return (reads_ >> static_cast<unsigned>(kind)) & 1u; }

 private:
  PolicySet() = default;

  std::vector<Rule> rules_;
  std::vector<Skill> skills_;
  std::vector<std::vector<std::size_t>> rule_skills_;  // per rule: indices into skills_
  ContentIndex content_;
  std::uint32_t reads_ = 0;  // bit per Condition::Kind some rule or skill has
};

/// The skill names a request's x-sluice-skills-off headers list ("*" switches every soft skill
/// off), trimmed.
std::vector<std::string_view> skills_switched_off(std::span<const http::Header> headers);

}  // namespace sluice::policy
