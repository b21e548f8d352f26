// Responses: the typed SSE grammar, and stream and JSON agree.

#include "fake/wire.hpp"

#include <gtest/gtest.h>

#include "wire_test_util.hpp"

namespace sluice::fake {
namespace {

using namespace wire_test;

void expect_responses_grammar(const std::vector<Event>& events) {
  std::int64_t seq = 0;
  for (const auto& e : events) {
    auto data = parse_object(e.data);
    EXPECT_EQ(e.name, data.at("type").as_string());
    EXPECT_EQ(data.at("sequence_number"), seq++);
  }
}

TEST(FakeWireResponses, StreamAndJsonAgree) {
  auto body = parse_object(R"({"model":"gpt-fake","stream":true,
      "instructions":"Be brief.","input":[{"type":"message","role":"user",
      "content":[{"type":"input_text","text":"Tell me a joke"}]}]})");
  auto turn = openai_responses::parse(body).value();
  auto reply = make_reply(turn);
  auto full = parse_object(openai_responses::render(turn, reply, kCreated));
  EXPECT_EQ(full.at("status"), "completed");
  const auto& item = full.at("output").at(0);
  EXPECT_EQ(item.at("type"), "message");

  auto events = events_of(openai_responses::render_stream(turn, reply, kCreated).bytes);
  expect_responses_grammar(events);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front().name, "response.created");
  EXPECT_EQ(events[1].name, "response.in_progress");
  EXPECT_EQ(events.back().name, "response.completed");
  std::string text;
  for (const auto& e : events) {
    if (e.name == "response.output_text.delta") {
      text += parse_object(e.data).at("delta").as_string();
    }
  }
  EXPECT_EQ(text, item.at("content").at(0).at("text").as_string());
  auto completed = parse_object(events.back().data).at("response").as_object();
  EXPECT_EQ(completed.at("usage"), full.at("usage"));
  EXPECT_EQ(completed.at("output"), full.at("output"));
}

TEST(FakeWireResponses, ReasoningAndFunctionCall) {
  auto body = parse_object(std::string(R"({"model":"gpt-5.5","stream":true,
      "reasoning":{"effort":"medium","summary":"auto"},"include":["reasoning.encrypted_content"],
      "input":"run it","tools":[{"type":"web_search"},{"type":"function","name":"exec_command",
      "parameters":)") + kToolSchema +
                           "}]}");
  auto turn = openai_responses::parse(body).value();
  EXPECT_TRUE(turn.reasoning && turn.encrypted_reasoning && turn.reasoning_summary);
  auto reply = make_reply(turn);
  auto full = parse_object(openai_responses::render(turn, reply, kCreated));
  const auto& output = full.at("output").as_array();
  ASSERT_EQ(output.size(), 2u);
  EXPECT_EQ(output[0].at("type"), "reasoning");
  EXPECT_TRUE(output[0].as_object().contains("encrypted_content"));
  EXPECT_EQ(output[1].at("type"), "function_call");
  EXPECT_EQ(output[1].at("name"), "exec_command");
  EXPECT_GT(full.at("usage").at("output_tokens_details").at("reasoning_tokens").as_int64(), 0);

  auto events = events_of(openai_responses::render_stream(turn, reply, kCreated).bytes);
  expect_responses_grammar(events);
  std::string args;
  int fragments = 0;
  bool summary_delta = false;
  for (const auto& e : events) {
    if (e.name == "response.function_call_arguments.delta") {
      args += parse_object(e.data).at("delta").as_string();
      ++fragments;
    }
    summary_delta = summary_delta || e.name == "response.reasoning_summary_text.delta";
  }
  EXPECT_TRUE(summary_delta);
  EXPECT_GE(fragments, 2);
  EXPECT_EQ(args, output[1].at("arguments").as_string());
  EXPECT_EQ(parse_object(events.back().data).at("response").at("usage"), full.at("usage"));
}

TEST(FakeWireResponses, CustomToolOutputIsAToolResult) {
  auto body = parse_object(R"({"model":"gpt-5.5","input":[
      {"type":"message","role":"user","content":[{"type":"input_text","text":"patch it"}]},
      {"type":"custom_tool_call","call_id":"c1","name":"apply_patch","input":"*** Begin Patch"},
      {"type":"custom_tool_call_output","call_id":"c1","output":"Success. Updated files"}],
      "tools":[{"type":"custom","name":"apply_patch"}]})");
  auto turn = openai_responses::parse(body).value();
  EXPECT_TRUE(turn.after_tool_result);
  EXPECT_EQ(turn.last_text, "Success. Updated files");
  EXPECT_FALSE(make_reply(turn).has_tool_call());
}

TEST(FakeWireResponses, ErrorEventTakesTheNextSequenceNumber) {
  auto body = parse_object(R"({"model":"gpt-fake","input":"hi"})");
  auto turn = openai_responses::parse(body).value();
  auto plan = openai_responses::render_stream(turn, make_reply(turn), kCreated);
  auto events = events_of(plan.error_event_after(5));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "response.failed");
  auto data = parse_object(events[0].data);
  EXPECT_EQ(data.at("sequence_number"), 5);
  EXPECT_EQ(data.at("response").at("status"), "failed");
}

}  // namespace
}  // namespace sluice::fake
