// Upstream Responses SSE -> canonical IR events.
//
// Items map to parts: each output_text content part is a Text part, a function_call or
// custom_tool_call a ToolCall part (custom input is re-encoded as {"input": "..."} argument
// fragments), a reasoning item a Reasoning part (summaries joined by a blank line) opened at its
// first delta, plus a RedactedReasoning part when the item carries encrypted_content.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {
namespace {

using Kind = ir::Part::Kind;

class Decoder final : public StreamDecoder {
 public:
  void on_event(const http::SseEvent& ev, std::vector<ir::Event>& out) override;
  void on_end(std::vector<ir::Event>& out) override;

 private:
  enum class ItemKind { Message, Function, Custom, Reasoning, Other };
  struct Item {
    std::int64_t output_index = 0;
    ItemKind kind = ItemKind::Other;
    int part = -1;           // IR index of the open tool/reasoning part
    bool streamed = false;   // arguments / input / summary text arrived as deltas
    std::int64_t summary_index = -1;
    std::vector<std::pair<std::int64_t, int>> texts;  // content_index -> open IR text part
  };

  Item* find_item(std::int64_t output_index) {
    for (auto& it : items_) {
      if (it.output_index == output_index) return &it;
    }
    return nullptr;
  }
  Item* item_of(const bj::object& o) { return find_item(json::int_field(o, "output_index").value_or(-1)); }

  int open_part(ir::Part part, std::vector<ir::Event>& out) {
    ir::Event e;
    e.kind = ir::Event::Kind::PartStart;
    e.index = next_index_++;
    e.part = std::move(part);
    out.push_back(std::move(e));
    open_.push_back(next_index_ - 1);
    return next_index_ - 1;
  }
  void delta(ir::Event::Kind kind, int index, std::string_view text, std::vector<ir::Event>& out) {
    ir::Event e;
    e.kind = kind;
    e.index = index;
    e.text = text;
    out.push_back(std::move(e));
  }
  void close_part(int index, std::vector<ir::Event>& out) {
    for (auto it = open_.begin(); it != open_.end(); ++it) {
      if (*it == index) {
        open_.erase(it);
        ir::Event e;
        e.kind = ir::Event::Kind::PartStop;
        e.index = index;
        out.push_back(std::move(e));
        return;
      }
    }
  }
  int text_part(Item& it, std::int64_t content_index, std::vector<ir::Event>& out) {
    for (const auto& [ci, part] : it.texts) {
      if (ci == content_index) return part;
    }
    int part = open_part(ir::Part{}, out);
    it.texts.emplace_back(content_index, part);
    return part;
  }
  int reasoning_part(Item& it, std::vector<ir::Event>& out) {
    if (it.part < 0) {
      ir::Part p;
      p.kind = Kind::Reasoning;
      it.part = open_part(std::move(p), out);
    }
    return it.part;
  }

  void start(std::string id, std::string model, std::vector<ir::Event>& out) {
    if (started_) return;
    started_ = true;
    ir::Event e;
    e.kind = ir::Event::Kind::Start;
    e.id = std::move(id);
    e.model = std::move(model);
    out.push_back(std::move(e));
  }
  void item_added(const bj::object& item, std::int64_t output_index, std::vector<ir::Event>& out);
  void item_done(const bj::object& item, std::int64_t output_index, std::vector<ir::Event>& out);
  void finish(const bj::object* response, bool incomplete, std::vector<ir::Event>& out);
  void fail(std::string type, std::string message, std::vector<ir::Event>& out);

  std::vector<Item> items_;
  std::vector<int> open_;
  int next_index_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool saw_tool_ = false;
  unsigned char buffer_[8192];
};

void Decoder::on_event(const http::SseEvent& ev, std::vector<ir::Event>& out) {
  if (finished_ || ev.data.empty()) return;
  bj::monotonic_resource arena(buffer_, sizeof buffer_);
  boost::system::error_code ec;
  bj::value v = bj::parse(ev.data, ec, &arena);
  if (ec || !v.is_object()) return;  // not JSON: nothing this wire sends
  const auto& o = v.get_object();
  const auto* tv = json::field(o, "type");
  const std::string_view type = tv && tv->is_string() ? std::string_view(tv->get_string()) : std::string_view(ev.event);

  if (type == "response.created" || type == "response.in_progress") {
    if (const auto* r = json::object_field(o, "response")) {
      start(json::string_field(*r, "id"), json::string_field(*r, "model"), out);
    }
    return;
  }
  if (type == "response.completed" || type == "response.incomplete") {
    finish(json::object_field(o, "response"), type == "response.incomplete", out);
    return;
  }
  if (type == "response.failed") {
    std::string code = "server_error", message = "upstream response failed";
    if (const auto* r = json::object_field(o, "response")) {
      if (const auto* e = json::object_field(*r, "error")) {
        code = json::string_field(*e, "code", code);
        message = json::string_field(*e, "message", message);
      }
    }
    fail(std::move(code), std::move(message), out);
    return;
  }
  if (type == "error") {
    fail(json::string_field(o, "code", "server_error"), json::string_field(o, "message", "upstream stream error"), out);
    return;
  }
  start({}, {}, out);  // tolerate a stream that skipped response.created

  if (type == "response.output_item.added" || type == "response.output_item.done") {
    const auto* item = json::object_field(o, "item");
    const auto index = json::int_field(o, "output_index").value_or(static_cast<std::int64_t>(items_.size()));
    if (!item) return;
    if (type == "response.output_item.added") {
      item_added(*item, index, out);
    } else {
      item_done(*item, index, out);
    }
  } else if (type == "response.content_part.added") {
    auto* it = item_of(o);
    const auto* part = json::object_field(o, "part");
    if (it && it->kind == ItemKind::Message && part) {
      text_part(*it, json::int_field(o, "content_index").value_or(0), out);
    }
  } else if (type == "response.output_text.delta" || type == "response.refusal.delta") {
    if (auto* it = item_of(o)) {
      delta(ir::Event::Kind::TextDelta, text_part(*it, json::int_field(o, "content_index").value_or(0), out),
            json::string_field(o, "delta"), out);
    }
  } else if (type == "response.content_part.done") {
    if (auto* it = item_of(o)) {
      const auto ci = json::int_field(o, "content_index").value_or(0);
      for (const auto& [c, part] : it->texts) {
        if (c == ci) close_part(part, out);
      }
    }
  } else if (type == "response.function_call_arguments.delta") {
    auto* it = item_of(o);
    if (it && it->part >= 0) {
      it->streamed = true;
      delta(ir::Event::Kind::ToolArgsDelta, it->part, json::string_field(o, "delta"), out);
    }
  } else if (type == "response.custom_tool_call_input.delta") {
    auto* it = item_of(o);
    if (it && it->part >= 0) {
      std::string frag;
      if (!it->streamed) frag = R"({"input":")";
      it->streamed = true;
      append_json_escaped(frag, json::string_field(o, "delta"));
      delta(ir::Event::Kind::ToolArgsDelta, it->part, frag, out);
    }
  } else if (type == "response.reasoning_summary_part.added") {
    auto* it = item_of(o);
    const auto si = json::int_field(o, "summary_index").value_or(0);
    if (it && it->kind == ItemKind::Reasoning && it->part >= 0 && si != it->summary_index) {
      delta(ir::Event::Kind::ReasoningDelta, it->part, "\n\n", out);  // a new summary paragraph
    }
    if (it) it->summary_index = si;
  } else if (type == "response.reasoning_summary_text.delta" || type == "response.reasoning_text.delta") {
    auto* it = item_of(o);
    if (it && it->kind == ItemKind::Reasoning) {
      it->streamed = true;
      if (it->summary_index < 0) it->summary_index = json::int_field(o, "summary_index").value_or(0);
      delta(ir::Event::Kind::ReasoningDelta, reasoning_part(*it, out), json::string_field(o, "delta"), out);
    }
  }
  // Everything else (in_progress, *.done echoes, annotations, hosted-tool progress) is ignored.
}

void Decoder::item_added(const bj::object& item_obj, std::int64_t output_index, std::vector<ir::Event>& out) {
  const auto* item = &item_obj;
  Item it;
  it.output_index = output_index;
  const auto type = json::string_field(*item, "type");
  if (type == "message") {
    it.kind = ItemKind::Message;
  } else if (type == "function_call" || type == "custom_tool_call") {
    it.kind = type == "function_call" ? ItemKind::Function : ItemKind::Custom;
    ir::Part p;
    p.kind = Kind::ToolCall;
    p.id = json::string_field(*item, "call_id");
    p.name = json::string_field(*item, "name");
    it.part = open_part(std::move(p), out);
    saw_tool_ = true;
  } else if (type == "reasoning") {
    it.kind = ItemKind::Reasoning;
  }
  items_.push_back(std::move(it));
}

void Decoder::item_done(const bj::object& item_obj, std::int64_t output_index, std::vector<ir::Event>& out) {
  const auto* item = &item_obj;
  auto* it = find_item(output_index);
  if (!it) return;
  switch (it->kind) {
    case ItemKind::Message:
      if (it->texts.empty()) {
        // A message sent whole, without content-part events.
        if (const auto* content = json::array_field(*item, "content")) {
          for (std::size_t i = 0; i < content->size(); ++i) {
            const auto* part = (*content)[i].if_object();
            if (!part) continue;
            int idx = text_part(*it, static_cast<std::int64_t>(i), out);
            auto text = json::string_field(*part, json::string_field(*part, "type") == "refusal" ? "refusal" : "text");
            if (!text.empty()) delta(ir::Event::Kind::TextDelta, idx, text, out);
          }
        }
      }
      for (const auto& [ci, part] : it->texts) close_part(part, out);
      break;
    case ItemKind::Function:
      if (!it->streamed) {
        auto args = json::string_field(*item, "arguments");
        if (!args.empty()) delta(ir::Event::Kind::ToolArgsDelta, it->part, args, out);
      }
      close_part(it->part, out);
      break;
    case ItemKind::Custom: {
      std::string frag;
      if (!it->streamed) frag = custom_arguments(json::string_field(*item, "input"));
      else frag = "\"}";
      delta(ir::Event::Kind::ToolArgsDelta, it->part, frag, out);
      close_part(it->part, out);
      break;
    }
    case ItemKind::Reasoning: {
      if (!it->streamed) {
        // Summary sent whole in the done item.
        if (const auto* summary = json::array_field(*item, "summary")) {
          bool first = true;
          for (const auto& s : *summary) {
            const auto* so = s.if_object();
            if (!so) continue;
            delta(ir::Event::Kind::ReasoningDelta, reasoning_part(*it, out),
                  (first ? "" : "\n\n") + json::string_field(*so, "text"), out);
            first = false;
          }
        }
      }
      auto unwrapped = unwrap_encrypted(json::string_field(*item, "encrypted_content"));
      if (!unwrapped.signature.empty()) {
        delta(ir::Event::Kind::SignatureDelta, reasoning_part(*it, out), unwrapped.signature, out);
      }
      if (it->part >= 0) close_part(it->part, out);
      if (!unwrapped.redacted.empty()) {
        ir::Part p;
        p.kind = Kind::RedactedReasoning;
        p.data = std::move(unwrapped.redacted);
        close_part(open_part(std::move(p), out), out);
      }
      break;
    }
    case ItemKind::Other:
      break;
  }
}

void Decoder::finish(const bj::object* response, bool incomplete, std::vector<ir::Event>& out) {
  if (response) {
    start(json::string_field(*response, "id"), json::string_field(*response, "model"), out);
    // An upstream that streamed no items (only the final object) still gets its answer across.
    const auto* output = json::array_field(*response, "output");
    if (items_.empty() && output) {
      for (std::size_t i = 0; i < output->size(); ++i) {
        const auto* item = (*output)[i].if_object();
        if (!item) continue;
        item_added(*item, static_cast<std::int64_t>(i), out);
        item_done(*item, static_cast<std::int64_t>(i), out);
      }
    }
  } else {
    start({}, {}, out);
  }
  while (!open_.empty()) close_part(open_.front(), out);
  ir::Event e;
  e.kind = ir::Event::Kind::Finish;
  e.stop = saw_tool_ ? ir::StopReason::ToolUse : ir::StopReason::EndTurn;
  if (response) {
    if (const auto* u = json::object_field(*response, "usage")) e.usage = usage_from(*u);
    if (incomplete || json::string_field(*response, "status") == "incomplete") {
      std::string reason;
      if (const auto* d = json::object_field(*response, "incomplete_details")) reason = json::string_field(*d, "reason");
      e.stop = stop_reason_from(reason, kWire);
      if (e.stop == ir::StopReason::EndTurn) e.stop = ir::StopReason::MaxTokens;
    }
  }
  out.push_back(std::move(e));
  ir::Event done;
  done.kind = ir::Event::Kind::Done;
  out.push_back(std::move(done));
  finished_ = true;
}

void Decoder::fail(std::string type, std::string message, std::vector<ir::Event>& out) {
  ir::Event e;
  e.kind = ir::Event::Kind::Error;
  e.error_type = std::move(type);
  e.text = std::move(message);
  out.push_back(std::move(e));
  finished_ = true;  // an error ends the stream: nothing, not even Done, follows
}

void Decoder::on_end(std::vector<ir::Event>& out) {
  if (finished_) return;
  finish(nullptr, false, out);
}

}  // namespace

std::unique_ptr<StreamDecoder> make_decoder() { return std::make_unique<Decoder>(); }

}  // namespace sluice::protocol::openai_responses
