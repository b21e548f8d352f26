#include <gtest/gtest.h>

#include "core/config.hpp"

namespace sluice::core {
namespace {

std::optional<std::string> fake_env(const char* name) {
  std::string n(name);
  if (n == "ANTHROPIC_API_KEY") return "sk-ant-test";
  if (n == "EMPTY") return "";
  return std::nullopt;
}

Config ok(const std::string& yaml) {
  auto r = parse_config(yaml, "sluice.yaml", fake_env);
  if (auto* e = std::get_if<ConfigError>(&r)) ADD_FAILURE() << e->to_string();
  return std::get<Config>(r);
}

ConfigError bad(const std::string& yaml) {
  auto r = parse_config(yaml, "sluice.yaml", fake_env);
  EXPECT_TRUE(std::holds_alternative<ConfigError>(r)) << "config was accepted:\n" << yaml;
  return std::holds_alternative<ConfigError>(r) ? std::get<ConfigError>(r) : ConfigError{};
}

TEST(Config, IssueExampleShapeLoads) {
  auto c = ok(R"(listen: 127.0.0.1:4100
providers:
  - {name: anthropic, type: anthropic, base_url: "https://api.anthropic.com", api_key: "${ANTHROPIC_API_KEY}"}
  - {name: local, type: openai, base_url: "http://127.0.0.1:11434/v1"}
aliases:
  claude-opus-4-8: anthropic/claude-opus-4-8
  gpt-5.5: local/qwen3-coder
)");
  ASSERT_EQ(c.providers.size(), 2u);
  EXPECT_EQ(c.providers[0].api_key, "sk-ant-test");
  EXPECT_EQ(c.providers[0].api_key_source, "${ANTHROPIC_API_KEY}");
  EXPECT_EQ(c.providers[1].type, protocol::Family::OpenAI);
  EXPECT_EQ(c.aliases.at("gpt-5.5"), "local/qwen3-coder");
  EXPECT_EQ(c.default_for(protocol::Family::Anthropic)->name, "anthropic");
  EXPECT_EQ(c.default_for(protocol::Family::OpenAI)->name, "local");
  EXPECT_EQ(c.default_for(protocol::Family::Gemini), nullptr);
}

TEST(Config, EmptyFileIsDefaults) {
  auto c = ok("");
  EXPECT_EQ(c.listen, "127.0.0.1:4100");
  EXPECT_EQ(c.limits.max_body_bytes, 32u * 1024 * 1024);
}

TEST(Config, LimitsAndTimeoutsParse) {
  auto c = ok("limits: {max_body: 1MiB, idle_timeout: 5m}\ntimeouts: {connect: 250ms, total: 2h}\n");
  EXPECT_EQ(c.limits.max_body_bytes, 1024u * 1024);
  EXPECT_EQ(c.limits.idle_timeout, std::chrono::minutes(5));
  EXPECT_EQ(c.timeouts.connect, std::chrono::milliseconds(250));
  EXPECT_EQ(c.timeouts.total, std::chrono::hours(2));
}

TEST(Config, DefaultProviderNoneRejectsUnknownNames) {
  auto c = ok(R"(providers:
  - {name: a, type: openai, base_url: "http://x/v1"}
default_provider: {openai: none})");
  EXPECT_EQ(c.default_for(protocol::Family::OpenAI), nullptr);
}

TEST(Config, SyntaxErrorHasFileLineColumn) {
  auto e = bad("listen: 127.0.0.1:4100\nproviders:\n  - {name: a, type: openai\n");
  EXPECT_EQ(e.file, "sluice.yaml");
  EXPECT_GE(e.line, 3);
  EXPECT_NE(e.to_string().find("sluice.yaml:"), std::string::npos);
}

TEST(Config, UnknownKeyNamesTheKeyAndLine) {
  auto e = bad("listen: 127.0.0.1:4100\nlisten_port: 4\n");
  EXPECT_EQ(e.line, 2);
  EXPECT_EQ(e.column, 1);
  EXPECT_NE(e.message.find("listen_port"), std::string::npos);
}

TEST(Config, BadProviderTypeIsRejectedAtItsLine) {
  auto e = bad("providers:\n  - name: x\n    type: cohere\n    base_url: http://x\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.message.find("openai, anthropic or gemini"), std::string::npos);
}

TEST(Config, BadBaseUrlAndDuplicateNames) {
  EXPECT_NE(bad("providers:\n  - {name: x, type: openai, base_url: 'ftp://x'}\n").message.find("http"),
            std::string::npos);
  auto e = bad("providers:\n  - {name: x, type: openai, base_url: 'http://a'}\n"
               "  - {name: x, type: openai, base_url: 'http://b'}\n");
  EXPECT_EQ(e.line, 3);
  EXPECT_NE(e.message.find("twice"), std::string::npos);
}

TEST(Config, AliasToUnknownProviderOrCycleIsRejected) {
  auto e = bad("providers:\n  - {name: a, type: openai, base_url: 'http://a'}\naliases:\n  m: b/x\n");
  EXPECT_EQ(e.line, 4);
  auto cyc = bad("aliases:\n  x: y\n  y: x\n");
  EXPECT_NE(cyc.message.find("cycle"), std::string::npos);
}

TEST(Config, UnsetEnvInBaseUrlIsAnErrorButInApiKeyIsNot) {
  auto e = bad("providers:\n  - {name: a, type: openai, base_url: '${NOPE}'}\n");
  EXPECT_NE(e.message.find("NOPE"), std::string::npos);
  auto c = ok("providers:\n  - {name: a, type: openai, base_url: 'http://a', api_key: '${NOPE}'}\n");
  EXPECT_TRUE(c.providers[0].api_key.empty());
  EXPECT_EQ(c.providers[0].api_key_source, "${NOPE}");
}

TEST(Config, Interpolation) {
  std::vector<std::string> missing;
  EXPECT_EQ(interpolate_env("a${ANTHROPIC_API_KEY}b", fake_env, &missing), "ask-ant-testb");
  EXPECT_EQ(interpolate_env("${NOPE:-dflt}", fake_env, &missing), "dflt");
  EXPECT_EQ(interpolate_env("${EMPTY:-x}", fake_env, &missing), "x");
  EXPECT_TRUE(missing.empty());
  interpolate_env("${NOPE}", fake_env, &missing);
  EXPECT_EQ(missing, std::vector<std::string>{"NOPE"});
}

TEST(Config, DurationsAndSizes) {
  EXPECT_EQ(parse_duration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_EQ(parse_duration("30"), std::chrono::seconds(30));
  EXPECT_FALSE(parse_duration("soon"));
  EXPECT_EQ(parse_size("64KiB"), 65536u);
  EXPECT_EQ(parse_size("2MB"), 2'000'000u);
  EXPECT_FALSE(parse_size("lots"));
}

}  // namespace
}  // namespace sluice::core
