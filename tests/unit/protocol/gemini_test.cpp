// The Gemini generateContent codec: what the goldens do not pin down well — field-naming errors
// on malformed input, id synthesis and name recovery for function calls, thought-signature
// round trips, schema stripping, chunking independence of the decoder and the encoder's bytes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "protocol/codecs.hpp"

namespace sluice::protocol {
namespace {

namespace bj = boost::json;
using EK = ir::Event::Kind;
using PK = ir::Part::Kind;

const WireCodec& codec() {
  return gemini::codec();
}

ir::Request parse_ok(std::string_view body, bool stream = false) {
  auto r = codec().parse_request(
      body,
      {stream ? Endpoint::StreamGenerate : Endpoint::GenerateContent, "gemini-2.5-flash", stream});
  if (auto* e = std::get_if<core::GatewayError>(&r)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  return std::get<ir::Request>(std::move(r));
}

std::string parse_err(std::string_view body) {
  auto r = codec().parse_request(body, {Endpoint::GenerateContent, "m", false});
  if (auto* e = std::get_if<core::GatewayError>(&r)) {
    EXPECT_EQ(e->kind, core::ErrorKind::InvalidRequest);
    return e->message;
  }
  ADD_FAILURE() << "parsed: " << body;
  return {};
}

bj::object serialize(ir::Request& req) {
  return bj::parse(codec().serialize_request(req)).as_object();
}

bool dropped(const ir::Request& req, std::string_view field) {
  return std::find(req.dropped.begin(), req.dropped.end(), field) != req.dropped.end();
}

ir::Part text(std::string t) {
  ir::Part p;
  p.text = std::move(t);
  return p;
}
ir::Part call(std::string id, std::string name, std::string args) {
  ir::Part p;
  p.kind = PK::ToolCall;
  p.id = std::move(id);
  p.name = std::move(name);
  p.arguments = std::move(args);
  return p;
}
ir::Part result(std::string id, std::string body, bool is_error = false) {
  ir::Part p;
  p.kind = PK::ToolResult;
  p.id = std::move(id);
  p.content.push_back(text(std::move(body)));
  p.is_error = is_error;
  return p;
}
ir::Part reasoning(std::string t, std::string sig) {
  ir::Part p;
  p.kind = PK::Reasoning;
  p.text = std::move(t);
  p.signature = std::move(sig);
  return p;
}
ir::Message msg(ir::Role role, std::vector<ir::Part> parts) {
  ir::Message m;
  m.role = role;
  m.parts = std::move(parts);
  return m;
}

// ---- parse_request ----

TEST(GeminiParse, MalformedInputNamesTheField) {
  struct Case {
    std::string_view body;
    std::string_view message;
  };
  const Case cases[] = {
      {"{", "request body: invalid JSON"},
      {"[]", "request body: must be a JSON object"},
      {"{}", "contents: required"},
      {R"({"contents":{}})", "contents: must be an array"},
      {R"({"contents":[1]})", "contents[0]: must be an object"},
      {R"({"contents":[{"role":"user"}]})", "contents[0].parts: must be an array"},
      {R"({"contents":[{"role":"bot","parts":[]}]})", "contents[0].role: unknown role 'bot'"},
      {R"({"contents":[{"parts":[{"text":"a"}]},{"parts":[{"x":1}]}]})",
       "contents[1].parts[0]: unknown part type"},
      {R"({"contents":[{"parts":[{"text":5}]}]})", "contents[0].parts[0].text: must be a string"},
      {R"({"contents":[{"parts":[{"inlineData":{"mimeType":"image/png"}}]}]})",
       "contents[0].parts[0].inlineData.data: required"},
      {R"({"contents":[{"parts":[{"fileData":{"mimeType":"image/png"}}]}]})",
       "contents[0].parts[0].fileData.fileUri: required"},
      {R"({"contents":[{"role":"model","parts":[{"functionCall":{"args":{}}}]}]})",
       "contents[0].parts[0].functionCall.name: required"},
      {R"({"contents":[{"role":"model","parts":[{"functionCall":{"name":"f","args":[1]}}]}]})",
       "contents[0].parts[0].functionCall.args: must be an object"},
      {R"({"contents":[{"parts":[{"functionResponse":{"response":{}}}]}]})",
       "contents[0].parts[0].functionResponse.name: required"},
      {R"({"contents":[{"parts":[{"thoughtSignature":7,"text":"a"}]}]})",
       "contents[0].parts[0].thoughtSignature: must be a string"},
      {R"({"contents":[],"systemInstruction":{"parts":[{"inlineData":{}}]}})",
       "systemInstruction.parts[0].text: required"},
      {R"({"contents":[],"tools":[{"functionDeclarations":[{"description":"x"}]}]})",
       "tools[0].functionDeclarations[0].name: required"},
      {R"({"contents":[],"toolConfig":{"functionCallingConfig":{"mode":"SOMETIMES"}}})",
       "toolConfig.functionCallingConfig.mode: unknown value 'SOMETIMES'"},
      {R"({"contents":[],"generationConfig":{"temperature":"hot"}})",
       "generationConfig.temperature: must be a number"},
      {R"({"contents":[],"generationConfig":{"maxOutputTokens":1.5}})",
       "generationConfig.maxOutputTokens: must be an integer"},
      {R"({"contents":[],"generationConfig":{"stopSequences":"END"}})",
       "generationConfig.stopSequences: must be an array"},
      {R"({"contents":[],"generationConfig":{"thinkingConfig":{"thinkingLevel":"extreme"}}})",
       "generationConfig.thinkingConfig.thinkingLevel: unknown value 'extreme'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    EXPECT_TRUE(parse_err(c.body).starts_with(c.message)) << parse_err(c.body);
  }
}

TEST(GeminiParse, AcceptsSnakeCaseFieldNames) {
  auto req = parse_ok(R"({
    "system_instruction": {"parts": [{"text": "be brief"}]},
    "contents": [{"role": "user", "parts": [{"text": "hi"}, {"inline_data": {"mime_type": "image/png", "data": "AAAA"}}]}],
    "generation_config": {"max_output_tokens": 10, "top_k": 3, "stop_sequences": ["x"],
                          "thinking_config": {"thinking_budget": 0}},
    "tool_config": {"function_calling_config": {"mode": "NONE"}}
  })");
  ASSERT_EQ(req.instructions.size(), 1u);
  EXPECT_EQ(req.instructions[0].text, "be brief");
  ASSERT_EQ(req.messages.size(), 1u);
  ASSERT_EQ(req.messages[0].parts.size(), 2u);
  EXPECT_EQ(req.messages[0].parts[1].kind, PK::Image);
  EXPECT_EQ(req.messages[0].parts[1].media_type, "image/png");
  EXPECT_EQ(req.max_output_tokens, 10);
  EXPECT_EQ(req.top_k, 3);
  EXPECT_EQ(req.stop, std::vector<std::string>{"x"});
  EXPECT_TRUE(req.thinking_disabled);
  ASSERT_TRUE(req.tool_choice);
  EXPECT_EQ(req.tool_choice->mode, ir::ToolChoice::Mode::None);
}

TEST(GeminiParse, ModelAndStreamComeFromThePath) {
  auto req = parse_ok(R"({"contents":[{"parts":[{"text":"hi"}]}]})", true);
  EXPECT_EQ(req.model, "gemini-2.5-flash");
  EXPECT_TRUE(req.stream);
  EXPECT_TRUE(req.stream_usage);
}

TEST(GeminiParse, FunctionResponsesPairWithCallsByNameAndOrder) {
  auto req = parse_ok(R"({"contents":[
    {"role":"user","parts":[{"text":"go"}]},
    {"role":"model","parts":[{"functionCall":{"name":"a","args":{"n":1}}},{"functionCall":{"name":"b"}},
                             {"functionCall":{"name":"a","args":{"n":2}}}]},
    {"role":"user","parts":[{"functionResponse":{"name":"a","response":{"output":"one"}}},
                            {"functionResponse":{"name":"a","response":{"output":{"v":2}}}},
                            {"functionResponse":{"name":"b","response":{"error":"boom"}}}]},
    {"role":"model","parts":[{"functionCall":{"name":"a","id":"own-id"}}]},
    {"role":"user","parts":[{"functionResponse":{"name":"a","id":"own-id","response":{"x":1,"y":2}}}]}
  ]})");
  ASSERT_EQ(req.messages.size(), 5u);
  const auto& calls = req.messages[1].parts;
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0].id, "call_0_a");
  EXPECT_EQ(calls[0].arguments, R"({"n":1})");
  EXPECT_EQ(calls[1].id, "call_1_b");
  EXPECT_EQ(calls[1].arguments, "{}");
  EXPECT_EQ(calls[2].id, "call_2_a");
  const auto& results = req.messages[2].parts;
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].id, "call_0_a");
  EXPECT_EQ(results[0].content[0].text, "one");
  EXPECT_EQ(results[1].id, "call_2_a");
  EXPECT_EQ(results[1].content[0].text, R"({"v":2})");
  EXPECT_EQ(results[2].id, "call_1_b");
  EXPECT_TRUE(results[2].is_error);
  EXPECT_EQ(results[2].content[0].text, "boom");
  EXPECT_EQ(req.messages[3].parts[0].id, "own-id");
  EXPECT_EQ(req.messages[4].parts[0].id, "own-id");
  EXPECT_EQ(req.messages[4].parts[0].content[0].text, R"({"x":1,"y":2})");
}

TEST(GeminiParse, ThoughtPartsMergeUntilTheirSignature) {
  auto req =
      parse_ok(R"({"contents":[{"role":"user","parts":[{"text":"q"}]},{"role":"model","parts":[
    {"text":"think ","thought":true},{"text":"more","thought":true},
    {"text":"","thought":true,"thoughtSignature":"sluice:anthropic-sig"},
    {"text":"summary","thought":true},
    {"text":"","thought":true,"thoughtSignature":"sluice-redacted:opaque"},
    {"text":"answer"},
    {"functionCall":{"name":"f","args":{}},"thoughtSignature":"GEMSIG"}]}]})");
  const auto& p = req.messages[1].parts;
  ASSERT_EQ(p.size(), 6u);
  EXPECT_EQ(p[0].kind, PK::Reasoning);
  EXPECT_EQ(p[0].text, "think more");
  EXPECT_EQ(p[0].signature, "anthropic-sig");  // a foreign signature comes back unwrapped
  EXPECT_EQ(p[1].text, "summary");             // a summary next to encrypted reasoning stays
  EXPECT_EQ(p[2].kind, PK::RedactedReasoning);
  EXPECT_EQ(p[2].data, "opaque");
  EXPECT_EQ(p[3].text, "answer");
  EXPECT_EQ(p[4].kind, PK::Reasoning);
  EXPECT_EQ(p[4].signature, "gemini:GEMSIG");  // Gemini's own, marked as such
  EXPECT_EQ(p[5].kind, PK::ToolCall);
}

TEST(GeminiParse, ResponseFormatsAndReports) {
  auto req = parse_ok(R"({"contents":[{"parts":[{"text":"q"}]}],
    "tools":[{"googleSearch":{}},{"functionDeclarations":[{"name":"f","parameters":{"type":"OBJECT","properties":{"a":{"type":"STRING","nullable":true}},"propertyOrdering":["a"]}}]}],
    "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],
    "generationConfig":{"responseMimeType":"application/json","responseSchema":{"type":"ARRAY","items":{"type":"INTEGER"}},
                        "presencePenalty":0.5,"candidateCount":2}})");
  ASSERT_EQ(req.tools.size(), 1u);
  EXPECT_EQ(req.tools[0].parameters,
            R"({"type":"object","properties":{"a":{"type":["string","null"]}}})");
  ASSERT_TRUE(req.response_format);
  EXPECT_EQ(req.response_format->kind, ir::ResponseFormat::Kind::JsonSchema);
  EXPECT_EQ(req.response_format->schema, R"({"type":"array","items":{"type":"integer"}})");
  EXPECT_EQ(req.n, 2);
  EXPECT_TRUE(dropped(req, "tools.google_search"));
  EXPECT_TRUE(dropped(req, "safety_settings"));
  EXPECT_TRUE(dropped(req, "presence_penalty"));
}

// ---- serialize_request ----

TEST(GeminiSerialize, RecoversFunctionNamesAndMergesTurns) {
  ir::Request req;
  req.model = "gemini-2.5-flash";
  req.instructions.push_back({ir::Role::System, "sys", ir::CacheControl{}});
  req.messages.push_back(msg(ir::Role::User, {text("hi")}));
  req.messages.push_back(msg(ir::Role::System, {text("mid-conversation system")}));
  req.messages.push_back(
      msg(ir::Role::Assistant, {reasoning("claude thinking", "anthropic-sig"), text("calling"),
                                call("toolu_1", "get_weather", R"({"city":"Paris"})"),
                                call("toolu_2", "get_time", "not json")}));
  req.messages.push_back(msg(ir::Role::User, {result("toolu_2", R"({"time":"12:00"})")}));
  req.messages.push_back(msg(ir::Role::User, {result("toolu_1", "sunny", true)}));
  req.messages.push_back(msg(ir::Role::User, {text("thanks")}));
  auto out = serialize(req);
  EXPECT_EQ(bj::serialize(out.at("systemInstruction")),
            R"({"parts":[{"text":"sys"},{"text":"mid-conversation system"}]})");
  const auto& contents = out.at("contents").as_array();
  ASSERT_EQ(contents.size(), 3u);
  // Foreign thinking is dropped quietly; a call without Gemini's signature gets the sentinel.
  EXPECT_EQ(
      bj::serialize(contents[1]),
      R"({"role":"model","parts":[{"text":"calling"},{"functionCall":{"name":"get_weather","args":{"city":"Paris"}},)"
      R"("thoughtSignature":"skip_thought_signature_validator"},)"
      R"({"functionCall":{"name":"get_time","args":{}}}]})");
  EXPECT_EQ(
      bj::serialize(contents[2]),
      R"({"role":"user","parts":[{"functionResponse":{"name":"get_time","response":{"time":"12:00"}}},)"
      R"({"functionResponse":{"name":"get_weather","response":{"error":"sunny"}}},{"text":"thanks"}]})");
  EXPECT_TRUE(req.dropped.empty());
}

TEST(GeminiSerialize, ReplaysGeminiSignaturesAndFillsTheSentinel) {
  ir::Request req;
  req.model = "gemini-3-pro-preview";
  req.messages.push_back(msg(ir::Role::User, {text("q")}));
  req.messages.push_back(
      msg(ir::Role::Assistant, {reasoning("summary", ""), reasoning("", "gemini:SIG1"),
                                call("c1", "f", "{}"), call("c2", "f", "{}")}));
  req.messages.push_back(msg(ir::Role::User, {result("c1", "a"), result("c2", "b")}));
  req.messages.push_back(msg(ir::Role::Assistant, {call("c3", "f", "{}")}));
  req.messages.push_back(msg(ir::Role::User, {result("c3", "c")}));
  req.messages.push_back(msg(ir::Role::Assistant, {text("done"), reasoning("", "gemini:SIG2")}));
  auto out = serialize(req);
  const auto& c = out.at("contents").as_array();
  ASSERT_EQ(c.size(), 6u);
  EXPECT_EQ(
      bj::serialize(c[1].at("parts")),
      R"([{"functionCall":{"name":"f","args":{}},"thoughtSignature":"SIG1"},{"functionCall":{"name":"f","args":{}}}])");
  EXPECT_EQ(
      bj::serialize(c[3].at("parts")),
      R"([{"functionCall":{"name":"f","args":{}},"thoughtSignature":"skip_thought_signature_validator"}])");
  EXPECT_EQ(bj::serialize(c[5].at("parts")),
            R"([{"text":"done"},{"text":"","thoughtSignature":"SIG2"}])");
}

TEST(GeminiSerialize, ToolResultImagesFollowTheFunctionResponses) {
  ir::Request req;
  req.model = "gemini-2.5-flash";
  req.messages.push_back(msg(ir::Role::User, {text("take a screenshot")}));
  req.messages.push_back(msg(ir::Role::Assistant, {call("c1", "shot", "{}")}));
  auto r = result("c1", "see image");
  ir::Part img;
  img.kind = PK::Image;
  img.media_type = "image/png";
  img.data = "AAAA";
  r.content.push_back(img);
  ir::Part url_img;
  url_img.kind = PK::Image;
  url_img.url = "data:image/gif;base64,R0lG";
  r.content.push_back(url_img);
  req.messages.push_back(msg(ir::Role::User, {r}));
  auto out = serialize(req);
  EXPECT_EQ(
      bj::serialize(out.at("contents").as_array()[2].at("parts")),
      R"([{"functionResponse":{"name":"shot","response":{"output":"see image"}}},)"
      R"({"inlineData":{"mimeType":"image/png","data":"AAAA"}},{"inlineData":{"mimeType":"image/gif","data":"R0lG"}}])");
}

TEST(GeminiSerialize, SchemasLoseKeywordsGeminiRejects) {
  ir::Request req;
  req.model = "gemini-2.5-flash";
  req.messages.push_back(msg(ir::Role::User, {text("q")}));
  ir::Tool plain{
      "plain", "d",
      R"({"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,)"
      R"("properties":{"a":{"type":["string","null"],"format":"uri","const":"x"},"b":{"type":"integer","enum":[1,2],"exclusiveMinimum":0},)"
      R"("c":{"type":"array","items":{"oneOf":[{"type":"string"},{"type":"number"}]}}},"required":["a","zz"]})",
      true, std::nullopt};
  ir::Tool none{"none", "", R"({"type":"object","properties":{}})", false, std::nullopt};
  ir::Tool refs{
      "refs", "",
      R"({"$schema":"x","type":"object","properties":{"p":{"$ref":"#/$defs/P"}},"$defs":{"P":{"type":"string"}}})",
      false, std::nullopt};
  ir::Tool map{
      "map", "",
      R"({"type":"object","properties":{"m":{"type":"object","additionalProperties":{"type":"string"}}}})",
      false, std::nullopt};
  req.tools = {plain, none, refs, map};
  req.tool_choice = ir::ToolChoice{ir::ToolChoice::Mode::Named, "plain", false};
  auto out = serialize(req);
  const auto& decls = out.at("tools").as_array()[0].at("functionDeclarations").as_array();
  ASSERT_EQ(decls.size(), 4u);
  EXPECT_EQ(
      bj::serialize(decls[0]),
      R"({"name":"plain","description":"d","parameters":{"type":"object","properties":{"a":{"type":"string","nullable":true,"enum":["x"]},)"
      R"("b":{"type":"integer"},"c":{"type":"array","items":{"anyOf":[{"type":"string"},{"type":"number"}]}}},"required":["a"]}})");
  EXPECT_EQ(bj::serialize(decls[1]), R"({"name":"none"})");
  EXPECT_EQ(
      decls[2],
      bj::parse(R"({"name":"refs","parametersJsonSchema":{"type":"object",)"
                R"("properties":{"p":{"$ref":"#/$defs/P"}},"$defs":{"P":{"type":"string"}}}})"));
  EXPECT_TRUE(decls[3].as_object().contains("parametersJsonSchema"));
  EXPECT_EQ(bj::serialize(out.at("toolConfig")),
            R"({"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["plain"]}})");
  EXPECT_TRUE(dropped(req, "parallel_tool_calls"));
  EXPECT_TRUE(dropped(req, "tools.strict"));
}

TEST(GeminiSerialize, GenerationConfigAndThinking) {
  ir::Request req;
  req.model = "gemini-2.5-pro";
  req.messages.push_back(msg(ir::Role::User, {text("q")}));
  req.stop = {"a", "b", "c", "d", "e", "f"};
  req.seed = 7;
  req.top_k = 5;
  req.reasoning_effort = ir::Effort::High;  // 32000 -> clamped to what every model accepts
  req.user = "u1";
  req.response_format = ir::ResponseFormat{ir::ResponseFormat::Kind::JsonObject, "", "", false};
  auto out = serialize(req);
  EXPECT_EQ(
      bj::serialize(out.at("generationConfig")),
      R"({"topK":5,"stopSequences":["a","b","c","d","e"],"seed":7,"responseMimeType":"application/json",)"
      R"("thinkingConfig":{"thinkingBudget":24576}})");
  EXPECT_TRUE(dropped(req, "stop"));
  EXPECT_TRUE(dropped(req, "user"));

  ir::Request off;
  off.model = "gemini-2.5-flash";
  off.messages.push_back(msg(ir::Role::User, {text("q")}));
  off.thinking_disabled = true;
  EXPECT_EQ(bj::serialize(serialize(off).at("generationConfig")),
            R"({"thinkingConfig":{"thinkingBudget":0}})");
  off.model = "gemini-2.5-pro";  // Pro cannot turn thinking off
  EXPECT_FALSE(serialize(off).contains("generationConfig"));
  EXPECT_TRUE(dropped(off, "thinking.disabled"));

  ir::Request budget;
  budget.model = "gemini-2.5-flash";
  budget.messages.push_back(msg(ir::Role::User, {text("q")}));
  budget.thinking_budget = 31999;
  EXPECT_EQ(bj::serialize(serialize(budget).at("generationConfig")),
            R"({"thinkingConfig":{"thinkingBudget":24576,"includeThoughts":true}})");
}

TEST(GeminiSerialize, UpstreamPath) {
  ir::Request req;
  req.model = "models/gemini-2.5-flash";
  EXPECT_EQ(codec().upstream_path(req), "/v1beta/models/gemini-2.5-flash:generateContent");
  req.stream = true;
  EXPECT_EQ(codec().upstream_path(req),
            "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
}

// ---- responses ----

TEST(GeminiResponse, ParsesUsageStopsAndBlockedPrompts) {
  auto r = codec().parse_response(R"({"candidates":[{"content":{"role":"model","parts":[
      {"functionCall":{"name":"f","args":{"a":1}}}]},"finishReason":"STOP"}],
      "usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":10,"thoughtsTokenCount":5,"cachedContentTokenCount":60},
      "responseId":"R1","modelVersion":"gemini-2.5-flash"})");
  ASSERT_TRUE(std::holds_alternative<ir::Response>(r));
  const auto& res = std::get<ir::Response>(r);
  EXPECT_EQ(res.stop, ir::StopReason::ToolUse);
  EXPECT_EQ(res.usage.input, 100);
  EXPECT_EQ(res.usage.output, 15);
  EXPECT_EQ(res.usage.reasoning, 5);
  EXPECT_EQ(res.usage.cache_read, 60);
  ASSERT_EQ(res.content.size(), 1u);
  EXPECT_EQ(res.content[0].id, "call_R1_0");

  auto blocked = codec().parse_response(
      R"({"promptFeedback":{"blockReason":"SAFETY"},"usageMetadata":{"promptTokenCount":3}})");
  ASSERT_TRUE(std::holds_alternative<ir::Response>(blocked));
  EXPECT_EQ(std::get<ir::Response>(blocked).stop, ir::StopReason::ContentFilter);

  auto bad = codec().parse_response("not json");
  ASSERT_TRUE(std::holds_alternative<core::GatewayError>(bad));
}

TEST(GeminiResponse, SerializesForeignThinkingSoItComesBack) {
  ir::Response res;
  res.id = "msg_1";
  res.content = {reasoning("thinking", "anthropic-sig"), text("answer"),
                 call("toolu_1", "f", R"({"a":1})")};
  ir::Part red;
  red.kind = PK::RedactedReasoning;
  red.data = "opaque";
  res.content.insert(res.content.begin(), red);
  res.stop = ir::StopReason::ToolUse;
  res.usage = {100, 30, 20, 5, 10};
  EncodeOptions opt{"client-model", "gen_x", false, 0};
  auto body = codec().serialize_response(res, opt);
  EXPECT_EQ(
      body,
      R"({"candidates":[{"content":{"parts":[{"text":"","thought":true,"thoughtSignature":"sluice-redacted:opaque"},)"
      R"({"text":"thinking","thought":true,"thoughtSignature":"sluice:anthropic-sig"},{"text":"answer"},)"
      R"({"functionCall":{"name":"f","args":{"a":1},"id":"toolu_1"}}],"role":"model"},"finishReason":"STOP","index":0}],)"
      R"("usageMetadata":{"promptTokenCount":100,"candidatesTokenCount":20,"totalTokenCount":130,"cachedContentTokenCount":20,)"
      R"("thoughtsTokenCount":10},"modelVersion":"client-model","responseId":"msg_1"})");
  // A Gemini client sends that history back: the IR gets the original parts.
  auto back = parse_ok(
      std::string(R"({"contents":[{"role":"model","parts":)") +
      bj::serialize(bj::parse(body).at("candidates").at(0).at("content").at("parts")) + "}]}");
  const auto& p = back.messages[0].parts;
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0].kind, PK::RedactedReasoning);
  EXPECT_EQ(p[0].data, "opaque");
  EXPECT_EQ(p[1].signature, "anthropic-sig");
  EXPECT_EQ(p[1].text, "thinking");
  EXPECT_EQ(p[3].id, "toolu_1");
}

TEST(GeminiError, ParsesErrorBodies) {
  auto e = codec().parse_error(
      429, R"({"error":{"code":429,"message":"Quota exceeded","status":"RESOURCE_EXHAUSTED"}})");
  EXPECT_EQ(e.kind, core::ErrorKind::RateLimited);
  EXPECT_EQ(e.message, "Quota exceeded");
  auto arr = codec().parse_error(
      503, R"([{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}])");
  EXPECT_EQ(arr.kind, core::ErrorKind::Unavailable);
  EXPECT_EQ(arr.message, "overloaded");
  auto html = codec().parse_error(502, "<html>bad gateway</html>");
  EXPECT_EQ(html.kind, core::ErrorKind::UpstreamUnreachable);
  EXPECT_EQ(html.message, "upstream returned HTTP 502");
}

// ---- streams ----

constexpr std::string_view kStream =
    "data: "
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Plan\",\"thought\":true}],\"role\":"
    "\"model\"},\"index\":0}],"
    "\"usageMetadata\":{\"promptTokenCount\":7},\"modelVersion\":\"gemini-2.5-flash\","
    "\"responseId\":\"RID\"}\r\n\r\n"
    "data: "
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hel\"}],\"role\":\"model\"},\"index\":0}"
    "],\"responseId\":\"RID\"}\r\n\r\n"
    "data: "
    "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"lo\"},{\"functionCall\":{\"name\":\"f\","
    "\"args\":{\"x\":1}},"
    "\"thoughtSignature\":\"S\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
    "\"usageMetadata\":{\"promptTokenCount\":7,\"candidatesTokenCount\":4,\"thoughtsTokenCount\":3}"
    ",\"responseId\":\"RID\"}\r\n\r\n";

std::vector<ir::Event> decode(std::string_view text, std::size_t chunk) {
  auto dec = codec().decoder();
  std::vector<ir::Event> out;
  http::SseReader reader;
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    reader.feed(text.substr(i, chunk), [&](const http::SseEvent& e) { dec->on_event(e, out); });
  }
  dec->on_end(out);
  return out;
}

std::string describe(const std::vector<ir::Event>& evs) {
  std::string s;
  for (const auto& e : evs) {
    s += std::to_string(static_cast<int>(e.kind)) + ":" + std::to_string(e.index) + ":" + e.text +
         e.part.id + e.part.name + "|";
  }
  return s;
}

TEST(GeminiStream, DecoderIsIndependentOfChunking) {
  const auto whole = decode(kStream, kStream.size());
  const std::vector<EK> kinds{
      EK::Start,         EK::PartStart,      EK::ReasoningDelta, EK::PartStop,
      EK::PartStart,     EK::TextDelta,      EK::TextDelta,      EK::PartStop,
      EK::PartStart,     EK::SignatureDelta, EK::PartStop,       EK::PartStart,
      EK::ToolArgsDelta, EK::PartStop,       EK::Finish,         EK::Done};
  ASSERT_EQ(whole.size(), kinds.size()) << describe(whole);
  for (std::size_t i = 0; i < kinds.size(); ++i) EXPECT_EQ(whole[i].kind, kinds[i]) << i;
  EXPECT_EQ(whole[0].id, "RID");
  EXPECT_EQ(whole[0].usage.input, 7);
  EXPECT_EQ(whole[9].text, "gemini:S");
  EXPECT_EQ(whole[11].part.id, "call_RID_0");
  EXPECT_EQ(whole[12].text, R"({"x":1})");
  EXPECT_EQ(whole[14].stop, ir::StopReason::ToolUse);
  EXPECT_EQ(whole[14].usage.output, 7);
  for (std::size_t n : {1u, 2u, 3u, 5u, 13u, 64u}) {
    SCOPED_TRACE(n);
    EXPECT_EQ(describe(decode(kStream, n)), describe(whole));
  }
}

TEST(GeminiStream, DecoderClosesTruncatedStreamsAndStopsAtErrors) {
  auto cut =
      decode("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}]}}]}\n\n", 4);
  ASSERT_EQ(cut.size(), 6u) << describe(cut);
  EXPECT_EQ(cut[3].kind, EK::PartStop);
  EXPECT_EQ(cut[4].kind, EK::Finish);
  EXPECT_EQ(cut[5].kind, EK::Done);

  auto err = decode(
      "data: {\"error\":{\"code\":429,\"message\":\"slow "
      "down\",\"status\":\"RESOURCE_EXHAUSTED\"}}\n\n",
      9);
  ASSERT_EQ(err.size(), 1u) << describe(err);
  EXPECT_EQ(err[0].kind, EK::Error);
  EXPECT_EQ(err[0].error_type, "rate_limit_error");
  EXPECT_EQ(err[0].text, "slow down");

  auto garbage = decode("data: {not json\n\n: ping\n\n", 3);
  ASSERT_EQ(garbage.size(), 1u);
  EXPECT_EQ(garbage[0].kind, EK::Error);

  auto empty = decode("", 1);
  ASSERT_EQ(empty.size(), 3u);
  EXPECT_EQ(empty[0].kind, EK::Start);
  EXPECT_EQ(empty[2].kind, EK::Done);
}

ir::Event ev(EK kind, int index = 0, std::string t = {}) {
  ir::Event e;
  e.kind = kind;
  e.index = index;
  e.text = std::move(t);
  return e;
}

TEST(GeminiStream, EncoderBytesAreExact) {
  EncodeOptions opt{"client-model", "gen_1", true, 1700000000};
  auto enc = codec().encoder(opt);
  std::vector<ir::Event> evs;
  auto start = ev(EK::Start);
  start.id = "msg_up";
  start.usage.input = 10;
  evs.push_back(start);
  auto ps = ev(EK::PartStart, 0);
  ps.part.kind = PK::Reasoning;
  evs.push_back(ps);
  evs.push_back(ev(EK::ReasoningDelta, 0, "hmm"));
  evs.push_back(ev(EK::SignatureDelta, 0, "sig-a"));
  evs.push_back(ev(EK::SignatureDelta, 0, "sig-b"));
  evs.push_back(ev(EK::PartStop, 0));
  auto ts = ev(EK::PartStart, 1);
  ts.part.kind = PK::Text;
  evs.push_back(ts);
  evs.push_back(ev(EK::TextDelta, 1, "Hi \"there\""));
  evs.push_back(ev(EK::PartStop, 1));
  auto cs = ev(EK::PartStart, 2);
  cs.part.kind = PK::ToolCall;
  cs.part.id = "toolu_9";
  cs.part.name = "f";
  evs.push_back(cs);
  evs.push_back(ev(EK::ToolArgsDelta, 2, "{\"a\""));
  evs.push_back(ev(EK::ToolArgsDelta, 2, ":[1,2]}"));
  evs.push_back(ev(EK::PartStop, 2));
  auto fin = ev(EK::Finish);
  fin.stop = ir::StopReason::ToolUse;
  fin.usage = {10, 5, 4, 0, 2};
  evs.push_back(fin);
  evs.push_back(ev(EK::Done));
  std::string out;
  for (const auto& e : evs) enc->on_event(e, out);
  const std::string tail = R"(,"modelVersion":"client-model","responseId":"msg_up"})";
  const std::string expect =
      R"(data: {"candidates":[{"content":{"parts":[{"text":"hmm","thought":true}],"role":"model"},"index":0}])" +
      tail + "\n\n" +
      R"(data: {"candidates":[{"content":{"parts":[{"text":"","thought":true,"thoughtSignature":"sluice:sig-asig-b"}],"role":"model"},"index":0}])" +
      tail + "\n\n" +
      R"(data: {"candidates":[{"content":{"parts":[{"text":"Hi \"there\""}],"role":"model"},"index":0}])" +
      tail + "\n\n" +
      R"(data: {"candidates":[{"content":{"parts":[{"functionCall":{"name":"f","args":{"a":[1,2]},"id":"toolu_9"}}],"role":"model"},"index":0}])" +
      tail + "\n\n" +
      R"(data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"index":0,"finishReason":"STOP"}],)"
      R"("usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":3,"totalTokenCount":15,"cachedContentTokenCount":4,"thoughtsTokenCount":2})" +
      tail + "\n\n";
  EXPECT_EQ(out, expect);
}

TEST(GeminiStream, EncoderErrorEndsTheStream) {
  auto enc = codec().encoder({"m", "gen_1", false, 0});
  std::string out;
  enc->on_event(ev(EK::Start), out);
  auto err = ev(EK::Error, 0, "Overloaded");
  err.error_type = "overloaded_error";
  enc->on_event(err, out);
  enc->on_event(ev(EK::Done), out);
  EXPECT_EQ(
      out,
      "data: {\"error\":{\"code\":503,\"message\":\"Overloaded\",\"status\":\"UNAVAILABLE\"}}\n\n");
}

}  // namespace
}  // namespace sluice::protocol
