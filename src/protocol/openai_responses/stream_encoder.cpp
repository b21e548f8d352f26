// Canonical IR events -> the exact Responses SSE grammar Codex and the OpenAI SDKs consume:
//   response.created, response.in_progress,
//   per item: response.output_item.added, its content events, response.output_item.done,
//   then response.completed (or response.incomplete / response.failed).
// Every event carries `event:` and a sequence_number counted from 0. Item ids are derived from
// EncodeOptions.id and the output index so output is deterministic.
#include <boost/json/serialize.hpp>

#include <optional>

#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {
namespace {

using Kind = ir::Part::Kind;

/// A Responses `error.code` for an IR error type (Anthropic-style names are translated; codes
/// that already are OpenAI's pass through).
std::string_view error_code(std::string_view type) {
  struct Row {
    std::string_view from, to;
  };
  static constexpr Row kCodes[] = {{"overloaded_error", "server_is_overloaded"},
                                   {"rate_limit_error", "rate_limit_exceeded"},
                                   {"api_error", "server_error"},
                                   {"", "server_error"}};
  for (const auto& r : kCodes) {
    if (r.from == type) return r.to;
  }
  return type.ends_with("_error") ? std::string_view("server_error") : type;
}

class Encoder final : public StreamEncoder {
 public:
  Encoder(const EncodeOptions& opt, std::vector<std::string> custom) : opt_(opt), custom_(std::move(custom)) {}
  void on_event(const ir::Event& ev, std::string& out) override;

 private:
  enum class ItemKind { Message, Function, Custom, Reasoning };
  struct Item {
    ItemKind kind = ItemKind::Message;
    int part = -1;        // the IR part this item renders
    int extra_part = -1;  // a RedactedReasoning part folded into this reasoning item
    std::size_t output_index = 0;
    std::string id, call_id, name;
    std::string text;  // message text, arguments, custom input or summary
    std::string signature, encrypted, raw_args;
    bool summary_open = false;
    bool from_redacted = false;
    CustomInputExtractor extractor;
  };

  bj::object head(std::string_view type) {
    return bj::object{{"type", type}, {"sequence_number", seq_++}};
  }
  void emit(std::string& out, bj::object& data) {
    json::append_sse(out, data.at("type").get_string(), data);
  }
  /// The hot path, written by hand: one delta event of an item.
  void emit_delta(std::string& out, std::string_view type, const Item& it, std::string_view mid,
                  std::string_view delta, std::string_view tail) {
    out += "event: ";
    out += type;
    out += "\ndata: {\"type\":\"";
    out += type;
    out += "\",\"sequence_number\":";
    out += std::to_string(seq_++);
    out += ",\"item_id\":";
    append_json_string(out, it.id);
    out += ",\"output_index\":";
    out += std::to_string(it.output_index);
    out += mid;
    out += ",\"delta\":";
    append_json_string(out, delta);
    out += tail;
    out += "}\n\n";
  }

  bool is_custom(std::string_view name) const {
    for (const auto& c : custom_) {
      if (c == name) return true;
    }
    return false;
  }
  Item* open_item(int part) {
    for (auto& it : open_) {
      if (it.part == part) return &it;
    }
    return nullptr;
  }

  void begin(std::string_view id, std::string& out);
  void open(const ir::Event& ev, std::string& out);
  void close(Item& it, std::string& out);
  void item_done(bj::object item, std::size_t output_index, std::string& out);
  void flush_pending(std::string& out);
  void terminal(std::string& out);

  EncodeOptions opt_;
  std::vector<std::string> custom_;
  std::string response_id_;
  std::int64_t seq_ = 0;
  std::size_t next_output_ = 0;
  std::vector<Item> open_;
  std::optional<Item> pending_;  // a finished reasoning item that may still take encrypted content
  bj::array output_;
  ir::Usage usage_;
  ir::StopReason stop_ = ir::StopReason::EndTurn;
  bool started_ = false;
  bool ended_ = false;
};

void Encoder::begin(std::string_view id, std::string& out) {
  if (started_) return;
  started_ = true;
  response_id_ = response_id(id, opt_);
  for (std::string_view type : {"response.created", "response.in_progress"}) {
    auto ev = head(type);
    ev["response"] = response_object(response_id_, opt_.created, opt_.model, "in_progress", {}, nullptr, "", nullptr);
    emit(out, ev);
  }
}

void Encoder::item_done(bj::object item, std::size_t output_index, std::string& out) {
  auto ev = head("response.output_item.done");
  ev["output_index"] = output_index;
  ev["item"] = item;
  emit(out, ev);
  output_.push_back(std::move(item));
}

void Encoder::flush_pending(std::string& out) {
  if (!pending_) return;
  auto& it = *pending_;
  item_done(reasoning_item(it.id, it.text, it.summary_open, it.encrypted), it.output_index, out);
  pending_.reset();
}

void Encoder::open(const ir::Event& ev, std::string& out) {
  const auto& p = ev.part;
  if (p.kind == Kind::RedactedReasoning && pending_ && pending_->encrypted.empty()) {
    // OpenAI's reasoning arrives as summary + encrypted content: one item.
    pending_->encrypted = is_openai_encrypted(p.data) ? p.data : envelope_redacted(p.data);
    pending_->extra_part = ev.index;
    return;
  }
  flush_pending(out);
  Item it;
  it.part = ev.index;
  it.output_index = next_output_++;
  bj::object item;
  switch (p.kind) {
    case Kind::Text:
      it.kind = ItemKind::Message;
      it.id = item_id("msg", opt_, it.output_index);
      item = {{"id", it.id}, {"type", "message"}, {"status", "in_progress"}, {"content", bj::array{}}, {"role", "assistant"}};
      break;
    case Kind::ToolCall:
      it.name = p.name;
      it.call_id = p.id.empty() ? item_id("call", opt_, it.output_index) : p.id;
      if (is_custom(p.name)) {
        it.kind = ItemKind::Custom;
        it.id = item_id("ctc", opt_, it.output_index);
        item = custom_call_item(it.id, it.call_id, it.name, "");
      } else {
        it.kind = ItemKind::Function;
        it.id = item_id("fc", opt_, it.output_index);
        item = function_call_item(it.id, it.call_id, it.name, "", "in_progress");
      }
      break;
    case Kind::Reasoning:
    case Kind::RedactedReasoning:
      it.kind = ItemKind::Reasoning;
      it.id = item_id("rs", opt_, it.output_index);
      if (p.kind == Kind::RedactedReasoning) {
        it.from_redacted = true;
        it.encrypted = is_openai_encrypted(p.data) ? p.data : envelope_redacted(p.data);
      }
      item = reasoning_item(it.id, "", false, "");
      break;
    default:
      --next_output_;  // images etc. have no streamed output item here
      return;
  }
  auto added = head("response.output_item.added");
  added["output_index"] = it.output_index;
  added["item"] = std::move(item);
  emit(out, added);
  if (it.kind == ItemKind::Message) {
    auto part = head("response.content_part.added");
    part["item_id"] = it.id;
    part["output_index"] = it.output_index;
    part["content_index"] = 0;
    part["part"] = {{"type", "output_text"}, {"annotations", bj::array{}}, {"logprobs", bj::array{}}, {"text", ""}};
    emit(out, part);
  }
  open_.push_back(std::move(it));
}

void Encoder::close(Item& it, std::string& out) {
  switch (it.kind) {
    case ItemKind::Message: {
      auto done = head("response.output_text.done");
      done["item_id"] = it.id;
      done["output_index"] = it.output_index;
      done["content_index"] = 0;
      done["text"] = it.text;
      done["logprobs"] = bj::array{};
      emit(out, done);
      auto part = head("response.content_part.done");
      part["item_id"] = it.id;
      part["output_index"] = it.output_index;
      part["content_index"] = 0;
      part["part"] = {{"type", "output_text"}, {"annotations", bj::array{}}, {"logprobs", bj::array{}}, {"text", it.text}};
      emit(out, part);
      item_done(message_item(it.id, it.text, "completed"), it.output_index, out);
      break;
    }
    case ItemKind::Function: {
      if (it.text.empty()) it.text = "{}";
      auto done = head("response.function_call_arguments.done");
      done["item_id"] = it.id;
      done["output_index"] = it.output_index;
      done["arguments"] = it.text;
      emit(out, done);
      item_done(function_call_item(it.id, it.call_id, it.name, it.text, "completed"), it.output_index, out);
      break;
    }
    case ItemKind::Custom: {
      if (!it.extractor.found() && !it.raw_args.empty()) {
        // The model did not answer {"input": "..."}: pass its raw text as the input.
        it.text = it.raw_args;
        emit_delta(out, "response.custom_tool_call_input.delta", it, "", it.text, "");
      }
      auto done = head("response.custom_tool_call_input.done");
      done["item_id"] = it.id;
      done["output_index"] = it.output_index;
      done["input"] = it.text;
      emit(out, done);
      item_done(custom_call_item(it.id, it.call_id, it.name, it.text), it.output_index, out);
      break;
    }
    case ItemKind::Reasoning:
      if (it.summary_open) {
        auto done = head("response.reasoning_summary_text.done");
        done["item_id"] = it.id;
        done["output_index"] = it.output_index;
        done["summary_index"] = 0;
        done["text"] = it.text;
        emit(out, done);
        auto part = head("response.reasoning_summary_part.done");
        part["item_id"] = it.id;
        part["output_index"] = it.output_index;
        part["summary_index"] = 0;
        part["part"] = {{"type", "summary_text"}, {"text", it.text}};
        emit(out, part);
      }
      if (!it.signature.empty()) it.encrypted = envelope_signature(it.signature);
      if (it.from_redacted || !it.encrypted.empty()) {
        item_done(reasoning_item(it.id, it.text, it.summary_open, it.encrypted), it.output_index, out);
      } else {
        pending_ = std::move(it);  // OpenAI's encrypted content may follow as its own part
      }
      break;
  }
}

void Encoder::terminal(std::string& out) {
  flush_pending(out);
  while (!open_.empty()) {
    auto it = std::move(open_.front());
    open_.erase(open_.begin());
    close(it, out);
  }
  flush_pending(out);
  const auto reason = stop_reason_name(stop_, kWire);
  auto ev = head(reason.empty() ? "response.completed" : "response.incomplete");
  ev["response"] = response_object(response_id_, opt_.created, opt_.model, reason.empty() ? "completed" : "incomplete",
                                   std::move(output_), &usage_, reason, nullptr);
  emit(out, ev);
  ended_ = true;
}

void merge_usage(ir::Usage& into, const ir::Usage& u) {
  auto take = [](std::int64_t& a, std::int64_t b) {
    if (b != 0) a = b;
  };
  take(into.input, u.input);
  take(into.output, u.output);
  take(into.cache_read, u.cache_read);
  take(into.cache_write, u.cache_write);
  take(into.reasoning, u.reasoning);
}

void Encoder::on_event(const ir::Event& ev, std::string& out) {
  if (ended_) return;
  if (ev.kind != ir::Event::Kind::Start) begin("", out);
  switch (ev.kind) {
    case ir::Event::Kind::Start:
      begin(ev.id, out);
      merge_usage(usage_, ev.usage);
      break;
    case ir::Event::Kind::PartStart:
      open(ev, out);
      break;
    case ir::Event::Kind::TextDelta:
      if (auto* it = open_item(ev.index); it && it->kind == ItemKind::Message) {
        it->text += ev.text;
        emit_delta(out, "response.output_text.delta", *it, ",\"content_index\":0", ev.text, ",\"logprobs\":[]");
      }
      break;
    case ir::Event::Kind::ReasoningDelta:
      if (auto* it = open_item(ev.index); it && it->kind == ItemKind::Reasoning) {
        if (!it->summary_open) {
          it->summary_open = true;
          auto added = head("response.reasoning_summary_part.added");
          added["item_id"] = it->id;
          added["output_index"] = it->output_index;
          added["summary_index"] = 0;
          added["part"] = {{"type", "summary_text"}, {"text", ""}};
          emit(out, added);
        }
        it->text += ev.text;
        emit_delta(out, "response.reasoning_summary_text.delta", *it, ",\"summary_index\":0", ev.text, "");
      }
      break;
    case ir::Event::Kind::SignatureDelta:
      if (auto* it = open_item(ev.index); it && it->kind == ItemKind::Reasoning) it->signature += ev.text;
      break;
    case ir::Event::Kind::ToolArgsDelta:
      if (auto* it = open_item(ev.index)) {
        if (it->kind == ItemKind::Function) {
          it->text += ev.text;
          emit_delta(out, "response.function_call_arguments.delta", *it, "", ev.text, "");
        } else if (it->kind == ItemKind::Custom) {
          it->raw_args += ev.text;
          const auto before = it->text.size();
          it->extractor.feed(ev.text, it->text);
          if (it->text.size() > before) {
            emit_delta(out, "response.custom_tool_call_input.delta", *it, "",
                       std::string_view(it->text).substr(before), "");
          }
        }
      }
      break;
    case ir::Event::Kind::PartStop:
      if (pending_ && pending_->extra_part == ev.index) {
        flush_pending(out);
        break;
      }
      for (auto i = open_.begin(); i != open_.end(); ++i) {
        if (i->part == ev.index) {
          auto it = std::move(*i);
          open_.erase(i);
          close(it, out);
          break;
        }
      }
      break;
    case ir::Event::Kind::Usage:
      merge_usage(usage_, ev.usage);
      break;
    case ir::Event::Kind::Finish:
      stop_ = ev.stop;
      merge_usage(usage_, ev.usage);
      break;
    case ir::Event::Kind::Done:
      terminal(out);
      break;
    case ir::Event::Kind::Error: {
      auto failed = head("response.failed");
      bj::object error{{"code", error_code(ev.error_type)}, {"message", ev.text}};
      failed["response"] = response_object(response_id_, opt_.created, opt_.model, "failed", std::move(output_),
                                           nullptr, "", error);
      emit(out, failed);
      ended_ = true;
      break;
    }
  }
}

}  // namespace

std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt, std::vector<std::string> custom_tools) {
  return std::make_unique<Encoder>(opt, std::move(custom_tools));
}

}  // namespace sluice::protocol::openai_responses
