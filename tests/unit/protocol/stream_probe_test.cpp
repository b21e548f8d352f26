#include <gtest/gtest.h>

#include "protocol/stream_probe.hpp"

namespace sluice::protocol {
namespace {

StreamSignal of(Endpoint wire, std::string event, std::string data) {
  return classify_stream_event(wire, http::SseEvent{std::move(event), std::move(data), ""});
}

TEST(StreamProbe, AnthropicFramingContentErrorAndRefusal) {
  EXPECT_EQ(of(Endpoint::Messages, "message_start", R"({"type":"message_start"})"),
            StreamSignal::Framing);
  EXPECT_EQ(of(Endpoint::Messages, "content_block_start", "{}"), StreamSignal::Framing);
  EXPECT_EQ(of(Endpoint::Messages, "ping", "{}"), StreamSignal::Framing);
  EXPECT_EQ(of(Endpoint::Messages, "content_block_delta", "{}"), StreamSignal::Content);
  EXPECT_EQ(of(Endpoint::Messages, "error", R"({"type":"error"})"), StreamSignal::Error);
  EXPECT_EQ(of(Endpoint::Messages, "message_delta", R"({"delta":{"stop_reason":"refusal"}})"),
            StreamSignal::ContentFilter);
  EXPECT_EQ(of(Endpoint::Messages, "message_delta", R"({"delta":{"stop_reason":"end_turn"}})"),
            StreamSignal::Content);
}

TEST(StreamProbe, ChatChunks) {
  const auto chat = Endpoint::ChatCompletions;
  EXPECT_EQ(of(chat, "", R"({"choices":[{"delta":{"role":"assistant","content":""}}]})"),
            StreamSignal::Framing);
  EXPECT_EQ(of(chat, "", R"({"choices":[{"delta":{"content":"Hi"}}]})"), StreamSignal::Content);
  EXPECT_EQ(of(chat, "", R"({"choices":[{"delta":{"tool_calls":[]}}]})"), StreamSignal::Content);
  EXPECT_EQ(of(chat, "", R"({"choices":[{"delta":{},"finish_reason":"content_filter"}]})"),
            StreamSignal::ContentFilter);
  EXPECT_EQ(of(chat, "", R"({"error":{"message":"overloaded"}})"), StreamSignal::Error);
  EXPECT_EQ(of(chat, "", "[DONE]"), StreamSignal::Content);
  EXPECT_EQ(of(chat, "", "not json"), StreamSignal::Framing);
}

TEST(StreamProbe, ResponsesAndGemini) {
  EXPECT_EQ(of(Endpoint::Responses, "response.created", "{}"), StreamSignal::Framing);
  EXPECT_EQ(of(Endpoint::Responses, "response.output_text.delta", "{}"), StreamSignal::Content);
  EXPECT_EQ(of(Endpoint::Responses, "response.failed", "{}"), StreamSignal::Error);
  EXPECT_EQ(of(Endpoint::Responses, "response.incomplete",
               R"({"response":{"incomplete_details":{"reason":"content_filter"}}})"),
            StreamSignal::ContentFilter);
  EXPECT_EQ(of(Endpoint::StreamGenerate, "", R"({"candidates":[{"content":{}}]})"),
            StreamSignal::Content);
  EXPECT_EQ(of(Endpoint::StreamGenerate, "", R"({"error":{"code":503}})"), StreamSignal::Error);
  EXPECT_EQ(of(Endpoint::StreamGenerate, "", R"({"candidates":[{"finishReason":"SAFETY"}]})"),
            StreamSignal::ContentFilter);
  EXPECT_EQ(of(Endpoint::StreamGenerate, "", R"({"promptFeedback":{"blockReason":"OTHER"}})"),
            StreamSignal::ContentFilter);
}

TEST(StreamProbe, WholeAnswersStoppedByAFilter) {
  EXPECT_TRUE(is_content_filtered(Endpoint::Messages, R"({"stop_reason":"refusal"})"));
  EXPECT_FALSE(is_content_filtered(Endpoint::Messages, R"({"stop_reason":"end_turn"})"));
  EXPECT_TRUE(is_content_filtered(Endpoint::ChatCompletions,
                                  R"({"choices":[{"finish_reason":"content_filter"}]})"));
  EXPECT_TRUE(is_content_filtered(Endpoint::Responses,
                                  R"({"incomplete_details":{"reason":"content_filter"}})"));
  EXPECT_TRUE(is_content_filtered(Endpoint::GenerateContent,
                                  R"({"candidates":[{"finishReason":"PROHIBITED_CONTENT"}]})"));
  EXPECT_FALSE(is_content_filtered(Endpoint::GenerateContent, "garbage"));
}

}  // namespace
}  // namespace sluice::protocol
