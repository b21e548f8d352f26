// Gemini: SSE chunks, JSON array and JSON agree; function calls and responses.

#include "fake/wire.hpp"

#include <gtest/gtest.h>

#include "wire_test_util.hpp"

namespace sluice::fake {
namespace {

using namespace wire_test;

TEST(FakeWireGemini, StreamAndJsonAgree) {
  auto body =
      parse_object(R"({"contents":[{"role":"user","parts":[{"text":"Why is the sky blue?"}]}],
      "systemInstruction":{"parts":[{"text":"Be brief."}]},
      "generationConfig":{"thinkingConfig":{"includeThoughts":true}}})");
  auto turn = gemini::parse(body, "gemini-fake-pro").value();
  auto reply = make_reply(turn);
  auto full = parse_object(gemini::render(turn, reply));
  const auto& parts = full.at("candidates").at(0).at("content").at("parts").as_array();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].at("thought"), true);
  EXPECT_EQ(full.at("candidates").at(0).at("finishReason"), "STOP");
  EXPECT_EQ(full.at("modelVersion"), "gemini-fake-pro");

  auto events = events_of(gemini::render_stream(turn, reply).bytes, "\r\n\r\n");
  std::string text;
  json::value last;
  for (const auto& e : events) {
    EXPECT_TRUE(e.name.empty());
    auto chunk = parse_object(e.data);
    for (const auto& p : chunk.at("candidates").at(0).at("content").at("parts").as_array()) {
      if (!p.as_object().contains("thought")) {
        text += p.at("text").as_string();
      }
    }
    last = chunk;
  }
  EXPECT_EQ(text, parts[1].at("text").as_string());
  EXPECT_EQ(last.at("candidates").at(0).at("finishReason"), "STOP");
  EXPECT_EQ(last.at("usageMetadata"), full.at("usageMetadata"));
  EXPECT_GT(full.at("usageMetadata").at("thoughtsTokenCount").as_int64(), 0);

  auto array = json::parse(gemini::render_array(turn, reply)).as_array();
  EXPECT_EQ(array.size(), events.size());
  EXPECT_EQ(array.back().at("usageMetadata"), full.at("usageMetadata"));
}

TEST(FakeWireGemini, FunctionCallAndResponse) {
  auto body = parse_object(std::string(R"({"contents":[{"role":"user","parts":[{"text":"go"}]}],
      "tools":[{"functionDeclarations":[{"name":"run","parameters":)") +
                           kToolSchema + "}]}]}");
  auto turn = gemini::parse(body, "gemini-fake-flash").value();
  auto reply = make_reply(turn);
  auto full = parse_object(gemini::render(turn, reply));
  const auto& call = full.at("candidates").at(0).at("content").at("parts").at(0).at("functionCall");
  EXPECT_EQ(call.at("name"), "run");
  EXPECT_EQ(call.at("args"), json::parse(R"({"cmd":"fake","n":1})"));

  auto after = parse_object(R"({"contents":[{"role":"user","parts":[{"text":"go"}]},
      {"role":"model","parts":[{"functionCall":{"name":"run","args":{}}}]},
      {"role":"user","parts":[{"functionResponse":{"name":"run","response":{"output":"done!"}}}]}],
      "tools":[{"functionDeclarations":[{"name":"run"}]}]})");
  auto turn2 = gemini::parse(after, "gemini-fake-flash").value();
  EXPECT_TRUE(turn2.after_tool_result);
  EXPECT_EQ(turn2.last_text, "done!");
  EXPECT_FALSE(make_reply(turn2).has_tool_call());
}

TEST(FakeWireGemini, ErrorShape) {
  auto missing =
      gemini::parse(parse_object(R"({"contents":[{"parts":[{"text":"x"}]}]})"), "missing-gemini");
  ASSERT_FALSE(missing);
  auto shape = parse_object(error_body(Wire::Gemini, missing.error(), {}));
  EXPECT_EQ(shape.at("error").at("code"), 404);
  EXPECT_EQ(shape.at("error").at("status"), "NOT_FOUND");
}

}  // namespace
}  // namespace sluice::fake
