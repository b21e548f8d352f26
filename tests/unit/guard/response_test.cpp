#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/json_escape.hpp"
#include "guard/response.hpp"
#include "guard_test_util.hpp"

namespace sluice::guard {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;

// Built at run time so that no token-shaped string sits in the repository.
const std::string kKey = std::string("AKIA") + "Q7RZ2K4M8N3P5T6V";
const std::string kCard = "4111 1111 1111 1111";

GuardConfig answer_config() {
  auto c = testing::config_with(Action::Log, {{Kind::AwsAccessKey, Action::Redact},
                                              {Kind::Email, Action::Redact},
                                              {Kind::CreditCard, Action::Block}});
  c.tool_deny = {"Bash", "mcp__*__delete*"};
  return c;
}

const Guard& guard() {
  static const Guard g(answer_config());
  return g;
}

/// `tmpl` with {T} replaced by `text` as JSON string contents, {TOOL} by `tool` and {K} by the
/// key.
std::string fill(std::string tmpl, std::string_view text, std::string_view tool = "Read") {
  std::string escaped;
  core::append_json_escaped(escaped, text);
  for (auto at = tmpl.find("{T}"); at != std::string::npos; at = tmpl.find("{T}", at)) {
    tmpl.replace(at, 3, escaped);
    at += escaped.size();
  }
  if (const auto at = tmpl.find("{TOOL}"); at != std::string::npos) tmpl.replace(at, 6, tool);
  for (auto at = tmpl.find("{K}"); at != std::string::npos; at = tmpl.find("{K}", at)) {
    tmpl.replace(at, 3, kKey);
  }
  return tmpl;
}

struct WireCase {
  const char* name;
  Endpoint endpoint;
  std::string text_body;  // {T}: the assistant's text; other texts must stay as they are
  std::string tool_body;  // {TOOL}: the name of a called tool
};

// Each wire's answer with text where the wire keeps it, next to things never scanned (reasoning,
// signed thinking, thought parts, tool arguments) that hold the key too.
const WireCase kWires[] = {
    {"chat", Endpoint::ChatCompletions,
     R"({"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"{T}","refusal":null},"finish_reason":"stop"}],"usage":{"prompt_tokens":3}})",
     R"({"choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"{TOOL}","arguments":"{\"k\":\"{K}\"}"}}]},"finish_reason":"tool_calls"}]})"},
    {"responses", Endpoint::Responses,
     R"({"id":"resp_1","object":"response","output":[{"type":"reasoning","summary":[{"type":"summary_text","text":"{K}"}]},{"type":"message","role":"assistant","content":[{"type":"output_text","text":"{T}","annotations":[]}]}],"status":"completed"})",
     R"({"output":[{"type":"message","content":[{"type":"output_text","text":"ok"}]},{"type":"function_call","call_id":"c1","name":"{TOOL}","arguments":"{}"}]})"},
    {"anthropic", Endpoint::Messages,
     R"({"id":"msg_1","type":"message","content":[{"type":"thinking","thinking":"{K}","signature":"c2ln"},{"type":"text","text":"{T}"}],"stop_reason":"end_turn"})",
     R"({"content":[{"type":"text","text":"ok"},{"type":"tool_use","id":"toolu_1","name":"{TOOL}","input":{"k":"v"}}]})"},
    {"gemini", Endpoint::GenerateContent,
     R"({"candidates":[{"content":{"role":"model","parts":[{"text":"{K}","thought":true},{"text":"{T}"}]},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3}})",
     R"({"candidates":[{"content":{"parts":[{"functionCall":{"name":"{TOOL}","args":{}}}]},"index":0}]})"},
    {"gemini array", Endpoint::StreamGenerate,
     R"([{"candidates":[{"content":{"parts":[{"text":"{T}"}]},"index":0}]},{"candidates":[{"content":{"parts":[{"text":"{T}"}]},"finishReason":"STOP","index":0}]}])",
     R"([{"candidates":[{"content":{"parts":[{"functionCall":{"name":"{TOOL}","args":{}}}]}}]}])"},
};

TEST(GuardResponse, RedactsOnlyTheTextValuesOnEveryWire) {
  const std::string text = "Use " + kKey + " for \"staging\"\nthen mail ops@acme-corp.io.";
  const std::string want =
      "Use [REDACTED:aws_access_key] for \"staging\"\nthen mail [REDACTED:email].";
  for (const auto& w : kWires) {
    const auto r = scan_response(w.endpoint, fill(w.text_body, text), guard());
    ASSERT_TRUE(r.body) << w.name;
    // Byte for byte the upstream's body, but for the redacted strings.
    EXPECT_EQ(*r.body, fill(w.text_body, want)) << w.name;
    EXPECT_FALSE(r.is_blocked()) << w.name;
    const auto per_text = w.endpoint == Endpoint::StreamGenerate ? 2U : 1U;
    EXPECT_EQ(r.counts, (Counts{{"aws_access_key", per_text}, {"email", per_text}})) << w.name;
  }
}

TEST(GuardResponse, CleanAndLogOnlyAnswersAreLeftAlone) {
  for (const auto& w : kWires) {
    const auto clean = scan_response(w.endpoint, fill(w.text_body, "All tests pass."), guard());
    EXPECT_FALSE(clean.body) << w.name;
    EXPECT_TRUE(clean.counts.empty()) << w.name;
    // A log kind is counted, the body untouched.
    const auto logged =
        scan_response(w.endpoint, fill(w.text_body, "call (212) 555-0147 today"), guard());
    EXPECT_FALSE(logged.body) << w.name;
    EXPECT_FALSE(logged.is_blocked()) << w.name;
    EXPECT_EQ(logged.counts.count("phone"), 1U) << w.name;
  }
}

TEST(GuardResponse, BlockKindBlocksTheAnswerAndCountsEverything) {
  for (const auto& w : kWires) {
    const auto r =
        scan_response(w.endpoint, fill(w.text_body, "card " + kCard + " key " + kKey), guard());
    ASSERT_TRUE(r.is_blocked()) << w.name;
    EXPECT_EQ(r.blocked->reason, ResponseBlock::Reason::Finding);
    EXPECT_EQ(r.blocked->name, "credit_card");
    EXPECT_FALSE(r.body) << w.name;
    EXPECT_GE(r.counts.at("aws_access_key"), 1U) << w.name;
  }
}

TEST(GuardResponse, CallToADeniedToolBlocksOnEveryWire) {
  for (const auto& w : kWires) {
    for (std::string_view tool : {"Bash", "mcp__github__delete_repo"}) {
      const auto r = scan_response(w.endpoint, fill(w.tool_body, "", tool), guard());
      ASSERT_TRUE(r.is_blocked()) << w.name << " " << tool;
      EXPECT_EQ(r.blocked->reason, ResponseBlock::Reason::Tool);
      EXPECT_EQ(r.blocked->name, tool);
    }
    // Tool arguments are not scanned: an allowed call passes, key and all.
    const auto ok = scan_response(w.endpoint, fill(w.tool_body, "", "Read"), guard());
    EXPECT_FALSE(ok.is_blocked()) << w.name;
    EXPECT_FALSE(ok.body) << w.name;
  }
}

TEST(GuardResponse, AllowListBlocksEveryOtherTool) {
  GuardConfig c;
  c.tool_allow = {"Read", "mcp__github__*"};
  const Guard g(c);
  for (const auto& w : kWires) {
    EXPECT_FALSE(scan_response(w.endpoint, fill(w.tool_body, "", "Read"), g).is_blocked());
    EXPECT_FALSE(
        scan_response(w.endpoint, fill(w.tool_body, "", "mcp__github__get_issue"), g).is_blocked());
    const auto r = scan_response(w.endpoint, fill(w.tool_body, "", "Write"), g);
    ASSERT_TRUE(r.is_blocked()) << w.name;
    EXPECT_EQ(r.blocked->name, "Write");
  }
}

TEST(GuardResponse, EscapedTextIsScannedDecoded) {
  // \u0041 is 'A': the key only exists once the string is decoded.
  const std::string body =
      R"({"choices":[{"index":0,"message":{"role":"assistant","content":"key: \u0041KIAQ7RZ2K4M8N3P5T6V\t\u00e9"}}]})";
  const auto r = scan_response(Endpoint::ChatCompletions, body, guard());
  ASSERT_TRUE(r.body);
  const auto v = bj::parse(*r.body);
  EXPECT_EQ(testing::str(v.at("choices").at(0).at("message").at("content")),
            "key: [REDACTED:aws_access_key]\t\xc3\xa9");
}

TEST(GuardResponse, NotAnAnswerIsLeftAlone) {
  for (std::string_view body : {"", "not json", "[1,2", R"({"choices":"{K}"})"}) {
    const auto r = scan_response(Endpoint::ChatCompletions, body, guard());
    EXPECT_FALSE(r.body) << body;
    EXPECT_FALSE(r.is_blocked()) << body;
  }
  // Embeddings carry no text to scan.
  EXPECT_FALSE(answers_with_text(Endpoint::Embeddings));
  EXPECT_FALSE(scan_response(Endpoint::Embeddings, R"({"data":[]})", guard()).body);
}

TEST(GuardResponse, BlockedErrorNamesTheKindOrToolOnly) {
  const auto finding = response_blocked_error({ResponseBlock::Reason::Finding, "aws_access_key"});
  EXPECT_EQ(finding.status(), 400);
  EXPECT_EQ(finding.code, "guardrail_blocked");
  EXPECT_NE(finding.message.find("aws_access_key"), std::string::npos);
  const auto tool = response_blocked_error({ResponseBlock::Reason::Tool, "Bash"});
  EXPECT_EQ(tool.status(), 400);
  EXPECT_NE(tool.message.find("'Bash'"), std::string::npos);
}

}  // namespace
}  // namespace sluice::guard
