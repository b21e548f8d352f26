// prompt_sha256 and canonical JSON: the same prompt hashes the same whatever the key order,
// spacing or sampling parameters; a different prompt or system text does not; each wire
// hashes its own prompt members.

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "audit/prompt_hash.hpp"
#include "core/canonical_json.hpp"
#include "core/sha256.hpp"

namespace sluice::audit {
namespace {

using protocol::Endpoint;

TEST(CanonicalJson, SortsKeysAndDropsWhitespace) {
  const auto a = boost::json::parse(R"({"b": [1, {"z": 1, "a": "x"}], "a": null})");
  EXPECT_EQ(core::canonical_json(a), R"({"a":null,"b":[1,{"a":"x","z":1}]})");
  const auto b = boost::json::parse(R"({"a":null,"b":[1,{"z":1,"a":"x"}]})");
  EXPECT_EQ(core::canonical_json(a), core::canonical_json(b));
}

TEST(PromptHash, IgnoresOrderSpacingAndParameters) {
  const auto h1 = prompt_sha256(Endpoint::ChatCompletions,
                                R"({"model":"a","messages":[{"role":"user","content":"hi"}]})");
  const auto h2 = prompt_sha256(
      Endpoint::ChatCompletions,
      R"({ "messages" : [ {"content":"hi", "role":"user"} ], "model":"b", "temperature":0.2 })");
  EXPECT_EQ(h1, h2);
  EXPECT_EQ(h1.size(), 64u);
  EXPECT_NE(h1, prompt_sha256(Endpoint::ChatCompletions,
                              R"({"messages":[{"role":"user","content":"hi!"}]})"));
}

TEST(PromptHash, EachWireHashesItsPromptMembers) {
  const auto with_system = prompt_sha256(
      Endpoint::Messages, R"({"system":"be brief","messages":[{"role":"user","content":"hi"}]})");
  const auto without =
      prompt_sha256(Endpoint::Messages, R"({"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_NE(with_system, without);
  EXPECT_NE(prompt_sha256(Endpoint::Responses, R"({"input":"hi","instructions":"a"})"),
            prompt_sha256(Endpoint::Responses, R"({"input":"hi","instructions":"b"})"));
  EXPECT_NE(prompt_sha256(Endpoint::GenerateContent, R"({"contents":[{"parts":[{"text":"a"}]}]})"),
            prompt_sha256(Endpoint::GenerateContent, R"({"contents":[{"parts":[{"text":"b"}]}]})"));
  // Not JSON: the raw bytes, still a hash and never the text.
  EXPECT_EQ(prompt_sha256(Endpoint::ChatCompletions, "not json").size(), 64u);
}

TEST(PromptHash, TheFastPathHashesTheDefinitionsBytes) {
  // prompt_sha256 canonicalizes in one pass and falls back to the DOM for what it declines;
  // either way the hash is that of prompt_canonical_form, which `sluice audit prompt-hash`
  // reproduces.
  const char* bodies[] = {
      R"({"model":"a","messages":[{"role":"user","content":"café "quoted"
"}]})",
      R"({"messages":[{"content":"x","role":"user"}],"messages":[{"content":"y","role":"user"}]})",
      R"({"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"text","text":"t"}]}]})",
      R"(not json)",
      R"([1,2,3])",
  };
  for (const char* body : bodies) {
    for (auto ep : {Endpoint::ChatCompletions, Endpoint::Messages, Endpoint::Responses}) {
      EXPECT_EQ(prompt_sha256(ep, body), core::sha256_hex(prompt_canonical_form(ep, body))) << body;
    }
  }
  EXPECT_EQ(prompt_canonical_form(Endpoint::Messages,
                                  R"({"messages":[{"role":"user","content":"hi"}],"system":"s"})"),
            R"({"messages":[{"content":"hi","role":"user"}],"system":"s"})");
}

}  // namespace
}  // namespace sluice::audit
