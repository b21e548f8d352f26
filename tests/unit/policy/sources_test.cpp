// Policy files on disk: directories merged in file-name order, the config's policy: section,
// the shipped examples, and sample requests.

#include <gtest/gtest.h>

#include "policy/sources.hpp"
#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

using Names = std::vector<std::string>;

class PolicySources : public test::FilesTest {};

PolicySetPtr loaded(const PolicyPaths& paths) {
  auto r = load_policy(paths);
  if (auto* e = std::get_if<core::ConfigError>(&r)) {
    ADD_FAILURE() << e->to_string();
    return nullptr;
  }
  return std::get<PolicySetPtr>(r);
}

TEST_F(PolicySources, ConfigRulesFirstThenFilesInNameOrder) {
  write("policies/20-b.yaml", "- id: b\n  then: {tag: [b]}\n  continue: true\n");
  write("policies/10-a.yml", "rules:\n  - id: a\n    then: {tag: [a]}\n    continue: true\n");
  write("policies/notes.txt", "not a policy");
  write("policies/.10-a.yml.swp", "garbage");
  write("skills/s.md", test::skill_md("name: s", "text"));
  const auto config = write("sluice.yaml", R"(
providers: []
policy:
  dir: policies
  skills: skills/
  rules:
    - id: inline
      then: {tag: [inline], inject_skill: [s]}
      continue: true
)");
  const auto section = YAML::LoadFile(config)["policy"];
  const auto paths = parse_policy_section(section, config);
  EXPECT_EQ(paths.rules_dir, (dir_ / "policies").string());
  auto set = loaded(paths);
  ASSERT_TRUE(set);
  SampleRequest r;
  const auto d = set->evaluate(r.facts());
  EXPECT_EQ(test::ids(d), (Names{"inline", "a", "b"}));
  EXPECT_EQ(test::skill_names(d), Names{"s"});

  // A broken file names itself, with the position.
  write("policies/30-bad.yaml", "- id: c\n  then: {tag: [c]}\n  continu: true\n");
  auto bad = load_policy(paths);
  ASSERT_TRUE(std::holds_alternative<core::ConfigError>(bad));
  const auto& e = std::get<core::ConfigError>(bad);
  EXPECT_EQ(e.file, (dir_ / "policies/30-bad.yaml").string());
  EXPECT_EQ(e.line, 3);
  EXPECT_EQ(e.column, 3);
}

TEST_F(PolicySources, YamlSyntaxErrorsHaveTheirPosition) {
  const auto f = write("bad.yaml", "- id: a\n  then: {allow: true\n");
  auto r = read_rule_file(f);
  ASSERT_TRUE(std::holds_alternative<core::ConfigError>(r));
  const auto& e = std::get<core::ConfigError>(r);
  EXPECT_EQ(e.file, f);
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.message.find("end of map flow not found"), std::string::npos);
}

TEST_F(PolicySources, MissingDirectoryIsAnError) {
  PolicyPaths p;
  p.rules_dir = (dir_ / "nope").string();
  auto r = load_policy(p);
  ASSERT_TRUE(std::holds_alternative<core::ConfigError>(r));
  EXPECT_EQ(std::get<core::ConfigError>(r).message, "not a directory");
}

TEST(PolicyExamples, ShippedPoliciesAndSkillsCompileAndBehave) {
  PolicyPaths p;
  p.rules_dir = std::string(SLUICE_SOURCE_DIR) + "/examples/policies";
  p.skills_dir = std::string(SLUICE_SOURCE_DIR) + "/examples/skills";
  auto set = loaded(p);
  ASSERT_TRUE(set);
  Names skills;
  for (const auto& s : set->skills()) skills.push_back(s.name);
  std::sort(skills.begin(), skills.end());
  EXPECT_EQ(skills, (Names{"migration-safety", "no-secrets-in-code", "spec-first", "test-driven"}));

  SampleRequest r;
  r.endpoint = protocol::Endpoint::Messages;
  r.team = "payments";
  r.model = "claude-opus-4-8";
  r.metadata = {{"repo", "acme/payments-api"}};
  r.tools = {"Read", "Edit"};
  r.latest = "Add a migration that renames column amount to amount_cents";
  r.prompt = r.latest;
  auto d = set->evaluate(r.facts());
  EXPECT_EQ(test::ids(d), (Names{"tag-every-request", "payments-team-skills"}));
  EXPECT_EQ(test::skill_names(d), (Names{"no-secrets-in-code", "migration-safety", "test-driven"}));
  r.findings = {"github_token"};
  d = set->evaluate(r.facts());
  EXPECT_TRUE(d.denied());
  EXPECT_EQ(d.decided_by, "block-secrets-to-external-models");
}

TEST(PolicySample, BodyAndFactsFromJson) {
  const auto s = parse_sample(R"({
    "user": "alice", "team": "payments", "time": "2026-11-23T10:00:00+01:00",
    "headers": {"X-Sluice-Skills-Off": "spec-first"}, "budget": "warned", "risk": 0.8,
    "findings": ["email"], "metadata": {"repo": "acme/x"},
    "body": {"model": "claude-opus-4-8", "max_tokens": 100, "system": "You are terse.",
             "metadata": {"user_id": "u1"},
             "tools": [{"name": "Bash", "input_schema": {"type": "object"}}],
             "messages": [{"role": "user", "content": "first"},
                          {"role": "assistant", "content": "ok"},
                          {"role": "user", "content": [{"type": "text", "text": "second"}]}]}})",
                              "");
  ASSERT_TRUE(std::holds_alternative<SampleRequest>(s)) << std::get<std::string>(s);
  auto r = std::get<SampleRequest>(s);
  EXPECT_EQ(r.endpoint, protocol::Endpoint::Messages);
  EXPECT_TRUE(r.wire_guessed);
  EXPECT_EQ(r.model, "claude-opus-4-8");
  EXPECT_EQ(r.latest, "second");
  EXPECT_EQ(r.prompt, "You are terse.\nfirst\nok\nsecond");
  EXPECT_EQ(r.tools, Names{"Bash"});
  EXPECT_EQ(r.headers[0].name, "x-sluice-skills-off");
  EXPECT_EQ(r.now, test::at("2026-11-23T09:00:00Z"));
  EXPECT_EQ(r.budget, BudgetState::Warned);
  EXPECT_EQ(r.risk, 0.8);
  EXPECT_EQ(r.metadata.size(), 2u);  // the body's user_id and the file's repo

  auto bad = parse_sample(R"({"body": {"messages": []}, "tem": "x"})", "");
  ASSERT_TRUE(std::holds_alternative<std::string>(bad));
  EXPECT_EQ(std::get<std::string>(bad), "unknown field 'tem' in the request file");
  bad = parse_sample(R"({"contents": []})", "grpc");
  EXPECT_NE(std::get<std::string>(bad).find("'grpc'"), std::string::npos);
  EXPECT_FALSE(parse_timestamp("2026-11-23T10:00:00"));  // no zone: ambiguous
  EXPECT_FALSE(parse_timestamp("2026-02-30T10:00:00Z"));
}

}  // namespace
}  // namespace sluice::policy
