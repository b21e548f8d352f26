#include "protocol/stream_probe.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <array>

namespace sluice::protocol {
namespace {

namespace json = boost::json;

const json::value* member(const json::value& v, std::string_view key) {
  const auto* o = v.if_object();
  return o ? o->if_contains(key) : nullptr;
}

std::string_view str(const json::value* v) {
  const auto* s = v ? v->if_string() : nullptr;
  return s ? std::string_view(*s) : std::string_view{};
}

const json::value* first_of(const json::value* arr) {
  const auto* a = arr ? arr->if_array() : nullptr;
  return a && !a->empty() ? &a->front() : nullptr;
}

json::value parse(std::string_view data) {
  boost::system::error_code ec;
  auto v = json::parse(data, ec);
  return ec ? json::value{} : v;
}

constexpr std::array<std::string_view, 5> kGeminiBlocked = {"SAFETY", "PROHIBITED_CONTENT",
                                                            "BLOCKLIST", "SPII", "RECITATION"};

bool gemini_blocked(const json::value& v) {
  const auto* feedback = member(v, "promptFeedback");
  if (feedback && !str(member(*feedback, "blockReason")).empty()) return true;
  const auto* cand = first_of(member(v, "candidates"));
  const auto reason = str(cand ? member(*cand, "finishReason") : nullptr);
  for (auto b : kGeminiBlocked) {
    if (reason == b) return true;
  }
  return false;
}

StreamSignal chat_chunk(const json::value& v) {
  if (member(v, "error")) return StreamSignal::Error;
  const auto* choices = member(v, "choices");
  const auto* arr = choices ? choices->if_array() : nullptr;
  if (!arr || arr->empty())
    return member(v, "usage") ? StreamSignal::Content : StreamSignal::Framing;
  const auto& c = arr->front();
  const auto finish = str(member(c, "finish_reason"));
  if (finish == "content_filter") return StreamSignal::ContentFilter;
  if (!finish.empty()) return StreamSignal::Content;
  const auto* delta = member(c, "delta");
  if (!delta) return StreamSignal::Framing;
  for (auto key : {"content", "refusal", "reasoning_content", "reasoning"}) {
    if (!str(member(*delta, key)).empty()) return StreamSignal::Content;
  }
  return member(*delta, "tool_calls") ? StreamSignal::Content : StreamSignal::Framing;
}

}  // namespace

StreamSignal classify_stream_event(Endpoint wire, const http::SseEvent& ev) {
  switch (wire) {
    case Endpoint::Messages: {
      if (ev.event == "error") return StreamSignal::Error;
      // A block's start says only what comes (an empty text block, a tool's name): content is
      // in the deltas that follow.
      if (ev.event == "message_start" || ev.event == "ping" || ev.event == "content_block_start") {
        return StreamSignal::Framing;
      }
      if (ev.event == "message_delta") {
        const auto v = parse(ev.data);
        const auto* delta = member(v, "delta");
        if (str(delta ? member(*delta, "stop_reason") : nullptr) == "refusal") {
          return StreamSignal::ContentFilter;
        }
      }
      return StreamSignal::Content;
    }
    case Endpoint::Responses: {
      if (ev.event == "error" || ev.event == "response.failed") return StreamSignal::Error;
      if (ev.event == "response.created" || ev.event == "response.in_progress" ||
          ev.event == "response.queued" || ev.event == "response.output_item.added" ||
          ev.event == "response.content_part.added") {
        return StreamSignal::Framing;
      }
      if (ev.event == "response.incomplete") {
        const auto v = parse(ev.data);
        const auto* resp = member(v, "response");
        const auto* details = resp ? member(*resp, "incomplete_details") : nullptr;
        if (str(details ? member(*details, "reason") : nullptr) == "content_filter") {
          return StreamSignal::ContentFilter;
        }
      }
      return StreamSignal::Content;
    }
    case Endpoint::ChatCompletions: {
      if (ev.data == "[DONE]") return StreamSignal::Content;
      return chat_chunk(parse(ev.data));
    }
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate: {
      const auto v = parse(ev.data);
      if (member(v, "error")) return StreamSignal::Error;
      if (gemini_blocked(v)) return StreamSignal::ContentFilter;
      return member(v, "candidates") ? StreamSignal::Content : StreamSignal::Framing;
    }
    default:
      return StreamSignal::Content;
  }
}

bool is_content_filtered(Endpoint wire, std::string_view body) {
  const auto v = parse(body);
  switch (wire) {
    case Endpoint::Messages:
      return str(member(v, "stop_reason")) == "refusal";
    case Endpoint::ChatCompletions: {
      const auto* c = first_of(member(v, "choices"));
      return str(c ? member(*c, "finish_reason") : nullptr) == "content_filter";
    }
    case Endpoint::Responses: {
      const auto* details = member(v, "incomplete_details");
      return str(details ? member(*details, "reason") : nullptr) == "content_filter";
    }
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
      return gemini_blocked(v);
    default:
      return false;
  }
}

}  // namespace sluice::protocol
