// Chat Completions: stream and JSON agree on text, tool call and usage.

#include "fake/wire.hpp"

#include <gtest/gtest.h>

#include "wire_test_util.hpp"

namespace sluice::fake {
namespace {

using namespace wire_test;

TEST(FakeWireChat, StreamAndJsonAgreeOnTextAndUsage) {
  auto body = parse_object(
      R"({"model":"gpt-fake","stream":true,"stream_options":{"include_usage":true},
          "messages":[{"role":"system","content":"Be brief."},
                      {"role":"user","content":"Hello, how are you?"}]})");
  auto turn = openai_chat::parse(body).value();
  EXPECT_TRUE(turn.include_usage);
  auto reply = make_reply(turn);

  auto full = parse_object(openai_chat::render(turn, reply, kCreated));
  const auto& message = full.at("choices").at(0).at("message");
  EXPECT_EQ(full.at("model"), "gpt-fake");
  EXPECT_EQ(full.at("choices").at(0).at("finish_reason"), "stop");

  auto plan = openai_chat::render_stream(turn, reply, kCreated);
  EXPECT_EQ(content_segments(plan), kDefaultChunks);
  auto events = events_of(plan.bytes);
  ASSERT_GE(events.size(), 4u);
  EXPECT_EQ(events.back().data, "[DONE]");
  std::string text;
  std::string finish;
  for (std::size_t i = 0; i + 2 < events.size(); ++i) {
    auto chunk = parse_object(events[i].data);
    EXPECT_EQ(chunk.at("object"), "chat.completion.chunk");
    const auto& choice = chunk.at("choices").at(0).as_object();
    if (const auto* c = choice.at("delta").as_object().if_contains("content")) {
      text += c->as_string();
    }
    if (choice.at("finish_reason").is_string()) {
      finish = choice.at("finish_reason").as_string();
    }
  }
  EXPECT_EQ(text, message.at("content").as_string());
  EXPECT_EQ(finish, "stop");
  auto usage_chunk = parse_object(events[events.size() - 2].data);
  EXPECT_TRUE(usage_chunk.at("choices").as_array().empty());
  EXPECT_EQ(usage_chunk.at("usage"), full.at("usage"));
  EXPECT_EQ(full.at("usage").at("prompt_tokens"), turn.input_tokens);
}

TEST(FakeWireChat, ToolCallArgumentsStreamInFragments) {
  auto body = parse_object(std::string(R"({"model":"gpt-fake","messages":[{"role":"user",
      "content":"list files"}],"tools":[{"type":"function","function":{"name":"shell",
      "parameters":)") + kToolSchema +
                           "}}]}");
  auto turn = openai_chat::parse(body).value();
  auto reply = make_reply(turn);
  auto full = parse_object(openai_chat::render(turn, reply, kCreated));
  const auto& call = full.at("choices").at(0).at("message").at("tool_calls").at(0);
  EXPECT_EQ(full.at("choices").at(0).at("finish_reason"), "tool_calls");
  EXPECT_TRUE(full.at("choices").at(0).at("message").at("content").is_null());
  EXPECT_EQ(call.at("function").at("name"), "shell");
  EXPECT_EQ(json::parse(call.at("function").at("arguments").as_string()),
            json::parse(R"({"cmd":"fake","n":1})"));

  auto events = events_of(openai_chat::render_stream(turn, reply, kCreated).bytes);
  std::string args;
  int fragments = 0;
  for (const auto& e : events) {
    if (e.data == "[DONE]") {
      continue;
    }
    auto delta = parse_object(e.data).at("choices").at(0).at("delta").as_object();
    if (const auto* calls = delta.if_contains("tool_calls")) {
      const auto& c = calls->at(0).as_object();
      EXPECT_EQ(c.at("index"), 0);
      if (c.contains("id")) {
        EXPECT_EQ(c.at("id"), call.at("id"));
        EXPECT_EQ(c.at("function").at("name"), "shell");
      }
      auto piece = c.at("function").at("arguments").as_string();
      fragments += piece.empty() ? 0 : 1;
      args += piece;
    }
  }
  EXPECT_GE(fragments, 2);
  EXPECT_EQ(args, call.at("function").at("arguments").as_string());
}

TEST(FakeWireChat, ToolResultGetsAFinalAnswer) {
  auto body = parse_object(std::string(R"({"model":"gpt-fake","messages":[
      {"role":"user","content":"list files"},
      {"role":"assistant","tool_calls":[{"id":"call_1","type":"function",
        "function":{"name":"shell","arguments":"{}"}}]},
      {"role":"tool","tool_call_id":"call_1","content":"a.txt b.txt"}],
      "tools":[{"type":"function","function":{"name":"shell","parameters":)") +
                           kToolSchema + "}}]}");
  auto turn = openai_chat::parse(body).value();
  EXPECT_TRUE(turn.after_tool_result);
  auto reply = make_reply(turn);
  EXPECT_FALSE(reply.has_tool_call());
  EXPECT_NE(reply.text.find("a.txt b.txt"), std::string::npos);
}

TEST(FakeWireChat, RequestErrors) {
  auto missing = openai_chat::parse(parse_object(R"({"messages":[]})"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().status, 400);
  auto unknown = openai_chat::parse(
      parse_object(R"({"model":"missing-gpt","messages":[{"role":"user","content":"x"}]})"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().status, 404);
  auto shape = parse_object(error_body(Wire::OpenAI, unknown.error(), "req_1"));
  EXPECT_EQ(shape.at("error").at("code"), "model_not_found");
  EXPECT_EQ(shape.at("error").at("param"), "model");
  EXPECT_EQ(shape.at("error").at("type"), "invalid_request_error");
}

}  // namespace
}  // namespace sluice::fake
