#include "fake/content.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <string>

namespace sluice::fake {
namespace {

namespace json = boost::json;

std::string join(const std::vector<std::string_view>& pieces) {
  std::string out;
  for (auto p : pieces) {
    out += p;
  }
  return out;
}

TEST(FakeContent, SplitTextKeepsEveryByteInOrder) {
  const std::string text = "This is fake-upstream answering gpt-fake: hello world.";
  for (int n : {1, 2, 3, 8, 50, 1000}) {
    auto pieces = split_text(text, n);
    EXPECT_EQ(join(pieces), text) << "n=" << n;
    EXPECT_LE(pieces.size(), static_cast<std::size_t>(n));
    for (auto p : pieces) {
      EXPECT_FALSE(p.empty());
    }
  }
  EXPECT_EQ(split_text(text, 8).size(), 8u);
  EXPECT_EQ(split_text(text, 1000).size(), text.size());
  EXPECT_TRUE(split_text("", 8).empty());
}

TEST(FakeContent, SplitTextNeverCutsAUtf8Sequence) {
  const std::string text = "héllo wörld — ünïcödé ✓ 日本語のテキスト";
  for (int n = 1; n < 40; ++n) {
    for (auto p : split_text(text, n)) {
      auto first = static_cast<unsigned char>(p.front());
      EXPECT_NE(first & 0xC0, 0x80) << "piece starts inside a sequence, n=" << n;
    }
    EXPECT_EQ(join(split_text(text, n)), text);
  }
}

TEST(FakeContent, JsonStringEscaping) {
  std::string out;
  append_json_string(out, "a\"b\\c\nd\te\x01 é");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\te\\u0001 é\"");
  EXPECT_EQ(json::parse(out).as_string(), "a\"b\\c\nd\te\x01 é");
}

TEST(FakeContent, Base64) {
  auto b64 = [](std::string_view s) {
    std::string out;
    append_base64(out, s.data(), s.size());
    return out;
  };
  EXPECT_EQ(b64(""), "");
  EXPECT_EQ(b64("f"), "Zg==");
  EXPECT_EQ(b64("fo"), "Zm8=");
  EXPECT_EQ(b64("foo"), "Zm9v");
  EXPECT_EQ(b64("foobar"), "Zm9vYmFy");
}

struct SchemaCase {
  const char* name;
  const char* schema;
  const char* expected;
};

class FakeArguments : public ::testing::TestWithParam<SchemaCase> {};

TEST_P(FakeArguments, FillsRequiredPropertiesByType) {
  auto schema = json::parse(GetParam().schema);
  EXPECT_EQ(json::parse(fake_arguments(&schema)), json::parse(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Schemas, FakeArguments,
    ::testing::Values(
        SchemaCase{"each_type",
                   R"({"type":"object","properties":{"s":{"type":"string"},"n":{"type":"number"},
                      "i":{"type":"integer"},"b":{"type":"boolean"},"a":{"type":"array"},
                      "o":{"type":"object"},"opt":{"type":"string"}},
                      "required":["s","n","i","b","a","o"]})",
                   R"({"s":"fake","n":1,"i":1,"b":true,"a":[],"o":{}})"},
        SchemaCase{"no_required", R"({"type":"object","properties":{"x":{"type":"string"}}})",
                   "{}"},
        SchemaCase{"enum_and_const",
                   R"({"type":"object","properties":{"e":{"type":"string","enum":["low","high"]},
                      "c":{"const":7}},"required":["e","c"]})",
                   R"({"e":"low","c":7})"},
        SchemaCase{"nullable_type_array",
                   R"({"type":"object","properties":{"t":{"type":["null","integer"]}},
                      "required":["t"]})",
                   R"({"t":1})"},
        SchemaCase{"any_of", R"({"type":"object","properties":{"u":{"anyOf":[{"type":"null"},
                      {"type":"boolean"}]}},"required":["u"]})",
                   R"({"u":true})"},
        SchemaCase{"nested_required",
                   R"({"type":"object","properties":{"o":{"type":"object","properties":
                      {"k":{"type":"string"}},"required":["k"]}},"required":["o"]})",
                   R"({"o":{"k":"fake"}})"},
        SchemaCase{"gemini_upper_case",
                   R"({"type":"OBJECT","properties":{"city":{"type":"STRING"},
                      "days":{"type":"INTEGER"}},"required":["city","days"]})",
                   R"({"city":"fake","days":1})"},
        SchemaCase{"minimum_respected",
                   R"({"type":"object","properties":{"n":{"type":"integer","minimum":5}},
                      "required":["n"]})",
                   R"({"n":5})"},
        SchemaCase{"required_without_schema", R"({"type":"object","required":["x"]})",
                   R"({"x":"fake"})"},
        SchemaCase{"not_an_object_schema", R"({"type":"string"})", "{}"}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(FakeContent, NullSchemaGivesEmptyObject) {
  EXPECT_EQ(fake_arguments(nullptr), "{}");
}

Turn chat_turn(std::string_view text) {
  Turn t;
  t.model = "gpt-fake";
  t.last_text = text;
  t.input_tokens = 12;
  return t;
}

TEST(FakeContent, ReplyIsDeterministicAndEchoesTheUser) {
  auto a = make_reply(chat_turn("What is the capital of France?"));
  auto b = make_reply(chat_turn("What is the capital of France?"));
  auto c = make_reply(chat_turn("Something else entirely"));
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.id, b.id);
  EXPECT_NE(a.id, c.id);
  EXPECT_EQ(
      a.text.rfind("This is fake-upstream answering gpt-fake: What is the capital of France?", 0),
      0u)
      << a.text;
  EXPECT_EQ(a.finish, Finish::Stop);
  EXPECT_EQ(a.usage.input, 12);
  EXPECT_EQ(a.usage.output, tokens_for_bytes(a.text.size()));
}

TEST(FakeContent, LongUserTextIsCutInTheEcho) {
  std::string long_text(500, 'x');
  auto r = make_reply(chat_turn(long_text));
  EXPECT_NE(r.text.find(std::string(60, 'x') + "..."), std::string::npos);
  EXPECT_EQ(r.text.find(std::string(61, 'x')), std::string::npos);
}

TEST(FakeContent, ToolOfferedGivesToolCallUnlessAfterToolResult) {
  auto schema = json::parse(R"({"type":"object","properties":{"cmd":{"type":"string"}},
                               "required":["cmd"]})");
  Turn t = chat_turn("run ls");
  t.tool = ToolOffer{"exec_command", &schema, false};
  auto call = make_reply(t);
  EXPECT_TRUE(call.has_tool_call());
  EXPECT_EQ(call.finish, Finish::ToolCall);
  EXPECT_EQ(call.tool_name, "exec_command");
  EXPECT_EQ(call.tool_input, R"({"cmd":"fake"})");
  EXPECT_EQ(call.tool_call_id.size(), 24u);
  EXPECT_TRUE(call.text.empty());
  EXPECT_EQ(call.usage.output, tokens_for_bytes(call.tool_name.size() + call.tool_input.size()));

  t.after_tool_result = true;
  t.last_text = "total 0";
  auto answer = make_reply(t);
  EXPECT_FALSE(answer.has_tool_call());
  EXPECT_EQ(answer.finish, Finish::Stop);
  EXPECT_NE(answer.text.find("the tool returned \"total 0\""), std::string::npos);
}

TEST(FakeContent, CustomApplyPatchToolGetsAValidPatch) {
  Turn t = chat_turn("write hello");
  t.tool = ToolOffer{"apply_patch", nullptr, true};
  auto r = make_reply(t);
  EXPECT_TRUE(r.tool_custom);
  EXPECT_EQ(r.tool_input.rfind("*** Begin Patch\n", 0), 0u);
  EXPECT_NE(r.tool_input.find("*** End Patch"), std::string::npos);
}

TEST(FakeContent, StructuredOutputFollowsTheSchema) {
  auto schema = json::parse(R"({"type":"object","properties":{"title":{"type":"string"}},
                               "required":["title"]})");
  Turn t = chat_turn("title this");
  t.output_schema = &schema;
  EXPECT_EQ(json::parse(make_reply(t).text), json::parse(R"({"title":"fake"})"));
}

TEST(FakeContent, ReasoningIsCountedInOutput) {
  Turn t = chat_turn("think");
  t.reasoning = true;
  auto r = make_reply(t);
  EXPECT_FALSE(r.reasoning.empty());
  EXPECT_EQ(r.usage.reasoning, tokens_for_bytes(r.reasoning.size()));
  EXPECT_EQ(r.usage.output, r.usage.reasoning + tokens_for_bytes(r.text.size()));
}

TEST(FakeContent, MaxOutputTokensCutsTheAnswer) {
  Turn t = chat_turn("a question");
  t.max_output_tokens = 5;
  auto r = make_reply(t);
  EXPECT_EQ(r.finish, Finish::Length);
  EXPECT_LE(r.usage.output, 5);
  EXPECT_LE(r.text.size(), 20u);
}

TEST(FakeContent, CachedTokensNeverExceedInput) {
  Turn t = chat_turn("x");
  t.input_tokens = 10;
  t.cached_tokens = 50;
  t.cache_write_tokens = 50;
  auto r = make_reply(t);
  EXPECT_EQ(r.usage.cached, 10);
  EXPECT_EQ(r.usage.cache_write, 0);
}

TEST(FakeContent, PrefixCachingFollowsOpenAIRules) {
  EXPECT_EQ(prefix_cached_tokens(1000, 10), 0);      // under 1024 tokens: no cache
  EXPECT_EQ(prefix_cached_tokens(2000, 100), 1792);  // 1900 rounded down to 128s
  EXPECT_EQ(prefix_cached_tokens(2000, 2000), 0);
}

TEST(FakeContent, LastTextPrefersTheLastTextBlock) {
  EXPECT_EQ(last_text(json::parse(R"("plain")")), "plain");
  EXPECT_EQ(last_text(json::parse(
                R"([{"type":"text","text":"<reminder>"},{"type":"text","text":"the prompt"}])")),
            "the prompt");
  EXPECT_EQ(last_text(json::parse(R"([{"type":"image"}])")), "");
}

TEST(FakeContent, EmbeddingIsADeterministicUnitVector) {
  auto a = embedding("hello", 16);
  auto b = embedding("hello", 16);
  auto c = embedding("world", 16);
  ASSERT_EQ(a.size(), 16u);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  double norm = 0;
  for (float x : a) {
    norm += static_cast<double>(x) * x;
  }
  EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-5);
}

}  // namespace
}  // namespace sluice::fake
