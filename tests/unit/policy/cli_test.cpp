// sluice policy check | policy test | skills list, driven through CLI11 as main.cpp would.

#include <gtest/gtest.h>

#include <CLI/CLI.hpp>
#include <boost/json/parse.hpp>

#include <map>

#include "cli/commands.hpp"
#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

struct Run {
  int rc = 0;
  std::string out;
  std::string err;
};

Run run(std::vector<std::string> args) {
  CLI::App app{"sluice"};
  cli::add_policy(app);
  cli::add_skills(app);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  Run r;
  testing::internal::CaptureStdout();
  testing::internal::CaptureStderr();
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    r.rc = e.get_exit_code();
  }
  r.out = testing::internal::GetCapturedStdout();
  r.err = testing::internal::GetCapturedStderr();
  return r;
}

class PolicyCli : public test::FilesTest {
 protected:
  const std::string examples_ = std::string(SLUICE_SOURCE_DIR) + "/examples";
};

TEST_F(PolicyCli, CheckPassesTheExamplesAndReportsEveryBrokenFile) {
  auto r = run({"policy", "check", examples_ + "/policies", examples_ + "/skills"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.out, "ok: 10 rule(s), 4 skill(s)\n");

  const auto a = write("a.yaml", "- id: a\n  match: {teem: x}\n  then: {allow: true}\n");
  const auto b = write("b.md", "---\nname: b\nmode: firm\n---\ntext\n");
  const auto c = write("c.yaml", "- id: c\n  then: {allow: true}\n");
  r = run({"policy", "check", a, b, c});
  EXPECT_EQ(r.rc, 1);
  EXPECT_NE(r.err.find(a + ":2:11: unknown key 'teem'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(b + ":3:7: mode must be soft or hard"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(c), std::string::npos) << r.err;

  // Across files: a duplicate id, found only when they are checked together.
  const auto d = write("d.yaml", "- id: c\n  then: {deny: true}\n");
  r = run({"policy", "check", "--json", c, d});
  EXPECT_EQ(r.rc, 1);
  const auto j = boost::json::parse(r.out);
  EXPECT_EQ(j.at("ok"), false);
  EXPECT_EQ(j.at("errors").at(0).at("file").as_string(), d);
  EXPECT_EQ(j.at("errors").at(0).at("line"), 1);
}

TEST_F(PolicyCli, TestShowsMatchesDecisionSkillsAndTheRewrittenBody) {
  const auto req = write("req.json", R"({
    "wire": "anthropic", "team": "payments", "time": "2026-11-23T10:00:00Z",
    "metadata": {"repo": "acme/payments-api"},
    "body": {"model": "claude-opus-4-8", "max_tokens": 64000,
             "system": [{"type": "text", "text": "client", "cache_control": {"type": "ephemeral"}}],
             "messages": [{"role": "user", "content": "fix the refund rounding bug"}]}})");
  auto r = run({"policy", "test", "--request", req, "--policies", examples_ + "/policies",
                "--skills", examples_ + "/skills"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("matched   tag-every-request, payments-team-skills"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("skill     no-secrets-in-code (hard, rule payments-team-skills)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("system: text block after the client's 1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("x-sluice-policy: tag-every-request,payments-team-skills"),
            std::string::npos);

  r = run({"policy", "test", "--json", "--request", req, "--policies", examples_ + "/policies",
           "--skills", examples_ + "/skills"});
  ASSERT_EQ(r.rc, 0) << r.err;
  const auto j = boost::json::parse(r.out);
  EXPECT_EQ(j.at("decision").at("skills"),
            boost::json::parse(R"(["no-secrets-in-code","test-driven"])"));
  const auto body = boost::json::parse(j.at("body").as_string());
  EXPECT_EQ(body.at("system").as_array().size(), 2u);
  EXPECT_EQ(body.at("system").at(0).at("cache_control").at("type"), "ephemeral");
}

TEST_F(PolicyCli, SkillsListWithAndWithoutARequest) {
  auto r = run({"skills", "list", "--skills", examples_ + "/skills"});
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_NE(r.out.find("no-secrets-in-code"), std::string::npos);
  EXPECT_NE(r.out.find("(by rules only)"), std::string::npos);

  const auto req = write("req.json", R"({"wire": "openai_chat",
    "headers": {"x-sluice-skills-off": "test-driven"},
    "body": {"model": "gpt-5", "tools": [{"type": "function", "function": {"name": "Edit"}}],
             "messages": [{"role": "user", "content": "fix the crash in the parser"}]}})");
  r = run({"skills", "list", "--json", "--request", req, "--skills", examples_ + "/skills"});
  ASSERT_EQ(r.rc, 0) << r.err;
  std::map<std::string, std::string> status;
  const auto listed = boost::json::parse(r.out);
  for (const auto& s : listed.as_array()) {
    status[std::string(s.at("name").as_string())] = std::string(s.at("request").as_string());
  }
  EXPECT_EQ(status["test-driven"], "switched off by the client");
  EXPECT_EQ(status["spec-first"], "--");
  EXPECT_EQ(status["no-secrets-in-code"], "--");
}

TEST_F(PolicyCli, BadRequestFileExitsNonZero) {
  const auto req = write("req.json", "{not json");
  const auto r = run({"policy", "test", "--request", req, "--skills", examples_ + "/skills"});
  EXPECT_EQ(r.rc, 2);
  EXPECT_NE(r.err.find("not a JSON object"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace sluice::policy
