#include "policy/sources.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/yaml_check.hpp"

namespace sluice::policy {
namespace {

namespace fs = std::filesystem;

std::string relative_to(const std::string& config_file, const std::string& dir) {
  if (dir.empty() || fs::path(dir).is_absolute() || config_file.empty()) return dir;
  return (fs::path(config_file).parent_path() / dir).lexically_normal().string();
}

/// Appends the rule file (or skill file) at `path` to `out`.
std::optional<core::ConfigError> read_into(const std::string& path, bool skill, Sources& out) {
  if (skill) {
    auto src = read_skill_file(path);
    if (auto* e = std::get_if<core::ConfigError>(&src)) return *e;
    out.skills.push_back(std::move(std::get<SkillSource>(src)));
  } else {
    auto src = read_rule_file(path);
    if (auto* e = std::get_if<core::ConfigError>(&src)) return *e;
    out.rules.push_back(std::move(std::get<RuleSource>(src)));
  }
  return std::nullopt;
}

}  // namespace

PolicyPaths parse_policy_section(const YAML::Node& section, const std::string& config_file) {
  PolicyPaths p;
  p.config_file = config_file;
  if (!section || section.IsNull()) return p;
  if (section.IsSequence()) {
    p.rules = section;
    return p;
  }
  core::check_keys(section, "policy", {"rules", "dir", "skills"});
  if (section["rules"]) p.rules = section["rules"];
  if (section["dir"])
    p.rules_dir = relative_to(config_file, core::scalar(section["dir"], "policy.dir"));
  if (section["skills"]) {
    p.skills_dir = relative_to(config_file, core::scalar(section["skills"], "policy.skills"));
  }
  return p;
}

std::variant<std::vector<std::string>, core::ConfigError> files_in(
    const std::string& dir, std::span<const std::string_view> extensions) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return core::ConfigError{dir, 0, 0, "not a directory"};
  std::vector<std::string> out;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    const auto name = entry.path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // editors' swap and backup files
    const auto ext = entry.path().extension().string();
    if (std::find(extensions.begin(), extensions.end(), ext) != extensions.end()) {
      out.push_back(entry.path().string());
    }
  }
  if (ec) return core::ConfigError{dir, 0, 0, "cannot list: " + ec.message()};
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    return fs::path(a).filename() < fs::path(b).filename();
  });
  return out;
}

std::optional<std::string> read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::variant<RuleSource, core::ConfigError> read_rule_file(const std::string& path) {
  const auto text = read_text(path);
  if (!text) return core::ConfigError{path, 0, 0, "cannot read the file"};
  try {
    return RuleSource{YAML::Load(*text), path};
  } catch (const YAML::Exception& e) {
    return core::ConfigError{path, e.mark.line + 1, e.mark.column + 1, e.msg};
  }
}

std::variant<SkillSource, core::ConfigError> read_skill_file(const std::string& path) {
  auto text = read_text(path);
  if (!text) return core::ConfigError{path, 0, 0, "cannot read the file"};
  return SkillSource{path, std::move(*text)};
}

std::optional<core::ConfigError> add_paths(const PolicyPaths& paths, Sources& out) {
  if (paths.rules && !paths.rules.IsNull()) out.rules.push_back({paths.rules, paths.config_file});
  for (const auto* dir : {&paths.rules_dir, &paths.skills_dir}) {
    if (dir->empty()) continue;
    const bool rules = dir == &paths.rules_dir;
    auto files = files_in(*dir, rules ? std::span<const std::string_view>(kRuleExtensions)
                                      : std::span<const std::string_view>(kSkillExtensions));
    if (auto* e = std::get_if<core::ConfigError>(&files)) return *e;
    // Read as plain rule or skill files: a config found there is not followed (it may name
    // this very directory).
    for (const auto& f : std::get<std::vector<std::string>>(files)) {
      if (auto e = read_into(f, !rules, out)) return e;
    }
  }
  return std::nullopt;
}

std::optional<core::ConfigError> add_path(const std::string& path, Sources& out) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    std::vector<std::string_view> all(kRuleExtensions.begin(), kRuleExtensions.end());
    all.insert(all.end(), kSkillExtensions.begin(), kSkillExtensions.end());
    auto files = files_in(path, all);
    if (auto* e = std::get_if<core::ConfigError>(&files)) return *e;
    for (const auto& f : std::get<std::vector<std::string>>(files)) {
      if (auto e = add_path(f, out)) return e;
    }
    return std::nullopt;
  }
  const auto ext = fs::path(path).extension().string();
  if (std::find(kSkillExtensions.begin(), kSkillExtensions.end(), ext) != kSkillExtensions.end()) {
    return read_into(path, true, out);
  }
  if (auto e = read_into(path, false, out)) return e;
  const auto node = out.rules.back().node;
  if (node.IsMap() && node["policy"]) {
    out.rules.pop_back();  // a sluice config: only its policy section is ours
    try {
      return add_paths(parse_policy_section(node["policy"], path), out);
    } catch (const core::YamlFail& f) {
      return core::ConfigError{path, f.mark.line + 1, f.mark.column + 1, f.message};
    }
  }
  return std::nullopt;
}

std::variant<PolicySetPtr, core::ConfigError> load_policy(const PolicyPaths& paths,
                                                          const CompileOptions& options) {
  Sources s;
  if (auto e = add_paths(paths, s)) return *e;
  return PolicySet::compile(s.rules, s.skills, options);
}

}  // namespace sluice::policy
