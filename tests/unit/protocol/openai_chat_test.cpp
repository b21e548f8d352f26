// The Chat Completions codec: what the goldens do not pin down well. Malformed input yields a
// 400 naming the field; the decoder does not depend on chunking and copes with compatible
// servers' variations; the encoder's grammar is exact byte for byte.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocol/codecs.hpp"

namespace sluice::protocol {
namespace {

namespace bj = boost::json;
using EK = ir::Event::Kind;
using PK = ir::Part::Kind;

const WireCodec& chat() { return *codec_for(Endpoint::ChatCompletions); }

std::variant<ir::Request, core::GatewayError> parse(std::string_view body) {
  return chat().parse_request(body, RequestContext{});
}

std::string parse_error_of(std::string_view body) {
  auto r = parse(body);
  if (!std::holds_alternative<core::GatewayError>(r)) return "<parsed>";
  const auto& e = std::get<core::GatewayError>(r);
  EXPECT_EQ(e.kind, core::ErrorKind::InvalidRequest);
  return e.message;
}

ir::Request parsed(std::string_view body) {
  auto r = parse(body);
  EXPECT_TRUE(std::holds_alternative<ir::Request>(r)) << std::get<core::GatewayError>(r).message;
  return std::holds_alternative<ir::Request>(r) ? std::get<ir::Request>(r) : ir::Request{};
}

bj::object serialized(ir::Request& req) { return bj::parse(chat().serialize_request(req)).as_object(); }

bool dropped(const ir::Request& req, std::string_view what) {
  return std::find(req.dropped.begin(), req.dropped.end(), what) != req.dropped.end();
}

std::vector<ir::Event> decode_in_pieces(std::string_view sse, std::size_t piece) {
  auto dec = chat().decoder();
  std::vector<ir::Event> out;
  http::SseReader reader;
  for (std::size_t i = 0; i < sse.size(); i += piece) {
    reader.feed(sse.substr(i, piece), [&](const http::SseEvent& e) { dec->on_event(e, out); });
  }
  reader.feed("\n\n", [&](const http::SseEvent& e) { dec->on_event(e, out); });
  dec->on_end(out);
  return out;
}

std::string describe(const std::vector<ir::Event>& events) {
  std::string s;
  for (const auto& e : events) {
    s += std::to_string(static_cast<int>(e.kind)) + ":" + std::to_string(e.index) + ":" + e.text + ":" +
         e.part.id + ":" + e.part.name + ":" + e.id + "|";
  }
  return s;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// ---------------------------------------------------------------------------------------------
// parse_request: errors

TEST(OpenAIChatParse, MalformedInputNamesTheField) {
  EXPECT_NE(parse_error_of("{not json").find("not valid JSON"), std::string::npos);
  EXPECT_EQ(parse_error_of("[1,2]"), "body: expected a JSON object");
  EXPECT_EQ(parse_error_of(R"({"model":"m"})"), "messages: expected an array");
  EXPECT_EQ(parse_error_of(R"({"messages":[1]})"), "messages[0]: expected an object");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"role":"user","content":"a"},{"role":"robot","content":"b"}]})"),
            "messages[1].role: unknown role 'robot'");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"content":"b"}]})"), "messages[0].role: missing");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"},{"type":"x"}]}]})"),
            "messages[0].content[1]: unknown part type 'x'");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"role":"user","content":42}]})"),
            "messages[0].content: expected a string or an array of parts");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]})"),
            "messages[0].content[0].image_url.url: missing");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"role":"tool","content":"x"}]})"), "messages[0].tool_call_id: missing");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{}}]}]})"),
            "messages[0].tool_calls[0].function.name: missing");
  EXPECT_EQ(parse_error_of(R"({"messages":[{"role":"assistant","tool_calls":[{"type":"function","function":{"name":"f"}}]}]})"),
            "messages[0].tool_calls[0].id: missing");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"tools":[{"type":"custom","custom":{"name":"x"}}]})"),
            "tools[0].type: unsupported tool type 'custom'");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"tools":[{"type":"function","function":{"description":"d"}}]})"),
            "tools[0].function.name: missing");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"tool_choice":"sometimes"})"), "tool_choice: unknown value 'sometimes'");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"response_format":{"type":"yaml"}})"),
            "response_format.type: unknown value 'yaml'");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"response_format":{"type":"json_schema"}})"),
            "response_format.json_schema: expected an object");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"reasoning_effort":"extreme"})"),
            "reasoning_effort: unknown value 'extreme'");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"stop":5})"), "stop: expected a string or an array of strings");
  EXPECT_EQ(parse_error_of(R"({"messages":[],"stop":["a",1]})"), "stop: expected strings");
}

TEST(OpenAIChatParse, ErrorCarriesParam) {
  auto r = parse(R"({"messages":[{"role":"user","content":[{"type":"video"}]}]})");
  ASSERT_TRUE(std::holds_alternative<core::GatewayError>(r));
  EXPECT_EQ(std::get<core::GatewayError>(r).param, "messages[0].content[0]");
  EXPECT_EQ(std::get<core::GatewayError>(r).status(), 400);
}

TEST(OpenAIChatParse, TruncatedBodiesNeverCrash) {
  const std::string body = read(std::filesystem::path(SLUICE_SOURCE_DIR) /
                                "tests/golden/requests/openai_chat-agent-tools/input.openai_chat.json");
  for (std::size_t n = 0; n < body.size(); n += 13) (void)parse(body.substr(0, n));
  SUCCEED();
}

// ---------------------------------------------------------------------------------------------
// parse_request: mappings

TEST(OpenAIChatParse, SystemPlacementAndToolResults) {
  auto req = parsed(R"({"model":"m","messages":[
    {"role":"system","content":"a"},
    {"role":"developer","content":[{"type":"text","text":"b"},{"type":"text","text":"c"}]},
    {"role":"user","content":"hi","name":"bob"},
    {"role":"system","content":"mid"},
    {"role":"assistant","content":null,"reasoning_content":"think","tool_calls":[
      {"id":"c1","type":"function","function":{"name":"f","arguments":""}},
      {"id":"c2","type":"function","function":{"name":"g","arguments":"{\"x\":1}"}}]},
    {"role":"tool","tool_call_id":"c1","content":"r1"},
    {"role":"tool","tool_call_id":"c2","content":[{"type":"text","text":"r2"}]},
    {"role":"user","content":[{"type":"image_url","image_url":{"url":"data:image/png;base64,QUJD"}}]}
  ]})");
  ASSERT_EQ(req.instructions.size(), 3u);
  EXPECT_EQ(req.instructions[0].role, ir::Role::System);
  EXPECT_EQ(req.instructions[1].role, ir::Role::Developer);
  EXPECT_EQ(req.instructions[2].text, "c");
  ASSERT_EQ(req.messages.size(), 5u);
  EXPECT_EQ(req.messages[0].name, "bob");
  EXPECT_EQ(req.messages[1].role, ir::Role::System);
  const auto& asst = req.messages[2];
  ASSERT_EQ(asst.parts.size(), 3u);
  EXPECT_EQ(asst.parts[0].kind, PK::Reasoning);
  EXPECT_EQ(asst.parts[1].arguments, "{}");
  EXPECT_EQ(asst.parts[2].arguments, R"({"x":1})");
  const auto& results = req.messages[3];  // both tool messages in one user turn
  ASSERT_EQ(results.parts.size(), 2u);
  EXPECT_EQ(results.parts[1].kind, PK::ToolResult);
  EXPECT_EQ(results.parts[1].id, "c2");
  EXPECT_EQ(results.parts[1].content[0].text, "r2");
  const auto& img = req.messages[4].parts[0];
  EXPECT_EQ(img.kind, PK::Image);
  EXPECT_EQ(img.media_type, "image/png");
  EXPECT_EQ(img.data, "QUJD");
  EXPECT_TRUE(img.url.empty());
}

TEST(OpenAIChatParse, TopLevelFields) {
  auto req = parsed(R"({"model":"m","messages":[],"parallel_tool_calls":false,"max_tokens":5,
    "stop":"END","reasoning_effort":"none","frequency_penalty":0.5,"presence_penalty":0,
    "logprobs":false,"modalities":["text"],"metadata":{"a":"b"},"stream":true,
    "stream_options":{"include_usage":true},"n":2,"top_k":7,"seed":3})");
  ASSERT_TRUE(req.tool_choice);
  EXPECT_EQ(req.tool_choice->mode, ir::ToolChoice::Mode::Auto);
  EXPECT_EQ(req.tool_choice->parallel_calls, false);
  EXPECT_EQ(req.max_output_tokens, 5);
  ASSERT_EQ(req.stop.size(), 1u);
  EXPECT_TRUE(req.thinking_disabled);
  EXPECT_EQ(req.metadata, R"({"a":"b"})");
  EXPECT_TRUE(req.stream && req.stream_usage);
  EXPECT_EQ(req.n, 2);
  EXPECT_EQ(req.top_k, 7);
  EXPECT_EQ(req.dropped, std::vector<std::string>{"frequency_penalty"});
}

TEST(OpenAIChatParse, LegacyFunctions) {
  auto req = parsed(R"({"messages":[{"role":"user","content":"q"},
    {"role":"assistant","content":null,"function_call":{"name":"f","arguments":"{}"}},
    {"role":"function","name":"f","content":"42"}],
    "functions":[{"name":"f","parameters":{"type":"object"}}],"function_call":{"name":"f"}})");
  ASSERT_EQ(req.tools.size(), 1u);
  ASSERT_TRUE(req.tool_choice);
  EXPECT_EQ(req.tool_choice->mode, ir::ToolChoice::Mode::Named);
  ASSERT_EQ(req.messages.size(), 3u);
  EXPECT_EQ(req.messages[1].parts[0].id, req.messages[2].parts[0].id);
}

// ---------------------------------------------------------------------------------------------
// serialize_request

ir::Part text(std::string t) {
  ir::Part p;
  p.text = std::move(t);
  return p;
}

TEST(OpenAIChatSerialize, ToolResultsBecomeToolMessagesAndImagesFollow) {
  ir::Request req;
  req.model = "gpt";
  req.instructions = {{ir::Role::System, "one", ir::CacheControl{}}, {ir::Role::Developer, "two", {}}};
  ir::Message asst{ir::Role::Assistant, {}, {}};
  ir::Part think;
  think.kind = PK::Reasoning;
  think.text = "hmm";
  think.signature = "sig";
  ir::Part call;
  call.kind = PK::ToolCall;
  call.id = "toolu_1";
  call.name = "shot";
  call.arguments = "{}";
  asst.parts = {think, call};
  ir::Part result;
  result.kind = PK::ToolResult;
  result.id = "toolu_1";
  result.is_error = true;
  ir::Part img;
  img.kind = PK::Image;
  img.media_type = "image/png";
  img.data = "QUJD";
  result.content = {text("see"), img};
  ir::Message user{ir::Role::User, {text("and?"), result}, {}};
  req.messages = {ir::Message{ir::Role::User, {text("go")}, {}}, asst, user};

  auto body = serialized(req);
  const auto& msgs = body["messages"].as_array();
  ASSERT_EQ(msgs.size(), 5u);
  EXPECT_EQ(msgs[0], bj::parse(R"({"role":"system","content":"one\n\ntwo"})"));
  EXPECT_EQ(msgs[1], bj::parse(R"({"role":"user","content":"go"})"));
  EXPECT_EQ(msgs[2], bj::parse(R"({"role":"assistant","content":null,"tool_calls":[
      {"id":"toolu_1","type":"function","function":{"name":"shot","arguments":"{}"}}]})"));
  EXPECT_EQ(msgs[3], bj::parse(R"({"role":"tool","tool_call_id":"toolu_1","content":"see"})"));
  EXPECT_EQ(msgs[4], bj::parse(R"({"role":"user","content":[
      {"type":"image_url","image_url":{"url":"data:image/png;base64,QUJD"}},{"type":"text","text":"and?"}]})"));
  EXPECT_EQ(req.dropped, std::vector<std::string>{"tool_result.is_error"});  // thinking, cache: quiet
}

TEST(OpenAIChatSerialize, ReportsWhatChatCannotExpress) {
  ir::Request req;
  req.model = "gpt";
  req.messages = {ir::Message{ir::Role::User, {text("q")}, {}}, ir::Message{ir::Role::Assistant, {text("{")}, {}}};
  req.top_k = 5;
  req.metadata = R"({"user_id":"u"})";
  req.stop = {"a", "b", "c", "d", "e"};
  req.tool_choice = ir::ToolChoice{ir::ToolChoice::Mode::Required, {}, true};  // no tools: omitted
  req.thinking_budget = 2000;
  req.stream = true;
  auto body = serialized(req);
  EXPECT_EQ(body.if_contains("tool_choice"), nullptr);
  EXPECT_EQ(body.if_contains("parallel_tool_calls"), nullptr);
  EXPECT_EQ(body.if_contains("metadata"), nullptr);
  EXPECT_EQ(body["stop"].as_array().size(), 4u);
  EXPECT_EQ(body["reasoning_effort"], "low");
  EXPECT_EQ(body["stream_options"], bj::parse(R"({"include_usage":true})"));
  for (auto what : {"top_k", "metadata", "stop", "assistant_prefill"}) EXPECT_TRUE(dropped(req, what)) << what;
  auto again = serialized(req);  // rerunning does not duplicate reports
  EXPECT_EQ(req.dropped.size(), 4u);
}

TEST(OpenAIChatSerialize, ToolsAndFormats) {
  ir::Request req;
  req.model = "gpt";
  req.messages = {ir::Message{ir::Role::User, {text("q")}, {}}};
  req.tools = {{"f", "does f", R"({"type":"object","properties":{}})", true, ir::CacheControl{}}, {"g", "", "{}", false, {}}};
  req.tool_choice = ir::ToolChoice{ir::ToolChoice::Mode::Named, "f", false};
  req.response_format = ir::ResponseFormat{ir::ResponseFormat::Kind::JsonSchema, "", R"({"type":"object"})", true};
  auto body = serialized(req);
  EXPECT_EQ(body["tools"], bj::parse(R"([
      {"type":"function","function":{"name":"f","description":"does f","parameters":{"type":"object","properties":{}},"strict":true}},
      {"type":"function","function":{"name":"g"}}])"));
  EXPECT_EQ(body["tool_choice"], bj::parse(R"({"type":"function","function":{"name":"f"}})"));
  EXPECT_EQ(body["parallel_tool_calls"], false);
  EXPECT_EQ(body["response_format"], bj::parse(R"({"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"},"strict":true}})"));
  EXPECT_TRUE(req.dropped.empty());
}

TEST(OpenAIChatSerialize, Path) {
  ir::Request req;
  EXPECT_EQ(chat().upstream_path(req), "/chat/completions");
}

// ---------------------------------------------------------------------------------------------
// parse_response / serialize_response

TEST(OpenAIChatResponse, CompatibleVariations) {
  auto r = chat().parse_response(R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant",
      "content":"","tool_calls":[{"type":"function","function":{"name":"f","arguments":{"a":1}}}]},
      "finish_reason":"stop"}]})");
  ASSERT_TRUE(std::holds_alternative<ir::Response>(r));
  const auto& res = std::get<ir::Response>(r);
  EXPECT_EQ(res.stop, ir::StopReason::ToolUse);
  ASSERT_EQ(res.content.size(), 1u);
  EXPECT_EQ(res.content[0].id, "call_0");
  EXPECT_EQ(res.content[0].arguments, R"({"a":1})");
  EXPECT_EQ(res.usage.input, 0);

  auto m = chat().parse_response(R"({"choices":[{"index":0,"message":{"role":"assistant","content":[
      {"type":"thinking","thinking":[{"type":"text","text":"a"},{"type":"text","text":"b"}]},
      {"type":"text","text":"c"}]},"finish_reason":"length"}]})");
  const auto& mres = std::get<ir::Response>(m);
  ASSERT_EQ(mres.content.size(), 2u);
  EXPECT_EQ(mres.content[0].text, "ab");
  EXPECT_EQ(mres.stop, ir::StopReason::MaxTokens);
}

TEST(OpenAIChatResponse, ErrorsAndGarbage) {
  auto e = chat().parse_response(R"({"error":{"message":"bad things","type":"server_error"}})");
  ASSERT_TRUE(std::holds_alternative<core::GatewayError>(e));
  EXPECT_EQ(std::get<core::GatewayError>(e).message, "bad things");
  EXPECT_TRUE(std::holds_alternative<core::GatewayError>(chat().parse_response("<html>")));
  EXPECT_TRUE(std::holds_alternative<core::GatewayError>(chat().parse_response(R"({"choices":7})")));
}

TEST(OpenAIChatResponse, SerializeShape) {
  ir::Response res;
  res.id = "msg_1";
  ir::Part call;
  call.kind = PK::ToolCall;
  call.id = "c";
  call.name = "f";
  call.arguments = "";
  res.content = {call};
  res.stop = ir::StopReason::EndTurn;
  res.usage = {10, 5, 4, 1, 2};
  EncodeOptions opt{"client", "gen_1", false, 7};
  auto body = bj::parse(chat().serialize_response(res, opt));
  EXPECT_EQ(body, bj::parse(R"({"id":"chatcmpl-gen_1","object":"chat.completion","created":7,"model":"client",
    "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,"tool_calls":[
      {"id":"c","type":"function","function":{"name":"f","arguments":"{}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,
      "prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})"));
}

// ---------------------------------------------------------------------------------------------
// StreamDecoder

TEST(OpenAIChatDecoder, IndependentOfChunking) {
  const auto dir = std::filesystem::path(SLUICE_SOURCE_DIR) / "tests/golden/streams";
  for (auto name : {"openai_chat-tool-calls", "openai_chat-reasoning-error"}) {
    const auto sse = read(dir / name / "input.openai_chat.sse");
    ASSERT_FALSE(sse.empty()) << name;
    const auto whole = describe(decode_in_pieces(sse, sse.size()));
    for (std::size_t piece : {1, 2, 3, 5, 64, 1000}) EXPECT_EQ(describe(decode_in_pieces(sse, piece)), whole) << name;
  }
}

TEST(OpenAIChatDecoder, CanonicalGrammarForOpenAIStream) {
  const auto sse = read(std::filesystem::path(SLUICE_SOURCE_DIR) /
                        "tests/golden/streams/openai_chat-tool-calls/input.openai_chat.sse");
  auto ev = decode_in_pieces(sse, 7);
  std::vector<EK> kinds;
  for (const auto& e : ev) {
    if (kinds.empty() || kinds.back() != e.kind || (e.kind != EK::TextDelta && e.kind != EK::ToolArgsDelta)) kinds.push_back(e.kind);
  }
  EXPECT_EQ(kinds, (std::vector<EK>{EK::Start, EK::PartStart, EK::TextDelta, EK::PartStop, EK::PartStart, EK::ToolArgsDelta,
                                     EK::PartStop, EK::PartStart, EK::ToolArgsDelta, EK::PartStop, EK::Finish, EK::Done}));
  EXPECT_EQ(ev.front().id, "chatcmpl-BqKA1nYw5uJr8ZcTq3VxP0mLd7eGs");
  const auto& fin = ev[ev.size() - 2];
  EXPECT_EQ(fin.stop, ir::StopReason::ToolUse);
  EXPECT_EQ(fin.usage.input, 1843);
  EXPECT_EQ(fin.usage.cache_read, 1536);
  EXPECT_EQ(fin.usage.reasoning, 128);
}

TEST(OpenAIChatDecoder, IndexlessToolCallsFinishWithContentNoDone) {
  // Gemini's / Ollama's compat layers: whole calls without index, finish_reason on a content
  // chunk, no usage, no [DONE].
  const std::string sse =
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hi\"}}]}\n\n"
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":["
      "{\"id\":\"a\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"q\\\":1}\"}},"
      "{\"id\":\"b\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}}]}\n\n"
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"!\"},\"finish_reason\":\"stop\"}]}\n\n";
  auto ev = decode_in_pieces(sse, 4);
  EXPECT_EQ(describe(ev),
            "0:0::::x|1:0::::|2:0:Hi:::|6:0::::|1:1::a:f:|5:1:{\"q\":1}:::|6:1::::|1:2::b:g:|"
            "5:2:{}:::|6:2::::|1:3::::|2:3:!:::|6:3::::|8:0::::|10:0::::|");
  EXPECT_EQ(ev[ev.size() - 2].stop, ir::StopReason::ToolUse);  // "stop" after calls
}

TEST(OpenAIChatDecoder, ReasoningUsageVariantsAndErrors) {
  const std::string sse =
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"r\"}}]}\n\n"
      ": keep-alive\n\n"
      "data: not json\n\n"
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"},\"finish_reason\":\"length\"}],"
      "\"x_groq\":{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}}\n\n"
      "data: [DONE]\n\n"
      "data: {\"id\":\"late\"}\n\n";
  auto ev = decode_in_pieces(sse, 3);
  ASSERT_EQ(ev.size(), 9u);
  EXPECT_EQ(ev[1].part.kind, PK::Reasoning);
  EXPECT_EQ(ev[2].kind, EK::ReasoningDelta);
  EXPECT_EQ(ev[7].stop, ir::StopReason::MaxTokens);
  EXPECT_EQ(ev[7].usage.input, 3);
  EXPECT_EQ(ev[8].kind, EK::Done);

  auto err = decode_in_pieces(
      "data: {\"id\":\"x\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"t\"}}]}\n\n"
      "data: {\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n",
      5);
  ASSERT_EQ(err.back().kind, EK::Error);  // terminal: on_end adds nothing after it
  EXPECT_EQ(err.back().error_type, "rate_limit_error");
  EXPECT_EQ(err.back().text, "Rate limit reached");

  auto azure = decode_in_pieces(
      "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[]}\n\n"
      "data: {\"id\":\"chatcmpl-az\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n",
      9);
  ASSERT_FALSE(azure.empty());
  EXPECT_EQ(azure[0].kind, EK::Start);
  EXPECT_EQ(azure[0].id, "chatcmpl-az");  // the prompt-filter chunk did not start the stream

  auto empty = decode_in_pieces("", 1);  // upstream closed at once: still a complete grammar
  ASSERT_EQ(empty.size(), 3u);
  EXPECT_EQ(empty[0].kind, EK::Start);
  EXPECT_EQ(empty[2].kind, EK::Done);
}

// ---------------------------------------------------------------------------------------------
// StreamEncoder

ir::Event event(EK kind, int index = 0, std::string text = {}) {
  ir::Event e;
  e.kind = kind;
  e.index = index;
  e.text = std::move(text);
  return e;
}

TEST(OpenAIChatEncoder, ExactGrammar) {
  EncodeOptions opt{"client-model", "gen_1", true, 1700000000};
  auto enc = chat().encoder(opt);
  std::vector<ir::Event> events;
  auto start = event(EK::Start);
  start.id = "msg_upstream";
  events.push_back(start);
  auto ps = event(EK::PartStart, 0);
  ps.part.kind = PK::Reasoning;
  events.push_back(ps);
  events.push_back(event(EK::ReasoningDelta, 0, "hm"));
  events.push_back(event(EK::SignatureDelta, 0, "sig"));
  events.push_back(event(EK::PartStop, 0));
  auto pt = event(EK::PartStart, 1);
  pt.part.kind = PK::Text;
  events.push_back(pt);
  events.push_back(event(EK::TextDelta, 1, "Hi \"you\"\n"));
  events.push_back(event(EK::PartStop, 1));
  auto pc = event(EK::PartStart, 2);
  pc.part.kind = PK::ToolCall;
  pc.part.id = "call_1";
  pc.part.name = "f";
  events.push_back(pc);
  events.push_back(event(EK::ToolArgsDelta, 2, "{\"a\":"));
  events.push_back(event(EK::ToolArgsDelta, 2, "1}"));
  events.push_back(event(EK::PartStop, 2));
  auto pc2 = event(EK::PartStart, 3);
  pc2.part.kind = PK::ToolCall;
  pc2.part.id = "call_2";
  pc2.part.name = "g";
  events.push_back(pc2);
  events.push_back(event(EK::PartStop, 3));
  auto fin = event(EK::Finish);
  fin.stop = ir::StopReason::ToolUse;
  fin.usage = {10, 5, 4, 0, 2};
  events.push_back(fin);
  events.push_back(event(EK::Done));
  std::string out;
  for (const auto& e : events) enc->on_event(e, out);
  const std::string p =
      R"(data: {"id":"chatcmpl-gen_1","object":"chat.completion.chunk","created":1700000000,"model":"client-model","choices":[)";
  const std::string expected =
      p + R"({"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{"reasoning_content":"hm"},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{"content":"Hi \"you\"\n"},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f","arguments":""}}]},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"a\":"}}]},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"1}"}}]},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","type":"function","function":{"name":"g","arguments":""}}]},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{"tool_calls":[{"index":1,"function":{"arguments":"{}"}}]},"finish_reason":null}]})" "\n\n" +
      p + R"({"index":0,"delta":{},"finish_reason":"tool_calls"}]})" "\n\n" +
      p + R"(],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4},"completion_tokens_details":{"reasoning_tokens":2}}})" "\n\n"
      "data: [DONE]\n\n";
  EXPECT_EQ(out, expected);
}

TEST(OpenAIChatEncoder, ErrorEndsTheStreamAndNoUsageWithoutIncludeUsage) {
  EncodeOptions opt{"m", "gen_2", false, 1};
  auto enc = chat().encoder(opt);
  std::string out;
  enc->on_event(event(EK::Start), out);
  auto err = event(EK::Error, 0, "Overloaded");
  err.error_type = "overloaded_error";
  enc->on_event(err, out);
  enc->on_event(event(EK::Done), out);
  EXPECT_EQ(out,
            "data: {\"id\":\"chatcmpl-gen_2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":["
            "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
            "data: {\"error\":{\"message\":\"Overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":\"overloaded_error\"}}\n\n");

  auto enc2 = chat().encoder(opt);
  std::string out2;
  auto fin = event(EK::Finish);
  fin.stop = ir::StopReason::MaxTokens;
  for (const auto& e : {event(EK::Start), fin, event(EK::Done)}) enc2->on_event(e, out2);
  EXPECT_EQ(out2.find("usage"), std::string::npos);
  EXPECT_NE(out2.find("\"finish_reason\":\"length\""), std::string::npos);
  EXPECT_TRUE(out2.ends_with("data: [DONE]\n\n"));
}

// ---------------------------------------------------------------------------------------------
// parse_error

TEST(OpenAIChatErrors, Shapes) {
  auto e = chat().parse_error(429, R"({"error":{"message":"Slow down","type":"requests","param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(e.kind, core::ErrorKind::RateLimited);
  EXPECT_EQ(e.message, "Slow down");
  EXPECT_EQ(e.code, "rate_limit_exceeded");
  EXPECT_EQ(chat().parse_error(404, R"({"error":"model 'llama9' not found"})").message, "model 'llama9' not found");
  EXPECT_EQ(chat().parse_error(400, R"({"object":"error","message":"bad","type":"BadRequestError","code":400})").message, "bad");
  EXPECT_EQ(chat().parse_error(422, R"({"detail":[{"loc":["body"],"msg":"field required"}]})").message, "field required");
  auto html = chat().parse_error(502, "<html>bad gateway</html>");
  EXPECT_EQ(html.kind, core::ErrorKind::UpstreamUnreachable);
  EXPECT_EQ(html.message, "upstream returned HTTP 502");
  auto longmsg = chat().parse_error(500, R"({"error":{"message":")" + std::string(2000, 'x') + "\"}}");
  EXPECT_LT(longmsg.message.size(), 600u);
}

}  // namespace
}  // namespace sluice::protocol
