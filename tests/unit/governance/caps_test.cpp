#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "governance/caps.hpp"

namespace sluice::governance {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;

Caps reasoning(ir::Effort e) {
  Caps c;
  c.max_reasoning = e;
  return c;
}
Caps output(std::int64_t m) {
  Caps c;
  c.max_output_tokens = m;
  return c;
}
Caps tiers(std::vector<std::string> allowed, bool downgrade) {
  Caps c;
  c.service_tiers = std::move(allowed);
  c.downgrade_tier = downgrade;
  return c;
}

bj::value body_of(const CapOutcome& o) {
  EXPECT_TRUE(o.body.has_value());
  return o.body ? bj::parse(*o.body) : bj::value();
}

using Applied = std::vector<std::string>;

TEST(Caps, EmptyCapsOrUnchangedBodyKeepBytes) {
  const auto body = R"({"model":"gpt-5","reasoning_effort":"low","max_completion_tokens":100})";
  EXPECT_FALSE(apply_caps(Endpoint::ChatCompletions, body, Caps{}).body);
  Caps c = reasoning(ir::Effort::Medium);
  c.max_output_tokens = 4096;
  c.service_tiers = {"default", "flex"};
  const auto out = apply_caps(Endpoint::ChatCompletions, body, c);
  EXPECT_FALSE(out.body);
  EXPECT_TRUE(out.applied.empty());
  EXPECT_FALSE(out.refused);
  EXPECT_FALSE(apply_caps(Endpoint::Embeddings, R"({"input":"x"})", c).body);
}

TEST(Caps, ChatReasoningEffort) {
  auto out = apply_caps(Endpoint::ChatCompletions, R"({"model":"o3","reasoning_effort":"high"})",
                        reasoning(ir::Effort::Low));
  EXPECT_EQ(body_of(out).at("reasoning_effort"), "low");
  EXPECT_EQ(out.applied, Applied{"reasoning_effort high->low"});
  out = apply_caps(Endpoint::ChatCompletions, R"({"reasoning_effort":"xhigh"})",
                   reasoning(ir::Effort::High));
  EXPECT_EQ(out.applied, Applied{"reasoning_effort xhigh->high"});
  for (auto v : {"none", "minimal", "low", "mystery"}) {
    const auto body = std::string(R"({"reasoning_effort":")") + v + "\"}";
    EXPECT_FALSE(apply_caps(Endpoint::ChatCompletions, body, reasoning(ir::Effort::Low)).body) << v;
  }
  // OpenRouter's spelling, which the chat codec also reads.
  out =
      apply_caps(Endpoint::ChatCompletions, R"({"reasoning":{"effort":"high","max_tokens":20000}})",
                 reasoning(ir::Effort::Medium));
  EXPECT_EQ(body_of(out).at("reasoning"), bj::parse(R"({"effort":"medium","max_tokens":10000})"));
  EXPECT_EQ(out.applied,
            (Applied{"reasoning.effort high->medium", "reasoning.max_tokens 20000->10000"}));
  // No reasoning asked: the cap does not add any.
  EXPECT_FALSE(
      apply_caps(Endpoint::ChatCompletions, R"({"model":"o3"})", reasoning(ir::Effort::Minimal))
          .body);
}

TEST(Caps, ResponsesReasoningEffort) {
  auto out =
      apply_caps(Endpoint::Responses, R"({"reasoning":{"effort":"medium","summary":"auto"}})",
                 reasoning(ir::Effort::Minimal));
  const auto v = body_of(out);
  EXPECT_EQ(v.at("reasoning").at("effort"), "minimal");
  EXPECT_EQ(v.at("reasoning").at("summary"), "auto");
  EXPECT_EQ(out.applied, Applied{"reasoning.effort medium->minimal"});
}

TEST(Caps, AnthropicThinkingBudgetAndEffort) {
  auto out =
      apply_caps(Endpoint::Messages,
                 R"({"max_tokens":64000,"thinking":{"type":"enabled","budget_tokens":32000}})",
                 reasoning(ir::Effort::Low));
  EXPECT_EQ(body_of(out).at("thinking").at("budget_tokens"), 4096);
  EXPECT_EQ(out.applied, Applied{"thinking.budget_tokens 32000->4096"});

  out = apply_caps(Endpoint::Messages,
                   R"({"thinking":{"type":"adaptive"},"output_config":{"effort":"max"}})",
                   reasoning(ir::Effort::Medium));
  EXPECT_EQ(body_of(out).at("output_config").at("effort"), "medium");
  EXPECT_EQ(out.applied, Applied{"output_config.effort max->medium"});

  // Adaptive thinking without an effort runs at high: a lower cap makes the effort explicit.
  out = apply_caps(Endpoint::Messages, R"({"thinking":{"type":"adaptive"}})",
                   reasoning(ir::Effort::Minimal));
  EXPECT_EQ(body_of(out).at("output_config").at("effort"), "low");
  EXPECT_EQ(out.applied, Applied{"output_config.effort (unset)->low"});
  EXPECT_FALSE(apply_caps(Endpoint::Messages, R"({"thinking":{"type":"adaptive"}})",
                          reasoning(ir::Effort::High))
                   .body);
  EXPECT_FALSE(apply_caps(Endpoint::Messages, R"({"thinking":{"type":"disabled"}})",
                          reasoning(ir::Effort::Low))
                   .body);
}

TEST(Caps, GeminiThinkingBudgetAndLevel) {
  auto out = apply_caps(Endpoint::GenerateContent,
                        R"({"generationConfig":{"thinkingConfig":{"thinkingBudget":-1}}})",
                        reasoning(ir::Effort::Medium));
  EXPECT_EQ(body_of(out).at("generationConfig").at("thinkingConfig").at("thinkingBudget"), 10000);
  EXPECT_EQ(out.applied, Applied{"generationConfig.thinkingConfig.thinkingBudget -1->10000"});

  out = apply_caps(Endpoint::StreamGenerate,
                   R"({"generation_config":{"thinking_config":{"thinking_budget":24576}}})",
                   reasoning(ir::Effort::Low));
  EXPECT_EQ(body_of(out).at("generation_config").at("thinking_config").at("thinking_budget"), 4096);
  EXPECT_FALSE(apply_caps(Endpoint::GenerateContent,
                          R"({"generationConfig":{"thinkingConfig":{"thinkingBudget":0}}})",
                          reasoning(ir::Effort::Minimal))
                   .body);

  out = apply_caps(Endpoint::GenerateContent,
                   R"({"generationConfig":{"thinkingConfig":{"thinkingLevel":"HIGH"}}})",
                   reasoning(ir::Effort::Medium));
  EXPECT_EQ(body_of(out).at("generationConfig").at("thinkingConfig").at("thinkingLevel"), "low");
}

TEST(Caps, ChatOutputTokens) {
  auto out = apply_caps(Endpoint::ChatCompletions,
                        R"({"max_tokens":64000,"max_completion_tokens":100})", output(4096));
  auto v = body_of(out);
  EXPECT_EQ(v.at("max_tokens"), 4096);
  EXPECT_EQ(v.at("max_completion_tokens"), 100);
  EXPECT_EQ(out.applied, Applied{"max_tokens 64000->4096"});

  out = apply_caps(Endpoint::ChatCompletions, R"({"model":"m","max_tokens":null})", output(4096));
  EXPECT_EQ(body_of(out).at("max_completion_tokens"), 4096);
  EXPECT_EQ(out.applied, Applied{"max_completion_tokens (unset)->4096"});
}

TEST(Caps, ResponsesAnthropicGeminiOutputTokens) {
  auto out = apply_caps(Endpoint::Responses, R"({"max_output_tokens":9000})", output(2000));
  EXPECT_EQ(body_of(out).at("max_output_tokens"), 2000);
  out = apply_caps(Endpoint::Responses, R"({"input":"hi"})", output(2000));
  EXPECT_EQ(body_of(out).at("max_output_tokens"), 2000);

  out = apply_caps(Endpoint::Messages, R"({"max_tokens":64000,"messages":[]})", output(4096));
  EXPECT_EQ(body_of(out).at("max_tokens"), 4096);
  EXPECT_EQ(out.applied, Applied{"max_tokens 64000->4096"});

  out = apply_caps(Endpoint::GenerateContent, R"({"contents":[]})", output(512));
  EXPECT_EQ(body_of(out).at("generationConfig").at("maxOutputTokens"), 512);
  out =
      apply_caps(Endpoint::GenerateContent,
                 R"({"generationConfig":{"temperature":0.2,"maxOutputTokens":8192}})", output(512));
  EXPECT_EQ(body_of(out).at("generationConfig").at("maxOutputTokens"), 512);
  EXPECT_EQ(body_of(out).at("generationConfig").at("temperature"), 0.2);
}

TEST(Caps, AnthropicBudgetStaysBelowMaxTokens) {
  const auto body = R"({"max_tokens":32000,"thinking":{"type":"enabled","budget_tokens":31999}})";
  auto out = apply_caps(Endpoint::Messages, body, output(8000));
  auto v = body_of(out);
  EXPECT_EQ(v.at("max_tokens"), 8000);
  EXPECT_EQ(v.at("thinking").at("budget_tokens"), 7999);
  EXPECT_EQ(out.applied, (Applied{"max_tokens 32000->8000", "thinking.budget_tokens 31999->7999"}));

  // The reasoning cap lowers the budget first; then it already fits.
  Caps both = output(8000);
  both.max_reasoning = ir::Effort::Low;
  out = apply_caps(Endpoint::Messages, body, both);
  EXPECT_EQ(body_of(out).at("thinking").at("budget_tokens"), 4096);

  // No room for the 1024-token minimum: thinking is turned off.
  out = apply_caps(Endpoint::Messages, body, output(1024));
  v = body_of(out);
  EXPECT_EQ(v.at("max_tokens"), 1024);
  EXPECT_EQ(v.at("thinking"), bj::parse(R"({"type":"disabled"})"));
  EXPECT_EQ(out.applied, (Applied{"max_tokens 32000->1024", "thinking enabled->disabled"}));
}

TEST(Caps, ServiceTierDowngrade) {
  auto out = apply_caps(Endpoint::ChatCompletions, R"({"service_tier":"priority"})",
                        tiers({"default", "flex"}, true));
  EXPECT_EQ(body_of(out).at("service_tier"), "default");
  EXPECT_EQ(out.applied, Applied{"service_tier priority->default"});
  EXPECT_FALSE(out.refused);

  // Only tiers the wire knows are candidates; none known: the field goes.
  out = apply_caps(Endpoint::Messages, R"({"service_tier":"auto","max_tokens":10})",
                   tiers({"default", "standard_only"}, true));
  EXPECT_EQ(body_of(out).at("service_tier"), "standard_only");
  out = apply_caps(Endpoint::Messages, R"({"service_tier":"auto","max_tokens":10})",
                   tiers({"flex"}, true));
  EXPECT_FALSE(body_of(out).as_object().contains("service_tier"));
  EXPECT_EQ(out.applied, Applied{"service_tier auto->(unset)"});

  EXPECT_FALSE(apply_caps(Endpoint::Responses, R"({"input":"x"})", tiers({"flex"}, true)).body);
  EXPECT_FALSE(apply_caps(Endpoint::GenerateContent, R"({"service_tier":"priority"})",
                          tiers({"flex"}, false))
                   .refused);
}

TEST(Caps, ServiceTierRefused) {
  Caps c = tiers({"default", "flex"}, false);
  c.max_output_tokens = 100;
  const auto out = apply_caps(Endpoint::Responses, R"({"service_tier":"priority","input":"x"})", c);
  ASSERT_TRUE(out.refused);
  EXPECT_EQ(out.refused->kind, core::ErrorKind::PermissionDenied);
  EXPECT_EQ(out.refused->status(), 403);
  EXPECT_EQ(out.refused->message,
            "service tier 'priority' is not allowed for this key; allowed: default, flex");
  EXPECT_EQ(out.refused->param, "service_tier");
  EXPECT_EQ(out.refused->code, "service_tier_not_allowed");
  EXPECT_FALSE(out.body);
}

}  // namespace
}  // namespace sluice::governance
