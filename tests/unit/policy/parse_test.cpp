// Bad policy input is rejected with file:line:column and a reason that says what to write.

#include <gtest/gtest.h>

#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

using test::compile_error;

struct BadCase {
  std::string name;
  std::string yaml;
  int line, column;
  std::string says;
};

TEST(PolicyParse, ErrorsPointAtTheOffendingNode) {
  const std::vector<BadCase> cases = {
      {"unknown match field", "- id: a\n  match: {team: x, teem: y}\n  then: {allow: true}\n", 2,
       20, "unknown key 'teem'"},
      {"unknown then field", "- id: a\n  then:\n    allow: true\n    reroute: x\n", 4, 5,
       "unknown key 'reroute'"},
      {"unknown rule field", "- id: a\n  then: {allow: true}\n  priority: 3\n", 3, 3,
       "unknown key 'priority'"},
      {"invalid regex",
       "- id: a\n  match:\n    content: ['ok', '(unclosed']\n  then: {allow: true}\n", 3, 21,
       "invalid regular expression '(unclosed'"},
      {"duplicate id", "- id: a\n  then: {allow: true}\n- id: a\n  then: {deny: true}\n", 3, 7,
       "duplicate rule id 'a' (first at rules.yaml:1)"},
      {"missing id", "- then: {allow: true}\n", 1, 3, "no id"},
      {"missing then", "- id: a\n  match: {team: x}\n", 1, 3, "has no then"},
      {"bad hours", "- id: a\n  match:\n    time: {hours: '9-18'}\n  then: {allow: true}\n", 3, 19,
       "not a window"},
      {"empty hours",
       "- id: a\n  match:\n    time: {hours: '10:00-10:00'}\n  then: {allow: true}\n", 3, 19,
       "is empty"},
      {"bad day", "- id: a\n  match:\n    time: {days: [mon, funday]}\n  then: {allow: true}\n", 3,
       24, "'funday' is not a day"},
      {"bad timezone",
       "- id: a\n  match:\n    time: {timezone: Mars/Olympus}\n  then: {allow: true}\n", 3, 22,
       "unknown timezone 'Mars/Olympus'"},
      {"bad offset", "- id: a\n  match:\n    time: {timezone: '+25:00'}\n  then: {allow: true}\n",
       3, 22, "not an offset"},
      {"bad risk", "- id: a\n  match: {risk: 'high'}\n  then: {allow: true}\n", 2, 17,
       "risk must be a comparison"},
      {"risk out of range", "- id: a\n  match: {risk: '>= 1.5'}\n  then: {allow: true}\n", 2, 17,
       "risk must be a comparison"},
      {"risk min above max",
       "- id: a\n  match: {risk: {min: 0.8, max: 0.2}}\n  then: {deny: true}\n", 2, 17,
       "min is above max"},
      {"bad wire", "- id: a\n  match: {wire: [anthropic, grpc]}\n  then: {allow: true}\n", 2, 29,
       "'grpc' is not a wire"},
      {"bad budget", "- id: a\n  match: {budget: broke}\n  then: {allow: true}\n", 2, 19,
       "not a budget state"},
      {"allow and deny", "- id: a\n  then: {allow: true, deny: true}\n", 2, 29,
       "both allow and deny"},
      {"bad deny status", "- id: a\n  then: {deny: {status: 418}}\n", 2, 25, "cannot be answered"},
      {"bad effort", "- id: a\n  then: {cap: {reasoning: extreme}}\n", 2, 27, "not an effort"},
      {"bad tier", "- id: a\n  then: {cap: {service_tier: [default, gold]}}\n", 2, 40,
       "'gold' is not a service tier"},
      {"zero max tokens", "- id: a\n  then: {cap: {max_tokens: 0}}\n", 2, 28, "between 1 and"},
      {"bad council mode", "- id: a\n  then: {require_council: {mode: vote}}\n", 2, 34,
       "not a mode"},
      {"empty then", "- id: a\n  then: {}\n", 2, 9, "at least one action"},
      {"unknown skill", "- id: a\n  then: {inject_skill: [ghost]}\n", 2, 25,
       "no skill named 'ghost'"},
      {"not a list", "id: a\nthen: {allow: true}\n", 1, 1, "unknown key 'id' in policy file"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto e = compile_error(c.yaml);
    EXPECT_EQ(e.file, "rules.yaml");
    EXPECT_EQ(e.line, c.line) << e.to_string();
    EXPECT_EQ(e.column, c.column) << e.to_string();
    EXPECT_NE(e.message.find(c.says), std::string::npos) << e.to_string();
  }
}

TEST(PolicyParse, SkillErrorsCountLinesFromTheFileStart) {
  struct SkillCase {
    std::string name, text;
    int line;
    std::string says;
  };
  const std::vector<SkillCase> cases = {
      {"no front matter", "# Title\ntext\n", 1, "starts with a '---' line"},
      {"unclosed", "---\nname: x\ntext\n", 1, "no closing '---'"},
      {"unknown key", "---\nname: x\nmodes: soft\n---\ntext\n", 3, "unknown key 'modes'"},
      {"bad mode", "---\nname: x\nmode: strict\n---\ntext\n", 3, "soft or hard"},
      {"soft on_disabled", "---\nname: x\non_disabled: deny\n---\ntext\n", 3, "hard skills only"},
      {"bad regex", "---\nname: x\nmatch:\n  content: '[z-a]'\n---\ntext\n", 4,
       "invalid regular expression"},
      {"no text", "---\nname: x\n---\n\n", 3, "has no text"},
      {"no name", "---\ndescription: x\n---\ntext\n", 2, "needs a name"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    const auto e = compile_error("", {{"skills/x.md", c.text}});
    EXPECT_EQ(e.file, "skills/x.md");
    EXPECT_EQ(e.line, c.line) << e.to_string();
    EXPECT_NE(e.message.find(c.says), std::string::npos) << e.to_string();
  }
  const auto dup = compile_error(
      "", {{"a.md", test::skill_md("name: same")}, {"b.md", test::skill_md("name: same")}});
  EXPECT_EQ(dup.file, "b.md");
  EXPECT_NE(dup.message.find("duplicate skill name 'same' (also in a.md)"), std::string::npos);
}

TEST(PolicyParse, ErrorTextIsFileLineColumnReason) {
  const auto e = compile_error("- id: a\n  match: {modle: x}\n  then: {allow: true}\n");
  EXPECT_EQ(e.to_string().rfind("rules.yaml:2:11: unknown key 'modle'", 0), 0u) << e.to_string();
}

}  // namespace
}  // namespace sluice::policy
