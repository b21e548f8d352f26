#pragma once
// Where a gateway's policy comes from: rules inline in the main config (`policy:`), rule files
// in a directory (`*.yaml`, `*.yml`, merged after the inline rules in file-name order) and skill
// files in another (`*.md`). Reading and compiling happen here, off the request path.
//
//   policy:
//     dir: policies/      # relative to the config file
//     skills: skills/
//     rules:              # evaluated before the directory's rules
//       - id: ...
//
// `policy:` may also be a plain list of rules.

#include <yaml-cpp/yaml.h>

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "policy/policy_set.hpp"

namespace sluice::policy {

struct PolicyPaths {
  std::string config_file;  // names the inline rules in errors
  YAML::Node rules;         // the inline rules; null when none
  std::string rules_dir;    // "" when none
  std::string skills_dir;   // "" when none
};

/// Reads the main config's `policy:` section; directories are made relative to the config
/// file's directory. Throws core::YamlFail at the offending node.
PolicyPaths parse_policy_section(const YAML::Node& section, const std::string& config_file);

/// Everything read for one policy set, in evaluation order.
struct Sources {
  std::vector<RuleSource> rules;
  std::vector<SkillSource> skills;
};

/// Reads the inline rules and every file of the paths' directories into `out`; the first
/// problem (a missing directory, an unreadable file, bad YAML) is returned.
std::optional<core::ConfigError> add_paths(const PolicyPaths& paths, Sources& out);
/// Reads one path into `out`: a rules file (.yaml, .yml), a skill file (.md), a sluice config
/// (a YAML mapping with a `policy:` section, read with its directories), or a directory of
/// rule and skill files.
std::optional<core::ConfigError> add_path(const std::string& path, Sources& out);

/// Reads every file the paths name and compiles them; the first problem comes back as
/// file:line:column and a reason.
std::variant<PolicySetPtr, core::ConfigError> load_policy(const PolicyPaths& paths,
                                                          const CompileOptions& options = {});

/// The files in `dir` whose names end in one of `extensions`, sorted by file name.
std::variant<std::vector<std::string>, core::ConfigError> files_in(
    const std::string& dir, std::span<const std::string_view> extensions);

/// A whole file's bytes; nullopt when it cannot be read.
std::optional<std::string> read_text(const std::string& path);
/// A rules file parsed as YAML (not yet compiled).
std::variant<RuleSource, core::ConfigError> read_rule_file(const std::string& path);
/// A skill file's text.
std::variant<SkillSource, core::ConfigError> read_skill_file(const std::string& path);

inline constexpr std::array<std::string_view, 2> kRuleExtensions{".yaml", ".yml"};
inline constexpr std::array<std::string_view, 1> kSkillExtensions{".md"};

}  // namespace sluice::policy
