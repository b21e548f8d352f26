// The OpenAI Responses codec: what the goldens do not pin down well — malformed input naming
// the field, Codex's custom tools and reasoning round trips, the exact encoder grammar, and a
// decoder that does not depend on chunk boundaries.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocol/codecs.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {
namespace {

namespace bj = boost::json;
using Kind = ir::Part::Kind;
using EK = ir::Event::Kind;

const WireCodec& wire() { return protocol::openai_responses::codec(); }

ir::Request parse_ok(std::string_view body) {
  auto r = wire().parse_request(body, RequestContext{Endpoint::Responses, "", false});
  if (auto* e = std::get_if<core::GatewayError>(&r)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  return std::get<ir::Request>(r);
}

std::string parse_err(std::string_view body) {
  auto r = wire().parse_request(body, RequestContext{Endpoint::Responses, "", false});
  auto* e = std::get_if<core::GatewayError>(&r);
  if (!e) return "<parsed>";
  EXPECT_EQ(e->kind, core::ErrorKind::InvalidRequest);
  return e->message;
}

EncodeOptions options() {
  EncodeOptions o;
  o.model = "client-model";
  o.id = "gen_test";
  o.created = 1700000000;
  return o;
}

/// (event name, parsed data) of each SSE event in `sse`.
std::vector<std::pair<std::string, bj::value>> events_of(const std::string& sse) {
  std::vector<std::pair<std::string, bj::value>> out;
  http::SseReader r;
  r.feed(sse, [&](const http::SseEvent& e) { out.emplace_back(e.event, bj::parse(e.data)); });
  return out;
}

std::vector<std::string> names_of(const std::string& sse) {
  std::vector<std::string> out;
  for (const auto& [name, data] : events_of(sse)) out.push_back(name);
  return out;
}

ir::Event ev(EK kind, int index = 0, std::string text = {}) {
  ir::Event e;
  e.kind = kind;
  e.index = index;
  e.text = std::move(text);
  return e;
}
ir::Event part_start(int index, Kind kind, std::string id = {}, std::string name = {}) {
  auto e = ev(EK::PartStart, index);
  e.part.kind = kind;
  e.part.id = std::move(id);
  e.part.name = std::move(name);
  return e;
}
ir::Event finish(ir::StopReason stop, ir::Usage usage = {}) {
  auto e = ev(EK::Finish);
  e.stop = stop;
  e.usage = usage;
  return e;
}

std::string encode(const std::vector<ir::Event>& events, std::vector<std::string> custom = {}) {
  auto enc = make_encoder(options(), std::move(custom));
  std::string out;
  for (const auto& e : events) enc->on_event(e, out);
  return out;
}

// --- malformed input ------------------------------------------------------------------------

TEST(OpenAIResponsesRequest, MalformedInputNamesTheField) {
  EXPECT_NE(parse_err("{not json").find("body"), std::string::npos);
  EXPECT_NE(parse_err("[1,2]").find("body"), std::string::npos);
  EXPECT_EQ(parse_err(R"({"model":"m","input":[1]})"), "input[0]: must be an object");
  EXPECT_EQ(parse_err(R"({"model":"m","input":[{"role":"user","content":[{"type":"x"}]}]})"),
            "input[0].content[0].type: unknown part type 'x'");
  EXPECT_EQ(parse_err(R"({"model":"m","input":[{"role":"wizard","content":"hi"}]})"),
            "input[0].role: unknown role 'wizard'");
  EXPECT_EQ(parse_err(R"({"model":"m","input":[{"type":"function_call","name":"f"}]})"),
            "input[0].call_id: is required");
  EXPECT_EQ(parse_err(R"({"model":"m","input":[{"type":"frobnicate"}]})"),
            "input[0].type: unknown input item type 'frobnicate'");
  EXPECT_EQ(parse_err(R"({"model":"m","input":"hi","temperature":"hot"})"), "temperature: must be a number");
  EXPECT_EQ(parse_err(R"({"model":"m","input":"hi","tools":[{"type":"teleport"}]})"),
            "tools[0].type: unknown tool type 'teleport'");
  EXPECT_EQ(parse_err(R"({"model":"m","input":"hi","tool_choice":"sometimes"})"),
            "tool_choice: unknown value 'sometimes'");
  EXPECT_EQ(parse_err(R"({"model":"m","input":"hi","reasoning":{"effort":"galactic"}})"),
            "reasoning.effort: unknown value 'galactic'");
  EXPECT_EQ(parse_err(R"({"model":7,"input":"hi"})"), "model: must be a string");
  EXPECT_EQ(parse_err(R"({"input":[{"role":"user","content":[{"type":"input_image"}]}]})"),
            "input[0].content[0]: needs image_url or file_id");
  EXPECT_EQ(parse_err(R"({"input":[{"role":"developer","content":[{"type":"input_image","image_url":"https://x/y.png"}]}]})"),
            "input[0].content[0]: only text is allowed in developer messages");
}

TEST(OpenAIResponsesRequest, GarbageNeverThrows) {
  const std::string samples[] = {"",     "null", "{}",  R"({"input":{}})", R"({"input":[{"type":null}]})",
                                 R"({"input":[{"type":"reasoning","summary":[1]}]})",
                                 R"({"tools":[{"type":"function"}]})", R"({"text":{"format":{"type":"json_schema"}}})",
                                 R"({"input":[{"type":"function_call_output","call_id":"c","output":5}]})"};
  for (const auto& s : samples) {
    EXPECT_NO_THROW((void)wire().parse_request(s, RequestContext{})) << s;
    EXPECT_NO_THROW((void)wire().parse_response(s)) << s;
    auto dec = wire().decoder();
    std::vector<ir::Event> out;
    EXPECT_NO_THROW(dec->on_event(http::SseEvent{"", s, ""}, out)) << s;
  }
}

// --- request mapping ------------------------------------------------------------------------

TEST(OpenAIResponsesRequest, CodexShapes) {
  auto req = parse_ok(R"({
    "model":"gpt-5.5",
    "input":[
      {"type":"message","role":"developer","content":[{"type":"input_text","text":"base"}]},
      {"type":"message","role":"user","content":[{"type":"input_text","text":"go"}]},
      {"type":"reasoning","summary":[{"type":"summary_text","text":"a"},{"type":"summary_text","text":"b"}],"encrypted_content":"gAAAAAxyz"},
      {"type":"custom_tool_call","call_id":"c1","name":"apply_patch","input":"*** Begin Patch\n"},
      {"type":"custom_tool_call_output","call_id":"c1","output":"ok"},
      {"type":"message","role":"developer","content":"late"}
    ],
    "tools":[{"type":"custom","name":"apply_patch","description":"d","format":{"type":"grammar","syntax":"lark","definition":"start: x"}},
             {"type":"web_search"},{"type":"namespace","name":"ns","tools":[]}],
    "tool_choice":"auto","parallel_tool_calls":true,"store":false,"include":["reasoning.encrypted_content"],
    "prompt_cache_key":"k","text":{"verbosity":"low"},"reasoning":{"effort":"xhigh","summary":"auto"},"stream":true})");
  ASSERT_EQ(req.instructions.size(), 1u);
  EXPECT_EQ(req.instructions[0].role, ir::Role::Developer);
  ASSERT_EQ(req.messages.size(), 4u);
  const auto& asst = req.messages[1];
  EXPECT_EQ(asst.role, ir::Role::Assistant);
  ASSERT_EQ(asst.parts.size(), 3u);
  EXPECT_EQ(asst.parts[0].kind, Kind::Reasoning);
  EXPECT_EQ(asst.parts[0].text, "a\n\nb");
  EXPECT_EQ(asst.parts[1].kind, Kind::RedactedReasoning);
  EXPECT_EQ(asst.parts[1].data, "gAAAAAxyz");
  EXPECT_EQ(asst.parts[2].arguments, R"({"input":"*** Begin Patch\n"})");
  EXPECT_EQ(req.messages[2].parts[0].kind, Kind::ToolResult);
  EXPECT_EQ(req.messages[3].role, ir::Role::Developer);  // not leading: stays in place
  ASSERT_EQ(req.tools.size(), 1u);
  EXPECT_TRUE(is_custom_tool(req.tools[0]));
  EXPECT_NE(req.tools[0].parameters.find("start: x"), std::string::npos);
  EXPECT_EQ(custom_tool_names(&req), std::vector<std::string>{"apply_patch"});
  EXPECT_EQ(req.reasoning_effort, ir::Effort::High);
  EXPECT_TRUE(req.include_reasoning);
  EXPECT_TRUE(req.stream_usage);
  EXPECT_EQ(req.dropped, (std::vector<std::string>{"tools.web_search", "tools.namespace", "text.verbosity"}));
}

TEST(OpenAIResponsesRequest, SerializeKeepsOnlyOpenAIReasoningAndReports) {
  ir::Request req;
  req.model = "gpt-5";
  ir::Message user{ir::Role::User, {}, {}};
  user.parts.push_back(ir::Part{});
  user.parts[0].text = "hi";
  ir::Message asst{ir::Role::Assistant, {}, {}};
  ir::Part thinking;
  thinking.kind = Kind::Reasoning;
  thinking.text = "anthropic thinking";
  thinking.signature = "EqQB";
  ir::Part summary;
  summary.kind = Kind::Reasoning;
  summary.text = "openai summary";
  ir::Part enc;
  enc.kind = Kind::RedactedReasoning;
  enc.data = "gAAAAAopenai";
  ir::Part foreign;
  foreign.kind = Kind::RedactedReasoning;
  foreign.data = "EmwKAhgB";
  ir::Part text;
  text.text = "partial";
  asst.parts = {thinking, foreign, summary, enc};
  ir::Message prefill{ir::Role::Assistant, {text}, {}};
  req.messages = {user, asst, user, prefill};
  ir::Tool tool;
  tool.name = "f";
  tool.parameters = "{}";
  req.tools.push_back(tool);
  req.max_output_tokens = 5;
  req.top_k = 3;
  req.thinking_budget = 5000;

  auto body = bj::parse(serialize_request(req)).as_object();
  const auto& input = body["input"].as_array();
  ASSERT_EQ(input.size(), 3u);  // user, the OpenAI reasoning item, user; prefill dropped
  EXPECT_EQ(input[1].at("type"), "reasoning");
  EXPECT_EQ(input[1].at("encrypted_content"), "gAAAAAopenai");
  EXPECT_EQ(input[1].at("summary").at(0).at("text"), "openai summary");
  EXPECT_EQ(body["tools"].at(0).at("strict"), false);
  EXPECT_EQ(body["tools"].at(0).at("parameters").at("type"), "object");
  EXPECT_EQ(body["max_output_tokens"], 16);
  EXPECT_EQ(body["reasoning"].at("effort"), "medium");
  EXPECT_EQ(body["store"], false);
  EXPECT_EQ(req.dropped, (std::vector<std::string>{"assistant_prefill", "top_k"}));
  EXPECT_EQ(wire().upstream_path(req), "/responses");
}

// --- custom tools and reasoning round trips -------------------------------------------------

TEST(OpenAIResponsesCustom, ExtractorHandlesSplitEscapes) {
  const std::string args = R"({"input":"a\nb \"q\" \u00e9 \ud83d\ude00 end","x":1})";
  for (std::size_t step = 1; step <= args.size(); ++step) {
    CustomInputExtractor x;
    std::string out;
    for (std::size_t i = 0; i < args.size(); i += step) x.feed(std::string_view(args).substr(i, step), out);
    EXPECT_TRUE(x.found());
    EXPECT_EQ(out, "a\nb \"q\" \xC3\xA9 \xF0\x9F\x98\x80 end") << "step " << step;
  }
  CustomInputExtractor other;
  std::string out;
  other.feed(R"({"patch":"x","nested":{"input":"no"}})", out);
  EXPECT_FALSE(other.found());
  EXPECT_EQ(out, "");
  EXPECT_EQ(custom_input(R"({"input":"raw"})"), "raw");
  EXPECT_EQ(custom_input("not json"), "not json");
}

TEST(OpenAIResponsesCustom, EncoderEmitsCustomToolCall) {
  auto out = encode({ev(EK::Start), part_start(0, Kind::ToolCall, "call_1", "apply_patch"),
                     ev(EK::ToolArgsDelta, 0, R"({"inp)"), ev(EK::ToolArgsDelta, 0, R"(ut":"*** Begin\n+hi)"),
                     ev(EK::ToolArgsDelta, 0, R"(\n"})"), ev(EK::PartStop, 0), finish(ir::StopReason::ToolUse),
                     ev(EK::Done)},
                    {"apply_patch"});
  auto evs = events_of(out);
  EXPECT_EQ(names_of(out), (std::vector<std::string>{
                               "response.created", "response.in_progress", "response.output_item.added",
                               "response.custom_tool_call_input.delta", "response.custom_tool_call_input.delta",
                               "response.custom_tool_call_input.done", "response.output_item.done",
                               "response.completed"}));
  EXPECT_EQ(evs[2].second.at("item").at("type"), "custom_tool_call");
  EXPECT_EQ(evs[3].second.at("delta"), "*** Begin\n+hi");
  EXPECT_EQ(evs[4].second.at("delta"), "\n");
  const auto& item = evs[6].second.at("item");
  EXPECT_EQ(item.at("input"), "*** Begin\n+hi\n");
  EXPECT_EQ(item.at("call_id"), "call_1");
  EXPECT_EQ(item.at("name"), "apply_patch");

  // Without the client's custom tool list the same call is an ordinary function call.
  auto plain = events_of(encode({ev(EK::Start), part_start(0, Kind::ToolCall, "call_1", "apply_patch"),
                                 ev(EK::ToolArgsDelta, 0, R"({"input":"x"})"), ev(EK::PartStop, 0), ev(EK::Done)}));
  EXPECT_EQ(plain[2].second.at("item").at("type"), "function_call");
}

TEST(OpenAIResponsesCustom, NonStreamCustomCall) {
  ir::Response res;
  ir::Part call;
  call.kind = Kind::ToolCall;
  call.id = "toolu_1";
  call.name = "apply_patch";
  call.arguments = R"({"input":"*** Begin Patch\n"})";
  res.content.push_back(call);
  res.stop = ir::StopReason::ToolUse;
  auto body = bj::parse(serialize_response(res, options(), {"apply_patch"}));
  const auto& item = body.at("output").at(0);
  EXPECT_EQ(item.at("type"), "custom_tool_call");
  EXPECT_EQ(item.at("input"), "*** Begin Patch\n");
  EXPECT_EQ(body.at("status"), "completed");
}

TEST(OpenAIResponsesReasoning, SignatureSurvivesTheCodexRoundTrip) {
  // Anthropic thinking streamed to Codex...
  auto out = encode({ev(EK::Start), part_start(0, Kind::Reasoning), ev(EK::ReasoningDelta, 0, "think"),
                     ev(EK::SignatureDelta, 0, "EqQBsig"), ev(EK::PartStop, 0), finish(ir::StopReason::EndTurn),
                     ev(EK::Done)});
  auto evs = events_of(out);
  bj::value item;
  for (const auto& [name, data] : evs) {
    if (name == "response.output_item.done") item = data.at("item");
  }
  ASSERT_TRUE(item.is_object());
  // ...comes back in Codex's next request as a reasoning input item.
  bj::object input_item = item.as_object();
  input_item.erase("id");
  bj::object body{{"model", "m"}, {"input", bj::array{input_item}}};
  auto req = parse_ok(bj::serialize(body));
  ASSERT_EQ(req.messages.size(), 1u);
  ASSERT_EQ(req.messages[0].parts.size(), 1u);
  EXPECT_EQ(req.messages[0].parts[0].kind, Kind::Reasoning);
  EXPECT_EQ(req.messages[0].parts[0].text, "think");
  EXPECT_EQ(req.messages[0].parts[0].signature, "EqQBsig");
}

TEST(OpenAIResponsesReasoning, OpenAIEncryptedMergesIntoOneItem) {
  auto redacted = part_start(1, Kind::RedactedReasoning);
  redacted.part.data = "gAAAAAblob";
  auto evs = events_of(encode({ev(EK::Start), part_start(0, Kind::Reasoning), ev(EK::ReasoningDelta, 0, "s"),
                               ev(EK::PartStop, 0), redacted, ev(EK::PartStop, 1), part_start(2, Kind::Text),
                               ev(EK::TextDelta, 2, "hi"), ev(EK::PartStop, 2), ev(EK::Done)}));
  int reasoning_items = 0;
  for (const auto& [name, data] : evs) {
    if (name == "response.output_item.done" && data.at("item").at("type") == "reasoning") {
      ++reasoning_items;
      EXPECT_EQ(data.at("item").at("encrypted_content"), "gAAAAAblob");
      EXPECT_EQ(data.at("output_index"), 0);
    }
  }
  EXPECT_EQ(reasoning_items, 1);
}

// --- encoder grammar ------------------------------------------------------------------------

TEST(OpenAIResponsesEncoder, ExactGrammarAndSequenceNumbers) {
  ir::Usage u;
  u.input = 100;
  u.cache_read = 40;
  u.output = 20;
  u.reasoning = 5;
  auto out = encode({ev(EK::Start), part_start(0, Kind::Text), ev(EK::TextDelta, 0, "Hel"), ev(EK::TextDelta, 0, "lo"),
                     ev(EK::PartStop, 0), part_start(1, Kind::ToolCall, "", "f"), ev(EK::ToolArgsDelta, 1, "{}"),
                     ev(EK::PartStop, 1), finish(ir::StopReason::ToolUse, u), ev(EK::Done), ev(EK::TextDelta, 0, "late")});
  EXPECT_EQ(names_of(out),
            (std::vector<std::string>{"response.created", "response.in_progress", "response.output_item.added",
                                      "response.content_part.added", "response.output_text.delta",
                                      "response.output_text.delta", "response.output_text.done",
                                      "response.content_part.done", "response.output_item.done",
                                      "response.output_item.added", "response.function_call_arguments.delta",
                                      "response.function_call_arguments.done", "response.output_item.done",
                                      "response.completed"}));
  auto evs = events_of(out);
  for (std::size_t i = 0; i < evs.size(); ++i) {
    EXPECT_EQ(evs[i].second.at("sequence_number"), static_cast<std::int64_t>(i));
    EXPECT_EQ(std::string_view(evs[i].second.at("type").as_string()), evs[i].first);
  }
  EXPECT_EQ(evs[2].second.at("item").at("id"), "msg_gen_test_0");
  EXPECT_EQ(evs[9].second.at("item").at("id"), "fc_gen_test_1");
  EXPECT_EQ(evs[9].second.at("item").at("call_id"), "call_gen_test_1");  // no upstream id: derived
  const auto& resp = evs.back().second.at("response");
  EXPECT_EQ(resp.at("id"), "resp_gen_test");
  EXPECT_EQ(resp.at("status"), "completed");
  EXPECT_EQ(resp.at("output").as_array().size(), 2u);
  EXPECT_EQ(resp.at("usage").at("input_tokens_details").at("cached_tokens"), 40);
  EXPECT_EQ(resp.at("usage").at("output_tokens_details").at("reasoning_tokens"), 5);
  EXPECT_EQ(resp.at("usage").at("total_tokens"), 120);
  EXPECT_NE(out.find("event: response.completed\ndata: {\"type\":\"response.completed\""), std::string::npos);
  EXPECT_TRUE(out.ends_with("}\n\n"));
}

TEST(OpenAIResponsesEncoder, IncompleteAndFailed) {
  auto incomplete = events_of(encode({ev(EK::Start), part_start(0, Kind::Text), ev(EK::TextDelta, 0, "x"),
                                      ev(EK::PartStop, 0), finish(ir::StopReason::MaxTokens), ev(EK::Done)}));
  EXPECT_EQ(incomplete.back().first, "response.incomplete");
  EXPECT_EQ(incomplete.back().second.at("response").at("incomplete_details").at("reason"), "max_output_tokens");

  auto err = ev(EK::Error, 0, "overloaded");
  err.error_type = "overloaded_error";
  auto out = encode({ev(EK::Start), part_start(0, Kind::Text), ev(EK::TextDelta, 0, "x"), err, ev(EK::Done)});
  auto evs = events_of(out);
  EXPECT_EQ(evs.back().first, "response.failed");
  EXPECT_EQ(evs.back().second.at("response").at("error").at("code"), "server_is_overloaded");
  EXPECT_EQ(evs.back().second.at("response").at("status"), "failed");
  EXPECT_EQ(names_of(out).size(), 6u);  // created, in_progress, added, part added, delta, failed
}

// --- decoder --------------------------------------------------------------------------------

std::string read_golden(const char* name) {
  std::ifstream in(std::filesystem::path(SLUICE_SOURCE_DIR) / "tests/golden/streams" / name / "input.openai_responses.sse");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string describe(const std::vector<ir::Event>& events) {
  std::string s;
  for (const auto& e : events) {
    s += std::to_string(static_cast<int>(e.kind)) + ":" + std::to_string(e.index) + ":" + e.text + ":" +
         e.part.name + e.part.data + ":" + std::to_string(e.usage.input) + "|";
  }
  return s;
}

std::vector<ir::Event> decode(const std::string& text, std::size_t step) {
  auto dec = wire().decoder();
  std::vector<ir::Event> events;
  http::SseReader reader;
  for (std::size_t i = 0; i < text.size(); i += step) {
    reader.feed(std::string_view(text).substr(i, step), [&](const http::SseEvent& e) { dec->on_event(e, events); });
  }
  dec->on_end(events);
  return events;
}

TEST(OpenAIResponsesDecoder, IndependentOfChunking) {
  for (const char* name : {"openai_responses-tools", "openai_responses-failed"}) {
    const auto text = read_golden(name);
    ASSERT_FALSE(text.empty()) << name;
    const auto whole = describe(decode(text, text.size()));
    for (std::size_t step : {1u, 2u, 3u, 5u, 13u, 64u, 1000u}) EXPECT_EQ(describe(decode(text, step)), whole) << name << step;
  }
}

TEST(OpenAIResponsesDecoder, GoldenToolStreamGrammar) {
  auto events = decode(read_golden("openai_responses-tools"), 7);
  std::vector<EK> kinds;
  for (const auto& e : events) {
    if (e.kind != EK::TextDelta && e.kind != EK::ReasoningDelta && e.kind != EK::ToolArgsDelta) kinds.push_back(e.kind);
  }
  EXPECT_EQ(kinds, (std::vector<EK>{EK::Start, EK::PartStart, EK::PartStop, EK::PartStart, EK::PartStop, EK::PartStart,
                                    EK::PartStop, EK::PartStart, EK::PartStop, EK::Finish, EK::Done}));
  const auto& fin = events[events.size() - 2];
  EXPECT_EQ(fin.stop, ir::StopReason::ToolUse);
  EXPECT_EQ(fin.usage.input, 5210);
  EXPECT_EQ(fin.usage.cache_read, 4864);
  EXPECT_EQ(fin.usage.reasoning, 128);

  auto failed = decode(read_golden("openai_responses-failed"), 7);
  EXPECT_EQ(failed.back().kind, EK::Error);
  EXPECT_EQ(failed.back().error_type, "server_error");
}

TEST(OpenAIResponsesDecoder, CustomInputBecomesJsonArguments) {
  auto dec = wire().decoder();
  std::vector<ir::Event> out;
  auto feed = [&](std::string data) { dec->on_event(http::SseEvent{"", std::move(data), ""}, out); };
  feed(R"({"type":"response.created","response":{"id":"resp_1","model":"m"}})");
  feed(R"({"type":"response.output_item.added","output_index":0,"item":{"type":"custom_tool_call","call_id":"c","name":"apply_patch","input":""}})");
  feed(R"({"type":"response.custom_tool_call_input.delta","output_index":0,"delta":"line \"1\"\n"})");
  feed(R"({"type":"response.custom_tool_call_input.delta","output_index":0,"delta":"line 2"})");
  feed(R"({"type":"response.output_item.done","output_index":0,"item":{"type":"custom_tool_call","call_id":"c","name":"apply_patch","input":"line \"1\"\nline 2"}})");
  dec->on_end(out);
  std::string args;
  for (const auto& e : out) {
    if (e.kind == EK::ToolArgsDelta) args += e.text;
  }
  EXPECT_EQ(bj::parse(args).at("input"), "line \"1\"\nline 2");
  EXPECT_EQ(out.back().kind, EK::Done);
}

TEST(OpenAIResponsesDecoder, TruncatedStreamIsClosed) {
  auto dec = wire().decoder();
  std::vector<ir::Event> out;
  dec->on_event(http::SseEvent{"", R"({"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","call_id":"c","name":"f"}})", ""}, out);
  dec->on_event(http::SseEvent{"", R"({"type":"response.function_call_arguments.delta","output_index":0,"delta":"{"})", ""}, out);
  dec->on_end(out);
  ASSERT_GE(out.size(), 5u);
  EXPECT_EQ(out[0].kind, EK::Start);
  EXPECT_EQ(out[out.size() - 3].kind, EK::PartStop);
  EXPECT_EQ(out[out.size() - 2].kind, EK::Finish);
  EXPECT_EQ(out.back().kind, EK::Done);
}

TEST(OpenAIResponsesDecoder, OnlyTheFinalObject) {
  auto dec = wire().decoder();
  std::vector<ir::Event> out;
  dec->on_event(http::SseEvent{"response.completed", R"({"type":"response.completed","response":{"id":"resp_9","model":"m","status":"completed",
    "output":[{"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"hello"}]},
              {"type":"function_call","id":"fc_1","call_id":"c","name":"f","arguments":"{\"a\":1}"}],
    "usage":{"input_tokens":3,"output_tokens":4,"total_tokens":7}}})", ""}, out);
  std::string text, args;
  for (const auto& e : out) {
    if (e.kind == EK::TextDelta) text += e.text;
    if (e.kind == EK::ToolArgsDelta) args += e.text;
  }
  EXPECT_EQ(text, "hello");
  EXPECT_EQ(args, R"({"a":1})");
  EXPECT_EQ(out[out.size() - 2].stop, ir::StopReason::ToolUse);
  EXPECT_EQ(out[out.size() - 2].usage.output, 4);
}

// --- errors ---------------------------------------------------------------------------------

TEST(OpenAIResponsesErrors, ParseError) {
  auto e = wire().parse_error(429, R"({"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}})");
  EXPECT_EQ(e.kind, core::ErrorKind::RateLimited);
  EXPECT_EQ(e.message, "Rate limit reached");
  EXPECT_EQ(e.code, "rate_limit_exceeded");
  auto junk = wire().parse_error(503, "<html>");
  EXPECT_EQ(junk.kind, core::ErrorKind::Unavailable);
  EXPECT_EQ(junk.message, "upstream returned HTTP 503");
}

TEST(OpenAIResponsesResponse, FailedBodyIsAnError) {
  auto r = wire().parse_response(R"({"id":"resp_1","status":"failed","error":{"code":"server_error","message":"boom"}})");
  ASSERT_TRUE(std::holds_alternative<core::GatewayError>(r));
  EXPECT_EQ(std::get<core::GatewayError>(r).message, "boom");
}

}  // namespace
}  // namespace sluice::protocol::openai_responses
