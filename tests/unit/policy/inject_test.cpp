// Skills injected into each wire's system prompt, after the client's own content, leaving the
// client's bytes (and so its prompt-cache prefix) exactly as sent.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "policy/inject.hpp"
#include "policy_test_util.hpp"

namespace sluice::policy {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;

const std::string kText = "<org-skill name=\"x\">\nUse \"tests\";\n\tno secrets.\n</org-skill>";

/// Injects, and checks the invariant every wire keeps: the client's bytes before the splice
/// and after it are unchanged, and the client's prefix reaches at least `must_keep`.
bj::value injected(Endpoint e, const std::string& body, const std::string& must_keep,
                   Injection* out = nullptr) {
  auto inj = inject_text(e, body, kText);
  EXPECT_TRUE(inj);
  if (!inj) return {};
  const auto keep = body.find(must_keep);
  EXPECT_NE(keep, std::string::npos);
  EXPECT_GE(inj->at, keep + must_keep.size()) << "the client's prefix was not kept whole";
  EXPECT_EQ(inj->body.compare(0, inj->at, body, 0, inj->at), 0);
  EXPECT_EQ(inj->body.substr(inj->at + inj->added), body.substr(inj->at + inj->removed));
  if (out) *out = *inj;
  return bj::parse(inj->body);
}

TEST(PolicyInject, AnthropicBlocksKeepCachedPrefixAndMarks) {
  // Claude Code's shape: three system blocks, two with cache_control, odd spacing kept.
  const std::string system =
      R"("system": [ {"type":"text","text":"x-anthropic-billing-header: cc_version=2.1"},)"
      R"( {"type":"text","text":"You are Claude.","cache_control":{"type":"ephemeral"}},)"
      R"({"type":"text","text":"Main prompt \u00e9","cache_control":{"type":"ephemeral","ttl":"1h"}} ])";
  const std::string body = R"({"model":"claude-opus-4-8", "max_tokens":64000,)" + system +
                           R"(,"messages":[{"role":"user","content":"hi"}],"stream":true})";
  const auto v = injected(Endpoint::Messages, body, R"("ttl":"1h"}})");
  const auto& blocks = v.at("system").as_array();
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[1].at("cache_control"), bj::parse(R"({"type":"ephemeral"})"));
  EXPECT_EQ(blocks[2].at("cache_control"), bj::parse(R"({"type":"ephemeral","ttl":"1h"})"));
  EXPECT_EQ(blocks[3], (bj::object{{"type", "text"}, {"text", kText}}));  // no cache mark added
  EXPECT_EQ(v.at("messages"), bj::parse(R"([{"role":"user","content":"hi"}])"));
}

TEST(PolicyInject, AnthropicStringAbsentAndCountTokens) {
  auto v = injected(Endpoint::Messages, R"({"model":"m","system":"Be brief.","messages":[]})",
                    "Be brief.");
  EXPECT_EQ(v.at("system").as_string(), "Be brief.\n\n" + kText);
  v = injected(Endpoint::Messages, R"({"model":"m","messages":[{"role":"user","content":"x"}]})",
               R"("content":"x"}])");
  EXPECT_EQ(v.at("system").as_string(), kText);
  v = injected(Endpoint::CountTokens, R"({"model":"m","system":[],"messages":[]})", R"("m")");
  EXPECT_EQ(v.at("system"), (bj::array{bj::object{{"type", "text"}, {"text", kText}}}));
}

TEST(PolicyInject, ChatAfterLeadingInstructionsWithTheirRole) {
  const std::string lead = R"({"model":"o3","messages":[{"role":"system","content":"sys"},)"
                           R"({"role":"developer","content":[{"type":"text","text":"dev"}]})";
  const std::string body = lead + R"(,{"role":"user","content":"do it"},)"
                                  R"({"role":"system","content":"late"}]})";
  const auto v = injected(Endpoint::ChatCompletions, body, lead);
  const auto& m = v.at("messages").as_array();
  ASSERT_EQ(m.size(), 5u);
  EXPECT_EQ(m[2], (bj::object{{"role", "developer"}, {"content", kText}}));
  EXPECT_EQ(m[3].at("role"), "user");
  EXPECT_EQ(m[4].at("content"), "late");  // a system message later in the chat is not "leading"

  // No instructions: a system message first.
  const auto v2 = injected(Endpoint::ChatCompletions,
                           R"({"model":"gpt-5","messages":[{"role":"user","content":"hi"}]})",
                           R"({"model":"gpt-5","messages":[)");
  EXPECT_EQ(v2.at("messages").as_array()[0], (bj::object{{"role", "system"}, {"content", kText}}));
  EXPECT_EQ(v2.at("messages").as_array()[1].at("role"), "user");
}

TEST(PolicyInject, ResponsesInstructionsOrAfterCodexDeveloperMessages) {
  auto v = injected(Endpoint::Responses,
                    R"({"model":"gpt-5","instructions":"Be exact.","input":"hi"})", "Be exact.");
  EXPECT_EQ(v.at("instructions").as_string(), "Be exact.\n\n" + kText);

  // Codex: no instructions; developer messages lead the input and are its cached prefix.
  const std::string lead =
      R"({"model":"gpt-5.5","input":[)"
      R"({"type":"message","role":"developer","content":[{"type":"input_text","text":"base"}]},)"
      R"({"type":"message","role":"developer","content":[{"type":"input_text","text":"env"}]})";
  const std::string body =
      lead + R"(,{"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]}]})";
  v = injected(Endpoint::Responses, body, lead);
  EXPECT_FALSE(v.as_object().contains("instructions"));
  const auto& input = v.at("input").as_array();
  ASSERT_EQ(input.size(), 4u);
  EXPECT_EQ(input[2].at("role"), "developer");
  EXPECT_EQ(input[2].at("content").as_array()[0].at("text").as_string(), kText);
  EXPECT_EQ(input[3].at("role"), "user");

  v = injected(Endpoint::Responses, R"({"model":"gpt-5","input":"hi"})", R"("hi")");
  EXPECT_EQ(v.at("instructions").as_string(), kText);
}

TEST(PolicyInject, GeminiSystemInstructionParts) {
  const std::string si = R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}],)"
                         R"("systemInstruction":{"parts":[{"text":"Be kind."}])";
  // The client's prefix runs to the end of its last part (the new part goes before the ']').
  auto v = injected(Endpoint::GenerateContent, si + "}}", si.substr(0, si.size() - 1));
  EXPECT_EQ(v.at("systemInstruction").at("parts"),
            (bj::array{bj::object{{"text", "Be kind."}}, bj::object{{"text", kText}}}));

  v = injected(Endpoint::StreamGenerate,
               R"({"system_instruction":{"role":"system"},"contents":[]})", R"("system")");
  EXPECT_EQ(v.at("system_instruction").at("parts"), (bj::array{bj::object{{"text", kText}}}));
  // A shape the API rejects is left alone.
  EXPECT_FALSE(inject_text(Endpoint::GenerateContent,
                           R"({"systemInstruction":{"parts":{"text":"x"}},"contents":[]})", kText));
}

TEST(PolicyInject, GeminiAddedOrBeforeContentsWithCachedContent) {
  auto v = injected(Endpoint::GenerateContent,
                    R"({"contents":[{"role":"user","parts":[{"text":"hi"}]}]})", R"("hi"}]}])");
  EXPECT_EQ(v.at("systemInstruction"),
            (bj::object{{"parts", bj::array{bj::object{{"text", kText}}}}}));

  // cachedContent forbids a systemInstruction: a user turn before the request's contents.
  v = injected(
      Endpoint::GenerateContent,
      R"({"cachedContent":"cachedContents/abc","contents":[{"role":"user","parts":[{"text":"q"}]}]})",
      R"("cachedContents/abc","contents":[)");
  const auto& contents = v.at("contents").as_array();
  ASSERT_EQ(contents.size(), 2u);
  EXPECT_EQ(contents[0].at("parts").as_array()[0].at("text").as_string(), kText);
  EXPECT_FALSE(v.as_object().contains("systemInstruction"));
}

TEST(PolicyInject, NothingToInjectOrNoSystemPromptLeavesTheBody) {
  EXPECT_FALSE(inject_text(Endpoint::Messages, R"({"system":"x","messages":[]})", ""));
  EXPECT_FALSE(inject_text(Endpoint::Embeddings, R"({"input":"x"})", kText));
  EXPECT_FALSE(inject_text(Endpoint::GeminiCountTokens, R"({"contents":[]})", kText));
  EXPECT_FALSE(inject_text(Endpoint::Messages, R"({"system":42,"messages":[]})", kText));
  EXPECT_FALSE(inject_text(Endpoint::ChatCompletions, R"({"model":"x"})", kText));
  EXPECT_FALSE(inject_text(Endpoint::ChatCompletions, R"([1,2])", kText));
}

}  // namespace
}  // namespace sluice::policy
