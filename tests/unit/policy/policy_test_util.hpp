#pragma once
// Shared by the policy tests: compile a set from YAML text, and describe a request with owned
// strings (policy::SampleRequest) so each test sets only the facts it is about.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "policy/policy_set.hpp"
#include "policy/sample.hpp"
#include "support/temp_dir.hpp"

namespace sluice::policy::test {

using Skills = std::vector<std::pair<std::string, std::string>>;  // file, text

inline std::variant<PolicySetPtr, core::ConfigError> try_compile(const std::string& yaml,
                                                                 const Skills& skills = {}) {
  std::vector<RuleSource> rules;
  if (!yaml.empty()) rules.push_back({YAML::Load(yaml), "rules.yaml"});
  std::vector<SkillSource> sk;
  for (const auto& [file, text] : skills) sk.push_back({file, text});
  return PolicySet::compile(rules, sk);
}

inline PolicySetPtr compile(const std::string& yaml, const Skills& skills = {}) {
  auto r = try_compile(yaml, skills);
  if (auto* e = std::get_if<core::ConfigError>(&r)) {
    ADD_FAILURE() << e->to_string();
    return nullptr;
  }
  return std::get<PolicySetPtr>(r);
}

/// The error compiling `yaml` reports ("" file on success, which fails the test).
inline core::ConfigError compile_error(const std::string& yaml, const Skills& skills = {}) {
  auto r = try_compile(yaml, skills);
  if (auto* e = std::get_if<core::ConfigError>(&r)) return *e;
  ADD_FAILURE() << "compiled, but an error was expected:\n" << yaml;
  return {};
}

/// A skill file's text.
inline std::string skill_md(const std::string& front, const std::string& body = "Do it well.") {
  return "---\n" + front + "\n---\n" + body + "\n";
}

inline std::vector<std::string> ids(const Decision& d) {
  return {d.matched.begin(), d.matched.end()};
}

inline std::vector<std::string> skill_names(const Decision& d) {
  std::vector<std::string> out;
  for (const auto* s : d.skills) out.push_back(s->name);
  return out;
}

/// UTC time from "2026-11-23T10:00:00Z"-style text.
inline std::chrono::system_clock::time_point at(const std::string& iso) {
  auto t = parse_timestamp(iso);
  EXPECT_TRUE(t) << iso;
  return t.value_or(std::chrono::system_clock::time_point{});
}

/// A temporary directory to write policy, skill and request files into.
class FilesTest : public test_support::TempDirTest {
 protected:
  std::string write(const std::string& rel, const std::string& text) {
    const auto p = dir_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

}  // namespace sluice::policy::test
