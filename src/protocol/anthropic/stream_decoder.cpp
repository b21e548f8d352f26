// Anthropic Messages SSE (message_start, content_block_*, message_delta, message_stop, error,
// ping) -> canonical IR events. Each event's data is parsed once, into a stack buffer.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>

#include "protocol/anthropic/internal.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::anthropic {
namespace {

using EK = ir::Event::Kind;

class Decoder final : public StreamDecoder {
 public:
  void on_event(const http::SseEvent& ev, std::vector<ir::Event>& out) override {
    if (finished_) return;
    if (ev.event == "ping" || ev.data.empty()) return;
    std::array<unsigned char, 4096> buf;
    bj::monotonic_resource mr(buf.data(), buf.size());
    boost::system::error_code ec;
    const auto v = bj::parse(ev.data, ec, &mr);
    if (ec || !v.is_object()) return;  // not JSON: nothing a client could use
    const auto& o = v.get_object();
    const auto* t = json::field(o, "type");
    const std::string_view type =
        t && t->is_string() ? std::string_view(t->get_string()) : std::string_view(ev.event);
    if (type == "content_block_delta") {
      delta(o, out);
    } else if (type == "content_block_start") {
      block_start(o, out);
    } else if (type == "content_block_stop") {
      block_stop(o, out);
    } else if (type == "message_start") {
      message_start(o, out);
    } else if (type == "message_delta") {
      message_delta(o);
    } else if (type == "message_stop") {
      finish(out);
    } else if (type == "error") {
      error(o, out);
    }
  }

  void on_end(std::vector<ir::Event>& out) override {
    if (!finished_) finish(out);
  }

 private:
  struct Block {
    int ir_index = -1;  // -1: a block with no IR form (server tool results), skipped
    bool open = false;
  };

  /// The IR index of Anthropic block `i`, when it is open and has an IR form.
  int ir_index(const bj::object& o) const {
    const auto i = json::int_field(o, "index").value_or(-1);
    if (i < 0 || static_cast<std::size_t>(i) >= blocks_.size()) return -1;
    const auto& b = blocks_[static_cast<std::size_t>(i)];
    return b.open ? b.ir_index : -1;
  }

  void ensure_started(std::vector<ir::Event>& out) {
    if (started_) return;
    started_ = true;
    ir::Event e;
    e.kind = EK::Start;
    out.push_back(std::move(e));
  }

  void message_start(const bj::object& o, std::vector<ir::Event>& out) {
    if (started_) return;
    started_ = true;
    ir::Event e;
    e.kind = EK::Start;
    if (const auto* m = json::object_field(o, "message")) {
      e.id = json::string_field(*m, "id");
      e.model = json::string_field(*m, "model");
      if (const auto* u = json::object_field(*m, "usage")) read_usage(*u, usage_);
    }
    e.usage = usage_;
    out.push_back(std::move(e));
  }

  static void emit(std::vector<ir::Event>& out, EK kind, int index, std::string_view text) {
    ir::Event e;
    e.kind = kind;
    e.index = index;
    e.text = text;
    out.push_back(std::move(e));
  }

  void block_start(const bj::object& o, std::vector<ir::Event>& out) {
    ensure_started(out);
    const auto i = json::int_field(o, "index").value_or(-1);
    const auto* cb = json::object_field(o, "content_block");
    if (i < 0 || i > 4096 || !cb) return;
    if (blocks_.size() <= static_cast<std::size_t>(i))
      blocks_.resize(static_cast<std::size_t>(i) + 1);
    auto& block = blocks_[static_cast<std::size_t>(i)];
    const auto type = view_field(*cb, "type");
    ir::Event e;
    e.kind = EK::PartStart;
    e.index = next_index_;
    std::string_view initial;
    EK initial_kind = EK::TextDelta;
    if (type == "text") {
      e.part.kind = ir::Part::Kind::Text;
      if (const auto* t = json::field(*cb, "text"); t && t->is_string()) initial = t->get_string();
    } else if (type == "thinking") {
      e.part.kind = ir::Part::Kind::Reasoning;
      initial_kind = EK::ReasoningDelta;
      if (const auto* t = json::field(*cb, "thinking"); t && t->is_string())
        initial = t->get_string();
    } else if (type == "redacted_thinking") {
      e.part.kind = ir::Part::Kind::RedactedReasoning;
      e.part.data = json::string_field(*cb, "data");
    } else if (type == "tool_use") {
      e.part.kind = ir::Part::Kind::ToolCall;
      e.part.id = json::string_field(*cb, "id");
      e.part.name = json::string_field(*cb, "name");
    } else {
      block = Block{};  // server_tool_use, web_search_tool_result, ...: no IR form
      return;
    }
    block = Block{next_index_++, true};
    out.push_back(std::move(e));
    if (!initial.empty()) emit(out, initial_kind, block.ir_index, initial);
    if (type == "thinking") {
      if (const auto* s = json::field(*cb, "signature");
          s && s->is_string() && !s->get_string().empty()) {
        emit(out, EK::SignatureDelta, block.ir_index, s->get_string());
      }
    }
  }

  void delta(const bj::object& o, std::vector<ir::Event>& out) {
    const int index = ir_index(o);
    const auto* d = json::object_field(o, "delta");
    if (index < 0 || !d) return;
    const auto* t = json::field(*d, "type");
    if (!t || !t->is_string()) return;
    const std::string_view type = t->get_string();
    auto text_of = [&](std::string_view key) -> std::string_view {
      const auto* f = json::field(*d, key);
      return f && f->is_string() ? std::string_view(f->get_string()) : std::string_view();
    };
    if (type == "text_delta") {
      if (auto s = text_of("text"); !s.empty()) emit(out, EK::TextDelta, index, s);
    } else if (type == "input_json_delta") {
      if (auto s = text_of("partial_json"); !s.empty()) emit(out, EK::ToolArgsDelta, index, s);
    } else if (type == "thinking_delta") {
      if (auto s = text_of("thinking"); !s.empty()) emit(out, EK::ReasoningDelta, index, s);
    } else if (type == "signature_delta") {
      if (auto s = text_of("signature"); !s.empty()) emit(out, EK::SignatureDelta, index, s);
    }
  }

  void block_stop(const bj::object& o, std::vector<ir::Event>& out) {
    const int index = ir_index(o);
    if (index < 0) return;
    blocks_[static_cast<std::size_t>(json::int_field(o, "index").value_or(0))].open = false;
    ir::Event e;
    e.kind = EK::PartStop;
    e.index = index;
    out.push_back(std::move(e));
  }

  void message_delta(const bj::object& o) {
    if (const auto* d = json::object_field(o, "delta")) {
      if (const auto* r = json::field(*d, "stop_reason"); r && r->is_string()) {
        stop_ = stop_reason_from(r->get_string(), kWire);
      }
      stop_sequence_ = json::string_field(*d, "stop_sequence");
    }
    if (const auto* u = json::object_field(o, "usage")) read_usage(*u, usage_);
  }

  void finish(std::vector<ir::Event>& out) {
    ensure_started(out);
    for (auto& b : blocks_) {
      if (!b.open || b.ir_index < 0) continue;
      b.open = false;
      ir::Event e;
      e.kind = EK::PartStop;
      e.index = b.ir_index;
      out.push_back(std::move(e));
    }
    ir::Event f;
    f.kind = EK::Finish;
    f.stop = stop_;
    f.stop_sequence = stop_sequence_;
    f.usage = usage_;
    out.push_back(std::move(f));
    ir::Event d;
    d.kind = EK::Done;
    out.push_back(std::move(d));
    finished_ = true;
  }

  void error(const bj::object& o, std::vector<ir::Event>& out) {
    ir::Event e;
    e.kind = EK::Error;
    if (const auto* err = json::object_field(o, "error")) {
      e.error_type = json::string_field(*err, "type", "api_error");
      e.text = json::string_field(*err, "message");
    } else {
      e.error_type = "api_error";
    }
    out.push_back(std::move(e));
    finished_ = true;  // the error ends the stream; nothing follows it
  }

  std::vector<Block> blocks_;
  int next_index_ = 0;
  bool started_ = false;
  bool finished_ = false;
  ir::Usage usage_;
  ir::StopReason stop_ = ir::StopReason::EndTurn;
  std::string stop_sequence_;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_decoder() {
  return std::make_unique<Decoder>();
}

}  // namespace sluice::protocol::anthropic
