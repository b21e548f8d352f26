// The Anthropic Messages codec: what the goldens do not pin down well — field-naming errors on
// malformed input, Anthropic's request constraints, chunking independence of the decoder and
// the encoder's exact bytes.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "protocol/codecs.hpp"

namespace sluice::protocol {
namespace {

namespace bj = boost::json;
using EK = ir::Event::Kind;

const WireCodec& codec() {
  return anthropic::codec();
}

ir::Request parse_ok(std::string_view body) {
  auto r = codec().parse_request(body, {Endpoint::Messages, "", false});
  if (auto* e = std::get_if<core::GatewayError>(&r)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  return std::get<ir::Request>(std::move(r));
}

std::string parse_err(std::string_view body) {
  auto r = codec().parse_request(body, {Endpoint::Messages, "", false});
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

ir::Message text_message(ir::Role role, std::string text) {
  ir::Message m;
  m.role = role;
  ir::Part p;
  p.text = std::move(text);
  m.parts.push_back(std::move(p));
  return m;
}

// ---- parse_request ----

TEST(AnthropicParse, MalformedInputNamesTheField) {
  struct Case {
    std::string_view body;
    std::string_view message;
  };
  const Case cases[] = {
      {R"({"messages":[)", "body: invalid JSON"},
      {R"([1,2])", "body: must be a JSON object"},
      {R"({"model":"m"})", "messages: required"},
      {R"({"messages":{}})", "messages: must be an array"},
      {R"({"messages":[{"role":"robot","content":"x"}]})",
       "messages[0].role: unknown role 'robot'"},
      {R"({"messages":[{"role":"user"}]})", "messages[0].content: required"},
      {R"({"messages":[{"role":"user","content":7}]})",
       "messages[0].content: must be a string or an array"},
      {R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":[{"type":"text","text":"x"},{"type":"x"}]}]})",
       "messages[1].content[1]: unknown part type 'x'"},
      {R"({"messages":[{"role":"user","content":[{"type":"text","text":5}]}]})",
       "messages[0].content[0].text: must be a string"},
      {R"({"messages":[{"role":"user","content":[{"type":"image","source":{"type":"ftp"}}]}]})",
       "messages[0].content[0].source.type: unsupported source type 'ftp'"},
      {R"({"messages":[{"role":"user","content":[{"type":"image"}]}]})",
       "messages[0].content[0].source: required"},
      {R"({"messages":[{"role":"assistant","content":[{"type":"tool_use","name":"f","input":{}}]}]})",
       "messages[0].content[0].id: must be a string"},
      {R"({"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":[{"type":"thinking"}]}]}]})",
       "messages[0].content[0].content[0]: unknown part type 'thinking'"},
      {R"({"messages":[{"role":"user","content":[{"type":"tool_result"}]}]})",
       "messages[0].content[0].tool_use_id: must be a string"},
      {R"({"messages":[],"system":[{"type":"image"}]})",
       "system[0]: unsupported block type 'image'"},
      {R"({"messages":[],"system":5})", "system: must be a string or an array"},
      {R"({"messages":[],"tools":[{"input_schema":{}}]})", "tools[0].name: must be a string"},
      {R"({"messages":[],"tool_choice":{"type":"sometimes"}})",
       "tool_choice.type: unknown tool_choice type 'sometimes'"},
      {R"({"messages":[],"tool_choice":{"type":"tool"}})", "tool_choice.name: must be a string"},
      {R"({"messages":[],"temperature":"hot"})", "temperature: must be a number"},
      {R"({"messages":[],"max_tokens":"many"})", "max_tokens: must be a number"},
      {R"({"messages":[],"stop_sequences":["a",1]})", "stop_sequences[1]: must be a string"},
      {R"({"messages":[],"thinking":{"type":"enabled"}})",
       "thinking.budget_tokens: must be an integer"},
      {R"({"messages":[],"thinking":{"type":"maybe"}})",
       "thinking.type: unknown thinking type 'maybe'"},
      {R"({"messages":[],"output_config":{"effort":"extreme"}})",
       "output_config.effort: unknown effort 'extreme'"},
      {R"({"messages":[],"output_config":{"format":{"type":"xml"}}})",
       "output_config.format.type: unsupported format type 'xml'"},
      {R"({"messages":[],"metadata":{"user_id":5}})", "metadata.user_id: must be a string"},
      {R"({"messages":[],"stream":"yes"})", "stream: must be a boolean"},
      {R"({"model":5,"messages":[]})", "model: must be a string"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(std::string(c.body));
    EXPECT_TRUE(parse_err(c.body).starts_with(c.message)) << parse_err(c.body);
  }
}

TEST(AnthropicParse, ArbitraryBytesNeverThrow) {
  const std::string_view bodies[] = {"",
                                     "null",
                                     "\"x\"",
                                     "{\"messages\":[null]}",
                                     "{\"messages\":[{\"role\":5}]}",
                                     "{\"messages\":[],\"tools\":[5]}",
                                     "{\"messages\":[],\"tool_choice\":5}",
                                     "{\"messages\":[],\"thinking\":[]}",
                                     "{\"messages\":[],\"metadata\":[]}",
                                     "\xff\xfe{"};
  for (auto b : bodies) {
    auto r = codec().parse_request(b, {});
    EXPECT_TRUE(std::holds_alternative<core::GatewayError>(r)) << b;
  }
}

TEST(AnthropicParse, SystemBlocksAndMidConversationSystem) {
  auto req = parse_ok(R"({"model":"m","system":[{"type":"text","text":"a"},
    {"type":"text","text":"b","cache_control":{"type":"ephemeral","ttl":"1h"}}],
    "messages":[{"role":"user","content":"hi"},{"role":"system","content":"mid"}]})");
  ASSERT_EQ(req.instructions.size(), 2u);
  EXPECT_EQ(req.instructions[0].text, "a");
  EXPECT_FALSE(req.instructions[0].cache_control);
  ASSERT_TRUE(req.instructions[1].cache_control);
  EXPECT_EQ(req.instructions[1].cache_control->ttl, "1h");
  ASSERT_EQ(req.messages.size(), 2u);
  EXPECT_EQ(req.messages[1].role, ir::Role::System);
  EXPECT_EQ(req.messages[1].parts[0].text, "mid");
}

TEST(AnthropicParse, ControlsAndSampling) {
  auto req = parse_ok(R"({"model":"m","max_tokens":100,"messages":[],"temperature":0.5,"top_k":3,
    "stop_sequences":["x"],"stream":true,"metadata":{"user_id":"u1"},
    "tool_choice":{"type":"any","disable_parallel_tool_use":true},
    "thinking":{"type":"adaptive"},"output_config":{"effort":"max"},
    "tools":[{"name":"f","input_schema":{"type":"object"},"strict":true,"cache_control":{"type":"ephemeral"}},
             {"type":"web_search_20250305","name":"web_search"}]})");
  EXPECT_EQ(req.max_output_tokens, 100);
  EXPECT_EQ(req.temperature, 0.5);
  EXPECT_EQ(req.top_k, 3);
  EXPECT_EQ(req.stop, std::vector<std::string>{"x"});
  EXPECT_TRUE(req.stream);
  EXPECT_TRUE(req.stream_usage);
  EXPECT_EQ(req.user, "u1");
  ASSERT_TRUE(req.tool_choice);
  EXPECT_EQ(req.tool_choice->mode, ir::ToolChoice::Mode::Required);
  EXPECT_EQ(req.tool_choice->parallel_calls, false);
  EXPECT_TRUE(req.include_reasoning);
  EXPECT_EQ(req.reasoning_effort, ir::Effort::High);
  EXPECT_FALSE(req.thinking_budget);
  ASSERT_EQ(req.tools.size(), 1u);
  EXPECT_TRUE(req.tools[0].strict);
  EXPECT_TRUE(req.tools[0].cache_control);
  EXPECT_TRUE(dropped(req, "tools.web_search_20250305"));

  auto off = parse_ok(R"({"messages":[],"thinking":{"type":"disabled"}})");
  EXPECT_TRUE(off.thinking_disabled);
  auto on = parse_ok(R"({"messages":[],"thinking":{"type":"enabled","budget_tokens":2048}})");
  EXPECT_EQ(on.thinking_budget, 2048);
}

TEST(AnthropicParse, PartsAndSources) {
  auto req = parse_ok(R"({"messages":[{"role":"user","content":[
    {"type":"document","source":{"type":"text","media_type":"text/plain","data":"hello"},"title":"h.txt"},
    {"type":"image","source":{"type":"file","file_id":"file_1"}},
    {"type":"tool_result","tool_use_id":"t1","is_error":true,"content":[{"type":"text","text":"boom"}]}]},
    {"role":"assistant","content":[{"type":"redacted_thinking","data":"Eabc"},{"type":"tool_use","id":"t2","name":"f"}]}]})");
  const auto& u = req.messages[0].parts;
  EXPECT_EQ(u[0].kind, ir::Part::Kind::Document);
  EXPECT_EQ(u[0].data, "aGVsbG8=");
  EXPECT_EQ(u[0].filename, "h.txt");
  EXPECT_EQ(u[1].file_id, "file_1");
  EXPECT_TRUE(u[2].is_error);
  EXPECT_EQ(u[2].content[0].text, "boom");
  const auto& a = req.messages[1].parts;
  EXPECT_EQ(a[0].kind, ir::Part::Kind::RedactedReasoning);
  EXPECT_EQ(a[1].arguments, "{}");
}

// ---- serialize_request ----

TEST(AnthropicSerialize, RequiredMaxTokensAndPath) {
  ir::Request req;
  req.model = "claude";
  req.messages.push_back(text_message(ir::Role::User, "hi"));
  auto o = serialize(req);
  EXPECT_EQ(o.at("max_tokens").as_int64(), 8192);
  EXPECT_EQ(o.at("model").as_string(), "claude");
  EXPECT_FALSE(o.contains("stream"));
  EXPECT_EQ(codec().upstream_path(req), "/v1/messages");
  EXPECT_TRUE(req.dropped.empty());
}

TEST(AnthropicSerialize, ThinkingBudgetFitsUnderMaxTokens) {
  ir::Request req;
  req.messages.push_back(text_message(ir::Role::User, "hi"));
  req.reasoning_effort = ir::Effort::High;  // 32000
  req.max_output_tokens = 5000;
  req.temperature = 0.3;
  req.top_k = 4;
  auto o = serialize(req);
  EXPECT_EQ(o.at("thinking").at("budget_tokens").as_int64(), 2500);
  EXPECT_FALSE(o.contains("temperature"));
  EXPECT_FALSE(o.contains("top_k"));
  EXPECT_TRUE(dropped(req, "temperature"));
  EXPECT_TRUE(dropped(req, "top_k"));

  ir::Request tiny;
  tiny.messages.push_back(text_message(ir::Role::User, "hi"));
  tiny.thinking_budget = 2000;
  tiny.max_output_tokens = 800;
  auto t = serialize(tiny);
  EXPECT_FALSE(t.contains("thinking"));
  EXPECT_TRUE(dropped(tiny, "thinking"));

  ir::Request off;
  off.messages.push_back(text_message(ir::Role::User, "hi"));
  off.reasoning_effort = ir::Effort::Low;
  off.thinking_disabled = true;
  EXPECT_EQ(bj::serialize(serialize(off).at("thinking")), R"({"type":"disabled"})");
  EXPECT_FALSE(
      parse_ok(
          R"({"messages":[],"thinking":{"type":"disabled"},"output_config":{"effort":"high"}})")
          .reasoning_effort);

  ir::Request unlimited;
  unlimited.messages.push_back(text_message(ir::Role::User, "hi"));
  unlimited.thinking_budget = 10000;
  auto u = serialize(unlimited);
  EXPECT_EQ(u.at("max_tokens").as_int64(), 18192);
  EXPECT_EQ(u.at("thinking").at("budget_tokens").as_int64(), 10000);
}

TEST(AnthropicSerialize, ThinkingOffWhenToolUseIsForced) {
  ir::Request req;
  req.messages.push_back(text_message(ir::Role::User, "hi"));
  req.tools.push_back({"f", "", "{}", false, {}});
  req.tool_choice = ir::ToolChoice{ir::ToolChoice::Mode::Named, "f", false};
  req.thinking_budget = 2048;
  auto o = serialize(req);
  EXPECT_FALSE(o.contains("thinking"));
  EXPECT_TRUE(dropped(req, "thinking"));
  EXPECT_EQ(o.at("tool_choice").at("type").as_string(), "tool");
  EXPECT_EQ(o.at("tool_choice").at("disable_parallel_tool_use").as_bool(), true);
  EXPECT_EQ(o.at("tools").at(0).at("input_schema").at("type").as_string(), "object");
}

ir::Request tool_loop(std::string signature) {
  ir::Request req;
  req.messages.push_back(text_message(ir::Role::User, "weather?"));
  ir::Message a;
  a.role = ir::Role::Assistant;
  ir::Part r;
  r.kind = ir::Part::Kind::Reasoning;
  r.text = "think";
  r.signature = std::move(signature);
  a.parts.push_back(r);
  ir::Part call;
  call.kind = ir::Part::Kind::ToolCall;
  call.id = "call.1";
  call.name = "get_weather";
  call.arguments = R"({"city":"Paris"})";
  a.parts.push_back(call);
  req.messages.push_back(a);
  ir::Message u;
  ir::Part res;
  res.kind = ir::Part::Kind::ToolResult;
  res.id = "call.1";
  res.content.push_back(text_message(ir::Role::User, "sunny").parts[0]);
  u.parts.push_back(res);
  req.messages.push_back(u);
  req.thinking_budget = 2048;
  return req;
}

TEST(AnthropicSerialize, ForeignReasoningIsDroppedQuietlyAndThinkingFollows) {
  auto own = tool_loop("EqQBsig");
  auto o = serialize(own);
  EXPECT_TRUE(o.contains("thinking"));
  EXPECT_EQ(o.at("messages").at(1).at("content").at(0).at("type").as_string(), "thinking");
  EXPECT_TRUE(own.dropped.empty());

  auto foreign = tool_loop("gAAAAABopenai");
  auto f = serialize(foreign);
  EXPECT_EQ(f.at("messages").at(1).at("content").at(0).at("type").as_string(), "tool_use");
  // The tool turn no longer opens with thinking, which Anthropic requires when thinking is on.
  EXPECT_FALSE(f.contains("thinking"));
  EXPECT_EQ(foreign.dropped, std::vector<std::string>{"thinking"});
  // Tool ids are mapped onto Anthropic's alphabet, the same way for the call and its result;
  // the history's tools were not declared, so they are, with new calls forbidden.
  EXPECT_EQ(f.at("messages").at(1).at("content").at(0).at("id").as_string(), "call_1");
  EXPECT_EQ(f.at("messages").at(2).at("content").at(0).at("tool_use_id").as_string(), "call_1");
  EXPECT_EQ(f.at("tools").at(0).at("name").as_string(), "get_weather");
  EXPECT_EQ(f.at("tool_choice").at("type").as_string(), "none");
}

TEST(AnthropicSerialize, MissingToolIdsArePaired) {
  ir::Request req;
  ir::Message a;
  a.role = ir::Role::Assistant;
  for (const char* name : {"f", "g"}) {
    ir::Part call;
    call.kind = ir::Part::Kind::ToolCall;
    call.name = name;
    a.parts.push_back(call);
  }
  req.messages.push_back(a);
  ir::Message u;
  for (int i = 0; i < 2; ++i) {
    ir::Part res;
    res.kind = ir::Part::Kind::ToolResult;
    u.parts.push_back(res);
  }
  req.messages.push_back(u);
  auto o = serialize(req);
  const auto& calls = o.at("messages").at(0).at("content").as_array();
  const auto& results = o.at("messages").at(1).at("content").as_array();
  EXPECT_EQ(calls.at(0).at("id"), results.at(0).at("tool_use_id"));
  EXPECT_EQ(calls.at(1).at("id"), results.at(1).at("tool_use_id"));
  EXPECT_NE(calls.at(0).at("id"), calls.at(1).at("id"));
}

TEST(AnthropicSerialize, ToolResultsLeadTheirTurn) {
  auto req = tool_loop("EqQBsig");
  req.messages[2].parts.insert(req.messages[2].parts.begin(),
                               text_message(ir::Role::User, "note").parts[0]);
  auto o = serialize(req);
  const auto& blocks = o.at("messages").at(2).at("content").as_array();
  EXPECT_EQ(blocks.at(0).at("type").as_string(), "tool_result");
  EXPECT_EQ(blocks.at(1).at("text").as_string(), "note");
}

TEST(AnthropicSerialize, RolesMergeAndSystemMoves) {
  ir::Request req;
  req.instructions.push_back({ir::Role::Developer, "dev", ir::CacheControl{}});
  req.messages.push_back(text_message(ir::Role::System, "leading"));
  req.messages.push_back(text_message(ir::Role::User, "a"));
  req.messages.push_back(text_message(ir::Role::System, "mid"));
  req.messages.push_back(text_message(ir::Role::User, "b"));
  req.messages.push_back(text_message(ir::Role::Assistant, ""));  // empty: disappears
  req.messages.push_back(text_message(ir::Role::User, "c"));
  req.messages.push_back(text_message(ir::Role::Assistant, "prefill \n"));
  auto o = serialize(req);
  const auto& sys = o.at("system").as_array();
  ASSERT_EQ(sys.size(), 2u);
  EXPECT_EQ(sys.at(0).at("cache_control").at("type").as_string(), "ephemeral");
  EXPECT_EQ(sys.at(1).at("text").as_string(), "leading");
  const auto& msgs = o.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs.at(0).at("content").as_array().size(), 4u);  // a, mid, b, c
  EXPECT_EQ(msgs.at(1).at("content").at(0).at("text").as_string(), "prefill");
}

TEST(AnthropicSerialize, ReportedDrops) {
  ir::Request req;
  req.messages.push_back(text_message(ir::Role::User, "hi"));
  ir::Part doc;
  doc.kind = ir::Part::Kind::Document;
  doc.media_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  doc.data = "UEsDBA==";
  req.messages[0].parts.push_back(doc);
  ir::Part txt;
  txt.kind = ir::Part::Kind::Document;
  txt.media_type = "text/plain";
  txt.data = "aGVsbG8=";
  req.messages[0].parts.push_back(txt);
  ir::Part heic;
  heic.kind = ir::Part::Kind::Image;
  heic.media_type = "image/heic";
  heic.data = "AAAA";
  req.messages[0].parts.push_back(heic);
  req.seed = 7;
  req.metadata = R"({"k":"v"})";
  req.response_format = ir::ResponseFormat{ir::ResponseFormat::Kind::JsonObject, "", "", false};
  req.temperature = 1.6;
  req.top_p = 0.5;
  auto o = serialize(req);
  EXPECT_TRUE(dropped(req, "seed"));
  EXPECT_TRUE(dropped(req, "metadata"));
  EXPECT_TRUE(dropped(req, "response_format"));
  EXPECT_TRUE(dropped(req, "top_p"));
  EXPECT_TRUE(dropped(
      req, "document.application/vnd.openxmlformats-officedocument.wordprocessingml.document"));
  EXPECT_TRUE(dropped(req, "image.image/heic"));
  EXPECT_EQ(o.at("temperature").as_double(), 1.0);
  const auto& parts = o.at("messages").at(0).at("content").as_array();
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts.at(1).at("source").at("type").as_string(), "text");
  EXPECT_EQ(parts.at(1).at("source").at("data").as_string(), "hello");
}

TEST(AnthropicSerialize, PrefillRulesOutThinkingAndJsonOutput) {
  ir::Request req;
  req.messages.push_back(text_message(ir::Role::User, "hi"));
  req.messages.push_back(text_message(ir::Role::Assistant, "{\"a\":"));
  req.thinking_budget = 2048;
  req.response_format =
      ir::ResponseFormat{ir::ResponseFormat::Kind::JsonSchema, "x", R"({"type":"object"})", true};
  req.stop = {"\n\n", "END"};
  ir::Part foreign;
  foreign.kind = ir::Part::Kind::Document;
  foreign.file_id = "file-6F2ksmvXxt4VdoqmHRw6kL";  // another provider's file id
  req.messages[0].parts.push_back(foreign);
  auto o = serialize(req);
  EXPECT_FALSE(o.contains("thinking"));
  EXPECT_FALSE(o.contains("output_config"));
  EXPECT_EQ(bj::serialize(o.at("stop_sequences")), R"(["END"])");
  EXPECT_EQ(o.at("messages").at(1).at("content").at(0).at("text").as_string(), "{\"a\":");
  EXPECT_EQ(o.at("messages").at(0).at("content").as_array().size(), 1u);  // the file is gone
  EXPECT_EQ(req.dropped,
            (std::vector<std::string>{"file_id", "thinking", "stop", "response_format"}));
}

TEST(AnthropicSerialize, StructuredOutput) {
  ir::Request req;
  req.messages.push_back(text_message(ir::Role::User, "hi"));
  req.response_format =
      ir::ResponseFormat{ir::ResponseFormat::Kind::JsonSchema, "x", R"({"type":"object"})", true};
  auto o = serialize(req);
  EXPECT_EQ(bj::serialize(o.at("output_config")),
            R"({"format":{"type":"json_schema","schema":{"type":"object"}}})");
}

// ---- responses ----

TEST(AnthropicResponse, UsageIncludesCacheInIr) {
  auto r = codec().parse_response(R"({"id":"msg_1","type":"message","role":"assistant","model":"m",
    "content":[{"type":"text","text":"hi"},{"type":"server_tool_use","id":"s","name":"web_search","input":{}}],
    "stop_reason":"stop_sequence","stop_sequence":"###",
    "usage":{"input_tokens":10,"cache_read_input_tokens":100,"cache_creation_input_tokens":5,"output_tokens":7}})");
  ASSERT_TRUE(std::holds_alternative<ir::Response>(r));
  const auto& res = std::get<ir::Response>(r);
  EXPECT_EQ(res.usage.input, 115);
  EXPECT_EQ(res.usage.cache_read, 100);
  EXPECT_EQ(res.usage.cache_write, 5);
  EXPECT_EQ(res.stop, ir::StopReason::StopSequence);
  EXPECT_EQ(res.stop_sequence, "###");
  ASSERT_EQ(res.content.size(), 1u);

  EncodeOptions opt{"client", "gen_1", false, 0};
  auto out = bj::parse(codec().serialize_response(res, opt)).as_object();
  EXPECT_EQ(out.at("id").as_string(), "msg_1");
  EXPECT_EQ(out.at("model").as_string(), "client");
  EXPECT_EQ(out.at("usage").at("input_tokens").as_int64(), 10);
  EXPECT_EQ(out.at("stop_sequence").as_string(), "###");

  ir::Response other = res;
  other.id = "chatcmpl-9";
  auto o2 = bj::parse(codec().serialize_response(other, opt)).as_object();
  EXPECT_EQ(o2.at("id").as_string(), "msg_gen_1");
}

TEST(AnthropicResponse, BrokenBodies) {
  EXPECT_TRUE(std::holds_alternative<core::GatewayError>(codec().parse_response("nope")));
  auto e = codec().parse_response(
      R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  ASSERT_TRUE(std::holds_alternative<core::GatewayError>(e));
  EXPECT_EQ(std::get<core::GatewayError>(e).message, "Overloaded");
}

TEST(AnthropicErrors, KindFollowsStatus) {
  auto e = codec().parse_error(
      429,
      R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"},"request_id":"r"})");
  EXPECT_EQ(e.kind, core::ErrorKind::RateLimited);
  EXPECT_EQ(e.message, "slow down");
  EXPECT_EQ(
      codec()
          .parse_error(
              529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})")
          .kind,
      core::ErrorKind::Unavailable);
  auto html = codec().parse_error(502, "<html>bad gateway</html>");
  EXPECT_EQ(html.kind, core::ErrorKind::UpstreamUnreachable);
  EXPECT_EQ(html.message, "upstream returned HTTP 502");
  auto longmsg = codec().parse_error(
      400, R"({"type":"error","error":{"type":"invalid_request_error","message":")" +
               std::string(2000, 'x') + "\"}}");
  EXPECT_LT(longmsg.message.size(), 600u);
}

// ---- stream decoder ----

constexpr std::string_view kStream =
    "event: message_start\n"
    "data: "
    "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"model\":\"m\",\"usage\":{\"input_"
    "tokens\":5,"
    "\"cache_read_input_tokens\":10,\"output_tokens\":1}}}\n\n"
    ": comment\n\n"
    "event: ping\ndata: {\"type\":\"ping\"}\n\n"
    "event: content_block_start\ndata: "
    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
    "{\"type\":\"server_tool_use\",\"id\":\"s\",\"name\":\"web_search\",\"input\":{}}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
    "{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}\n\n"
    "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: content_block_start\r\ndata: "
    "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
    "{\"type\":\"text\",\"text\":\"\"}}\r\n\r\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":"
    "{\"type\":\"text_delta\",\"text\":\"h\\u00e9\"}}\n\n"
    "event: content_block_start\ndata: "
    "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":"
    "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}}\n\n"
    "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":"
    "{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"a\\\":1}\"}}\n\n"
    "event: message_delta\ndata: "
    "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
    "\"stop_sequence\":null},\"usage\":{\"output_tokens\":9}}\n\n";

std::vector<ir::Event> decode(std::string_view text, std::size_t chunk) {
  auto d = codec().decoder();
  std::vector<ir::Event> out;
  http::SseReader reader;
  for (std::size_t i = 0; i < text.size(); i += chunk) {
    reader.feed(text.substr(i, chunk), [&](const http::SseEvent& e) { d->on_event(e, out); });
  }
  d->on_end(out);
  return out;
}

std::string describe(const std::vector<ir::Event>& evs) {
  std::string s;
  for (const auto& e : evs) {
    s += std::to_string(static_cast<int>(e.kind)) + ":" + std::to_string(e.index) + ":" + e.text +
         ":" + e.part.id + "|";
  }
  return s;
}

TEST(AnthropicDecoder, IndependentOfChunking) {
  const auto whole = decode(kStream, kStream.size());
  for (std::size_t chunk : {1u, 2u, 3u, 7u, 64u}) {
    EXPECT_EQ(describe(decode(kStream, chunk)), describe(whole)) << chunk;
  }
  // Server-tool blocks are skipped and IR indices stay dense; the truncated stream is closed.
  std::vector<EK> kinds;
  for (const auto& e : whole) kinds.push_back(e.kind);
  const std::vector<EK> want{EK::Start,     EK::PartStart,     EK::TextDelta,
                             EK::PartStart, EK::ToolArgsDelta, EK::PartStop,
                             EK::PartStop,  EK::Finish,        EK::Done};
  EXPECT_EQ(kinds, want);
  EXPECT_EQ(whole[0].usage.input, 15);
  EXPECT_EQ(whole[1].index, 0);
  EXPECT_EQ(whole[2].text, "h\xc3\xa9");
  EXPECT_EQ(whole[3].index, 1);
  EXPECT_EQ(whole[3].part.id, "toolu_1");
  EXPECT_EQ(whole[7].stop, ir::StopReason::ToolUse);
  EXPECT_EQ(whole[7].usage.output, 9);
  EXPECT_EQ(whole[7].usage.cache_read, 10);
}

TEST(AnthropicDecoder, ErrorEndsTheStream) {
  auto evs = decode(
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\"}}\n\n"
      "event: error\ndata: "
      "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"
      "\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
      5);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[1].kind, EK::Error);
  EXPECT_EQ(evs[1].error_type, "overloaded_error");
  EXPECT_EQ(evs[1].text, "Overloaded");
}

TEST(AnthropicDecoder, GarbageIsIgnored) {
  auto evs = decode("data: not json\n\nevent: content_block_delta\ndata: {\"index\":99}\n\n", 4);
  std::vector<EK> kinds;
  for (const auto& e : evs) kinds.push_back(e.kind);
  EXPECT_EQ(kinds, (std::vector<EK>{EK::Start, EK::Finish, EK::Done}));
}

// ---- stream encoder ----

ir::Event ev(EK kind, int index = 0, std::string text = {}) {
  ir::Event e;
  e.kind = kind;
  e.index = index;
  e.text = std::move(text);
  return e;
}

TEST(AnthropicEncoder, ExactGrammar) {
  auto enc = codec().encoder({"client", "gen_1", false, 0});
  std::string out;
  auto start = ev(EK::Start);
  start.id = "chatcmpl-1";
  start.usage.input = 30;
  start.usage.cache_read = 10;
  enc->on_event(start, out);
  auto ps = ev(EK::PartStart, 0);
  ps.part.kind = ir::Part::Kind::Text;
  enc->on_event(ps, out);
  enc->on_event(ev(EK::TextDelta, 0, "a\"b\n\x01"), out);
  auto tc = ev(EK::PartStart, 1);
  tc.part.kind = ir::Part::Kind::ToolCall;
  tc.part.id = "call_9";
  tc.part.name = "f";
  enc->on_event(tc, out);  // closes block 0 first
  enc->on_event(ev(EK::ToolArgsDelta, 1, "{\"x\":"), out);
  enc->on_event(ev(EK::ToolArgsDelta, 1, "1}"), out);
  enc->on_event(ev(EK::PartStop, 1), out);
  auto fin = ev(EK::Finish);
  fin.stop = ir::StopReason::ToolUse;
  fin.usage.input = 30;
  fin.usage.cache_read = 10;
  fin.usage.output = 12;
  enc->on_event(fin, out);
  enc->on_event(ev(EK::Done), out);
  enc->on_event(ev(EK::TextDelta, 0, "late"), out);  // after message_stop: nothing
  EXPECT_EQ(
      out,
      "event: message_start\n"
      "data: "
      "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_gen_1\",\"type\":\"message\",\"role\":"
      "\"assistant\","
      "\"model\":\"client\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{"
      "\"input_tokens\":20,"
      "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":10,\"output_tokens\":0}}}\n\n"
      "event: content_block_start\n"
      "data: "
      "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":"
      "\"\"}}\n\n"
      "event: content_block_delta\n"
      "data: "
      "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
      "\"a\\\"b\\n\\u0001\"}}\n\n"
      "event: content_block_stop\n"
      "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
      "event: content_block_start\n"
      "data: "
      "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
      "\"id\":\"call_9\","
      "\"name\":\"f\",\"input\":{}}}\n\n"
      "event: content_block_delta\n"
      "data: "
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
      "\"partial_json\":\"{\\\"x\\\":\"}}\n\n"
      "event: content_block_delta\n"
      "data: "
      "{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\","
      "\"partial_json\":\"1}\"}}\n\n"
      "event: content_block_stop\n"
      "data: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
      "event: message_delta\n"
      "data: "
      "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},"
      "\"usage\":{\"input_tokens\":20,\"cache_creation_input_tokens\":0,\"cache_read_input_"
      "tokens\":10,\"output_tokens\":12}}\n\n"
      "event: message_stop\n"
      "data: {\"type\":\"message_stop\"}\n\n");
}

TEST(AnthropicEncoder, ClosesWhatTheUpstreamLeftOpen) {
  auto enc = codec().encoder({"client", "msg_x", false, 0});
  std::string out;
  enc->on_event(ev(EK::ReasoningDelta, 3, "hmm"), out);  // no Start, no PartStart
  enc->on_event(ev(EK::ToolArgsDelta, 4, "{}"), out);    // args of a call never started: dropped
  enc->on_event(ev(EK::Done), out);
  EXPECT_NE(out.find("\"id\":\"msg_x\""), std::string::npos);
  EXPECT_NE(out.find("{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}"),
            std::string::npos);
  EXPECT_EQ(out.find("input_json_delta"), std::string::npos);
  EXPECT_NE(out.find("\"stop_reason\":\"end_turn\""), std::string::npos);
  EXPECT_TRUE(out.ends_with("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
}

TEST(AnthropicEncoder, ContentCarriedOnThePartStart) {
  auto enc = codec().encoder({"client", "gen_1", false, 0});
  std::string out;
  auto ps = ev(EK::PartStart, 0);
  ps.part.kind = ir::Part::Kind::ToolCall;
  ps.part.id = "call_1";
  ps.part.name = "f";
  ps.part.arguments = R"({"a":1})";
  enc->on_event(ps, out);
  EXPECT_NE(out.find(R"("delta":{"type":"input_json_delta","partial_json":"{\"a\":1}"})"),
            std::string::npos)
      << out;
}

TEST(AnthropicEncoder, ErrorEventEndsTheStream) {
  auto enc = codec().encoder({"client", "gen_1", false, 0});
  std::string out;
  enc->on_event(ev(EK::Start), out);
  out.clear();
  auto err = ev(EK::Error, 0, "too many requests");
  err.error_type = "rate_limit_exceeded";  // an OpenAI name
  enc->on_event(err, out);
  enc->on_event(ev(EK::Done), out);
  EXPECT_EQ(out,
            "event: error\n"
            "data: {\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"too "
            "many requests\"}}\n\n");
}

}  // namespace
}  // namespace sluice::protocol
