// prompt_sha256 and canonical JSON: the same prompt hashes the same whatever the key order,
// spacing or sampling parameters; a different prompt or system text does not; each wire
// hashes its own prompt members.

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "audit/prompt_hash.hpp"
#include "core/canonical_json.hpp"

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
  const auto without = prompt_sha256(Endpoint::Messages,
                                     R"({"messages":[{"role":"user","content":"hi"}]})");
  EXPECT_NE(with_system, without);
  EXPECT_NE(prompt_sha256(Endpoint::Responses, R"({"input":"hi","instructions":"a"})"),
            prompt_sha256(Endpoint::Responses, R"({"input":"hi","instructions":"b"})"));
  EXPECT_NE(prompt_sha256(Endpoint::GenerateContent, R"({"contents":[{"parts":[{"text":"a"}]}]})"),
            prompt_sha256(Endpoint::GenerateContent, R"({"contents":[{"parts":[{"text":"b"}]}]})"));
  // Not JSON: the raw bytes, still a hash and never the text.
  EXPECT_EQ(prompt_sha256(Endpoint::ChatCompletions, "not json").size(), 64u);
}

}  // namespace
}  // namespace sluice::audit
