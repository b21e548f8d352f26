// Canonical IR events -> Anthropic's exact client grammar: message_start, then one content block
// at a time (content_block_start / _delta / _stop), message_delta, message_stop; every event with
// its `event:` line. An IR Error becomes `event: error` and ends the stream.
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>

#include "protocol/anthropic/internal.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::anthropic {
namespace {

using EK = ir::Event::Kind;
using PK = ir::Part::Kind;

/// Appends `s` as a JSON string literal (the hot path: every delta carries one).
void append_event(std::string& out, std::string_view name, const bj::object& data) {
  out += "event: ";
  out += name;
  out += "\ndata: ";
  out += bj::serialize(data);
  out += "\n\n";
}

class Encoder final : public StreamEncoder {
 public:
  explicit Encoder(EncodeOptions opt) : opt_(std::move(opt)) {}

  void on_event(const ir::Event& ev, std::string& out) override {
    if (finished_) return;
    switch (ev.kind) {
      case EK::Start:
        start(ev.id, ev.usage, out);
        break;
      case EK::PartStart:
        part_start(ev.index, ev.part, out);
        break;
      case EK::TextDelta:
        delta(ev.index, PK::Text, "text_delta", "text", ev.text, out);
        break;
      case EK::ReasoningDelta:
        delta(ev.index, PK::Reasoning, "thinking_delta", "thinking", ev.text, out);
        break;
      case EK::SignatureDelta:
        delta(ev.index, PK::Reasoning, "signature_delta", "signature", ev.text, out);
        break;
      case EK::ToolArgsDelta:
        delta(ev.index, PK::ToolCall, "input_json_delta", "partial_json", ev.text, out);
        break;
      case EK::PartStop:
        close(slot(ev.index), out);
        break;
      case EK::Usage:
        merge_usage(ev.usage);
        break;
      case EK::Finish:
        finish(ev, out);
        break;
      case EK::Done:
        done(out);
        break;
      case EK::Error:
        error(ev, out);
        break;
    }
  }

 private:
  struct Slot {
    int block = -1;  // Anthropic content block index
    PK kind = PK::Text;
    bool open = false;
  };

  Slot* slot(int index) {
    if (index < 0 || static_cast<std::size_t>(index) >= slots_.size()) return nullptr;
    return &slots_[static_cast<std::size_t>(index)];
  }

  void merge_usage(const ir::Usage& u) {
    // Usage is cumulative; a later event without a figure must not erase an earlier one.
    usage_.input = std::max(usage_.input, u.input);
    usage_.output = std::max(usage_.output, u.output);
    usage_.cache_read = std::max(usage_.cache_read, u.cache_read);
    usage_.cache_write = std::max(usage_.cache_write, u.cache_write);
    usage_.reasoning = std::max(usage_.reasoning, u.reasoning);
  }

  void start(std::string_view id, const ir::Usage& usage, std::string& out) {
    if (started_) return;
    started_ = true;
    merge_usage(usage);
    std::array<unsigned char, 1024> buf;
    bj::monotonic_resource mr(buf.data(), buf.size());
    bj::storage_ptr sp(&mr);
    bj::object msg(sp);
    msg.emplace("id", message_id(id, opt_));
    msg.emplace("type", "message");
    msg.emplace("role", "assistant");
    msg.emplace("model", opt_.model);
    msg.emplace("content", bj::array(sp));
    msg.emplace("stop_reason", nullptr);
    msg.emplace("stop_sequence", nullptr);
    msg.emplace("usage", usage_json(usage_, true, sp));
    bj::object data(sp);
    data.emplace("type", "message_start");
    data.emplace("message", std::move(msg));
    append_event(out, "message_start", data);
  }

  void close(Slot* s, std::string& out) {
    if (!s || !s->open) return;
    s->open = false;
    open_ = -1;
    out += "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":";
    out += std::to_string(s->block);
    out += "}\n\n";
  }

  void part_start(int index, const ir::Part& part, std::string& out) {
    if (index < 0 || index > 4096) return;
    if (part.kind != PK::Text && part.kind != PK::Reasoning && part.kind != PK::RedactedReasoning &&
        part.kind != PK::ToolCall) {
      return;  // images, documents and tool results do not occur in assistant output
    }
    start({}, {}, out);
    close(slot(open_), out);  // Anthropic streams one block at a time
    if (slots_.size() <= static_cast<std::size_t>(index))
      slots_.resize(static_cast<std::size_t>(index) + 1);
    auto& s = slots_[static_cast<std::size_t>(index)];
    s = Slot{next_block_++, part.kind, true};
    open_ = index;
    std::array<unsigned char, 1024> buf;
    bj::monotonic_resource mr(buf.data(), buf.size());
    bj::storage_ptr sp(&mr);
    bj::object cb(sp);
    switch (part.kind) {
      case PK::Text:
        cb.emplace("type", "text");
        cb.emplace("text", "");
        break;
      case PK::Reasoning:
        cb.emplace("type", "thinking");
        cb.emplace("thinking", "");
        cb.emplace("signature", "");
        break;
      case PK::RedactedReasoning:
        cb.emplace("type", "redacted_thinking");
        cb.emplace("data", part.data);
        break;
      default:
        cb.emplace("type", "tool_use");
        cb.emplace("id", part.id.empty()
                             ? "toolu_" + opt_.id + "_" + std::to_string(generated_ids_++)
                             : part.id);
        cb.emplace("name", part.name);
        cb.emplace("input", bj::object(sp));
        break;
    }
    bj::object data(sp);
    data.emplace("type", "content_block_start");
    data.emplace("index", s.block);
    data.emplace("content_block", std::move(cb));
    append_event(out, "content_block_start", data);
    // Content a decoder put on the part itself rather than in deltas.
    switch (part.kind) {
      case PK::Text:
        delta(index, PK::Text, "text_delta", "text", part.text, out);
        break;
      case PK::Reasoning:
        delta(index, PK::Reasoning, "thinking_delta", "thinking", part.text, out);
        delta(index, PK::Reasoning, "signature_delta", "signature", part.signature, out);
        break;
      case PK::ToolCall:
        delta(index, PK::ToolCall, "input_json_delta", "partial_json", part.arguments, out);
        break;
      default:
        break;
    }
  }

  void delta(int index, PK kind, std::string_view type, std::string_view key, std::string_view text,
             std::string& out) {
    if (text.empty()) return;
    auto* s = slot(index);
    if (!s || !s->open) {
      // A delta with no open block: text and thinking get a fresh block; tool arguments
      // without their call's start cannot be placed.
      if (kind == PK::ToolCall) return;
      ir::Part p;
      p.kind = kind;
      part_start(index, p, out);
      s = slot(index);
      if (!s) return;
    }
    if (s->kind != kind) return;
    out += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":";
    out += std::to_string(s->block);
    out += ",\"delta\":{\"type\":\"";
    out += type;
    out += "\",\"";
    out += key;
    out += "\":";
    json::append_json_string(out, text);
    out += "}}\n\n";
  }

  void finish(const ir::Event& ev, std::string& out) {
    if (finish_sent_) return;
    start({}, {}, out);
    close(slot(open_), out);
    merge_usage(ev.usage);
    finish_sent_ = true;
    std::array<unsigned char, 1024> buf;
    bj::monotonic_resource mr(buf.data(), buf.size());
    bj::storage_ptr sp(&mr);
    bj::object d(sp);
    d.emplace("stop_reason", stop_reason_name(ev.stop, kWire));
    if (ev.stop == ir::StopReason::StopSequence && !ev.stop_sequence.empty()) {
      d.emplace("stop_sequence", ev.stop_sequence);
    } else {
      d.emplace("stop_sequence", nullptr);
    }
    bj::object data(sp);
    data.emplace("type", "message_delta");
    data.emplace("delta", std::move(d));
    data.emplace("usage", usage_json(usage_, true, sp));
    append_event(out, "message_delta", data);
  }

  void done(std::string& out) {
    if (!finish_sent_) {
      ir::Event f;
      f.kind = EK::Finish;
      finish(f, out);
    }
    out += "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    finished_ = true;
  }

  void error(const ir::Event& ev, std::string& out) {
    out += "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":";
    json::append_json_string(out, error_type_name(ev.error_type));
    out += ",\"message\":";
    json::append_json_string(
        out, ev.text.empty() ? std::string_view("upstream error") : std::string_view(ev.text));
    out += "}}\n\n";
    finished_ = true;
  }

  EncodeOptions opt_;
  std::vector<Slot> slots_;
  int open_ = -1;  // IR index of the open block
  int next_block_ = 0;
  int generated_ids_ = 0;
  ir::Usage usage_;
  bool started_ = false;
  bool finish_sent_ = false;
  bool finished_ = false;
};

}  // namespace

std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt) {
  return std::make_unique<Encoder>(opt);
}

}  // namespace sluice::protocol::anthropic
