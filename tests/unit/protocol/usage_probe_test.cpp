#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <random>

#include "protocol/openai_chat/internal.hpp"
#include "protocol/usage_probe.hpp"

namespace sluice::protocol {
namespace {

namespace bj = boost::json;

void expect_usage(const std::optional<ir::Usage>& u, std::int64_t input, std::int64_t output,
                  std::int64_t cache_read, std::int64_t cache_write, std::int64_t reasoning) {
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->input, input);
  EXPECT_EQ(u->output, output);
  EXPECT_EQ(u->cache_read, cache_read);
  EXPECT_EQ(u->cache_write, cache_write);
  EXPECT_EQ(u->reasoning, reasoning);
}

http::SseEvent ev(std::string event, std::string data) {
  return http::SseEvent{std::move(event), std::move(data), ""};
}

// A chat answer's usage is read by a SAX scan of the usage object; the chat codec reads the
// same object from its DOM. Both must give the same numbers, whatever shape the object has.
TEST(UsageProbe, TheChatUsageScanReadsWhatTheCodecReads) {
  const char* objects[] = {
      R"({"prompt_tokens":5,"completion_tokens":40,"total_tokens":45})",
      R"({"prompt_tokens":5,"completion_tokens":40,"total_tokens":45,"prompt_tokens_details":{"cached_tokens":3,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":7,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}})",
      R"({"prompt_tokens":100,"completion_tokens":1,"prompt_cache_hit_tokens":60,"prompt_cache_miss_tokens":40})",
      R"({"prompt_tokens":100,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":0},"prompt_cache_hit_tokens":60})",
      R"({"prompt_tokens":100,"completion_tokens":1,"prompt_tokens_details":{"cached_tokens":9},"prompt_cache_hit_tokens":60})",
      // Later duplicates win, for counts and for whole details objects.
      R"({"prompt_tokens":1,"completion_tokens":2,"prompt_tokens":3})",
      R"({"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":{"cached_tokens":4},"prompt_tokens_details":{"audio_tokens":1}})",
      R"({"prompt_tokens":1,"completion_tokens":2,"completion_tokens_details":{"reasoning_tokens":4},"completion_tokens_details":7})",
      R"({"prompt_tokens":1,"completion_tokens":2,"prompt_tokens_details":[{"cached_tokens":4}]})",
      // Values of the wrong type, doubles, negatives and huge numbers.
      R"({"prompt_tokens":"5","completion_tokens":2})",
      R"({"prompt_tokens":null,"completion_tokens":2.9,"prompt_tokens_details":{"cached_tokens":true}})",
      R"({"prompt_tokens":-4,"completion_tokens":1e300,"completion_tokens_details":{"reasoning_tokens":18446744073709551615}})",
      R"({"prompt_tokens":{"cached_tokens":3},"completion_tokens":[2],"prompt_tokens_details":{"x":{"cached_tokens":8},"cached_tokens":2}})",
      // A count nested where it does not belong is not the usage's.
      R"({"completion_tokens":2,"completion_tokens_details":{"cached_tokens":5,"prompt_tokens":6},"prompt_tokens_details":{"reasoning_tokens":3}})",
  };
  for (const char* obj : objects) {
    SCOPED_TRACE(obj);
    const auto scanned = detail::chat_usage_by_scan(std::string(obj) + R"(,"service_tier":"x"})");
    const auto dom = openai_chat::usage_from(bj::parse(obj).as_object());
    ASSERT_TRUE(scanned.has_value());
    EXPECT_EQ(scanned->input, dom.input);
    EXPECT_EQ(scanned->output, dom.output);
    EXPECT_EQ(scanned->cache_read, dom.cache_read);
    EXPECT_EQ(scanned->reasoning, dom.reasoning);
    EXPECT_EQ(scanned->cache_write, dom.cache_write);
  }
  EXPECT_FALSE(detail::chat_usage_by_scan(R"({"prompt_tokens":5,)").has_value());
  // Through the probe: a body whose usage the scan reads.
  expect_usage(usage_of_body(Endpoint::ChatCompletions,
                             std::string(R"({"id":"c","choices":[],"usage":)") + objects[1] + "}"),
               5, 40, 3, 0, 7);
}

TEST(UsageProbe, ChatBodyWithCachedAndReasoningTokens) {
  const auto body = R"({"id":"chatcmpl-1","object":"chat.completion","model":"gpt-5",
    "choices":[{"index":0,"message":{"role":"assistant","content":"Hi"},"finish_reason":"stop"}],
    "usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,
      "prompt_tokens_details":{"cached_tokens":1024,"audio_tokens":0},
      "completion_tokens_details":{"reasoning_tokens":256,"audio_tokens":0}}})";
  expect_usage(usage_of_body(Endpoint::ChatCompletions, body), 1200, 300, 1024, 0, 256);
}

TEST(UsageProbe, ResponsesBody) {
  const auto body = R"({"id":"resp_1","object":"response","status":"completed","output":[],
    "usage":{"input_tokens":5000,"input_tokens_details":{"cached_tokens":4096},
      "output_tokens":800,"output_tokens_details":{"reasoning_tokens":512},"total_tokens":5800}})";
  expect_usage(usage_of_body(Endpoint::Responses, body), 5000, 800, 4096, 0, 512);
}

TEST(UsageProbe, TheLastKeyNamedUsageIsTheAnswersUsage) {
  // An earlier "usage" (a tool schema property echoed before the answer's usage) is skipped
  // without parsing the whole body.
  const auto body = R"({"id":"resp_1","object":"response",
    "tools":[{"type":"function","name":"f","parameters":{"type":"object",
      "properties":{"usage":{"type":"string"}}}}],"output":[],
    "usage":{"input_tokens":70,"output_tokens":9,"total_tokens":79}})";
  expect_usage(usage_of_body(Endpoint::Responses, body), 70, 9, 0, 0, 0);
}

TEST(UsageProbe, TheUsageKeyIsFoundFromTheEndPastBytesThatLookLikeIt) {
  // The search hops backwards between the 'g's of the body: a key right at the start, a
  // "usag" that is not it, and "g"s everywhere after the real key must not hide it.
  expect_usage(usage_of_body(Endpoint::ChatCompletions,
                             R"({"usage":{"prompt_tokens":3,"completion_tokens":4}})"),
               3, 4, 0, 0, 0);
  const auto body = R"({"id":"usag","choices":[{"message":{"content":"\"usage\": 9"}}],
    "usage":{"prompt_tokens":11,"completion_tokens":2,"completion_tokens_details":
      {"reasoning_tokens":1}},"system_fingerprint":"fp_gggg","x":"g"})";
  expect_usage(usage_of_body(Endpoint::ChatCompletions, body), 11, 2, 0, 0, 1);
}

TEST(UsageProbe, ALaterKeyNamedUsageThatIsNotUsageFallsBackToTheWholeBody) {
  // A Responses answer echoes the request's tools; a schema property may be called "usage".
  const auto body = R"({"id":"resp_1","object":"response","output":[],
    "usage":{"input_tokens":70,"output_tokens":9,"total_tokens":79},
    "tools":[{"type":"function","name":"f","parameters":{"type":"object",
      "properties":{"usage":{"type":"string","description":"\"usage\": {}"}}}}]})";
  expect_usage(usage_of_body(Endpoint::Responses, body), 70, 9, 0, 0, 0);
}

TEST(UsageProbe, AnthropicBodyAddsCacheReadsAndWritesToInput) {
  const auto body = R"({"id":"msg_1","type":"message","role":"assistant","content":[],
    "stop_reason":"end_turn","usage":{"input_tokens":12,"cache_creation_input_tokens":2000,
      "cache_read_input_tokens":30000,"output_tokens":450,"service_tier":"standard"}})";
  expect_usage(usage_of_body(Endpoint::Messages, body), 32012, 450, 30000, 2000, 0);
}

TEST(UsageProbe, GeminiBodyAddsThoughtsToOutput) {
  const auto body = R"({"candidates":[{"content":{"role":"model","parts":[{"text":"Hi"}]}}],
    "usageMetadata":{"promptTokenCount":2100,"candidatesTokenCount":150,"totalTokenCount":2650,
      "cachedContentTokenCount":2048,"thoughtsTokenCount":400},"modelVersion":"gemini-2.5-pro"})";
  expect_usage(usage_of_body(Endpoint::GenerateContent, body), 2100, 550, 2048, 0, 400);
  // streamGenerateContent without alt=sse: a JSON array of chunks, usage cumulative.
  const auto array = R"([{"usage_metadata":{"prompt_token_count":10,"candidates_token_count":1}},
    {"candidates":[],"usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":7}}])";
  expect_usage(usage_of_body(Endpoint::StreamGenerate, array), 10, 7, 0, 0, 0);
}

TEST(UsageProbe, EmbeddingsCountInputOnly) {
  const auto body = R"({"object":"list","data":[{"object":"embedding","index":0,
    "embedding":[0.1,0.2]}],"model":"text-embedding-3-small",
    "usage":{"prompt_tokens":8,"total_tokens":8}})";
  expect_usage(usage_of_body(Endpoint::Embeddings, body), 8, 0, 0, 0, 0);
  EXPECT_FALSE(usage_of_body(Endpoint::GeminiEmbed, R"({"usageMetadata":{"promptTokenCount":1}})"));
  EXPECT_FALSE(usage_of_body(Endpoint::CountTokens, R"({"input_tokens":5})"));
}

TEST(UsageProbe, NoUsageOrNotJson) {
  EXPECT_FALSE(usage_of_body(Endpoint::ChatCompletions, R"({"id":"x","choices":[]})"));
  EXPECT_FALSE(usage_of_body(Endpoint::ChatCompletions, R"({"usage":null})"));
  EXPECT_FALSE(usage_of_body(Endpoint::Messages, R"({"usage":{"input_tokens":1)"));
  EXPECT_FALSE(usage_of_body(Endpoint::GenerateContent, "<html>bad gateway</html>"));
  EXPECT_FALSE(usage_of_body(Endpoint::Responses, ""));
}

TEST(UsageProbe, AWholeUsageObjectCountsEvenIfTheBodyAroundItIsCut) {
  // What the provider reported is what it bills, even when the rest of the body is damaged.
  expect_usage(usage_of_body(Endpoint::Messages, R"({"usage":{"input_tokens":1})"), 1, 0, 0, 0, 0);
}

TEST(StreamUsage, ChatFinalChunk) {
  StreamUsage s(Endpoint::ChatCompletions);
  s.on_event(
      ev("", R"({"id":"c","choices":[{"index":0,"delta":{"role":"assistant"}}],"usage":null})"));
  s.on_event(ev("", R"({"id":"c","choices":[{"index":0,"delta":{"content":"usage is fine"}}]})"));
  EXPECT_FALSE(s.usage());
  s.on_event(ev("", R"({"id":"c","choices":[],"usage":{"prompt_tokens":40,"completion_tokens":9,
    "prompt_tokens_details":{"cached_tokens":32},"completion_tokens_details":{"reasoning_tokens":4}}})"));
  EXPECT_TRUE(s.usage());
  // A later chunk with a null usage (a proxy repeating it) does not erase what was read.
  s.on_event(ev("", R"({"id":"c","choices":[], "usage" : null})"));
  s.on_event(ev("", "[DONE]"));
  expect_usage(s.usage(), 40, 9, 32, 0, 4);
}

TEST(StreamUsage, ResponsesCompletedAndIncomplete) {
  StreamUsage s(Endpoint::Responses);
  s.on_event(ev("response.created",
                R"({"type":"response.created","response":{"id":"resp_1","usage":null}})"));
  s.on_event(
      ev("response.output_text.delta", R"({"type":"response.output_text.delta","delta":"x"})"));
  EXPECT_FALSE(s.usage());
  s.on_event(ev("response.completed", R"({"type":"response.completed","response":{"id":"resp_1",
    "status":"completed","usage":{"input_tokens":900,"input_tokens_details":{"cached_tokens":512},
    "output_tokens":70,"output_tokens_details":{"reasoning_tokens":64},"total_tokens":970}}})"));
  expect_usage(s.usage(), 900, 70, 512, 0, 64);

  StreamUsage inc(Endpoint::Responses);
  inc.on_event(ev("response.incomplete", R"({"type":"response.incomplete","response":{
    "status":"incomplete","usage":{"input_tokens":5,"output_tokens":100}}})"));
  expect_usage(inc.usage(), 5, 100, 0, 0, 0);
}

TEST(StreamUsage, AnthropicStartThenCumulativeDeltas) {
  StreamUsage s(Endpoint::Messages);
  s.on_event(ev("message_start", R"({"type":"message_start","message":{"id":"msg_1",
    "type":"message","role":"assistant","content":[],"usage":{"input_tokens":12,
    "cache_creation_input_tokens":2000,"cache_read_input_tokens":30000,"output_tokens":1}}})"));
  expect_usage(s.usage(), 32012, 1, 30000, 2000, 0);
  s.on_event(ev("ping", R"({"type":"ping"})"));
  s.on_event(ev("content_block_delta", R"({"type":"content_block_delta","index":0,
    "delta":{"type":"text_delta","text":"the usage"}})"));
  s.on_event(ev("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"tool_use"},
    "usage":{"output_tokens":200}})"));
  s.on_event(ev("message_delta", R"({"type":"message_delta","delta":{"stop_reason":"end_turn"},
    "usage":{"output_tokens":450}})"));
  s.on_event(ev("message_stop", R"({"type":"message_stop"})"));
  expect_usage(s.usage(), 32012, 450, 30000, 2000, 0);

  // Newer API versions repeat the input side in message_delta: it replaces, not adds.
  StreamUsage n(Endpoint::Messages);
  n.on_event(ev("message_start", R"({"type":"message_start","message":{"usage":
    {"input_tokens":3,"cache_read_input_tokens":100,"output_tokens":1}}})"));
  n.on_event(ev("message_delta", R"({"type":"message_delta","delta":{},"usage":{"input_tokens":3,
    "cache_creation_input_tokens":0,"cache_read_input_tokens":100,"output_tokens":20}})"));
  expect_usage(n.usage(), 103, 20, 100, 0, 0);
}

TEST(StreamUsage, GeminiLatestChunkWins) {
  for (auto endpoint : {Endpoint::StreamGenerate, Endpoint::GenerateContent}) {
    StreamUsage s(endpoint);
    s.on_event(ev("", R"({"candidates":[{"content":{"parts":[{"text":"a"}]}}],
      "usageMetadata":{"promptTokenCount":500,"candidatesTokenCount":1,"thoughtsTokenCount":90}})"));
    s.on_event(ev("", R"({"candidates":[{"content":{"parts":[{"text":"b"}]}}]})"));
    s.on_event(ev("", R"({"candidates":[{"content":{"parts":[{"text":"c"}]},"finishReason":"STOP"}],
      "usageMetadata":{"promptTokenCount":500,"candidatesTokenCount":40,"thoughtsTokenCount":90,
      "cachedContentTokenCount":256,"totalTokenCount":630}})"));
    expect_usage(s.usage(), 500, 130, 256, 0, 90);
  }
}

bool include_usage(const std::string& body) {
  auto v = bj::parse(body);
  const auto* so = v.as_object().if_contains("stream_options");
  return so && so->is_object() && so->as_object().contains("include_usage") &&
         so->as_object().at("include_usage") == true;
}

TEST(RequestStreamUsage, SplicesAfterTheOpeningBrace) {
  const std::string body =
      "{\n  \"model\": \"gpt-5\",\n  \"stream\": true,\n  \"messages\": [{\"role\": \"user\", "
      "\"content\": \"hi \\u00e9\"}]\n}";
  auto out = request_stream_usage(body);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "{\"stream_options\":{\"include_usage\":true}," + body.substr(1));
  EXPECT_TRUE(include_usage(*out));

  auto empty = request_stream_usage(" {}");
  ASSERT_TRUE(empty);
  EXPECT_EQ(*empty, R"( {"stream_options":{"include_usage":true}})");
  EXPECT_TRUE(include_usage(*empty));
}

TEST(RequestStreamUsage, FalseOrMissingFlagIsSet) {
  auto out = request_stream_usage(
      R"({"model":"m","stream":true,"stream_options":{"include_usage":false},"messages":[]})");
  ASSERT_TRUE(out);
  EXPECT_TRUE(include_usage(*out));
  EXPECT_EQ(bj::parse(*out).at("model"), "m");

  out = request_stream_usage(R"({"stream_options":{"include_obfuscation":false},"stream":true})");
  ASSERT_TRUE(out);
  EXPECT_TRUE(include_usage(*out));
  EXPECT_EQ(bj::parse(*out).at("stream_options").at("include_obfuscation"), false);

  out = request_stream_usage(R"({"stream_options":null,"stream":true})");
  ASSERT_TRUE(out);
  EXPECT_TRUE(include_usage(*out));
}

TEST(RequestStreamUsage, AlreadyAskedIsUnchanged) {
  EXPECT_FALSE(request_stream_usage(
      R"({"model":"m","stream_options":{"include_usage":true},"stream":true})"));
  EXPECT_FALSE(request_stream_usage(
      R"({"stream_options":{"other":{"include_usage":false},"include_usage":true}})"));
}

TEST(RequestStreamUsage, AKeyWithEscapesIsAssembledFromItsParts) {
  // The parser hands such a key over in pieces; "stream_\u006fptions" is "stream_options".
  EXPECT_FALSE(
      request_stream_usage(R"({"stream_\u006fptions":{"include_\u0075sage":true},"stream":true})"));
  auto out = request_stream_usage(R"({"stream_\u006fptions":{"include_usage":false}})");
  ASSERT_TRUE(out);
  EXPECT_TRUE(include_usage(*out));
}

TEST(RequestStreamUsage, NestedStreamOptionsAreNotTopLevel) {
  const std::string in_string =
      R"({"model":"m","messages":[{"role":"user","content":"\"stream_options\":{\"include_usage\":true}"}]})";
  auto out = request_stream_usage(in_string);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, R"({"stream_options":{"include_usage":true},)" + in_string.substr(1));

  const std::string nested =
      R"({"metadata":{"stream_options":{"include_usage":true}},"messages":[{"stream_options":{"include_usage":true}}]})";
  out = request_stream_usage(nested);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, R"({"stream_options":{"include_usage":true},)" + nested.substr(1));
  EXPECT_TRUE(include_usage(*out));
}

std::string chat_stream(std::string_view nl) {
  const std::string eol(nl);
  const std::string end = eol + eol;
  return "data: "
         R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null})" +
         end + ": keep-alive" + end +
         "data: "
         R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"The \"usage\": field"},"finish_reason":null}],"usage":null})" +
         end +
         "data: "
         R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" counts."},"finish_reason":null}]})" +
         end +
         "data: "
         R"({"id":"c1","object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null})" +
         end;
}
std::string usage_event(std::string_view nl) {
  const std::string eol(nl);
  return "data: "
         R"({"id":"c1","object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":3,"total_tokens":23}})" +
         eol + eol;
}
std::string done(std::string_view nl) {
  return "data: [DONE]" + std::string(nl) + std::string(nl);
}

std::string filter(const std::string& in, const std::vector<std::size_t>& cuts) {
  UsageChunkFilter f;
  std::string out;
  std::string scratch;
  std::size_t at = 0;
  for (auto cut : cuts) {
    out += f.feed(std::string_view(in).substr(at, cut - at), scratch);
    at = cut;
  }
  out += f.feed(std::string_view(in).substr(at), scratch);
  EXPECT_EQ(f.held(), 0u);
  out += f.take_rest();
  return out;
}

TEST(UsageChunkFilter, DropsOnlyTheUsageChunk) {
  for (std::string_view nl : {"\n", "\r\n"}) {
    const auto input = chat_stream(nl) + usage_event(nl) + done(nl);
    const auto expected = chat_stream(nl) + done(nl);
    EXPECT_EQ(filter(input, {}), expected);

    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < input.size(); ++i) every.push_back(i);
    EXPECT_EQ(filter(input, every), expected);

    std::mt19937 rng(42);
    for (int round = 0; round < 200; ++round) {
      std::vector<std::size_t> cuts;
      std::size_t at = 0;
      while (true) {
        at += 1 + rng() % 40;
        if (at >= input.size()) break;
        cuts.push_back(at);
      }
      ASSERT_EQ(filter(input, cuts), expected) << "round " << round;
    }
  }
}

TEST(UsageChunkFilter, HoldsOnlyThePartialEvent) {
  UsageChunkFilter f;
  std::string scratch;
  const std::string first = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n";
  const std::string chunk1 = first + "data: {\"choices\":[]";
  EXPECT_EQ(f.feed(chunk1, scratch), first);
  EXPECT_EQ(f.held(), std::string("data: {\"choices\":[]").size());
  EXPECT_EQ(f.feed(",\"usage\":{\"prompt_tokens\":1}}\n\ndata: [DONE]\n\n", scratch),
            "data: [DONE]\n\n");
  EXPECT_EQ(f.held(), 0u);
}

TEST(UsageChunkFilter, FindsTheUsageChunkWrittenWithSpaces) {
  const std::string text = "data: {\"choices\":[{\"delta\":{\"content\":\"]\"}}]}\n\n";
  const std::string spaced =
      "data: {\"id\":\"x\", \"choices\" :\t[  ] , \"usage\": {\"prompt_tokens\": 1}}\n\n";
  const std::string done = "data: [DONE]\n\n";
  EXPECT_EQ(filter(text + spaced + done, {}), text + done);
  // `[]` that is not the choices array, or "choices" that is not empty, is no usage chunk.
  const std::string other_empty = "data: {\"tools\":[],\"choices\":[1],\"usage\":{\"a\":1}}\n\n";
  EXPECT_EQ(filter(other_empty + done, {}), other_empty + done);
}

TEST(UsageChunkFilter, KeepsChunksThatAreNotUsageOnly) {
  // A usage riding on a chunk with choices (vLLM continuous usage) is the client's to see.
  const std::string with_choices =
      "data: {\"choices\":[{\"delta\":{}}],\"usage\":{\"prompt_tokens\":1}}\n\n";
  const std::string null_usage = "data: {\"choices\":[],\"usage\":null}\n\n";
  const std::string not_json = "data: \"usage\" {\n\n";
  const auto in = with_choices + null_usage + not_json;
  EXPECT_EQ(filter(in, {}), in);
}

TEST(UsageChunkFilter, OnlyTopLevelKeysDecideAndTheLastDuplicateWins) {
  const std::string done = "data: [DONE]\n\n";
  const auto kept = [&](const std::string& data) {
    const std::string ev = "data: " + data + "\n\n";
    return filter(ev + done, {}) == ev + done;
  };
  // An empty "choices" or a "usage" nested in another object is not the chunk's own.
  EXPECT_TRUE(kept(R"({"choices":[{"x":{"choices":[]}}],"usage":{"a":1}})"));
  EXPECT_TRUE(kept(R"({"choices":[],"meta":{"usage":{"a":1}}})"));
  EXPECT_TRUE(kept(R"({"choices":[],"meta":{"usage":{"a":1}},"usage":null})"));
  // The last of a duplicated key decides, as it does in a parsed object.
  EXPECT_TRUE(kept(R"({"choices":[],"usage":{"a":1},"choices":[0]})"));
  EXPECT_TRUE(kept(R"({"choices":[],"usage":{"a":1},"usage":null})"));
  EXPECT_FALSE(kept(R"({"choices":[1],"usage":null,"choices":[],"usage":{"a":1}})"));
  // Not JSON after all (cut, or more than one value): passed on.
  EXPECT_TRUE(kept(R"({"choices":[],"usage":{"a":1})"));
  EXPECT_TRUE(kept(R"({"choices":[],"usage":{"a":1}} [])"));
  EXPECT_FALSE(kept(R"({"choices":[],"usage":{"a":1}}  )"));
}

}  // namespace
}  // namespace sluice::protocol
