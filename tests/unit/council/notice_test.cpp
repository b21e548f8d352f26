// The review notice in each wire's own shape, whole and streamed: what the client's SDK
// assembles (read back here with sluice's own decoders) ends with the notice, and the
// events around it are left byte for byte.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "council/answer.hpp"

namespace sluice::council {
namespace {

using protocol::Endpoint;
constexpr std::string_view kNotice = "\n\n---\nReview notice (sluice council): rejected\n";
constexpr std::string_view kNoticeText = "---\nReview notice (sluice council): rejected\n";

TEST(AddNotice, ChatAppendsToTheMessage) {
  const std::string body =
      R"({"id":"c1","object":"chat.completion","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"Done."},"finish_reason":"stop"}]})";
  const auto out = add_notice(Endpoint::ChatCompletions, body, kNotice, "req_1");
  ASSERT_TRUE(out);
  EXPECT_EQ(answer_text(Endpoint::ChatCompletions, *out, false), "Done." + std::string(kNotice));
}

TEST(AddNotice, ResponsesAddsAnOutputMessage) {
  const std::string body =
      R"({"id":"resp_1","object":"response","status":"completed","model":"m","output":[{"type":"message","id":"msg_1","status":"completed","role":"assistant","content":[{"type":"output_text","text":"Done.","annotations":[]}]}]})";
  const auto out = add_notice(Endpoint::Responses, body, kNotice, "req_1");
  ASSERT_TRUE(out);
  EXPECT_EQ(answer_text(Endpoint::Responses, *out, false), "Done." + std::string(kNoticeText));
  const auto doc = boost::json::parse(*out);
  EXPECT_EQ(doc.at("output").as_array().size(), 2u);
}

TEST(AddNotice, AnthropicAddsATextBlock) {
  const std::string body =
      R"({"id":"msg_1","type":"message","role":"assistant","model":"m","content":[{"type":"text","text":"Done."}],"stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}})";
  const auto out = add_notice(Endpoint::Messages, body, kNotice, "req_1");
  ASSERT_TRUE(out);
  EXPECT_EQ(answer_text(Endpoint::Messages, *out, false), "Done." + std::string(kNoticeText));
}

TEST(AddNotice, GeminiAddsAPart) {
  const std::string body =
      R"({"candidates":[{"content":{"parts":[{"text":"Done."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}})";
  const auto out = add_notice(Endpoint::GenerateContent, body, kNotice, "req_1");
  ASSERT_TRUE(out);
  EXPECT_EQ(answer_text(Endpoint::GenerateContent, *out, false),
            "Done." + std::string(kNoticeText));
}

TEST(AddNotice, NotAnAnswerIsLeftAlone) {
  EXPECT_FALSE(add_notice(Endpoint::ChatCompletions, "not json", kNotice, "r"));
  EXPECT_FALSE(add_notice(Endpoint::Messages, R"({"type":"error"})", kNotice, "r"));
}

// Whole streams as the fake upstream sends them, one per wire.
const std::string kChatStream =
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Do\"},"
    "\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ne.\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: [DONE]\n\n";

const std::string kAnthropicStream =
    "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
    "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],"
    "\"stop_reason\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n"
    "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
    "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
    "\"delta\":{\"type\":\"text_delta\",\"text\":\"Done.\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
    "\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n"
    "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";

const std::string kResponsesStream =
    "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,"
    "\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"in_progress\","
    "\"model\":\"m\",\"output\":[]}}\n\n"
    "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\","
    "\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\","
    "\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}}\n\n"
    "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
    "\"sequence_number\":2,\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,"
    "\"delta\":\"Done.\"}\n\n"
    "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\","
    "\"sequence_number\":3,\"output_index\":0,\"item\":{\"id\":\"msg_1\",\"type\":\"message\","
    "\"status\":\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\","
    "\"text\":\"Done.\",\"annotations\":[]}]}}\n\n"
    "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":4,"
    "\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"completed\","
    "\"model\":\"m\",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\",\"status\":"
    "\"completed\",\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":"
    "\"Done.\",\"annotations\":[]}]}]}}\n\n";

const std::string kGeminiStream =
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Done.\"}],\"role\":"
    "\"model\"},\"index\":0}]}\r\n\r\n"
    "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},"
    "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":1,"
    "\"candidatesTokenCount\":1,\"totalTokenCount\":2}}\r\n\r\n";

TEST(AddNoticeToStream, ChatGoesBeforeTheFinishChunk) {
  const std::string& sse = kChatStream;
  const auto out = add_notice_to_stream(Endpoint::ChatCompletions, sse, kNotice, "req_1");
  EXPECT_EQ(answer_text(Endpoint::ChatCompletions, out, true), "Done." + std::string(kNotice));
  const auto at = out.find("Review notice");
  EXPECT_LT(at, out.find("\"finish_reason\":\"stop\""));
  EXPECT_TRUE(out.ends_with("data: [DONE]\n\n"));
}

TEST(AddNoticeToStream, AnthropicAddsABlockBeforeMessageDelta) {
  const std::string& sse = kAnthropicStream;
  const auto out = add_notice_to_stream(Endpoint::Messages, sse, kNotice, "req_1");
  EXPECT_EQ(answer_text(Endpoint::Messages, out, true), "Done." + std::string(kNoticeText));
  EXPECT_NE(out.find("\"index\":1"), std::string::npos);
  EXPECT_LT(out.find("Review notice"), out.find("event: message_delta"));
}

TEST(AddNoticeToStream, ResponsesAddsAnItemAndListsItInCompleted) {
  const std::string& sse = kResponsesStream;
  const auto out = add_notice_to_stream(Endpoint::Responses, sse, kNotice, "req_1");
  EXPECT_EQ(answer_text(Endpoint::Responses, out, true), "Done." + std::string(kNoticeText));
  const auto completed = out.substr(out.find("event: response.completed"));
  EXPECT_NE(completed.find("msg_council_req_1"), std::string::npos);
  EXPECT_NE(completed.find("\"sequence_number\":10"), std::string::npos);
}

TEST(StreamComplete, EachWireEndsWithItsOwnFinish) {
  const std::pair<Endpoint, const std::string*> streams[] = {
      {Endpoint::ChatCompletions, &kChatStream},
      {Endpoint::Messages, &kAnthropicStream},
      {Endpoint::Responses, &kResponsesStream},
      {Endpoint::StreamGenerate, &kGeminiStream}};
  for (const auto& [ep, sse] : streams) {
    SCOPED_TRACE(std::string(protocol::wire_name(ep)));
    EXPECT_TRUE(stream_complete(ep, *sse));
    // Cut before its last event: the answer had not ended.
    const auto sep = sse->ends_with("\r\n\r\n") ? std::string("\r\n\r\n") : std::string("\n\n");
    const auto last = sse->rfind(sep, sse->size() - sep.size() - 1);
    ASSERT_NE(last, std::string::npos);
    EXPECT_FALSE(stream_complete(ep, sse->substr(0, last + sep.size())));
    EXPECT_FALSE(stream_complete(ep, sse->substr(0, sse->size() / 3)));
  }
}

TEST(AddNoticeToStream, GeminiAddsAChunk) {
  const std::string& sse = kGeminiStream;
  const auto out = add_notice_to_stream(Endpoint::StreamGenerate, sse, kNotice, "req_1");
  EXPECT_TRUE(out.starts_with(sse));
  EXPECT_TRUE(out.ends_with("\r\n\r\n"));
  EXPECT_NE(out.find("Review notice"), std::string::npos);
}

}  // namespace
}  // namespace sluice::council

namespace sluice::council {
namespace {

TEST(AddNotice, GeminiStreamAsAJsonArrayGetsAChunk) {
  const std::string body =
      R"([{"candidates":[{"content":{"parts":[{"text":"Do"}],"role":"model"},"index":0}]},)"
      R"({"candidates":[{"content":{"parts":[{"text":"ne."}],"role":"model"},"finishReason":"STOP","index":0}]}])";
  EXPECT_EQ(answer_text(protocol::Endpoint::StreamGenerate, body, false), "Done.");
  const auto out = add_notice(protocol::Endpoint::StreamGenerate, body, kNotice, "req_1");
  ASSERT_TRUE(out);
  EXPECT_EQ(answer_text(protocol::Endpoint::StreamGenerate, *out, false),
            "Done." + std::string(kNoticeText));
}

}  // namespace
}  // namespace sluice::council
