// IR events -> the Chat Completions client stream, exactly as OpenAI sends it:
//   role chunk {"role":"assistant","content":""}, content / tool_calls delta chunks, a chunk with
//   finish_reason, the "choices":[] usage chunk (only with stream_options.include_usage), then
//   data: [DONE]. An error ends the stream with data: {"error":{...}} and no [DONE].
// Reasoning is sent as delta.reasoning_content, the de-facto field of DeepSeek, vLLM and others;
// OpenAI SDKs ignore unknown delta fields. Chunks are written as text around a prefix built once.

#include <string>
#include <vector>

#include "protocol/mappings.hpp"
#include "protocol/openai_chat/internal.hpp"

namespace sluice::protocol::openai_chat {
namespace {

using EventKind = ir::Event::Kind;

class Encoder final : public StreamEncoder {
 public:
  explicit Encoder(const EncodeOptions& opt) : opt_(opt) {}

  void on_event(const ir::Event& ev, std::string& out) override {
    if (done_) return;
    switch (ev.kind) {
      case EventKind::Start: begin(ev.id, out); break;
      case EventKind::PartStart:
        begin({}, out);
        if (ev.part.kind == ir::Part::Kind::ToolCall) tool_start(ev, out);
        break;
      case EventKind::TextDelta:
        if (ev.text.empty()) break;
        begin({}, out);
        delta_open(out);
        out += R"({"content":)";
        append_json_string(out, ev.text);
        out += '}';
        delta_close(out, {});
        break;
      case EventKind::ReasoningDelta:
        if (ev.text.empty()) break;
        begin({}, out);
        delta_open(out);
        out += R"({"reasoning_content":)";
        append_json_string(out, ev.text);
        out += '}';
        delta_close(out, {});
        break;
      case EventKind::ToolArgsDelta:
        if (auto* call = find_call(ev.index); call && !ev.text.empty()) {
          args(*call, ev.text, out);
        }
        break;
      case EventKind::PartStop:
        // A call without argument fragments still owes its client parseable JSON.
        if (auto* call = find_call(ev.index); call && !call->has_args) args(*call, "{}", out);
        break;
      case EventKind::SignatureDelta: break;
      case EventKind::Usage: usage_ = ev.usage; break;
      case EventKind::Finish:
        usage_ = ev.usage;
        finish(ev.stop, out);
        break;
      case EventKind::Error: error(ev, out); break;
      case EventKind::Done:
        finish(ir::StopReason::EndTurn, out);
        out += "data: [DONE]\n\n";
        done_ = true;
        break;
    }
  }

 private:
  struct Call {
    int ir_index;
    int tool_index;
    bool has_args;
  };

  /// Builds the chunk prefix and sends the role chunk, once.
  void begin(std::string_view upstream_id, std::string& out) {
    if (started_) return;
    started_ = true;
    prefix_ = "data: {\"id\":";
    append_json_string(prefix_, response_id(upstream_id, opt_.id));
    prefix_ += R"(,"object":"chat.completion.chunk","created":)";
    prefix_ += std::to_string(opt_.created);
    prefix_ += R"(,"model":)";
    append_json_string(prefix_, opt_.model);
    prefix_ += R"(,"choices":[)";
    delta_open(out);
    out += R"({"role":"assistant","content":""})";
    delta_close(out, {});
  }

  void delta_open(std::string& out) const {
    out += prefix_;
    out += R"({"index":0,"delta":)";
  }
  static void delta_close(std::string& out, std::string_view finish) {
    out += R"(,"finish_reason":)";
    if (finish.empty()) {
      out += "null";
    } else {
      append_json_string(out, finish);
    }
    out += "}]}\n\n";
  }

  Call* find_call(int ir_index) {
    for (auto& c : calls_) {
      if (c.ir_index == ir_index) return &c;
    }
    return nullptr;
  }

  void tool_start(const ir::Event& ev, std::string& out) {
    Call c{ev.index, static_cast<int>(calls_.size()), false};
    calls_.push_back(c);
    delta_open(out);
    out += R"({"tool_calls":[{"index":)";
    out += std::to_string(c.tool_index);
    out += R"(,"id":)";
    append_json_string(out, ev.part.id);
    out += R"(,"type":"function","function":{"name":)";
    append_json_string(out, ev.part.name);
    out += R"(,"arguments":""}}]})";
    delta_close(out, {});
  }

  void args(Call& call, std::string_view fragment, std::string& out) {
    call.has_args = true;
    delta_open(out);
    out += R"({"tool_calls":[{"index":)";
    out += std::to_string(call.tool_index);
    out += R"(,"function":{"arguments":)";
    append_json_string(out, fragment);
    out += "}}]}";
    delta_close(out, {});
  }

  void finish(ir::StopReason stop, std::string& out) {
    if (finished_) return;
    finished_ = true;
    begin({}, out);
    // Clients loop on "tool_calls"; upstreams such as Gemini report a plain stop after calls.
    auto reason = stop_reason_name(stop, kWire);
    if (!calls_.empty() && reason == "stop") reason = "tool_calls";
    delta_open(out);
    out += "{}";
    delta_close(out, reason);
    if (!opt_.include_usage) return;
    out += prefix_;
    out += R"(],"usage":)";
    append_usage(out, usage_);
    out += "}\n\n";
  }

  void error(const ir::Event& ev, std::string& out) {
    out += R"(data: {"error":{"message":)";
    append_json_string(out, ev.text);
    out += R"(,"type":)";
    append_json_string(out, openai_error_type(ev.error_type));
    out += R"(,"param":null,"code":)";
    if (ev.error_type.empty()) {
      out += "null";
    } else {
      append_json_string(out, ev.error_type);
    }
    out += "}}\n\n";
    done_ = true;
  }

  EncodeOptions opt_;
  std::string prefix_;
  std::vector<Call> calls_;
  ir::Usage usage_;
  bool started_ = false;
  bool finished_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt) { return std::make_unique<Encoder>(opt); }

}  // namespace sluice::protocol::openai_chat
