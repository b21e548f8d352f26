// Skills: which match a request, their order, the client's opt-out of soft skills and the
// consequences a hard skill carries.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "policy/inject.hpp"
#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

using test::compile;
using test::skill_md;
using test::skill_names;
using Names = std::vector<std::string>;

const test::Skills kSkills = {
    {"spec.md", skill_md("name: spec-first\nmatch: {tools: ['Edit', 'Write']}\npriority: 20",
                         "Write a spec first.")},
    {"tdd.md", skill_md("name: test-driven\nmatch: {content_latest: '(?i)\\bfix\\b'}\npriority: 10",
                        "Write a failing test.")},
    {"secrets.md", skill_md("name: no-secrets\nmode: hard\npriority: 100\non_disabled: deny",
                            "Never commit secrets.")},
    {"migr.md", skill_md("name: migration-safety\nmode: hard\npriority: 50\n"
                         "on_disabled: require_council\nmatch: {content_latest: 'migration'}",
                         "Expand, then contract.")},
    {"style.md", skill_md("name: house-style\nmode: hard\nmatch: {team: web}", "Use tabs.")},
};

const std::string kRules = R"(
- id: payments-secrets
  match: {team: payments}
  then: {inject_skill: [no-secrets]}
  continue: true
)";

TEST(PolicySkills, FrontMatterIsRead) {
  auto set = compile("", kSkills);
  const auto* s = set->find_skill("migration-safety");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->mode, SkillMode::Hard);
  EXPECT_EQ(s->priority, 50);
  EXPECT_EQ(s->on_disabled, OnDisabled::RequireCouncil);
  EXPECT_EQ(s->text, "Expand, then contract.");
  EXPECT_EQ(s->wrapped,
            "<org-skill name=\"migration-safety\">\nExpand, then contract.\n</org-skill>");
  EXPECT_EQ(s->file, "migr.md");
  // Highest priority first, then by name.
  Names order;
  for (const auto& k : set->skills()) order.push_back(k.name);
  EXPECT_EQ(order,
            (Names{"no-secrets", "migration-safety", "spec-first", "test-driven", "house-style"}));
}

TEST(PolicySkills, MatchedByTheirBlockOrByARuleInPriorityOrder) {
  auto set = compile(kRules, kSkills);
  SampleRequest r;
  r.tools = {"Read", "Edit"};
  r.latest = "please fix the login bug";
  auto d = set->evaluate(r.facts());
  EXPECT_EQ(skill_names(d), (Names{"spec-first", "test-driven"}));
  EXPECT_EQ(d.skills_header(), "spec-first,test-driven");
  r.team = "payments";
  d = set->evaluate(r.facts());
  EXPECT_EQ(skill_names(d), (Names{"no-secrets", "spec-first", "test-driven"}));
  EXPECT_EQ(d.skill_text(),
            "<org-skill name=\"no-secrets\">\nNever commit secrets.\n</org-skill>\n\n"
            "<org-skill name=\"spec-first\">\nWrite a spec first.\n</org-skill>\n\n"
            "<org-skill name=\"test-driven\">\nWrite a failing test.\n</org-skill>");
}

TEST(PolicySkills, ClientSwitchesSoftSkillsOff) {
  auto set = compile(kRules, kSkills);
  SampleRequest r;
  r.tools = {"Edit"};
  r.latest = "fix it";
  r.headers = {{"x-sluice-skills-off", " spec-first , unknown"}};
  auto d = set->evaluate(r.facts());
  EXPECT_EQ(skill_names(d), Names{"test-driven"});
  EXPECT_EQ(Names(d.skills_off.begin(), d.skills_off.end()), Names{"spec-first"});
  EXPECT_FALSE(d.denied());
  r.headers = {{"x-sluice-skills-off", "*"}};
  d = set->evaluate(r.facts());
  EXPECT_TRUE(d.skills.empty());
  EXPECT_EQ(Names(d.skills_off.begin(), d.skills_off.end()), (Names{"spec-first", "test-driven"}));
}

TEST(PolicySkills, HardSkillCannotBeSwitchedOffAndCarriesItsConsequence) {
  auto set = compile(kRules, kSkills);
  // on_disabled: deny
  SampleRequest r;
  r.team = "payments";
  r.headers = {{"x-sluice-skills-off", "no-secrets"}};
  auto d = set->evaluate(r.facts());
  ASSERT_TRUE(d.denied());
  EXPECT_EQ(d.decided_by, "no-secrets");
  EXPECT_EQ(d.deny_error().status(), 403);
  EXPECT_NE(d.deny_message.find("cannot be switched off"), std::string::npos);
  EXPECT_TRUE(d.skills.empty());
  // "*" names it too.
  r.headers = {{"x-sluice-skills-off", "*"}};
  EXPECT_TRUE(set->evaluate(r.facts()).denied());
  // Not trying is fine; naming a hard skill that does not apply to this request is too.
  r.headers = {};
  EXPECT_FALSE(set->evaluate(r.facts()).denied());
  r.team = "search";
  r.headers = {{"x-sluice-skills-off", "no-secrets"}};
  EXPECT_FALSE(set->evaluate(r.facts()).denied());

  // on_disabled: require_council -> still injected, and the council is required.
  SampleRequest m;
  m.latest = "write the migration";
  d = set->evaluate(m.facts());
  EXPECT_EQ(skill_names(d), Names{"migration-safety"});
  EXPECT_FALSE(d.council);
  m.headers = {{"x-sluice-skills-off", "migration-safety"}};
  d = set->evaluate(m.facts());
  EXPECT_EQ(skill_names(d), Names{"migration-safety"});
  EXPECT_EQ(Names(d.skills_kept.begin(), d.skills_kept.end()), Names{"migration-safety"});
  EXPECT_TRUE(d.council);
  EXPECT_FALSE(d.denied());

  // No on_disabled: the hard skill simply stays.
  SampleRequest w;
  w.team = "web";
  w.headers = {{"x-sluice-skills-off", "house-style"}};
  d = set->evaluate(w.facts());
  EXPECT_EQ(skill_names(d), Names{"house-style"});
  EXPECT_FALSE(d.denied());
  EXPECT_FALSE(d.council);
}

TEST(PolicySkills, EndToEndInjectionAndUntouchedBodies) {
  auto set = compile(kRules, kSkills);
  SampleRequest r;
  r.endpoint = protocol::Endpoint::Messages;
  r.team = "payments";
  const std::string body = R"({"model":"claude-opus-4-8","system":"S","messages":[]})";
  auto d = set->evaluate(r.facts());
  auto inj = inject_text(r.endpoint, body, d.skill_text());
  ASSERT_TRUE(inj);
  EXPECT_EQ(boost::json::parse(inj->body).at("system").as_string(), "S\n\n" + d.skill_text());
  // Nothing matches: nothing to inject, and the body stays as sent.
  r.team = "search";
  d = set->evaluate(r.facts());
  EXPECT_TRUE(d.skills.empty());
  EXPECT_FALSE(inject_text(r.endpoint, body, d.skill_text()));
}

}  // namespace
}  // namespace sluice::policy
