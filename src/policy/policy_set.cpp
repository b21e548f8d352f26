// Compiling a policy set and evaluating it.

#include "policy/policy_set.hpp"

#include <algorithm>
#include <map>

#include "core/text.hpp"
#include "core/yaml_check.hpp"

namespace sluice::policy {
namespace {

core::ConfigError error_at(const std::string& file, const YAML::Mark& mark, std::string message) {
  return core::ConfigError{file, mark.line + 1, mark.column + 1, std::move(message)};
}

std::string where(const std::string& file, int line) {
  return file + ":" + std::to_string(line);
}

/// The rule nodes of a source: the sequence itself, or its `rules:` sequence.
YAML::Node rule_list(const YAML::Node& node) {
  if (!node || node.IsNull()) return YAML::Node(YAML::NodeType::Sequence);
  if (node.IsMap()) {
    core::check_keys(node, "policy file", {"rules"});
    return rule_list(node["rules"]);
  }
  if (!node.IsSequence()) core::fail(node, "policy rules must be a list of rules");
  return node;
}

bool named(const std::vector<std::string_view>& off, std::string_view name) {
  return std::find(off.begin(), off.end(), name) != off.end() ||
         std::find(off.begin(), off.end(), "*") != off.end();
}

}  // namespace

std::vector<std::string_view> skills_switched_off(std::span<const http::Header> headers) {
  std::vector<std::string_view> out;
  for (const auto& h : headers) {
    if (h.name != kSkillsOffHeader) continue;
    std::string_view rest = h.value;
    while (!rest.empty()) {
      const auto comma = rest.find(',');
      const auto item = core::trim(rest.substr(0, comma));
      if (!item.empty()) out.push_back(item);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  return out;
}

std::variant<PolicySetPtr, core::ConfigError> PolicySet::compile(
    std::span<const RuleSource> rules, std::span<const SkillSource> skills,
    const CompileOptions& options) {
  std::shared_ptr<PolicySet> set(new PolicySet());
  std::map<std::string, std::string, std::less<>> rule_ids;  // id -> where
  for (const auto& src : rules) {
    try {
      for (const auto& node : rule_list(src.node)) {
        auto rule = parse_rule(node, set->content_, src.file);
        const auto here = where(src.file, rule.line);
        if (auto [it, fresh] = rule_ids.emplace(rule.id, here); !fresh) {
          core::fail(node["id"],
                     "duplicate rule id '" + rule.id + "' (first at " + it->second + ")");
        }
        set->rules_.push_back(std::move(rule));
      }
    } catch (const core::YamlFail& f) {
      return error_at(src.file, f.mark, f.message);
    } catch (const YAML::Exception& e) {
      return error_at(src.file, e.mark, e.msg);
    }
  }
  std::map<std::string, std::string, std::less<>> skill_names;
  for (const auto& src : skills) {
    try {
      auto skill = parse_skill(src.text, src.file, set->content_);
      if (auto [it, fresh] = skill_names.emplace(skill.name, src.file); !fresh) {
        return core::ConfigError{
            src.file, 1, 1,
            "duplicate skill name '" + skill.name + "' (also in " + it->second + ")"};
      }
      set->skills_.push_back(std::move(skill));
    } catch (const core::YamlFail& f) {
      return error_at(src.file, f.mark, f.message);
    }
  }
  std::stable_sort(set->skills_.begin(), set->skills_.end(), [](const Skill& a, const Skill& b) {
    return a.priority != b.priority ? a.priority > b.priority : a.name < b.name;
  });
  for (const auto& rule : set->rules_) {
    auto& indices = set->rule_skills_.emplace_back();
    for (std::size_t i = 0; i < rule.then.inject_skill.size(); ++i) {
      const auto& name = rule.then.inject_skill[i];
      const auto it = std::find_if(set->skills_.begin(), set->skills_.end(),
                                   [&](const Skill& s) { return s.name == name; });
      if (it != set->skills_.end()) {
        indices.push_back(static_cast<std::size_t>(it - set->skills_.begin()));
      } else if (options.require_known_skills) {
        return error_at(rule.file, rule.skill_marks[i],
                        "inject_skill: no skill named '" + name + "' is loaded");
      }
    }
  }
  std::string error;
  if (!set->content_.compile(&error)) return core::ConfigError{"policy", 0, 0, error};
  for (unsigned k = 0; k <= static_cast<unsigned>(Condition::Kind::Content); ++k) {
    const auto kind = static_cast<Condition::Kind>(k);
    const bool read = std::any_of(set->rules_.begin(), set->rules_.end(),
                                  [&](const Rule& r) { return r.match.reads(kind); }) ||
                      std::any_of(set->skills_.begin(), set->skills_.end(),
                                  [&](const Skill& s) { return s.match && s.match->reads(kind); });
    if (read) set->reads_ |= 1u << k;
  }
  return PolicySetPtr(std::move(set));
}

const Skill* PolicySet::find_skill(std::string_view name) const {
  for (const auto& s : skills_) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

Decision PolicySet::evaluate(const RequestFacts& facts) const {
  Decision d;
  EvalState st(facts, content_);
  std::vector<unsigned char> named_by_rule(skills_.size(), 0);
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const auto& rule = rules_[i];
    if (!rule.match.matches(st)) continue;
    d.matched.push_back(rule.id);
    d.merge(rule);
    for (auto s : rule_skills_[i]) named_by_rule[s] = 1;
    if (!rule.continues) break;
  }
  if (d.denied() || skills_.empty()) {
    d.scans = st.scans();
    return d;
  }
  const auto off = skills_switched_off(facts.headers);
  for (std::size_t i = 0; i < skills_.size(); ++i) {
    const auto& s = skills_[i];
    if (!named_by_rule[i] && !(s.match && s.match->matches(st))) continue;
    if (!off.empty() && named(off, s.name)) {
      if (s.mode == SkillMode::Soft) {
        d.skills_off.push_back(s.name);
        continue;
      }
      d.skills_kept.push_back(s.name);
      if (s.on_disabled == OnDisabled::Deny && !d.denied()) {
        d.verdict = Verdict::Deny;
        d.decided_by = s.name;
        d.deny_status = 403;
        d.deny_message = "skill '" + s.name +
                         "' is required by your organisation and cannot be switched off "
                         "(remove it from " +
                         std::string(kSkillsOffHeader) + ")";
      } else if (s.on_disabled == OnDisabled::RequireCouncil && !d.council) {
        d.council = Council{};
      }
    }
    d.skills.push_back(&s);
  }
  if (d.denied()) d.skills.clear();
  d.scans = st.scans();
  return d;
}

}  // namespace sluice::policy
