// Gemini streamGenerateContent?alt=sse (upstream) -> canonical IR events. Each SSE event is one
// complete GenerateContentResponse chunk; text arrives in pieces, function calls whole.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/gemini/internal.hpp"
#include "protocol/json_util.hpp"

namespace sluice::protocol::gemini {
namespace {

class Decoder final : public StreamDecoder {
 public:
  void on_event(const http::SseEvent& ev, std::vector<ir::Event>& out) override {
    if (ended_) {
      return;
    }
    std::string_view data = ev.data;
    while (!data.empty() && (data.front() == ' ' || data.front() == '\n' || data.front() == '\r')) {
      data.remove_prefix(1);
    }
    if (data.empty() || data == "[DONE]") {
      return;
    }
    // Most chunks are a few hundred bytes: parse them without touching the heap, with a parser
    // whose working stack is reused from event to event.
    alignas(16) unsigned char buf[4096];
    bj::monotonic_resource mr(buf, sizeof buf);
    parser_.reset(&mr);
    boost::system::error_code ec;
    parser_.write(data, ec);
    bj::value root = ec ? bj::value() : parser_.release();
    if (ec || !root.is_object()) {
      fail("api_error", "upstream sent an invalid Gemini stream chunk", out);
      return;
    }
    const auto& o = root.get_object();
    if (const auto* err = get(o, "error"); err && err->is_object()) {
      const auto& e = err->get_object();
      fail(error_type_for_status(json::string_field(e, "status")),
           json::string_field(e, "message", "upstream error"), out);
      return;
    }
    if (!started_) {
      start(o, out);
    }
    if (const auto* u = get(o, "usageMetadata", "usage_metadata"); u && u->is_object()) {
      usage_ = usage_from(u->get_object());
    }

    const auto* cands = get(o, "candidates");
    if (!cands || !cands->is_array() || cands->get_array().empty() ||
        !cands->get_array()[0].is_object()) {
      const auto* fb = get(o, "promptFeedback", "prompt_feedback");
      if (fb && fb->is_object() && get(fb->get_object(), "blockReason", "block_reason")) {
        finish(ir::StopReason::ContentFilter, out);
      }
      return;
    }
    const auto& cand = cands->get_array()[0].get_object();
    if (const auto* content = json::object_field(cand, "content")) {
      if (const auto* parts = json::array_field(*content, "parts")) {
        for (const auto& p : *parts) {
          if (p.is_object()) {
            part(p.get_object(), out);
          }
        }
      }
    }
    const auto* fr = get(cand, "finishReason", "finish_reason");
    if (fr && fr->is_string() && !fr->get_string().empty()) {
      finish(stop_from(fr->get_string(), has_calls_), out);
    }
  }

  void on_end(std::vector<ir::Event>& out) override {
    if (ended_) {
      return;
    }
    if (!started_) {
      ir::Event s;
      s.kind = ir::Event::Kind::Start;
      out.push_back(std::move(s));
      started_ = true;
    }
    if (!finished_) {
      finish(has_calls_ ? ir::StopReason::ToolUse : ir::StopReason::EndTurn, out);
    }
    ir::Event done;
    done.kind = ir::Event::Kind::Done;
    out.push_back(std::move(done));
    ended_ = true;
  }

 private:
  enum class Open { None, Text, Reasoning };

  void start(const bj::object& o, std::vector<ir::Event>& out) {
    started_ = true;
    id_ = json::string_field(o, "responseId");
    ir::Event s;
    s.kind = ir::Event::Kind::Start;
    s.id = id_;
    s.model = json::string_field(o, "modelVersion");
    if (const auto* u = get(o, "usageMetadata", "usage_metadata"); u && u->is_object()) {
      s.usage.input = usage_from(u->get_object()).input;
    }
    out.push_back(std::move(s));
  }

  void part(const bj::object& p, std::vector<ir::Event>& out) {
    if (finished_) {
      return;
    }
    const auto* sig_v = get(p, "thoughtSignature", "thought_signature");
    const std::string_view sig =
        sig_v && sig_v->is_string() ? std::string_view(sig_v->get_string()) : std::string_view{};
    const auto* text = get(p, "text");
    const bool has_text = text && text->is_string();
    if (has_text && json::bool_field(p, "thought").value_or(false)) {
      if (open_ != Open::Reasoning) {
        open(ir::Part::Kind::Reasoning, out);
      }
      if (!text->get_string().empty()) {
        delta(ir::Event::Kind::ReasoningDelta, text->get_string(), out);
      }
      if (!sig.empty()) {
        delta(ir::Event::Kind::SignatureDelta, sig_from_upstream(sig), out);
        close(out);  // a signature ends the thought block
      }
      return;
    }
    if (!sig.empty()) {  // the signature of this part precedes it in the IR
      open(ir::Part::Kind::Reasoning, out);
      delta(ir::Event::Kind::SignatureDelta, sig_from_upstream(sig), out);
      close(out);
    }
    if (has_text) {
      if (text->get_string().empty()) {
        return;
      }
      if (open_ != Open::Text) {
        open(ir::Part::Kind::Text, out);
      }
      delta(ir::Event::Kind::TextDelta, text->get_string(), out);
      return;
    }
    if (const auto* fc = get(p, "functionCall", "function_call"); fc && fc->is_object()) {
      const auto& f = fc->get_object();
      close(out);
      ir::Event s;
      s.kind = ir::Event::Kind::PartStart;
      s.index = next_index_;
      s.part.kind = ir::Part::Kind::ToolCall;
      s.part.name = json::string_field(f, "name");
      s.part.id = json::string_field(f, "id");
      if (s.part.id.empty()) {
        s.part.id = synth_call_id(id_, calls_, s.part.name);
      }
      ++calls_;
      out.push_back(std::move(s));
      // Gemini sends whole calls: the arguments are one delta.
      delta(ir::Event::Kind::ToolArgsDelta, json::to_text(json::field(f, "args"), "{}"), out);
      ir::Event stop;
      stop.kind = ir::Event::Kind::PartStop;
      stop.index = next_index_++;
      out.push_back(std::move(stop));
      has_calls_ = true;
    }
    // inlineData, executableCode, codeExecutionResult: no IR form.
  }

  void open(ir::Part::Kind kind, std::vector<ir::Event>& out) {
    close(out);
    ir::Event s;
    s.kind = ir::Event::Kind::PartStart;
    s.index = next_index_;
    s.part.kind = kind;
    out.push_back(std::move(s));
    open_ = kind == ir::Part::Kind::Text ? Open::Text : Open::Reasoning;
  }

  void close(std::vector<ir::Event>& out) {
    if (open_ == Open::None) {
      return;
    }
    ir::Event e;
    e.kind = ir::Event::Kind::PartStop;
    e.index = next_index_++;
    out.push_back(std::move(e));
    open_ = Open::None;
  }

  void delta(ir::Event::Kind kind, std::string_view text, std::vector<ir::Event>& out) {
    ir::Event e;
    e.kind = kind;
    e.index = next_index_;
    e.text = std::string(text);
    out.push_back(std::move(e));
  }

  void finish(ir::StopReason stop, std::vector<ir::Event>& out) {
    if (finished_) {
      return;
    }
    close(out);
    ir::Event f;
    f.kind = ir::Event::Kind::Finish;
    f.stop = stop;
    f.usage = usage_;
    out.push_back(std::move(f));
    finished_ = true;
  }

  void fail(std::string_view type, std::string message, std::vector<ir::Event>& out) {
    ir::Event e;
    e.kind = ir::Event::Kind::Error;
    e.error_type = std::string(type);
    e.text = std::move(message);
    out.push_back(std::move(e));
    ended_ = true;  // an error ends the stream; on_end owes nothing more
  }

  bj::parser parser_;
  std::string id_;
  ir::Usage usage_;
  Open open_ = Open::None;
  int next_index_ = 0;
  std::size_t calls_ = 0;
  bool started_ = false;
  bool finished_ = false;
  bool has_calls_ = false;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_decoder() {
  return std::make_unique<Decoder>();
}

}  // namespace sluice::protocol::gemini
