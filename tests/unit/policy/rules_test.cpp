// Rule order, `continue`, each `then` action and how the actions of several matched rules merge.

#include <gtest/gtest.h>

#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

using test::compile;
using test::ids;
using Ids = std::vector<std::string>;

TEST(PolicyRules, FirstMatchWins) {
  auto set = compile(R"(
- id: payments-deny
  match: {team: payments}
  then: {deny: {status: 403, message: "no"}}
- id: payments-allow
  match: {team: payments}
  then: {allow: true}
- id: others
  then: {allow: true}
)");
  SampleRequest r;
  r.team = "payments";
  auto d = set->evaluate(r.facts());
  EXPECT_EQ(ids(d), Ids{"payments-deny"});
  EXPECT_TRUE(d.denied());
  EXPECT_EQ(d.header(), "payments-deny");
  r.team = "search";
  d = set->evaluate(r.facts());
  EXPECT_EQ(ids(d), Ids{"others"});
  EXPECT_EQ(d.verdict, Verdict::Allow);
  EXPECT_EQ(d.decided_by, "others");
}

TEST(PolicyRules, ContinueGoesOnAndRecordsEveryMatchInOrder) {
  auto set = compile(R"(
- id: tag-all
  then: {tag: [seen]}
  continue: true
- id: skip-me
  match: {team: nobody}
  then: {tag: [never]}
- id: claude-tag
  match: {model: "claude-*"}
  then: {tag: [anthropic]}
  continue: true
- id: stop-here
  then: {allow: true}
- id: unreachable
  then: {tag: [late]}
)");
  SampleRequest r;
  r.model = "claude-opus-4-8";
  const auto d = set->evaluate(r.facts());
  EXPECT_EQ(ids(d), (Ids{"tag-all", "claude-tag", "stop-here"}));
  EXPECT_EQ(d.header(), "tag-all,claude-tag,stop-here");
  EXPECT_EQ(std::vector<std::string>(d.tags.begin(), d.tags.end()), (Ids{"seen", "anthropic"}));
}

TEST(PolicyRules, NoMatchDecidesNothing) {
  auto set = compile("- id: r\n  match: {team: x}\n  then: {deny: true}\n");
  SampleRequest r;
  const auto d = set->evaluate(r.facts());
  EXPECT_TRUE(d.matched.empty());
  EXPECT_EQ(d.verdict, Verdict::None);
  EXPECT_EQ(d.header(), "");
  EXPECT_TRUE(d.caps.empty());
  EXPECT_TRUE(d.route.empty());
}

TEST(PolicyRules, EachThenAction) {
  auto set = compile(R"(
- id: everything
  then:
    route: coding-cheap
    cap: {reasoning: low, max_tokens: 4096, service_tier: [default, flex]}
    redact: [email, iban]
    tag: [pci, audit]
    require_council: {k: 3, mode: unanimous}
  continue: true
- id: deny-it
  then: {deny: {status: 429, message: "budget used up"}}
)");
  SampleRequest r;
  const auto d = set->evaluate(r.facts());
  EXPECT_EQ(d.route, "coding-cheap");
  EXPECT_EQ(d.route_rule, "everything");
  EXPECT_EQ(d.caps.max_reasoning, ir::Effort::Low);
  EXPECT_EQ(d.caps.max_output_tokens, 4096);
  EXPECT_EQ(d.caps.service_tiers, (Ids{"default", "flex"}));
  EXPECT_EQ(std::vector<std::string>(d.redact.begin(), d.redact.end()), (Ids{"email", "iban"}));
  EXPECT_EQ(std::vector<std::string>(d.tags.begin(), d.tags.end()), (Ids{"pci", "audit"}));
  ASSERT_TRUE(d.council);
  EXPECT_EQ(d.council->k, 3);
  EXPECT_EQ(d.council->mode, "unanimous");
  ASSERT_TRUE(d.denied());
  EXPECT_EQ(d.decided_by, "deny-it");
  const auto e = d.deny_error();
  EXPECT_EQ(e.status(), 429);
  EXPECT_EQ(e.message, "budget used up");
  EXPECT_EQ(e.code, "policy_denied");
}

TEST(PolicyRules, DenyShorthandsNameTheRule) {
  auto set = compile("- id: nope\n  then: {deny: true}\n");
  SampleRequest r;
  auto d = set->evaluate(r.facts());
  EXPECT_EQ(d.deny_error().status(), 403);
  EXPECT_NE(d.deny_message.find("'nope'"), std::string::npos);
  set = compile("- id: nope\n  then: {deny: \"ask your lead\"}\n");
  d = set->evaluate(r.facts());
  EXPECT_EQ(d.deny_message, "ask your lead");
}

TEST(PolicyRules, CapsMergeToTheTighterValue) {
  auto set = compile(R"(
- id: a
  then: {cap: {reasoning: medium, max_tokens: 2000, service_tier: [default, flex, priority]}}
  continue: true
- id: b
  then: {cap: {reasoning: high, max_tokens: 1000, service_tier: [flex, priority, scale]}}
  continue: true
- id: c
  then: {cap: {reasoning: low, max_tokens: 3000, service_tier: [scale]}}
)");
  SampleRequest r;
  const auto d = set->evaluate(r.facts());
  EXPECT_EQ(d.caps.max_reasoning, ir::Effort::Low);  // the lowest
  EXPECT_EQ(d.caps.max_output_tokens, 1000);         // the smallest
  // a ∩ b = {flex, priority}; c's {scale} would leave nothing, so the earlier set stays.
  EXPECT_EQ(d.caps.service_tiers, (Ids{"flex", "priority"}));
}

TEST(PolicyRules, MergeSemantics) {
  auto set =
      compile(R"(
- id: first-route
  match: {team: payments}
  then: {route: first, tag: [a], inject_skill: [s1], redact: [email], require_council: {k: 2}}
  continue: true
- id: allow-early
  then: {allow: true, tag: [a, b], redact: [email, phone]}
  continue: true
- id: second-route
  then: {route: second, require_council: {k: 5, mode: any}, inject_skill: [s2, s1]}
  continue: true
- id: late-deny
  match: {model: "gpt-*"}
  then: {deny: {status: 403, message: "first deny"}}
  continue: true
- id: later-allow
  then: {allow: true}
  continue: true
- id: second-deny
  match: {model: "gpt-*"}
  then: {deny: {status: 429, message: "second deny"}}
)",
              {{"s1.md", test::skill_md("name: s1")}, {"s2.md", test::skill_md("name: s2")}});
  SampleRequest r;
  r.team = "payments";
  r.model = "claude-x";
  auto d = set->evaluate(r.facts());
  EXPECT_EQ(d.verdict, Verdict::Allow);
  EXPECT_EQ(d.decided_by, "allow-early");
  EXPECT_EQ(d.route, "first");  // the first route wins
  EXPECT_EQ(std::vector<std::string>(d.tags.begin(), d.tags.end()), (Ids{"a", "b"}));
  EXPECT_EQ(std::vector<std::string>(d.redact.begin(), d.redact.end()), (Ids{"email", "phone"}));
  EXPECT_EQ(test::skill_names(d), (Ids{"s1", "s2"}));  // accumulated, no duplicates
  EXPECT_EQ(d.council->k, 2);                          // the first council's parameters
  EXPECT_EQ(d.council->mode, "");

  // A later deny still denies; the first deny's status and message are answered; a later allow
  // does not undo it; a denied request gets no skills.
  r.model = "gpt-5";
  d = set->evaluate(r.facts());
  EXPECT_TRUE(d.denied());
  EXPECT_EQ(d.decided_by, "late-deny");
  EXPECT_EQ(d.deny_status, 403);
  EXPECT_EQ(d.deny_message, "first deny");
  EXPECT_EQ(ids(d).back(), "second-deny");
  EXPECT_TRUE(d.skills.empty());
}

}  // namespace
}  // namespace sluice::policy
