// The `council:` section: defaults, every key, and bad input rejected with its position.

#include "council/settings.hpp"

#include <gtest/gtest.h>

#include "core/config.hpp"

namespace sluice::council {
namespace {

std::optional<std::string> no_env(const char*) {
  return std::nullopt;
}

constexpr const char* kProviders = R"(providers:
  - {name: oai, type: openai, base_url: "http://127.0.0.1:9/v1", api_key: k}
  - {name: anth, type: anthropic, base_url: "http://127.0.0.1:9", api_key: k}
aliases: {cheap: oai/gpt-fake-mini}
)";

std::variant<core::Config, core::ConfigError> parse(const std::string& council) {
  return core::parse_config(std::string(kProviders) + council, "sluice.yaml", no_env);
}

TEST(CouncilSettings, DefaultsAndShippedTemplates) {
  auto r = parse("council: {reviewers: [anth/claude-fake-haiku, cheap]}\n");
  ASSERT_TRUE(std::holds_alternative<core::Config>(r))
      << std::get<core::ConfigError>(r).to_string();
  const auto& s = *std::get<core::Config>(r).council;
  EXPECT_EQ(s.reviewers, (std::vector<std::string>{"anth/claude-fake-haiku", "cheap"}));
  EXPECT_EQ(s.k, 2);
  EXPECT_EQ(s.mode, Mode::Async);
  EXPECT_EQ(s.rule, Rule::Majority);
  EXPECT_FALSE(s.risk_threshold);
  EXPECT_EQ(s.on_reject, Delivery::Notice);
  EXPECT_EQ(s.on_timeout, Delivery::Notice);
  EXPECT_EQ(s.timeout, std::chrono::seconds(30));
  EXPECT_NE(s.templates.user.find("[sluice-council-review]"), std::string::npos);
  EXPECT_NE(s.templates.user.find("{{answer}}"), std::string::npos);
  EXPECT_NE(s.templates.notice.find("{{reasons}}"), std::string::npos);
}

TEST(CouncilSettings, EveryKey) {
  auto r = parse(R"(council:
  reviewers: [{model: anth/claude-fake-haiku}]
  k: 3
  mode: gate
  decide: any
  risk_threshold: 0.7
  on_reject: refuse
  on_timeout: pass
  max_tokens: 256
  timeout: 2s
)");
  ASSERT_TRUE(std::holds_alternative<core::Config>(r))
      << std::get<core::ConfigError>(r).to_string();
  const auto& s = *std::get<core::Config>(r).council;
  EXPECT_EQ(s.k, 3);
  EXPECT_EQ(s.mode, Mode::Gate);
  EXPECT_EQ(s.rule, Rule::Any);
  EXPECT_DOUBLE_EQ(*s.risk_threshold, 0.7);
  EXPECT_EQ(s.on_reject, Delivery::Refuse);
  EXPECT_EQ(s.on_timeout, Delivery::Pass);
  EXPECT_EQ(s.max_tokens, 256);
  EXPECT_EQ(s.timeout, std::chrono::seconds(2));
}

TEST(CouncilSettings, BadInputNamesThePlace) {
  struct Case {
    const char* yaml;
    int line;
    const char* says;
  };
  const Case cases[] = {
      {"council: {reviewers: [nobody/model]}\n", 5, "not a route, an alias"},
      {"council: {reviewers: []}\n", 5, "non-empty list"},
      {"council: {reviewers: [cheap], mode: later}\n", 5, "async or gate"},
      {"council: {reviewers: [cheap], on_reject: pass}\n", 5, "notice or refuse"},
      {"council: {reviewers: [cheap], k: 0}\n", 5, "council.k"},
      {"council: {reviewers: [cheap], timeout: 1h}\n", 5, "between 100ms and 10m"},
      {"council: {reviewers: [cheap], colour: red}\n", 5, "colour"},
      {"council: {reviewers: [cheap], templates: /nonexistent-dir}\n", 5, "not a directory"},
  };
  for (const auto& c : cases) {
    auto r = parse(c.yaml);
    ASSERT_TRUE(std::holds_alternative<core::ConfigError>(r)) << c.yaml;
    const auto& e = std::get<core::ConfigError>(r);
    EXPECT_EQ(e.line, c.line) << c.yaml << e.to_string();
    EXPECT_NE(e.message.find(c.says), std::string::npos) << e.to_string();
  }
}

TEST(CouncilSettings, PolicyRuleModesAndDecide) {
  auto r = core::parse_config(std::string(kProviders) + R"(policy:
  - id: a
    then: {require_council: {k: 3, mode: gate, decide: unanimous}}
)",
                              "sluice.yaml", no_env);
  ASSERT_TRUE(std::holds_alternative<core::Config>(r))
      << std::get<core::ConfigError>(r).to_string();
  auto bad = core::parse_config(std::string(kProviders) + R"(policy:
  - id: a
    then: {require_council: {decide: most}}
)",
                                "sluice.yaml", no_env);
  ASSERT_TRUE(std::holds_alternative<core::ConfigError>(bad));
  EXPECT_NE(std::get<core::ConfigError>(bad).message.find("not a rule"), std::string::npos);
}

}  // namespace
}  // namespace sluice::council
