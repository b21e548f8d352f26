#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <functional>

#include "core/json_escape.hpp"
#include "guard/sse_guard.hpp"
#include "guard_test_util.hpp"
#include "http/sse.hpp"

namespace sluice::guard {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;

// Built at run time so that no token-shaped string sits in the repository.
const std::string kKey = std::string("AKIA") + "Q7RZ2K4M8N3P5T6V";
const std::string kToken = std::string("ghp_") + "Q7RZ2K4M8N3P5T6VQ7RZ2K4M8N3P5T6VQ7RZ";
const std::string kCard = "4111 1111 1111 1111";

GuardConfig stream_config(std::size_t lookbehind = 256) {
  auto c = testing::config_with(Action::Log, {{Kind::AwsAccessKey, Action::Redact},
                                              {Kind::GithubToken, Action::Redact},
                                              {Kind::CreditCard, Action::Block}});
  c.tool_deny = {"Bash"};
  c.max_lookbehind = lookbehind;
  return c;
}

std::string json_quoted(std::string_view text) {
  std::string out;
  core::append_json_string(out, text);
  return out;
}

/// One wire's stream grammar, as a provider (or sluice's encoder) writes it.
struct Wire {
  const char* name;
  Endpoint endpoint;
  std::function<std::string(const std::vector<std::string>& deltas)> text_stream;
  std::function<std::string(std::string_view tool)> tool_stream;
  /// The text the client assembles from the deltas of `bytes`.
  std::function<std::string(std::string_view bytes)> assembled;
};

std::vector<http::SseEvent> events_of(std::string_view bytes) {
  std::vector<http::SseEvent> out;
  http::SseReader r;
  r.feed(bytes, [&](const http::SseEvent& e) { out.push_back(e); });
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string all;
  for (const auto& p : parts) all += p;
  return all;
}

std::string chat_chunk(std::string_view delta, std::string_view finish = "null") {
  return R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","choices":[{"index":0,"delta":)" +
         std::string(delta) + R"(,"finish_reason":)" + std::string(finish) + "}]}\n\n";
}

std::string responses_event(std::string_view type, std::string_view fields) {
  return "event: " + std::string(type) + "\ndata: {\"type\":\"" + std::string(type) + "\"," +
         std::string(fields) + "}\n\n";
}

std::string anthropic_event(std::string_view type, std::string_view fields) {
  return "event: " + std::string(type) + "\ndata: {\"type\":\"" + std::string(type) + "\"" +
         (fields.empty() ? "" : ",") + std::string(fields) + "}\n\n";
}

std::string gemini_chunk(std::string_view parts, std::string_view extra = "") {
  return R"(data: {"candidates":[{"content":{"role":"model","parts":[)" + std::string(parts) +
         "]}" + std::string(extra) + R"(,"index":0}],"modelVersion":"g"})" + "\r\n\r\n";
}

const std::vector<Wire>& wires() {
  static const std::vector<Wire> all = {
      {"chat", Endpoint::ChatCompletions,
       [](const std::vector<std::string>& deltas) {
         std::string s = chat_chunk(R"({"role":"assistant","content":""})");
         for (const auto& d : deltas) s += chat_chunk("{\"content\":" + json_quoted(d) + "}");
         s += chat_chunk("{}", "\"stop\"");
         return s + "data: [DONE]\n\n";
       },
       [](std::string_view tool) {
         return chat_chunk(
                    R"({"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":")" +
                    std::string(tool) + R"(","arguments":""}}]})") +
                chat_chunk(R"({"tool_calls":[{"index":0,"function":{"arguments":"{}"}}]})") +
                chat_chunk("{}", "\"tool_calls\"") + "data: [DONE]\n\n";
       },
       [](std::string_view bytes) {
         std::string text;
         for (const auto& e : events_of(bytes)) {
           if (e.data == "[DONE]") continue;
           const auto v = bj::parse(e.data);
           const auto* c = v.at("choices").at(0).at("delta").as_object().if_contains("content");
           if (c && c->is_string()) text += std::string(c->get_string());
         }
         return text;
       }},
      {"responses", Endpoint::Responses,
       [](const std::vector<std::string>& deltas) {
         const auto whole = json_quoted(join(deltas));
         std::string s =
             responses_event("response.created",
                             R"("response":{"id":"resp_1","status":"in_progress","output":[]})");
         s += responses_event(
             "response.output_item.added",
             R"("output_index":0,"item":{"type":"message","id":"msg_1","content":[]})");
         s += responses_event(
             "response.content_part.added",
             R"("output_index":0,"content_index":0,"part":{"type":"output_text","text":""})");
         int seq = 3;
         for (const auto& d : deltas) {
           s += responses_event("response.output_text.delta",
                                R"("item_id":"msg_1","output_index":0,"content_index":0,"delta":)" +
                                    json_quoted(d) +
                                    ",\"sequence_number\":" + std::to_string(seq++));
         }
         s += responses_event("response.output_text.done",
                              R"("output_index":0,"content_index":0,"text":)" + whole);
         s += responses_event(
             "response.content_part.done",
             R"("output_index":0,"content_index":0,"part":{"type":"output_text","text":)" + whole +
                 "}");
         s += responses_event(
             "response.output_item.done",
             R"("output_index":0,"item":{"type":"message","content":[{"type":"output_text","text":)" +
                 whole + "}]}");
         s += responses_event(
             "response.completed",
             R"("response":{"id":"resp_1","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":)" +
                 whole + "}]}]}");
         return s;
       },
       [](std::string_view tool) {
         return responses_event("response.created", R"("response":{"output":[]})") +
                responses_event("response.output_item.added",
                                R"("output_index":0,"item":{"type":"function_call","name":")" +
                                    std::string(tool) + R"(","arguments":""})") +
                responses_event("response.function_call_arguments.delta",
                                R"("output_index":0,"delta":"{}")") +
                responses_event("response.completed", R"("response":{"output":[]})");
       },
       [](std::string_view bytes) {
         std::string text;
         for (const auto& e : events_of(bytes)) {
           if (e.event != "response.output_text.delta") continue;
           text += std::string(bj::parse(e.data).at("delta").as_string());
         }
         return text;
       }},
      {"anthropic", Endpoint::Messages,
       [](const std::vector<std::string>& deltas) {
         std::string s = anthropic_event("message_start",
                                         R"("message":{"id":"msg_1","content":[],"usage":{}})");
         s += anthropic_event("content_block_start",
                              R"("index":0,"content_block":{"type":"text","text":""})");
         for (std::size_t i = 0; i < deltas.size(); ++i) {
           s += anthropic_event(
               "content_block_delta",
               R"("index":0,"delta":{"type":"text_delta","text":)" + json_quoted(deltas[i]) + "}");
           if (i == 0) s += "event: ping\ndata: {\"type\": \"ping\"}\n\n";
         }
         s += anthropic_event("content_block_stop", R"("index":0)");
         s += anthropic_event("message_delta", R"("delta":{"stop_reason":"end_turn"},"usage":{})");
         return s + anthropic_event("message_stop", "");
       },
       [](std::string_view tool) {
         return anthropic_event("message_start", R"("message":{"content":[]})") +
                anthropic_event("content_block_start",
                                R"("index":0,"content_block":{"type":"text","text":""})") +
                anthropic_event(
                    "content_block_delta",
                    R"("index":0,"delta":{"type":"text_delta","text":"I'll run it."})") +
                anthropic_event("content_block_stop", R"("index":0)") +
                anthropic_event(
                    "content_block_start",
                    R"("index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":")" +
                        std::string(tool) + R"(","input":{}})") +
                anthropic_event("content_block_stop", R"("index":1)") +
                anthropic_event("message_stop", "");
       },
       [](std::string_view bytes) {
         std::string text;
         for (const auto& e : events_of(bytes)) {
           if (e.event != "content_block_delta") continue;
           const auto v = bj::parse(e.data);
           text += std::string(v.at("delta").at("text").as_string());
         }
         return text;
       }},
      {"gemini", Endpoint::StreamGenerate,
       [](const std::vector<std::string>& deltas) {
         std::string s;
         for (std::size_t i = 0; i < deltas.size(); ++i) {
           const bool last = i + 1 == deltas.size();
           s += gemini_chunk("{\"text\":" + json_quoted(deltas[i]) + "}",
                             last ? R"(,"finishReason":"STOP")" : "");
         }
         return s;
       },
       [](std::string_view tool) {
         return gemini_chunk(
             R"({"functionCall":{"name":")" + std::string(tool) + R"(","args":{}}})",
             R"(,"finishReason":"STOP")");
       },
       [](std::string_view bytes) {
         std::string text;
         for (const auto& e : events_of(bytes)) {
           const auto v = bj::parse(e.data);
           for (const auto& p : v.at("candidates").at(0).at("content").at("parts").as_array()) {
             if (const auto* t = p.as_object().if_contains("text"))
               text += std::string(t->as_string());
           }
         }
         return text;
       }},
  };
  return all;
}

/// `text` in pieces of about `size` bytes, never inside a UTF-8 character (as providers send).
std::vector<std::string> pieces(const std::string& text, std::size_t size) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t end = std::min(begin + size, text.size());
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    out.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

struct Result {
  std::string out;
  bool open = true;
  Counts counts;
  std::optional<ResponseBlock> blocked;
};

/// Runs `bytes` through an SseGuard in pieces of `piece` bytes (0: all at once).
Result run(const Guard& g, Endpoint e, std::string_view bytes, std::size_t piece = 0) {
  Result r;
  SseGuard s(g, e, r.counts);
  const std::size_t step = piece == 0 ? bytes.size() : piece;
  for (std::size_t i = 0; i < bytes.size() && r.open; i += step) {
    r.open = s.feed(bytes.substr(i, step), r.out);
  }
  if (r.open) r.open = s.finish(r.out);
  r.blocked = s.blocked();
  return r;
}

TEST(GuardSse, SecretSplitAcrossTwoEventsIsRedactedAtEverySplitPoint) {
  const Guard g(stream_config());
  const std::string text = "Here is the key " + kKey + " and the token " + kToken + ", keep them.";
  const std::string want =
      "Here is the key [REDACTED:aws_access_key] and the token [REDACTED:github_token], keep them.";
  for (const auto& w : wires()) {
    for (std::size_t cut = 1; cut < text.size(); ++cut) {
      const auto bytes = w.text_stream({text.substr(0, cut), text.substr(cut)});
      const auto r = run(g, w.endpoint, bytes);
      ASSERT_TRUE(r.open) << w.name << " cut " << cut;
      EXPECT_EQ(w.assembled(r.out), want) << w.name << " cut " << cut;
      EXPECT_EQ(r.out.find("AKIA"), std::string::npos) << w.name << " cut " << cut;
      EXPECT_EQ(r.out.find("ghp_"), std::string::npos) << w.name << " cut " << cut;
      EXPECT_EQ(r.counts, (Counts{{"aws_access_key", 1}, {"github_token", 1}})) << w.name;
    }
  }
}

TEST(GuardSse, EveryDeltaAndByteChunkingGivesTheSameText) {
  // The look-behind must be longer than the longest secret looked for (here a 40-byte token).
  const Guard g(stream_config(64));
  const std::string text = "A longer answer, " + kKey + " in the middle, then ünïcödé text and " +
                           kToken + " near the end.";
  std::string want = text;
  want.replace(want.find(kKey), kKey.size(), "[REDACTED:aws_access_key]");
  want.replace(want.find(kToken), kToken.size(), "[REDACTED:github_token]");
  for (const auto& w : wires()) {
    for (std::size_t size : {1U, 3U, 7U, 16U}) {
      const auto bytes = w.text_stream(pieces(text, size));
      for (std::size_t piece : {0U, 1U, 13U}) {
        const auto r = run(g, w.endpoint, bytes, piece);
        EXPECT_EQ(w.assembled(r.out), want) << w.name << " delta " << size << " piece " << piece;
      }
    }
  }
}

TEST(GuardSse, ReleasesNeverSplitAUtf8Character) {
  // The scanner releases by bytes; an event must still carry whole characters (a client decodes
  // each event's JSON on its own).
  const Guard g(stream_config(32));
  std::string text;
  for (int i = 0; i < 40; ++i) text += "é日本語😀 ";
  for (const auto& w : wires()) {
    for (std::size_t size : {1U, 2U, 5U}) {
      const auto r = run(g, w.endpoint, w.text_stream(pieces(text, size)));
      for (const auto& e : events_of(r.out)) {
        if (e.data == "[DONE]") continue;
        boost::system::error_code ec;
        bj::parse(e.data, ec);  // Boost.JSON rejects invalid UTF-8 in strings
        EXPECT_FALSE(ec) << w.name << " size " << size << ": " << e.data;
      }
      EXPECT_EQ(w.assembled(r.out), text) << w.name << " size " << size;
    }
  }
}

TEST(GuardSse, OtherEventsKeepTheirBytesAndOrder) {
  const Guard g(stream_config());
  for (const auto& w : wires()) {
    const auto bytes = w.text_stream({"Hello ", "there, ", kKey.substr(0, 6), kKey.substr(6)});
    const auto r = run(g, w.endpoint, bytes);
    const auto in = events_of(bytes);
    const auto out = events_of(r.out);
    ASSERT_EQ(in.size(), out.size()) << w.name;  // no event added or dropped
    for (std::size_t i = 0; i < in.size(); ++i) {
      EXPECT_EQ(in[i].event, out[i].event) << w.name << " event " << i;
      const bool text = in[i].data.find("Hello") != std::string::npos ||
                        in[i].data.find("there") != std::string::npos ||
                        in[i].data.find(kKey.substr(0, 6)) != std::string::npos ||
                        in[i].data.find(kKey.substr(6)) != std::string::npos;
      if (!text && in[i].data.find("\"text\":\"\"") == std::string::npos &&
          in[i].data.find("\"content\":\"\"") == std::string::npos) {
        EXPECT_EQ(in[i].data, out[i].data) << w.name << " event " << i;
      }
    }
  }
}

TEST(GuardSse, ResponsesCompleteTextsAreRedactedToo) {
  const Guard g(stream_config());
  const auto& w = wires()[1];
  const auto r = run(g, w.endpoint, w.text_stream({"key " + kKey.substr(0, 9), kKey.substr(9)}));
  EXPECT_EQ(r.out.find(kKey.substr(9)), std::string::npos);
  std::size_t complete = 0;
  for (const auto& e : events_of(r.out)) {
    if (e.event == "response.output_text.delta") continue;
    if (e.data.find("[REDACTED:aws_access_key]") != std::string::npos) ++complete;
  }
  EXPECT_EQ(complete, 4U);  // output_text.done, content_part.done, output_item.done, completed
  EXPECT_EQ(r.counts, (Counts{{"aws_access_key", 1}}));  // counted once, from the deltas
}

TEST(GuardSse, BlockKindEndsTheStreamAfterTheSafeText) {
  const Guard g(stream_config(32));
  const std::string before = "Here is a fairly long introduction that is clearly safe to show. ";
  const std::string text = before + "Card " + kCard + " is on file.";
  const auto cut = text.find(kCard) + 7;
  for (const auto& w : wires()) {
    std::vector<std::string> deltas;
    for (std::size_t i = 0; i < cut; i += 10)
      deltas.push_back(text.substr(i, std::min<std::size_t>(10, cut - i)));
    deltas.push_back(text.substr(cut));
    const auto r = run(g, w.endpoint, w.text_stream(deltas));
    EXPECT_FALSE(r.open) << w.name;
    ASSERT_TRUE(r.blocked) << w.name;
    EXPECT_EQ(r.blocked->reason, ResponseBlock::Reason::Finding);
    EXPECT_EQ(r.blocked->name, "credit_card");
    const auto shown = w.assembled(r.out);
    EXPECT_FALSE(shown.empty()) << w.name;                             // the safe start went out
    EXPECT_EQ(before.rfind(shown, 0), 0U) << w.name << ": " << shown;  // and only that
    EXPECT_EQ(r.out.find("4111"), std::string::npos) << w.name;
    EXPECT_TRUE(r.out.empty() || r.out.ends_with("\n")) << w.name;  // ends on an event boundary
    EXPECT_EQ(r.counts.at("credit_card"), 1U);
  }
}

TEST(GuardSse, CallToADeniedToolEndsTheStreamBeforeTheCall) {
  const Guard g(stream_config());
  for (const auto& w : wires()) {
    const auto r = run(g, w.endpoint, w.tool_stream("Bash"));
    ASSERT_TRUE(r.blocked) << w.name;
    EXPECT_EQ(r.blocked->reason, ResponseBlock::Reason::Tool);
    EXPECT_EQ(r.blocked->name, "Bash");
    EXPECT_EQ(r.out.find("Bash"), std::string::npos) << w.name;
    const auto allowed = run(g, w.endpoint, w.tool_stream("Read"));
    EXPECT_TRUE(allowed.open) << w.name;
    EXPECT_EQ(allowed.out, w.tool_stream("Read")) << w.name;  // nothing to rewrite
  }
}

TEST(GuardSse, ToolRulesAloneHoldNothingBack) {
  GuardConfig c;
  c.category_actions.fill(Action::Off);
  c.tool_deny = {"Bash"};
  const Guard g(c);
  for (const auto& w : wires()) {
    const auto bytes = w.text_stream({"one ", kKey, " three"});
    Counts counts;
    SseGuard s(g, w.endpoint, counts);
    std::string out;
    ASSERT_TRUE(s.feed(bytes, out));
    EXPECT_EQ(out, bytes) << w.name;
    EXPECT_EQ(s.held_bytes(), 0U);
  }
}

TEST(GuardSse, InterleavedChatChoicesAreScannedApart) {
  const Guard g(stream_config());
  const auto chunk = [](int index, std::string_view delta, std::string_view finish = "null") {
    return "data: {\"choices\":[{\"index\":" + std::to_string(index) +
           ",\"delta\":" + std::string(delta) + ",\"finish_reason\":" + std::string(finish) +
           "}]}\n\n";
  };
  std::string bytes;
  bytes += chunk(0, "{\"content\":\"zero " + kKey.substr(0, 8) + "\"}");
  bytes += chunk(1, "{\"content\":\"one " + kKey.substr(0, 5) + "\"}");
  bytes += chunk(0, "{\"content\":\"" + kKey.substr(8) + " end\"}");
  bytes += chunk(1, "{\"content\":\"" + kKey.substr(5) + "\"}");
  bytes += chunk(0, "{}", "\"stop\"");
  bytes += chunk(1, "{}", "\"stop\"");
  bytes += "data: [DONE]\n\n";
  const auto r = run(g, Endpoint::ChatCompletions, bytes);
  std::string text[2];
  for (const auto& e : events_of(r.out)) {
    if (e.data == "[DONE]") continue;
    const auto v = bj::parse(e.data).at("choices").at(0);
    const auto* c = v.at("delta").as_object().if_contains("content");
    if (c) text[v.at("index").as_int64()] += std::string(c->as_string());
  }
  EXPECT_EQ(text[0], "zero [REDACTED:aws_access_key] end");
  EXPECT_EQ(text[1], "one [REDACTED:aws_access_key]");
  EXPECT_EQ(r.counts.at("aws_access_key"), 2U);
}

TEST(GuardSse, AStalledTextStreamDoesNotHoldEverythingBehindIt) {
  const Guard g(stream_config());
  Counts counts;
  SseGuard s(g, Endpoint::ChatCompletions, counts);
  std::string out;
  ASSERT_TRUE(s.feed(chat_chunk(R"({"content":"some text"})"), out));
  const std::string other = "data: {\"choices\":[{\"index\":0,\"delta\":{}}]}\n\n";
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s.feed(other, out));
  EXPECT_LT(s.held_bytes(), 100 * other.size());
  ASSERT_TRUE(s.finish(out));
  const auto events = events_of(out);
  ASSERT_EQ(events.size(), 1001U);
  EXPECT_NE(events[0].data.find("some text"), std::string::npos);  // first, in order
}

TEST(GuardSse, UpstreamErrorEventStaysAfterTheHeldText) {
  // A provider's own error event mid-stream must reach the client after the text before it.
  const Guard g(stream_config());
  const auto& w = wires()[0];
  std::string bytes = chat_chunk(R"({"content":"partial answer"})");
  bytes += "data: {\"error\":{\"message\":\"overloaded\"}}\n\n";
  const auto r = run(g, w.endpoint, bytes);
  const auto events = events_of(r.out);
  ASSERT_EQ(events.size(), 2U);
  EXPECT_NE(events[0].data.find("partial answer"), std::string::npos);
  EXPECT_NE(events[1].data.find("overloaded"), std::string::npos);
}

TEST(SseSplitter, KeepsEveryByteAcrossAnyChunking) {
  const std::string stream =
      "event: a\ndata: {\"x\":1}\n\n: comment\r\ndata: y\r\n\r\ndata: z\r\rdata: last\n\n";
  const std::vector<std::string> want = {"event: a\ndata: {\"x\":1}\n\n",
                                         ": comment\r\ndata: y\r\n\r\n", "data: z\r\r",
                                         "data: last\n\n"};
  for (std::size_t piece = 1; piece <= stream.size(); ++piece) {
    http::SseSplitter s;
    std::vector<std::string> got;
    for (std::size_t i = 0; i < stream.size(); i += piece) {
      s.feed(std::string_view(stream).substr(i, piece),
             [&](std::string_view raw) { got.emplace_back(raw); });
    }
    EXPECT_EQ(got, want) << "piece " << piece;
    EXPECT_TRUE(s.rest().empty());
  }
  const auto f = http::sse_fields("event: e\r\nid: 1\r\ndata:{\"a\":\r\ndata: 2}\r\n\r\n");
  EXPECT_EQ(f.event, "e");
  EXPECT_EQ(f.data, (std::vector<std::string_view>{"{\"a\":", "2}"}));
}

}  // namespace
}  // namespace sluice::guard
