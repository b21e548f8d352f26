#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <map>
#include <vector>

#include "council/answer.hpp"
#include "http/sse.hpp"
#include "protocol/codec.hpp"

namespace sluice::council {
namespace {

void append_part(std::string& out, const ir::Part& p) {
  if (p.kind == ir::Part::Kind::Text) {
    out += p.text;
  } else if (p.kind == ir::Part::Kind::ToolCall) {
    out += "\n[tool call " + p.name + " " + p.arguments + "]\n";
  }
}

}  // namespace

std::string answer_text(protocol::Endpoint ep, std::string_view bytes, bool event_stream) {
  const auto* codec = protocol::codec_for(ep);
  if (!codec) return {};
  std::string out;
  if (!event_stream && protocol::family_of(ep) == protocol::Family::Gemini &&
      bytes.find_first_not_of(" \t\r\n") != std::string_view::npos &&
      bytes[bytes.find_first_not_of(" \t\r\n")] == '[') {
    // streamGenerateContent without alt=sse: a JSON array of the chunks an SSE stream has.
    boost::system::error_code ec;
    auto v = boost::json::parse(bytes, ec);
    if (ec || !v.is_array()) return out;
    for (const auto& chunk : v.as_array()) {
      auto parsed = codec->parse_response(boost::json::serialize(chunk));
      if (auto* res = std::get_if<ir::Response>(&parsed)) {
        for (const auto& p : res->content) append_part(out, p);
      }
    }
    return out;
  }
  if (!event_stream) {
    auto parsed = codec->parse_response(bytes);
    if (auto* res = std::get_if<ir::Response>(&parsed)) {
      for (const auto& p : res->content) append_part(out, p);
    }
    return out;
  }
  auto decoder = codec->decoder();
  std::vector<ir::Event> events;
  http::SseReader reader;
  reader.feed(bytes, [&](const http::SseEvent& e) { decoder->on_event(e, events); });
  decoder->on_end(events);
  std::map<int, ir::Part> tools;  // tool calls by part index, arguments gathered from deltas
  for (const auto& e : events) {
    switch (e.kind) {
      case ir::Event::Kind::TextDelta:
        out += e.text;
        break;
      case ir::Event::Kind::PartStart:
        if (e.part.kind == ir::Part::Kind::ToolCall) {
          tools[e.index] = e.part;
          tools[e.index].arguments.clear();  // the deltas carry them
        }
        break;
      case ir::Event::Kind::ToolArgsDelta:
        if (auto it = tools.find(e.index); it != tools.end()) it->second.arguments += e.text;
        break;
      case ir::Event::Kind::PartStop:
        if (auto it = tools.find(e.index); it != tools.end()) {
          append_part(out, it->second);
          tools.erase(it);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

bool stream_complete(protocol::Endpoint ep, std::string_view sse) {
  const auto* codec = protocol::codec_for(ep);
  if (!codec) return false;
  auto decoder = codec->decoder();
  std::vector<ir::Event> events;
  http::SseReader reader;
  reader.feed(sse, [&](const http::SseEvent& e) { decoder->on_event(e, events); });
  // Not on_end(): it closes a cut stream as if it had ended, which is the question here.
  return std::any_of(events.begin(), events.end(), [](const ir::Event& e) {
    return e.kind == ir::Event::Kind::Finish || e.kind == ir::Event::Kind::Done;
  });
}

}  // namespace sluice::council
