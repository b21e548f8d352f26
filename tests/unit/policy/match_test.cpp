// Each match field kind, alone: the rule matches a request that has the fact and not one that
// lacks it.

#include <gtest/gtest.h>

#include <functional>

#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

using test::at;
using test::compile;

struct FieldCase {
  std::string name;
  std::string match;  // YAML flow mapping
  std::function<void(SampleRequest&)> hit;
  std::function<void(SampleRequest&)> miss;
};

bool matches(const PolicySet& set, SampleRequest& r) {
  return !set.evaluate(r.facts()).matched.empty();
}

TEST(PolicyMatch, EachFieldKind) {
  const std::vector<FieldCase> cases = {
      {"key", "{key: key_ab*}", [](auto& r) { r.key_id = "key_ab12"; },
       [](auto& r) { r.key_id = "key_cd34"; }},
      {"user", "{user: [alice, bob]}", [](auto& r) { r.user = "bob"; },
       [](auto& r) { r.user = "carol"; }},
      {"team", "{team: payments}", [](auto& r) { r.team = "payments"; },
       [](auto& r) { r.team = "payments-eu"; }},
      {"project", "{project: 'checkout-*'}", [](auto& r) { r.project = "checkout-web"; },
       [](auto& r) { r.project = "search"; }},
      {"role", "{role: contractor}", [](auto& r) { r.role = "contractor"; },
       [](auto& r) { r.role = "employee"; }},
      {"model glob", "{model: 'claude-*'}", [](auto& r) { r.model = "claude-opus-4-8"; },
       [](auto& r) { r.model = "gpt-5"; }},
      {"route", "{route: coding}", [](auto& r) { r.route = "coding"; },
       [](auto& r) { r.route = ""; }},
      {"wire", "{wire: [anthropic, gemini]}",
       [](auto& r) { r.endpoint = protocol::Endpoint::StreamGenerate; },
       [](auto& r) { r.endpoint = protocol::Endpoint::ChatCompletions; }},
      {"wire responses", "{wire: openai_responses}",
       [](auto& r) { r.endpoint = protocol::Endpoint::Responses; },
       [](auto& r) { r.endpoint = protocol::Endpoint::Messages; }},
      {"content", R"({content: '(?i)\bdrop\s+table\b'})",
       [](auto& r) { r.prompt = "system text\nplease DROP  TABLE users"; },
       [](auto& r) { r.prompt = "please drop the tablecloth"; }},
      {"content_latest", "{content_latest: 'refactor'}",
       [](auto& r) {
         r.prompt = "old turn\nrefactor this";
         r.latest = "refactor this";
       },
       [](auto& r) {
         r.prompt = "old turn: refactor this\nnow add docs";
         r.latest = "now add docs";
       }},
      {"finding", "{finding: ['*_token', email]}",
       [](auto& r) {
         r.findings = {"phone", "github_token"};
       },
       [](auto& r) { r.findings = {"phone"}; }},
      {"tools", "{tools: ['Bash', 'mcp__*']}",
       [](auto& r) {
         r.tools = {"Read", "mcp__jira__create"};
       },
       [](auto& r) {
         r.tools = {"Read", "Write"};
       }},
      {"header", "{header: {X-Agent: 'claude-code/*'}}",
       [](auto& r) {
         r.headers = {{"x-agent", "claude-code/2.1"}};
       },
       [](auto& r) {
         r.headers = {{"x-agent", "codex/0.169"}};
       }},
      {"header absent", "{header: {x-agent: '*'}}",
       [](auto& r) {
         r.headers = {{"x-agent", ""}};
       },
       [](auto& r) { r.headers = {}; }},
      {"metadata", "{metadata: {repo: 'acme/*'}}",
       [](auto& r) {
         r.metadata = {{"repo", "acme/payments"}};
       },
       [](auto& r) {
         r.metadata = {{"repo", "other/payments"}};
       }},
      {"time", "{time: {days: [mon-fri], hours: '09:00-18:00', timezone: UTC}}",
       [](auto& r) { r.now = at("2026-11-23T09:00:00Z"); },   // a Monday
       [](auto& r) { r.now = at("2026-11-22T10:00:00Z"); }},  // a Sunday
      {"budget", "{budget: [warned, exhausted]}", [](auto& r) { r.budget = BudgetState::Warned; },
       [](auto& r) { r.budget = BudgetState::Ok; }},
      {"region", "{region: 'eu-*'}", [](auto& r) { r.region = "eu-west"; },
       [](auto& r) { r.region = "us-east"; }},
      {"intent", "{intent: 'refactor*'}", [](auto& r) { r.intent = "refactor.rename"; },
       [](auto& r) { r.intent.reset(); }},
      {"risk >=", "{risk: '>= 0.7'}", [](auto& r) { r.risk = 0.7; },
       [](auto& r) { r.risk = 0.69; }},
      {"risk <", "{risk: '< 0.3'}", [](auto& r) { r.risk = 0.1; }, [](auto& r) { r.risk = 0.3; }},
      {"risk absent", "{risk: '<= 1'}", [](auto& r) { r.risk = 0.0; },
       [](auto& r) { r.risk.reset(); }},
      {"risk range", "{risk: {min: 0.3, max: 0.6}}", [](auto& r) { r.risk = 0.6; },
       [](auto& r) { r.risk = 0.61; }},
      {"not", "{not: {team: payments}}", [](auto& r) { r.team = "search"; },
       [](auto& r) { r.team = "payments"; }},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto set = compile("- id: r\n  match: " + c.match + "\n  then: {tag: [hit]}\n");
    ASSERT_TRUE(set);
    SampleRequest hit, miss;
    c.hit(hit);
    c.miss(miss);
    EXPECT_TRUE(matches(*set, hit));
    EXPECT_FALSE(matches(*set, miss));
  }
}

TEST(PolicyMatch, ConditionsAndTogether) {
  auto set = compile(R"(
- id: r
  match: {team: payments, model: "claude-*", header: {x-env: prod}}
  then: {tag: [x]}
)");
  SampleRequest r;
  r.team = "payments";
  r.model = "claude-opus-4-8";
  r.headers = {{"x-env", "prod"}};
  EXPECT_TRUE(matches(*set, r));
  r.headers = {{"x-env", "dev"}};
  EXPECT_FALSE(matches(*set, r));
  r.headers = {{"x-env", "prod"}};
  r.model = "gpt-5";
  EXPECT_FALSE(matches(*set, r));
}

TEST(PolicyMatch, EmptyMatchIsCatchAllAndStarMatchesAbsent) {
  auto set = compile(R"(
- id: anyone-named
  match: {user: "?*"}
  then: {tag: [named]}
  continue: true
- id: everyone
  then: {tag: [all]}
)");
  SampleRequest anon;
  EXPECT_EQ(test::ids(set->evaluate(anon.facts())), std::vector<std::string>{"everyone"});
  SampleRequest alice;
  alice.user = "alice";
  EXPECT_EQ(test::ids(set->evaluate(alice.facts())),
            (std::vector<std::string>{"anyone-named", "everyone"}));
}

TEST(PolicyMatch, ContentIsScannedOnceAndOnlyWhenCheaperConditionsHold) {
  auto set = compile(R"(
- id: a
  match: {team: payments, content: "secret-a"}
  then: {tag: [a]}
  continue: true
- id: b
  match: {team: payments, content: ["secret-b", "secret-c"]}
  then: {tag: [b]}
  continue: true
- id: c
  match: {content_latest: "now"}
  then: {tag: [c]}
)");
  ASSERT_TRUE(set->reads_content());
  SampleRequest r;
  r.team = "search";
  r.prompt = "secret-a secret-c";
  r.latest = "later";
  // Team fails first: only the latest-instruction scan runs (for rule c), never the prompt's.
  auto d = set->evaluate(r.facts());
  EXPECT_TRUE(d.matched.empty());
  EXPECT_EQ(d.scans, 1);
  // Rules a and b share one scan of the prompt; c scans the latest instruction.
  r.team = "payments";
  d = set->evaluate(r.facts());
  EXPECT_EQ(test::ids(d), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(d.scans, 2);
}

}  // namespace
}  // namespace sluice::policy
