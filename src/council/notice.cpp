// The review notice, spliced into an answer in the client's wire (see answer.hpp). Whole
// answers are edited as JSON; a held stream is split into its raw events, left byte for byte,
// and the notice's events are inserted between them.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <vector>

#include "core/text.hpp"
#include "council/answer.hpp"
#include "http/sse.hpp"

namespace sluice::council {
namespace {

namespace json = boost::json;
using protocol::Endpoint;

/// A notice that is a block of its own starts at its text, not at the blank lines that
/// separate it when it is appended to other text.
std::string block_text(std::string_view notice) {
  while (!notice.empty() && (notice.front() == '\n' || notice.front() == '\r')) {
    notice.remove_prefix(1);
  }
  return std::string(notice);
}

std::string item_id(std::string_view request_id) {
  return "msg_council_" + std::string(request_id);
}

json::object responses_item(std::string_view text, std::string_view request_id, bool done) {
  json::array content;
  if (done) {
    content.push_back(
        json::object{{"type", "output_text"}, {"text", text}, {"annotations", json::array{}}});
  }
  return {{"id", item_id(request_id)},
          {"type", "message"},
          {"status", done ? "completed" : "in_progress"},
          {"role", "assistant"},
          {"content", std::move(content)}};
}

json::value* at_path(json::value& v, std::initializer_list<std::string_view> keys, bool first) {
  json::value* cur = &v;
  for (auto k : keys) {
    if (!cur->is_object()) return nullptr;
    cur = cur->as_object().if_contains(k);
    if (!cur) return nullptr;
    if (first && cur->is_array()) {
      if (cur->as_array().empty()) return nullptr;
      cur = &cur->as_array()[0];
    }
  }
  return cur;
}

struct RawEvent {
  std::string raw;
  std::string name;  // the event: field
  std::string data;  // data lines joined
};

std::vector<RawEvent> split_events(std::string_view sse, std::string& rest) {
  std::vector<RawEvent> out;
  http::SseSplitter splitter;
  splitter.feed(sse, [&](std::string_view raw) {
    const auto f = http::sse_fields(raw);
    RawEvent e{std::string(raw), std::string(f.event), {}};
    for (std::size_t i = 0; i < f.data.size(); ++i) {
      if (i) e.data += '\n';
      e.data += f.data[i];
    }
    out.push_back(std::move(e));
  });
  rest = splitter.take_rest();
  return out;
}

std::string frame(std::string_view event, const json::value& data, std::string_view eol) {
  std::string out;
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += eol;
  }
  out += "data: ";
  out += json::serialize(data);
  out += eol;
  out += eol;
  return out;
}

json::value parsed(std::string_view data) {
  boost::system::error_code ec;
  auto v = json::parse(data, ec);
  return ec ? json::value() : v;
}

}  // namespace

std::optional<std::string> add_notice(Endpoint ep, std::string_view body, std::string_view notice,
                                      std::string_view request_id) {
  auto doc = parsed(body);
  const std::string text = block_text(notice);
  if (doc.is_array() && protocol::family_of(ep) == protocol::Family::Gemini) {
    // streamGenerateContent without alt=sse: one more chunk at the end of the array.
    doc.as_array().push_back(json::object{
        {"candidates",
         json::array{json::object{
             {"content", json::object{{"parts", json::array{json::object{{"text", text}}}},
                                      {"role", "model"}}},
             {"index", 0}}}}});
    return json::serialize(doc);
  }
  if (!doc.is_object()) return std::nullopt;
  switch (ep) {
    case Endpoint::ChatCompletions: {
      auto* msg = at_path(doc, {"choices", "message"}, true);
      if (!msg || !msg->is_object()) return std::nullopt;
      auto& content = msg->as_object()["content"];
      if (content.is_string()) {
        content = std::string(content.as_string()) + std::string(notice);
      } else {
        content = text;
      }
      break;
    }
    case Endpoint::Responses: {
      auto* output = doc.as_object().if_contains("output");
      if (!output || !output->is_array()) return std::nullopt;
      output->as_array().push_back(responses_item(text, request_id, true));
      break;
    }
    case Endpoint::Messages: {
      auto* content = doc.as_object().if_contains("content");
      if (!content || !content->is_array()) return std::nullopt;
      content->as_array().push_back(json::object{{"type", "text"}, {"text", text}});
      break;
    }
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate: {
      auto* content = at_path(doc, {"candidates", "content"}, true);
      if (!content || !content->is_object()) return std::nullopt;
      auto& parts = content->as_object()["parts"];
      if (!parts.is_array()) parts = json::array{};
      parts.as_array().push_back(json::object{{"text", text}});
      break;
    }
    default:
      return std::nullopt;
  }
  return json::serialize(doc);
}

std::string add_notice_to_stream(Endpoint ep, std::string_view sse, std::string_view notice,
                                 std::string_view request_id) {
  std::string rest;
  auto events = split_events(sse, rest);
  const std::string eol = sse.find("\r\n") != std::string_view::npos ? "\r\n" : "\n";
  const std::string text = block_text(notice);
  std::size_t at = events.size();  // where the notice's events go
  std::string insert;

  switch (ep) {
    case Endpoint::ChatCompletions: {
      json::object head;  // id, created, model of the first chunk, which the notice's repeats
      for (std::size_t i = 0; i < events.size(); ++i) {
        const auto& d = events[i].data;
        if (d.empty()) continue;
        if (core::trim(d) == "[DONE]") {
          at = std::min(at, i);
          break;
        }
        auto v = parsed(d);
        if (!v.is_object()) continue;
        const auto& o = v.as_object();
        if (head.empty()) {
          for (auto k : {"id", "created", "model", "system_fingerprint"}) {
            if (const auto* f = o.if_contains(k)) head[k] = *f;
          }
        }
        const auto* choices = o.if_contains("choices");
        const bool usage_only = choices && choices->is_array() && choices->as_array().empty();
        const auto* finish = at_path(v, {"choices", "finish_reason"}, true);
        if (usage_only || (finish && !finish->is_null())) {
          at = i;
          break;
        }
      }
      head["object"] = "chat.completion.chunk";
      head["choices"] = json::array{json::object{
          {"index", 0}, {"delta", json::object{{"content", notice}}}, {"finish_reason", nullptr}}};
      insert = frame("", head, eol);
      break;
    }
    case Endpoint::Messages: {
      std::int64_t next = 0;
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].name == "content_block_start") {
          auto v = parsed(events[i].data);
          if (const auto* idx = at_path(v, {"index"}, false); idx && idx->is_int64()) {
            next = std::max(next, idx->as_int64() + 1);
          }
        }
        if (events[i].name == "message_delta" || events[i].name == "message_stop") {
          at = i;
          break;
        }
      }
      insert = frame("content_block_start",
                     json::object{{"type", "content_block_start"},
                                  {"index", next},
                                  {"content_block", json::object{{"type", "text"}, {"text", ""}}}},
                     eol);
      insert += frame("content_block_delta",
                      json::object{{"type", "content_block_delta"},
                                   {"index", next},
                                   {"delta", json::object{{"type", "text_delta"}, {"text", text}}}},
                      eol);
      insert += frame("content_block_stop",
                      json::object{{"type", "content_block_stop"}, {"index", next}}, eol);
      break;
    }
    case Endpoint::Responses: {
      std::int64_t index = 0;
      for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].name == "response.output_item.added") ++index;
        if (events[i].name == "response.completed" || events[i].name == "response.incomplete") {
          at = i;
          break;
        }
      }
      std::int64_t seq = 0;
      json::value closing;
      if (at < events.size()) {
        closing = parsed(events[at].data);
        if (auto* s = at_path(closing, {"sequence_number"}, false); s && s->is_int64()) {
          seq = s->as_int64();
        }
      }
      const std::string id = item_id(request_id);
      const json::object part_done{
          {"type", "output_text"}, {"text", text}, {"annotations", json::array{}}};
      auto ev = [&](std::string_view name, json::object o) {
        o["type"] = name;
        o["sequence_number"] = seq++;
        insert += frame(name, o, eol);
      };
      ev("response.output_item.added",
         {{"output_index", index}, {"item", responses_item(text, request_id, false)}});
      ev("response.content_part.added",
         {{"item_id", id},
          {"output_index", index},
          {"content_index", 0},
          {"part",
           json::object{{"type", "output_text"}, {"text", ""}, {"annotations", json::array{}}}}});
      ev("response.output_text.delta",
         {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"delta", text}});
      ev("response.output_text.done",
         {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"text", text}});
      ev("response.content_part.done",
         {{"item_id", id}, {"output_index", index}, {"content_index", 0}, {"part", part_done}});
      ev("response.output_item.done",
         {{"output_index", index}, {"item", responses_item(text, request_id, true)}});
      // The closing event carries the whole response: it lists the notice's item too, and
      // keeps counting after the inserted events.
      if (closing.is_object()) {
        auto& o = closing.as_object();
        if (o.contains("sequence_number")) o["sequence_number"] = seq;
        if (auto* out = at_path(closing, {"response", "output"}, false); out && out->is_array()) {
          out->as_array().push_back(responses_item(text, request_id, true));
        }
        events[at].raw = frame(events[at].name, closing, eol);
      }
      break;
    }
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate: {
      json::object chunk{
          {"candidates",
           json::array{json::object{
               {"content", json::object{{"parts", json::array{json::object{{"text", text}}}},
                                        {"role", "model"}}},
               {"index", 0}}}}};
      insert = frame("", chunk, eol);
      break;
    }
    default:
      return std::string(sse);
  }

  std::string out;
  out.reserve(sse.size() + insert.size() + 64);
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (i == at) out += insert;
    out += events[i].raw;
  }
  if (at >= events.size()) out += insert;
  out += rest;
  return out;
}

}  // namespace sluice::council
