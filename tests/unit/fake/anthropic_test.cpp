// Anthropic Messages: event lines, thinking, tool_use, usage and error shapes.

#include "fake/wire.hpp"

#include <gtest/gtest.h>

#include "wire_test_util.hpp"

namespace sluice::fake {
namespace {

using namespace wire_test;

TEST(FakeWireAnthropic, StreamAndJsonAgreeWithThinkingAndToolUse) {
  auto body = parse_object(std::string(R"({"model":"claude-opus-4-8","max_tokens":64000,
      "stream":true,"thinking":{"type":"adaptive"},
      "system":[{"type":"text","text":"billing header"},
                {"type":"text","text":"You are a Claude agent.","cache_control":{"type":"ephemeral"}}],
      "messages":[{"role":"user","content":[{"type":"text","text":"<reminder/>"},
                  {"type":"text","text":"write hello.txt"}]},
                  {"role":"system","content":"agent list"}],
      "tools":[{"name":"Write","description":"w","input_schema":)") +
                           kToolSchema + "}]}");
  auto turn = anthropic::parse(body).value();
  EXPECT_EQ(turn.last_text, "write hello.txt");
  EXPECT_GT(turn.cached_tokens, 0);
  auto reply = make_reply(turn);
  auto full = parse_object(anthropic::render(turn, reply));
  const auto& content = full.at("content").as_array();
  ASSERT_EQ(content.size(), 3u);
  EXPECT_EQ(content[0].at("type"), "thinking");
  EXPECT_EQ(content[1].at("type"), "text");
  EXPECT_EQ(content[2].at("type"), "tool_use");
  EXPECT_EQ(full.at("stop_reason"), "tool_use");

  auto events = events_of(anthropic::render_stream(turn, reply).bytes);
  ASSERT_GE(events.size(), 3u);
  EXPECT_EQ(events[0].name, "message_start");
  EXPECT_EQ(events[1].name, "ping");
  EXPECT_EQ(events.back().name, "message_stop");
  std::string thinking, signature, text, input_json;
  int json_fragments = 0;
  json::value final_usage;
  for (const auto& e : events) {
    ASSERT_FALSE(e.name.empty());
    auto data = parse_object(e.data);
    EXPECT_EQ(e.name, data.at("type").as_string());
    if (e.name == "content_block_delta") {
      const auto& d = data.at("delta").as_object();
      auto type = d.at("type").as_string();
      if (type == "thinking_delta") {
        thinking += d.at("thinking").as_string();
      } else if (type == "signature_delta") {
        signature += d.at("signature").as_string();
      } else if (type == "text_delta") {
        text += d.at("text").as_string();
      } else if (type == "input_json_delta") {
        input_json += d.at("partial_json").as_string();
        ++json_fragments;
      }
    } else if (e.name == "message_delta") {
      final_usage = data.at("usage");
      EXPECT_EQ(data.at("delta").at("stop_reason"), "tool_use");
    }
  }
  EXPECT_EQ(thinking, content[0].at("thinking").as_string());
  EXPECT_EQ(signature, content[0].at("signature").as_string());
  EXPECT_EQ(text, content[1].at("text").as_string());
  EXPECT_GE(json_fragments, 2);
  EXPECT_EQ(json::parse(input_json), content[2].at("input"));
  EXPECT_EQ(final_usage, full.at("usage"));
  EXPECT_GT(full.at("usage").at("cache_read_input_tokens").as_int64(), 0);
}

TEST(FakeWireAnthropic, ToolResultAndCountTokens) {
  const char* request = R"({"model":"claude-fake-haiku","max_tokens":100,
      "tools":[{"name":"Bash","input_schema":{"type":"object"}}],
      "messages":[{"role":"user","content":"list"},
        {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":{}}]},
        {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",
          "content":[{"type":"text","text":"a.txt"}],"cache_control":{"type":"ephemeral"}}]}]})";
  auto body = parse_object(request);
  auto turn = anthropic::parse(body).value();
  EXPECT_TRUE(turn.after_tool_result);
  EXPECT_GT(turn.cache_write_tokens, 0);
  auto reply = make_reply(turn);
  EXPECT_EQ(reply.finish, Finish::Stop);
  auto full = parse_object(anthropic::render(turn, reply));
  const auto& usage = full.at("usage");
  auto counted = anthropic::count_tokens(body).value();
  EXPECT_EQ(parse_object(counted).at("input_tokens").as_int64(),
            usage.at("input_tokens").as_int64() +
                usage.at("cache_creation_input_tokens").as_int64() +
                usage.at("cache_read_input_tokens").as_int64());
}

TEST(FakeWireAnthropic, ErrorsAndMidStreamErrorEvent) {
  auto no_max = anthropic::parse(parse_object(R"({"model":"claude-fake-sonnet","messages":[]})"));
  ASSERT_FALSE(no_max);
  EXPECT_EQ(no_max.error().status, 400);
  auto missing =
      anthropic::parse(parse_object(R"({"model":"missing-claude","max_tokens":1,"messages":[]})"));
  ASSERT_FALSE(missing);
  auto shape = parse_object(error_body(Wire::Anthropic, missing.error(), "req_9"));
  EXPECT_EQ(shape.at("type"), "error");
  EXPECT_EQ(shape.at("error").at("type"), "not_found_error");
  EXPECT_EQ(shape.at("request_id"), "req_9");
  EXPECT_EQ(parse_object(error_body(Wire::Anthropic, {529, "Overloaded", {}, {}}, "r"))
                .at("error")
                .at("type"),
            "overloaded_error");
  EXPECT_EQ(parse_object(error_body(Wire::Anthropic, {429, "slow down", {}, {}}, "r"))
                .at("error")
                .at("type"),
            "rate_limit_error");

  auto body = parse_object(R"({"model":"claude-fake-sonnet","max_tokens":10,
                                 "messages":[{"role":"user","content":"x"}]})");
  auto turn = anthropic::parse(body).value();  // views into `body`, which must outlive it
  auto events = events_of(anthropic::render_stream(turn, make_reply(turn)).error_event);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "error");
  EXPECT_EQ(parse_object(events[0].data).at("error").at("type"), "overloaded_error");
}

}  // namespace
}  // namespace sluice::fake
