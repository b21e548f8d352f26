#include <gtest/gtest.h>

#include "protocol/errors.hpp"
#include "protocol/json_probe.hpp"
#include "protocol/json_util.hpp"

namespace sluice::protocol {
namespace {

TEST(JsonProbe, FindsTopLevelModelAndStreamOnly) {
  auto p = probe_json(R"({"messages":[{"model":"inner"}],"model":"claude-x","stream":true})");
  ASSERT_TRUE(p.valid);
  EXPECT_EQ(p.model, "claude-x");
  EXPECT_EQ(p.stream, true);
}

TEST(JsonProbe, MalformedJsonReportsLineAndColumn) {
  auto p = probe_json("{\n  \"model\": \"x\",\n  \"stream\": tru\n}");
  EXPECT_FALSE(p.valid);
  EXPECT_NE(p.error.find("line 3"), std::string::npos) << p.error;
}

TEST(JsonProbe, NonObjectIsFlagged) {
  auto p = probe_json("[1,2]");
  EXPECT_TRUE(p.valid);
  EXPECT_FALSE(p.is_object);
  EXPECT_FALSE(probe_json("").valid);
}

TEST(JsonProbe, RewriteKeepsEveryOtherByte) {
  std::string body = "{ \"model\" : \"gpt-5.5\",\n \"x\": 1.50, \"unknown_field\": {\"a\": [1e3]} }";
  auto p = probe_json(body);
  auto out = rewrite_model(body, p, "qwen3-coder");
  EXPECT_EQ(out, "{ \"model\" : \"qwen3-coder\",\n \"x\": 1.50, \"unknown_field\": {\"a\": [1e3]} }");
}

TEST(JsonProbe, RewriteOfEscapedModelFallsBackToReserialise) {
  std::string body = R"({"model":"a\u0062c","n":1})";
  auto p = probe_json(body);
  EXPECT_EQ(p.model, "abc");
  auto out = rewrite_model(body, p, "m\"q");
  auto again = probe_json(out);
  EXPECT_EQ(again.model, "m\"q");
}

TEST(ErrorShapes, EachFamilyHasItsOwnShape) {
  core::GatewayError e{core::ErrorKind::NotFound, "model 'x' is not served", "model", "model_not_found"};
  EXPECT_EQ(error_body(Family::OpenAI, e, "req_1"),
            R"({"error":{"message":"model 'x' is not served","type":"invalid_request_error","param":"model","code":"model_not_found"}})");
  EXPECT_EQ(error_body(Family::Anthropic, e, "req_1"),
            R"({"type":"error","error":{"type":"not_found_error","message":"model 'x' is not served"},"request_id":"req_1"})");
  EXPECT_EQ(error_body(Family::Gemini, e, "req_1"),
            R"({"error":{"code":404,"message":"model 'x' is not served","status":"NOT_FOUND"}})");
}

TEST(ErrorShapes, StreamErrorEvents) {
  core::GatewayError e{core::ErrorKind::UpstreamUnreachable, "broke", "", ""};
  EXPECT_TRUE(stream_error_event(Endpoint::Messages, e, "r").starts_with("event: error\ndata: {"));
  EXPECT_TRUE(stream_error_event(Endpoint::Responses, e, "r").starts_with("event: response.failed\n"));
  EXPECT_TRUE(stream_error_event(Endpoint::ChatCompletions, e, "r").starts_with("data: {\"error\""));
}

}  // namespace
}  // namespace sluice::protocol

namespace sluice::protocol::json {
namespace {

TEST(JsonEscape, MatchesBoostJsonAtEveryOffset) {
  // Specials placed at every position around the 8-byte fast path, plus UTF-8 that must pass.
  const std::string specials[] = {"\"", "\\", "\n", "\x01", "\x1f", "\t", "é", "€"};
  for (const auto& sp : specials) {
    for (std::size_t pos = 0; pos < 20; ++pos) {
      std::string s(20, 'a');
      s.insert(pos, sp);
      std::string out;
      append_json_string(out, s);
      EXPECT_EQ(out, boost::json::serialize(boost::json::string(s))) << "at " << pos;
    }
  }
}

}  // namespace
}  // namespace sluice::protocol::json

namespace sluice::protocol {
namespace {

TEST(JsonProbe, ReadsTheOutputCapOfEachWire) {
  EXPECT_EQ(probe_json(R"({"model":"m","max_tokens":512})").max_output, 512);
  EXPECT_EQ(probe_json(R"({"model":"m","max_completion_tokens":77})").max_output, 77);
  EXPECT_EQ(probe_json(R"({"model":"m","max_output_tokens":9})").max_output, 9);
  EXPECT_EQ(probe_json(R"({"generationConfig":{"temperature":1,"maxOutputTokens":300}})").max_output,
            300);
  // Nested look-alikes are not the request's cap.
  EXPECT_FALSE(probe_json(R"({"model":"m","metadata":{"max_tokens":5}})").max_output);
  EXPECT_FALSE(probe_json(R"({"model":"m","tools":[{"maxOutputTokens":5}]})").max_output);
}

}  // namespace
}  // namespace sluice::protocol
