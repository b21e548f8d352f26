#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <random>

#include "guard/request.hpp"
#include "guard_test_util.hpp"

namespace sluice::guard {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;
using testing::str;

const Guard& redact_all() {
  static const Guard g(testing::config_with(Action::Redact));
  return g;
}

std::string chat_body(std::string_view text) {
  bj::object o{{"model", "gpt-5"},
               {"messages", bj::array{bj::object{{"role", "user"}, {"content", text}}}}};
  return bj::serialize(o);
}

bj::value rewritten(const RequestScan& r) {
  EXPECT_TRUE(r.body.has_value());
  return r.body ? bj::parse(*r.body) : bj::value();
}

const std::string kEmail = "jane.doe@acme-corp.io";
const std::string kRedacted = "[REDACTED:email]";

TEST(GuardRequest, CleanBodiesStayByteIdenticalOnEveryWire) {
  const std::pair<Endpoint, std::string> bodies[] = {
      {Endpoint::ChatCompletions,
       R"({"model":"gpt-5","temperature":1.0,"messages":[{"role":"user","content":"Refactor parse_config() in config.py, keep the 127.0.0.1 default"}]})"},
      {Endpoint::Responses,
       R"({"model":"gpt-5","instructions":"Be brief.","input":[{"role":"user","content":[{"type":"input_text","text":"What changed in v4.3.0?"}]}]})"},
      {Endpoint::Messages,
       R"({"model":"claude-opus-4-8","max_tokens":1024,"system":[{"type":"text","text":"You are terse.","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":"List the files changed on 2024-05-30."}]})"},
      {Endpoint::GenerateContent,
       R"({"contents":[{"role":"user","parts":[{"text":"Summarise the meeting notes."}]}],"generationConfig":{"temperature":0.2}})"},
  };
  for (const auto& [endpoint, body] : bodies) {
    const auto r = scan_request(endpoint, body, redact_all());
    EXPECT_FALSE(r.body) << body;
    EXPECT_TRUE(r.counts.empty()) << body;
    EXPECT_FALSE(r.blocked()) << body;
  }
}

TEST(GuardRequest, CleanCorpusNeverNeedsDecoding) {
  // The raw-body pass must prove real prompts clean, or every request pays for a JSON parse.
  for (const auto& [name, text] : testing::clean_files()) {
    EXPECT_FALSE(redact_all().json_may_match(chat_body(text))) << name;
  }
}

TEST(GuardRequest, RawPassNeverMissesAFindingBehindJsonEscapes) {
  // Each sample, JSON-escaped inside a body, between escaped neighbours (\n, \", \t, \u00e9).
  for (const auto& s : testing::samples()) {
    if (s.kind.empty()) continue;
    for (const auto& [before, after] : {std::pair<std::string, std::string>{"", ""},
                                        {"\n", "\n"},
                                        {"\"", "\""},
                                        {"\t", "\t"},
                                        {"\xc3\xa9", "\xc3\xa9"}}) {
      const auto body = chat_body(before + s.text + after);
      EXPECT_TRUE(redact_all().json_may_match(body)) << s.note << ": " << body;
    }
    // Python's json.dumps escapes every non-ASCII character.
    auto ascii = chat_body("\xc3\xa9" + s.text);
    const auto pos = ascii.find("\xc3\xa9");
    ascii.replace(pos, 2, "\\u00e9");
    EXPECT_TRUE(redact_all().json_may_match(ascii)) << s.note << ": " << ascii;
  }
}

TEST(GuardRequest, RawPassAgreesWithTheDecodedScanOnRandomMixes) {
  // Samples and near-misses glued with bytes JSON must escape: whatever the decoded text holds,
  // the raw pass must not call the body clean.
  const auto samples = testing::samples();
  const std::string glue[] = {"\n", "\"", "\\", "\t", "\x01", " ", "\xc3\xa9", "=", ": ", "'"};
  std::mt19937 rng(42);
  std::size_t with_findings = 0;
  for (int round = 0; round < 400; ++round) {
    std::string text;
    for (int k = 0; k < 3; ++k) {
      text += glue[rng() % std::size(glue)];
      text += samples[rng() % samples.size()].text;
    }
    if (redact_all().scan(text).empty()) continue;
    ++with_findings;
    EXPECT_TRUE(redact_all().json_may_match(chat_body(text))) << chat_body(text);
  }
  EXPECT_GT(with_findings, 200U);
}

TEST(GuardRequest, EscapedAsciiIsDecodedNotTrusted) {
  // "\u0041" is "A": the raw bytes show no key, the decoded text does.
  const std::string body =
      std::string(R"({"messages":[{"role":"user","content":"\u0041KIA)") + "Q7RZ2K4M8N3P5T6V\"}]}";
  const auto r = scan_request(Endpoint::ChatCompletions, body, redact_all());
  EXPECT_EQ(r.counts, (Counts{{"aws_access_key", 1}}));
  EXPECT_EQ(str(rewritten(r).at("messages").at(0).at("content")), "[REDACTED:aws_access_key]");
}

TEST(GuardRequest, ChatCompletions) {
  const bj::object body{
      {"model", "gpt-5"},
      {"tools", bj::array{bj::object{
                    {"type", "function"},
                    {"function", bj::object{{"name", "send_mail"},
                                            {"description", "Mail " + kEmail + " or anyone"},
                                            {"parameters", bj::object{{"type", "object"}}}}}}}},
      {"messages",
       bj::array{
           bj::object{{"role", "system"}, {"content", "Escalate to " + kEmail}},
           bj::object{
               {"role", "user"},
               {"content",
                bj::array{bj::object{{"type", "text"}, {"text", "Mail " + kEmail}},
                          bj::object{{"type", "image_url"},
                                     {"image_url", bj::object{{"url", "https://x.io/a.png"}}}}}}},
           bj::object{{"role", "assistant"},
                      {"tool_calls",
                       bj::array{bj::object{
                           {"id", "call_1"},
                           {"type", "function"},
                           {"function", bj::object{{"name", "send_mail"},
                                                   {"arguments", R"({"to":")" + kEmail +
                                                                     R"(","body":"hi"})"}}}}}}},
           bj::object{
               {"role", "tool"}, {"tool_call_id", "call_1"}, {"content", "sent to " + kEmail}}}}};
  const auto r = scan_request(Endpoint::ChatCompletions, bj::serialize(body), redact_all());
  EXPECT_EQ(r.counts, (Counts{{"email", 4}}));
  const auto v = rewritten(r);
  const auto& m = v.at("messages");
  EXPECT_EQ(str(m.at(0).at("content")), "Escalate to " + kRedacted);
  EXPECT_EQ(str(m.at(1).at("content").at(0).at("text")), "Mail " + kRedacted);
  EXPECT_EQ(m.at(1).at("content").at(1), body.at("messages").at(1).at("content").at(1));
  // Arguments stay valid JSON with the placeholder inside the string.
  const auto args =
      bj::parse(m.at(2).at("tool_calls").at(0).at("function").at("arguments").as_string());
  EXPECT_EQ(args, bj::parse(R"({"to":"[REDACTED:email]","body":"hi"})"));
  EXPECT_EQ(str(m.at(3).at("content")), "sent to " + kRedacted);
  // Tool schemas are not scanned.
  EXPECT_EQ(v.at("tools"), body.at("tools"));
}

TEST(GuardRequest, Responses) {
  const bj::object body{
      {"model", "gpt-5"},
      {"instructions", "Reply to " + kEmail},
      {"input",
       bj::array{
           bj::object{{"type", "message"},
                      {"role", "user"},
                      {"content", bj::array{bj::object{{"type", "input_text"}, {"text", kEmail}}}}},
           bj::object{{"type", "reasoning"}, {"encrypted_content", "gAAAA" + kEmail}},
           bj::object{{"type", "function_call"},
                      {"call_id", "c1"},
                      {"name", "lookup"},
                      {"arguments", R"({"q":")" + kEmail + "\"}"}},
           bj::object{
               {"type", "function_call_output"}, {"call_id", "c1"}, {"output", "owner " + kEmail}},
           bj::object{{"type", "custom_tool_call"},
                      {"call_id", "c2"},
                      {"name", "apply_patch"},
                      {"input", "+ maintainer: " + kEmail}}}}};
  const auto r = scan_request(Endpoint::Responses, bj::serialize(body), redact_all());
  EXPECT_EQ(r.counts, (Counts{{"email", 5}}));
  const auto v = rewritten(r);
  EXPECT_EQ(str(v.at("instructions")), "Reply to " + kRedacted);
  const auto& in = v.at("input");
  EXPECT_EQ(str(in.at(0).at("content").at(0).at("text")), kRedacted);
  EXPECT_EQ(in.at(1), body.at("input").at(1));  // encrypted reasoning is opaque, left alone
  EXPECT_EQ(bj::parse(in.at(2).at("arguments").as_string()),
            bj::parse(R"({"q":"[REDACTED:email]"})"));
  EXPECT_EQ(str(in.at(3).at("output")), "owner " + kRedacted);
  EXPECT_EQ(str(in.at(4).at("input")), "+ maintainer: " + kRedacted);
  // A bare string input.
  const auto s =
      scan_request(Endpoint::Responses, R"({"input":"ping )" + kEmail + "\"}", redact_all());
  EXPECT_EQ(str(rewritten(s).at("input")), "ping " + kRedacted);
}

TEST(GuardRequest, AnthropicMessages) {
  const bj::object body{
      {"model", "claude-opus-4-8"},
      {"system", bj::array{bj::object{{"type", "text"},
                                      {"text", "Owner: " + kEmail},
                                      {"cache_control", bj::object{{"type", "ephemeral"}}}}}},
      {"tools", bj::array{bj::object{{"name", "Bash"},
                                     {"description", "Runs as " + kEmail},
                                     {"input_schema", bj::object{{"type", "object"}}}}}},
      {"messages",
       bj::array{
           bj::object{{"role", "user"}, {"content", "Ask " + kEmail}},
           bj::object{
               {"role", "assistant"},
               {"content",
                bj::array{bj::object{{"type", "thinking"},
                                     {"thinking", "user is " + kEmail},
                                     {"signature", "sig"}},
                          bj::object{{"type", "tool_use"},
                                     {"id", "tu1"},
                                     {"name", "Bash"},
                                     {"input", bj::object{{"command", "mail " + kEmail},
                                                          {"args", bj::array{kEmail, 3}}}}}}}},
           bj::object{
               {"role", "user"},
               {"content",
                bj::array{bj::object{
                              {"type", "tool_result"},
                              {"tool_use_id", "tu1"},
                              {"content", bj::array{bj::object{{"type", "text"},
                                                               {"text", "mailed " + kEmail}}}}},
                          bj::object{{"type", "document"},
                                     {"source", bj::object{{"type", "text"},
                                                           {"media_type", "text/plain"},
                                                           {"data", "cv of " + kEmail}}}}}}}}}};
  const auto r = scan_request(Endpoint::Messages, bj::serialize(body), redact_all());
  EXPECT_EQ(r.counts, (Counts{{"email", 6}}));
  const auto v = rewritten(r);
  EXPECT_EQ(str(v.at("system").at(0).at("text")), "Owner: " + kRedacted);
  EXPECT_EQ(v.at("system").at(0).at("cache_control"), body.at("system").at(0).at("cache_control"));
  EXPECT_EQ(v.at("tools"), body.at("tools"));
  const auto& m = v.at("messages");
  EXPECT_EQ(str(m.at(0).at("content")), "Ask " + kRedacted);
  EXPECT_EQ(m.at(1).at("content").at(0), body.at("messages").at(1).at("content").at(0));  // signed
  EXPECT_EQ(m.at(1).at("content").at(1).at("input"),
            bj::parse(R"({"command":"mail [REDACTED:email]","args":["[REDACTED:email]",3]})"));
  EXPECT_EQ(str(m.at(2).at("content").at(0).at("content").at(0).at("text")), "mailed " + kRedacted);
  EXPECT_EQ(str(m.at(2).at("content").at(1).at("source").at("data")), "cv of " + kRedacted);
}

TEST(GuardRequest, Gemini) {
  const bj::object body{
      {"systemInstruction",
       bj::object{{"parts", bj::array{bj::object{{"text", "Owner " + kEmail}}}}}},
      {"contents",
       bj::array{
           bj::object{{"role", "user"},
                      {"parts", bj::array{bj::object{{"text", "Ask " + kEmail}}}}},
           bj::object{
               {"role", "model"},
               {"parts",
                bj::array{bj::object{{"text", "thinking about " + kEmail}, {"thought", true}},
                          bj::object{{"functionCall",
                                      bj::object{{"name", "mail"},
                                                 {"args", bj::object{{"to", kEmail}}}}}}}}},
           bj::object{{"role", "user"},
                      {"parts",
                       bj::array{bj::object{
                           {"functionResponse",
                            bj::object{{"name", "mail"},
                                       {"response", bj::object{{"output", "ok " + kEmail}}}}}}}}}}},
      {"tools", bj::array{bj::object{
                    {"functionDeclarations",
                     bj::array{bj::object{{"name", "mail"}, {"description", "to " + kEmail}}}}}}}};
  for (const auto endpoint : {Endpoint::GenerateContent, Endpoint::StreamGenerate}) {
    const auto r = scan_request(endpoint, bj::serialize(body), redact_all());
    EXPECT_EQ(r.counts, (Counts{{"email", 4}}));
    const auto v = rewritten(r);
    EXPECT_EQ(str(v.at("systemInstruction").at("parts").at(0).at("text")), "Owner " + kRedacted);
    const auto& c = v.at("contents");
    EXPECT_EQ(str(c.at(0).at("parts").at(0).at("text")), "Ask " + kRedacted);
    EXPECT_EQ(c.at(1).at("parts").at(0), body.at("contents").at(1).at("parts").at(0));  // a thought
    EXPECT_EQ(str(c.at(1).at("parts").at(1).at("functionCall").at("args").at("to")), kRedacted);
    EXPECT_EQ(str(c.at(2).at("parts").at(0).at("functionResponse").at("response").at("output")),
              "ok " + kRedacted);
    EXPECT_EQ(v.at("tools"), body.at("tools"));
  }
}

TEST(GuardRequest, BlockStopsTheRequestAndStillCountsEverything) {
  const Guard g(testing::config_with(
      Action::Log, {{Kind::CreditCard, Action::Block}, {Kind::Email, Action::Redact}}));
  const auto r = scan_request(
      Endpoint::ChatCompletions,
      chat_body("card 4111 1111 1111 1111 for " + kEmail + " and 5555555555554444"), g);
  ASSERT_TRUE(r.blocked());
  EXPECT_EQ(*r.blocked_kind, "credit_card");
  EXPECT_FALSE(r.body);  // nothing goes upstream
  EXPECT_EQ(r.counts, (Counts{{"credit_card", 2}, {"email", 1}}));
  const auto e = blocked_error(*r.blocked_kind);
  EXPECT_EQ(e.status(), 400);
  EXPECT_EQ(e.code, "guardrail_blocked");
  EXPECT_EQ(e.message.find("4111"), std::string::npos);
}

TEST(GuardRequest, LogOnlyCountsWithoutRewriting) {
  const Guard g(testing::config_with(Action::Log));
  const auto r = scan_request(Endpoint::ChatCompletions, chat_body("mail " + kEmail), g);
  EXPECT_EQ(r.counts, (Counts{{"email", 1}}));
  EXPECT_FALSE(r.body);
  EXPECT_FALSE(r.blocked());
}

TEST(GuardRequest, EscapesInsideTheTextAreDecodedBeforeScanning) {
  // A quote and a newline right before the key: boundaries once decoded.
  const std::string key = std::string("AKIA") + "Q7RZ2K4M8N3P5T6V";
  const auto r =
      scan_request(Endpoint::ChatCompletions,
                   chat_body("id:\n\"" + key + "\"\tand " + kEmail + "\n"), redact_all());
  EXPECT_EQ(r.counts, (Counts{{"aws_access_key", 1}, {"email", 1}}));
  EXPECT_EQ(str(rewritten(r).at("messages").at(0).at("content")),
            "id:\n\"[REDACTED:aws_access_key]\"\tand [REDACTED:email]\n");
}

TEST(GuardRequest, EmbeddingsAndOtherEndpoints) {
  const auto e =
      scan_request(Endpoint::Embeddings, R"({"input":["a",")" + kEmail + "\"]}", redact_all());
  EXPECT_EQ(str(rewritten(e).at("input").at(1)), kRedacted);
  const auto c =
      scan_request(Endpoint::CountTokens,
                   R"({"messages":[{"role":"user","content":")" + kEmail + "\"}]}", redact_all());
  EXPECT_EQ(c.counts, (Counts{{"email", 1}}));
  const auto ge = scan_request(
      Endpoint::GeminiEmbed, R"({"content":{"parts":[{"text":")" + kEmail + "\"}]}}", redact_all());
  EXPECT_EQ(str(rewritten(ge).at("content").at("parts").at(0).at("text")), kRedacted);
}

TEST(GuardRequest, InvalidJsonIsLeftToIngress) {
  const auto r = scan_request(Endpoint::ChatCompletions, "{\"messages\": [" + kEmail, redact_all());
  EXPECT_FALSE(r.body);
  EXPECT_TRUE(r.counts.empty());
}

}  // namespace
}  // namespace sluice::guard
