#include "fake/scenario.hpp"

#include <gtest/gtest.h>

namespace sluice::fake {
namespace {

TEST(FakeScenario, GlobMatching) {
  EXPECT_TRUE(core::glob_match("*", ""));
  EXPECT_TRUE(core::glob_match("*", "/v1/messages"));
  EXPECT_TRUE(core::glob_match("/v1/*", "/v1/chat/completions"));
  EXPECT_TRUE(core::glob_match("claude-*", "claude-fake-sonnet"));
  EXPECT_TRUE(
      core::glob_match("*:streamGenerateContent", "/v1beta/models/g:streamGenerateContent"));
  EXPECT_TRUE(core::glob_match("gpt-?", "gpt-5"));
  EXPECT_TRUE(core::glob_match("a*b*c", "aXXbYYc"));
  EXPECT_FALSE(core::glob_match("a*b*c", "aXXbYY"));
  EXPECT_FALSE(core::glob_match("/v1/messages", "/v1/messages/count_tokens"));
  EXPECT_FALSE(core::glob_match("gpt-?", "gpt-55"));
}

TEST(FakeScenario, HeadersSetFaults) {
  http::Headers headers{
      {"x-fake-status", "529"},       {"x-fake-retry-after", "2"},  {"x-fake-latency-ms", "10"},
      {"x-fake-first-byte-ms", "20"}, {"x-fake-chunks", "3"},       {"x-fake-chunk-gap-ms", "5"},
      {"x-fake-reset-after", "1"},    {"x-fake-error-after", "2"},  {"x-fake-malformed", "1"},
      {"x-fake-linger-ms", "7"},      {"authorization", "Bearer x"}};
  auto f = faults_from_headers(headers).value();
  EXPECT_EQ(f.status, 529);
  EXPECT_EQ(f.retry_after, 2);
  EXPECT_EQ(f.latency_ms, 10);
  EXPECT_EQ(f.first_byte_ms, 20);
  EXPECT_EQ(f.chunks, 3);
  EXPECT_EQ(f.chunk_gap_ms, 5);
  EXPECT_EQ(f.reset_after, 1);
  EXPECT_EQ(f.error_after, 2);
  EXPECT_EQ(f.malformed, true);
  EXPECT_EQ(f.linger_ms, 7);
  EXPECT_TRUE(f.error_status());
}

TEST(FakeScenario, NoHeadersNoFaults) {
  auto f = faults_from_headers({{"content-type", "application/json"}}).value();
  EXPECT_FALSE(f.status);
  EXPECT_FALSE(f.latency_ms);
  EXPECT_FALSE(f.malformed);
}

struct BadHeader {
  const char* name;
  const char* value;
  const char* message_part;
};

class FakeScenarioBadHeader : public ::testing::TestWithParam<BadHeader> {};

TEST_P(FakeScenarioBadHeader, IsRejectedWithAReason) {
  auto f = faults_from_headers({{GetParam().name, GetParam().value}});
  ASSERT_FALSE(f);
  EXPECT_NE(f.error().message.find(GetParam().message_part), std::string::npos)
      << f.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Headers, FakeScenarioBadHeader,
    ::testing::Values(BadHeader{"x-fake-statuss", "500", "unknown fault control header"},
                      BadHeader{"x-fake-status", "abc", "x-fake-status must be an integer"},
                      BadHeader{"x-fake-status", "1000", "from 100 to 599"},
                      BadHeader{"x-fake-chunks", "0", "from 1 to"},
                      BadHeader{"x-fake-latency-ms", "-5", "x-fake-latency-ms"},
                      BadHeader{"x-fake-malformed", "maybe", "must be 1 or 0"}));

TEST(FakeScenario, MergeOverridesFieldByField) {
  Faults base;
  base.status = 500;
  base.latency_ms = 100;
  Faults over;
  over.latency_ms = 5;
  over.chunks = 2;
  base.merge(over);
  EXPECT_EQ(base.status, 500);
  EXPECT_EQ(base.latency_ms, 5);
  EXPECT_EQ(base.chunks, 2);
}

constexpr std::string_view kScript = R"(rules:
  - match: {path: "/v1/messages", model: "claude-*"}
    times: 2
    status: 529
    retry_after: 1
  - match: {path: "/v1/chat/*"}
    latency_ms: 100
    chunks: 2
    malformed: false
  - status: 503
    match: {model: "gemini-*"}
)";

TEST(FakeScenario, ScriptParsesRules) {
  auto script = Script::parse(kScript, "test.yaml").value();
  ASSERT_EQ(script.rules().size(), 3u);
  const auto& r0 = script.rules()[0];
  EXPECT_EQ(r0.path, "/v1/messages");
  EXPECT_EQ(r0.model, "claude-*");
  EXPECT_EQ(r0.times, 2);
  EXPECT_EQ(r0.faults.status, 529);
  EXPECT_EQ(r0.faults.retry_after, 1);
  EXPECT_EQ(r0.line, 2);
  EXPECT_EQ(script.rules()[1].faults.malformed, false);
  EXPECT_EQ(script.rules()[1].model, "*");
  EXPECT_EQ(script.rules()[2].path, "*");
  EXPECT_EQ(script.remaining(1), -1);
}

TEST(FakeScenario, ScriptRulesCountDownThenFallThrough) {
  auto script = Script::parse(kScript, "test.yaml").value();
  for (int i = 0; i < 2; ++i) {
    auto f = script.match("/v1/messages", "claude-fake-haiku").value();
    EXPECT_EQ(f.status, 529);
  }
  EXPECT_EQ(script.remaining(0), 0);
  EXPECT_FALSE(script.match("/v1/messages", "claude-fake-haiku"));
  auto chat = script.match("/v1/chat/completions", "gpt-fake").value();
  EXPECT_EQ(chat.latency_ms, 100);
  EXPECT_EQ(script.match("/v1beta/models/x:generateContent", "gemini-fake-pro")->status, 503);
  EXPECT_FALSE(script.match("/v1/embeddings", "text-embedding-fake"));
}

struct BadScript {
  const char* name;
  const char* yaml;
  const char* expected;  // a prefix of the message: file:line:col and the reason
};

class FakeScenarioBadScript : public ::testing::TestWithParam<BadScript> {};

TEST_P(FakeScenarioBadScript, IsRejectedWithFileAndLine) {
  auto script = Script::parse(GetParam().yaml, "faults.yaml");
  ASSERT_FALSE(script);
  EXPECT_EQ(script.error().message.rfind(GetParam().expected, 0), 0u) << script.error().message;
}

INSTANTIATE_TEST_SUITE_P(
    Scripts, FakeScenarioBadScript,
    ::testing::Values(
        BadScript{"unknown_key", "rules:\n  - status: 500\n  - statuss: 500\n",
                  "faults.yaml:3:5: rule 2: unknown key 'statuss'"},
        BadScript{"bad_value", "rules:\n  - status: lots\n",
                  "faults.yaml:2:13: rule 1: 'status' must be an integer from 100 to 599"},
        BadScript{"out_of_range", "rules:\n  - chunks: 0\n", "faults.yaml:2:13: rule 1: 'chunks'"},
        BadScript{"negative_times", "rules:\n  - times: -1\n",
                  "faults.yaml:2:12: rule 1: 'times' must be a non-negative integer"},
        BadScript{"bad_match_key", "rules:\n  - match: {url: \"/\"}\n",
                  "faults.yaml:2:13: rule 1: unknown match key 'url'"},
        BadScript{"malformed_bool", "rules:\n  - malformed: sometimes\n",
                  "faults.yaml:2:16: rule 1: 'malformed' must be true or false"},
        BadScript{"rule_not_a_map", "rules:\n  - 500\n",
                  "faults.yaml:2:5: rule 1 must be a mapping"},
        BadScript{"rules_not_a_list", "rules: {status: 500}\n",
                  "faults.yaml:1:8: 'rules' must be a list"},
        BadScript{"unknown_top_level", "rules: []\nrule: []\n",
                  "faults.yaml:2:1: unknown top-level key 'rule'"},
        BadScript{"no_rules", "hello\n", "faults.yaml:1:1: a script is a mapping"},
        BadScript{"yaml_syntax", "rules:\n  - match: {path: \"/v1\"\n    status: 5\n",
                  "faults.yaml:3:"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(FakeScenario, MissingScriptFile) {
  auto script = Script::load("/nonexistent/faults.yaml");
  ASSERT_FALSE(script);
  EXPECT_EQ(script.error().message, "/nonexistent/faults.yaml: cannot open the script file");
}

}  // namespace
}  // namespace sluice::fake
