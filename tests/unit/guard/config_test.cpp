#include <gtest/gtest.h>

#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "guard/config.hpp"
#include "guard/guard.hpp"

namespace sluice::guard {
namespace {

GuardConfig parse_ok(const std::string& yaml) {
  auto r = parse_guard_config(YAML::Load(yaml)["guardrails"], "sluice.yaml");
  if (auto* e = std::get_if<core::ConfigError>(&r)) {
    ADD_FAILURE() << e->to_string();
    return {};
  }
  return std::get<GuardConfig>(r);
}

std::string parse_error(const std::string& yaml) {
  auto r = parse_guard_config(YAML::Load(yaml)["guardrails"], "sluice.yaml");
  if (const auto* e = std::get_if<core::ConfigError>(&r)) return e->to_string();
  ADD_FAILURE() << "accepted:\n" << yaml;
  return {};
}

TEST(GuardConfig, AbsentSectionLogsEverything) {
  const auto cfg = parse_ok("other: 1\n");
  for (const auto& k : kKinds) EXPECT_EQ(cfg.action_for(k.kind), Action::Log) << k.name;
  EXPECT_EQ(cfg.max_lookbehind, 256U);
  EXPECT_TRUE(cfg.custom.empty());
  EXPECT_TRUE(cfg.tool_allow.empty());
}

TEST(GuardConfig, FullExample) {
  const auto cfg = parse_ok(R"(
guardrails:
  actions:
    pii: log
    secret: redact
    credit_card: block
    ip_address: off
  custom:
    - name: employee_id
      pattern: 'EMP-\d{6}'
      action: block
    - name: codename
      pattern: 'Project (Falcon|Osprey)'
  tools:
    allow: [Read, Grep, "mcp__github__*"]
    deny: ["mcp__*__delete*"]
  max_lookbehind: 512
  generic_secret:
    min_length: 16
    min_entropy: 3.5
)");
  EXPECT_EQ(cfg.action_for(Kind::Email), Action::Log);
  EXPECT_EQ(cfg.action_for(Kind::CreditCard), Action::Block);
  EXPECT_EQ(cfg.action_for(Kind::IpAddress), Action::Off);
  EXPECT_EQ(cfg.action_for(Kind::AwsAccessKey), Action::Redact);
  EXPECT_EQ(cfg.action_for(Kind::GenericSecret), Action::Redact);
  ASSERT_EQ(cfg.custom.size(), 2U);
  EXPECT_EQ(cfg.custom[0].name, "employee_id");
  EXPECT_EQ(cfg.action_for(cfg.custom[0]), Action::Block);
  EXPECT_EQ(cfg.action_for(cfg.custom[1]), Action::Log);  // the custom category's default
  EXPECT_EQ(cfg.tool_allow, (std::vector<std::string>{"Read", "Grep", "mcp__github__*"}));
  EXPECT_EQ(cfg.tool_deny, (std::vector<std::string>{"mcp__*__delete*"}));
  EXPECT_EQ(cfg.max_lookbehind, 512U);
  EXPECT_EQ(cfg.generic_min_length, 16U);
  EXPECT_DOUBLE_EQ(cfg.generic_min_entropy, 3.5);
  const Guard g(cfg);
  EXPECT_EQ(g.kind_name(static_cast<KindId>(kBuiltinKinds)), "custom:employee_id");
  EXPECT_EQ(g.placeholder(id_of(Kind::Email)), "[REDACTED:email]");
}

TEST(GuardConfig, ErrorsCarryLineAndColumn) {
  EXPECT_EQ(parse_error("guardrails:\n  actions:\n    emial: block\n"),
            "sluice.yaml:3:5: unknown kind 'emial' in guardrails.actions (known: pii, secret, "
            "custom, email, phone, credit_card, iban, us_ssn, ip_address, aws_access_key, "
            "github_token, gitlab_token, slack_token, stripe_key, openai_key, anthropic_key, "
            "private_key, jwt, generic_secret; custom patterns take their action in "
            "guardrails.custom)");
  EXPECT_EQ(parse_error("guardrails:\n  actions:\n    email: hide\n"),
            "sluice.yaml:3:12: unknown action 'hide' for guardrails.actions.email (known: off, "
            "log, redact, block)");
  const auto bad_re =
      parse_error("guardrails:\n  custom:\n    - name: broken\n      pattern: 'EMP-(\\d{6}'\n");
  EXPECT_EQ(bad_re.rfind("sluice.yaml:4:16: invalid RE2 pattern for 'broken': ", 0), 0U) << bad_re;
  EXPECT_EQ(parse_error("guardrails:\n  custom:\n    - name: broken\n      pattern: 'EMP-(?=x)'\n")
                .rfind("sluice.yaml:4:16: invalid RE2 pattern", 0),
            0U);  // lookahead: RE2 has none (linear time)
}

TEST(GuardConfig, AnswersAreScannedUnlessTurnedOff) {
  EXPECT_TRUE(parse_ok("guardrails: {}\n").responses);
  const auto off = parse_ok("guardrails:\n  responses: false\n  tools: {deny: [Bash]}\n");
  EXPECT_FALSE(off.responses);
  EXPECT_FALSE(Guard(off).scans_responses());
  EXPECT_TRUE(Guard(parse_ok("guardrails: {tools: {deny: [Bash]}}\n")).scans_responses());
  GuardConfig nothing;
  nothing.category_actions.fill(Action::Off);
  EXPECT_FALSE(Guard(nothing).scans_responses());  // nothing to look for: no writer stacked
  EXPECT_EQ(parse_error("guardrails:\n  responses: maybe\n").rfind("sluice.yaml:2:14: ", 0), 0U);
}

TEST(GuardConfig, RejectsOtherMistakes) {
  EXPECT_EQ(parse_error("guardrails:\n  action:\n    email: log\n"),
            "sluice.yaml:2:3: unknown key 'action' in guardrails (known: actions, custom, tools, "
            "responses, max_lookbehind, generic_secret)");
  EXPECT_EQ(parse_error("guardrails:\n  custom:\n    - name: Bad-Name\n      pattern: x\n"),
            "sluice.yaml:3:13: custom pattern name 'Bad-Name' must be 1 to 64 characters of "
            "a-z, 0-9 and _ (it becomes the kind custom:<name>)");
  EXPECT_EQ(parse_error("guardrails:\n  custom:\n    - name: a\n      pattern: x\n"
                        "    - name: a\n      pattern: y\n"),
            "sluice.yaml:5:13: duplicate custom pattern name 'a'");
  EXPECT_EQ(parse_error("guardrails:\n  custom:\n    - name: a\n      pattern: 'x*'\n"),
            "sluice.yaml:4:16: pattern for 'a' matches the empty string");
  EXPECT_EQ(parse_error("guardrails:\n  custom:\n    - pattern: x\n"),
            "sluice.yaml:3:7: a guardrails.custom entry needs a name");
  EXPECT_EQ(parse_error("guardrails:\n  tools:\n    deny: Bash\n"),
            "sluice.yaml:3:11: guardrails.tools.deny must be a list of tool name globs");
  EXPECT_EQ(parse_error("guardrails:\n  max_lookbehind: 8\n"),
            "sluice.yaml:2:19: guardrails.max_lookbehind must be between 32 and 65536");
  EXPECT_EQ(parse_error("guardrails:\n  generic_secret:\n    min_entropy: nine\n"),
            "sluice.yaml:3:18: guardrails.generic_secret.min_entropy must be a number");
}

TEST(GuardConfig, GuardRejectsAnInvalidPatternBuiltInCode) {
  GuardConfig cfg;
  cfg.custom.push_back({"broken", "(", std::nullopt});
  EXPECT_THROW(Guard{cfg}, std::invalid_argument);
}

}  // namespace
}  // namespace sluice::guard
