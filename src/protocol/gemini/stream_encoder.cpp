// Canonical IR events -> the Gemini client's SSE stream: `data: {GenerateContentResponse}`
// chunks, finishReason and usageMetadata on the last one, no `event:` lines and no terminator.
// Function-call arguments must be whole JSON in Gemini, so one call's fragments are held until
// its PartStop; nothing else is buffered.
#include "protocol/gemini/internal.hpp"
#include "protocol/gemini/writer.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::gemini {
namespace {

constexpr std::string_view kHead = R"(data: {"candidates":[{"content":{"parts":[)";

class Encoder final : public StreamEncoder {
 public:
  explicit Encoder(const EncodeOptions& opt) : model_(opt.model), id_(opt.id) {}

  void on_event(const ir::Event& ev, std::string& out) override {
    if (ended_) {
      return;
    }
    switch (ev.kind) {
      case ir::Event::Kind::Start:
        if (!ev.id.empty()) {
          id_ = ev.id;
        }
        tail_.clear();
        merge_usage(ev.usage);
        break;
      case ir::Event::Kind::PartStart:
        part_start(ev.part, out);
        break;
      case ir::Event::Kind::TextDelta:
        if (ev.text.empty()) {
          break;
        }
        chunk(
            out, [&](Writer& w) { w.begin_object().field("text", ev.text); }, true);
        break;
      case ir::Event::Kind::ReasoningDelta:
        if (ev.text.empty()) {
          break;
        }
        chunk(
            out,
            [&](Writer& w) {
              w.begin_object().field("text", ev.text).key("thought").boolean(true);
            },
            true);
        reasoning_text_ = true;
        break;
      case ir::Event::Kind::SignatureDelta:
        signature_ += ev.text;
        break;
      case ir::Event::Kind::ToolArgsDelta:
        call_.arguments += ev.text;
        break;
      case ir::Event::Kind::PartStop:
        part_stop(out);
        break;
      case ir::Event::Kind::Usage:
        merge_usage(ev.usage);
        break;
      case ir::Event::Kind::Finish:
        merge_usage(ev.usage);
        finish(ev.stop, out);
        break;
      case ir::Event::Kind::Error:
        error(ev, out);
        break;
      case ir::Event::Kind::Done:
        if (!finished_) {
          finish(ir::StopReason::EndTurn, out);
        }
        ended_ = true;
        break;
    }
  }

 private:
  void part_start(const ir::Part& p, std::string& out) {
    kind_ = p.kind;
    reasoning_text_ = false;
    signature_.clear();
    if (p.kind == ir::Part::Kind::ToolCall) {
      call_.id = p.id;
      call_.name = p.name;
      call_.arguments.clear();
    } else if (p.kind == ir::Part::Kind::RedactedReasoning) {
      std::string sig(kRedactedSig);
      sig += p.data;
      signed_empty_thought(out, sig);
    }
  }

  void part_stop(std::string& out) {
    if (kind_ == ir::Part::Kind::ToolCall) {
      chunk(
          out, [&](Writer& w) { write_call(call_, w.begin_object()); }, true);
      call_.arguments.clear();
    } else if (kind_ == ir::Part::Kind::Reasoning && !signature_.empty()) {
      auto sig = sig_for_client(signature_);
      if (reasoning_text_) {
        // Closes the thought: a Gemini client keeps it with the thought text it follows.
        signed_empty_thought(out, sig);
      } else {
        if (!pending_sig_.empty()) {
          chunk(
              out, [](Writer& w) { w.begin_object().field("text", ""); }, true);
        }
        pending_sig_ = std::move(sig);  // belongs to the next part
      }
      signature_.clear();
    }
    kind_ = ir::Part::Kind::Text;
  }

  /// One chunk with one part: `body` opens the part object and writes its fields; a pending
  /// signature is attached when `takes_sig`.
  /// An empty thought part that only carries a signature.
  void signed_empty_thought(std::string& out, std::string_view sig) {
    chunk(
        out,
        [&](Writer& w) {
          w.begin_object()
              .field("text", "")
              .key("thought")
              .boolean(true)
              .field("thoughtSignature", sig);
        },
        false);
  }

  template <class Body>
  void chunk(std::string& out, Body&& body, bool takes_sig, std::string_view finish_reason = {}) {
    out += kHead;
    Writer w(out);
    body(w);
    if (takes_sig && !pending_sig_.empty()) {
      w.field("thoughtSignature", pending_sig_);
      pending_sig_.clear();
    }
    w.end_object();
    out += R"(],"role":"model"},"index":0)";
    if (!finish_reason.empty()) {
      out += R"(,"finishReason":")";
      out += finish_reason;
      out += R"("}],)";
      Writer u(out);
      write_usage_metadata(usage_, u);
    } else {
      out += "}]";
    }
    if (tail_.empty()) {
      Writer t(tail_);
      t.key("modelVersion").str(model_).key("responseId").str(id_);
      tail_ += "}\n\n";
    }
    out += ',';
    out += tail_;
  }

  void finish(ir::StopReason stop, std::string& out) {
    if (kind_ == ir::Part::Kind::ToolCall) {
      part_stop(out);  // a call the upstream never closed
    }
    chunk(
        out, [](Writer& w) { w.begin_object().field("text", ""); }, true,
        stop_reason_name(stop, "gemini"));
    finished_ = true;
  }

  void error(const ir::Event& ev, std::string& out) {
    auto code = error_code_for_type(ev.error_type);
    out += "data: ";
    Writer w(out);
    w.begin_object().key("error").begin_object();
    w.field("code", code.code).field("message", ev.text).field("status", code.status);
    w.end_object().end_object();
    out += "\n\n";
    ended_ = true;
  }

  void merge_usage(const ir::Usage& u) {
    // Decoders report cumulative usage but some only know one side at a time.
    if (u.input) {
      usage_.input = u.input;
    }
    if (u.output) {
      usage_.output = u.output;
    }
    if (u.cache_read) {
      usage_.cache_read = u.cache_read;
    }
    if (u.cache_write) {
      usage_.cache_write = u.cache_write;
    }
    if (u.reasoning) {
      usage_.reasoning = u.reasoning;
    }
  }

  std::string model_;
  std::string id_;
  std::string tail_;  // ,"modelVersion":...,"responseId":...}\n\n
  ir::Usage usage_;
  ir::Part::Kind kind_ = ir::Part::Kind::Text;
  ir::Part call_;
  std::string signature_;
  std::string pending_sig_;
  bool reasoning_text_ = false;
  bool finished_ = false;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<StreamEncoder> make_encoder(const EncodeOptions& opt) {
  return std::make_unique<Encoder>(opt);
}

}  // namespace sluice::protocol::gemini
