// Chat Completions SSE chunks (upstream) -> IR events. One JSON parse per event, no buffering of
// content. Handles the variations of OpenAI-compatible servers: reasoning_content / reasoning
// deltas (DeepSeek, vLLM, OpenRouter), Mistral's content chunk arrays, tool_calls deltas without
// "index" (each new "id" starts a call), finish_reason in the same chunk as content, usage in a
// trailing chunk, in the finish chunk, in x_groq, or not at all, and a missing [DONE].

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "protocol/json_util.hpp"
#include "protocol/openai_chat/internal.hpp"

namespace sluice::protocol::openai_chat {
namespace {

using json::field;
using json::string_field;
using Kind = ir::Part::Kind;
using EventKind = ir::Event::Kind;

std::string_view string_view_of(const bj::value* v) {
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::string_view sv_or_empty(const bj::object& o, std::string_view key) { return string_view_of(field(o, key)); }

class Decoder final : public StreamDecoder {
 public:
  void on_event(const http::SseEvent& ev, std::vector<ir::Event>& out) override {
    if (done_ || ev.data.empty()) return;
    if (ev.data == "[DONE]") {
      finish(out);
      return;
    }
    unsigned char buf[4096];
    bj::monotonic_resource mr(buf, sizeof buf);
    boost::system::error_code ec;
    auto doc = bj::parse(ev.data, ec, &mr);
    if (ec || !doc.is_object()) return;  // not a chunk (keep-alive noise); nothing to translate
    const auto& root = doc.get_object();
    if (const auto* err = field(root, "error"); err && !err->is_null()) {
      error(*err, out);
      return;
    }
    if (ev.event == "error") {
      error(doc, out);
      return;
    }
    if (const auto* u = json::object_field(root, "usage")) usage_ = usage_from(*u);
    if (const auto* x = json::object_field(root, "x_groq")) {
      if (const auto* u = json::object_field(*x, "usage")) usage_ = usage_from(*u);
    }
    const auto* choices = json::array_field(root, "choices");
    // Azure leads with a prompt-filter chunk (empty id and model, no choices): not the start.
    if (!started_ && (!sv_or_empty(root, "id").empty() || (choices && !choices->empty()))) start(root, out);
    if (!choices) return;
    for (const auto& c : *choices) {
      if (!c.is_object()) continue;
      const auto& choice = c.get_object();
      if (json::int_field(choice, "index").value_or(0) != 0) continue;  // n > 1 is not translated
      if (const auto* delta = json::object_field(choice, "delta")) on_delta(*delta, out);
      const auto finish = string_view_of(field(choice, "finish_reason"));
      if (!finish.empty()) {
        finish_reason_ = std::string(finish);
        close_part(out);
      }
    }
  }

  void on_end(std::vector<ir::Event>& out) override {
    if (!done_) finish(out);
  }

 private:
  void start(const bj::object& root, std::vector<ir::Event>& out) {
    started_ = true;
    ir::Event e;
    e.kind = EventKind::Start;
    e.id = string_field(root, "id");
    e.model = string_field(root, "model");
    out.push_back(std::move(e));
  }

  void on_delta(const bj::object& delta, std::vector<ir::Event>& out) {
    auto reasoning = string_view_of(field(delta, "reasoning_content"));
    if (reasoning.empty()) reasoning = string_view_of(field(delta, "reasoning"));
    if (!reasoning.empty()) text(Kind::Reasoning, reasoning, out);
    const auto* content = field(delta, "content");
    if (content && content->is_string()) {
      if (!content->get_string().empty()) text(Kind::Text, content->get_string(), out);
    } else if (content && content->is_array()) {
      content_chunks(content->get_array(), out);
    }
    const auto refusal = string_view_of(field(delta, "refusal"));
    if (!refusal.empty()) {
      refused_ = true;
      text(Kind::Text, refusal, out);
    }
    if (const auto* calls = json::array_field(delta, "tool_calls")) {
      for (const auto& tc : *calls) {
        if (tc.is_object()) tool_call(tc.get_object(), out);
      }
    }
    if (const auto* fc = json::object_field(delta, "function_call")) {  // legacy functions API
      bj::object tc;
      tc["index"] = 0;
      tc["function"] = *fc;
      tool_call(tc, out);
    }
  }

  /// Mistral streams content as chunk arrays: text, or thinking holding text chunks.
  void content_chunks(const bj::array& chunks, std::vector<ir::Event>& out) {
    for (const auto& c : chunks) {
      if (!c.is_object()) continue;
      const auto& o = c.get_object();
      const auto type = string_view_of(field(o, "type"));
      if (type == "text") {
        const auto t = string_view_of(field(o, "text"));
        if (!t.empty()) text(Kind::Text, t, out);
      } else if (type == "thinking") {
        const auto* inner = field(o, "thinking");
        if (!inner || !inner->is_array()) continue;
        for (const auto& t : inner->get_array()) {
          const auto s = t.is_object() ? string_view_of(field(t.get_object(), "text")) : std::string_view();
          if (!s.empty()) text(Kind::Reasoning, s, out);
        }
      }
    }
  }

  void text(Kind kind, std::string_view s, std::vector<ir::Event>& out) {
    if (open_index_ < 0 || open_kind_ != kind) open_part(kind, {}, {}, out);
    ir::Event e;
    e.kind = kind == Kind::Text ? EventKind::TextDelta : EventKind::ReasoningDelta;
    e.index = open_index_;
    e.text = std::string(s);
    out.push_back(std::move(e));
  }

  void tool_call(const bj::object& tc, std::vector<ir::Event>& out) {
    const auto index = json::int_field(tc, "index");
    const auto id = string_view_of(field(tc, "id"));
    const auto* fn = json::object_field(tc, "function");
    Call* call = nullptr;
    if (index) {
      for (auto& c : calls_) {
        if (c.chat_index == *index) call = &c;
      }
      // Some servers number every call 0; a different id still means a new call.
      if (call && !id.empty() && !call->id.empty() && call->id != id) call = nullptr;
    } else if (!id.empty()) {
      for (auto& c : calls_) {
        if (c.id == id) call = &c;
      }
    } else if (!calls_.empty()) {
      call = &calls_.back();  // an index-less continuation of the current call
    }
    if (!call) {
      std::string call_id = id.empty() ? "call_" + std::to_string(calls_.size()) : std::string(id);
      open_part(Kind::ToolCall, call_id, fn ? string_view_of(field(*fn, "name")) : std::string_view(), out);
      calls_.push_back({index.value_or(-1), std::move(call_id), open_index_});
      call = &calls_.back();
    }
    if (!fn) return;
    const auto* args = field(*fn, "arguments");
    std::string text;
    if (args && args->is_string()) text = std::string(args->get_string());
    else if (args && args->is_object()) text = bj::serialize(*args);  // whole arguments as an object
    if (text.empty()) return;
    ir::Event e;
    e.kind = EventKind::ToolArgsDelta;
    e.index = call->ir_index;
    e.text = std::move(text);
    out.push_back(std::move(e));
  }

  void open_part(Kind kind, std::string_view id, std::string_view name, std::vector<ir::Event>& out) {
    close_part(out);
    open_kind_ = kind;
    open_index_ = next_index_++;
    ir::Event e;
    e.kind = EventKind::PartStart;
    e.index = open_index_;
    e.part.kind = kind;
    e.part.id = std::string(id);
    e.part.name = std::string(name);
    out.push_back(std::move(e));
  }

  void close_part(std::vector<ir::Event>& out) {
    if (open_index_ < 0) return;
    ir::Event e;
    e.kind = EventKind::PartStop;
    e.index = open_index_;
    out.push_back(std::move(e));
    open_index_ = -1;
  }

  void error(const bj::value& err, std::vector<ir::Event>& out) {
    ir::Event e;
    e.kind = EventKind::Error;
    if (err.is_string()) {
      e.text = std::string(err.get_string());
      e.error_type = "api_error";
    } else if (err.is_object()) {
      const auto& o = err.get_object();
      e.text = string_field(o, "message");
      e.error_type = error_type_from(string_view_of(field(o, "type")), string_view_of(field(o, "code")));
    }
    if (e.text.empty()) e.text = "upstream stream error";
    out.push_back(std::move(e));
    done_ = true;  // an error ends the stream: nothing follows it
  }

  void finish(std::vector<ir::Event>& out) {
    if (!started_) {
      ir::Event s;
      s.kind = EventKind::Start;
      out.push_back(std::move(s));
      started_ = true;
    }
    close_part(out);
    ir::Event e;
    e.kind = EventKind::Finish;
    e.stop = refused_ ? ir::StopReason::Refusal : stop_from_finish(finish_reason_, !calls_.empty());
    e.usage = usage_;
    out.push_back(std::move(e));
    ir::Event d;
    d.kind = EventKind::Done;
    out.push_back(std::move(d));
    done_ = true;
  }

  struct Call {
    std::int64_t chat_index;  // the upstream's "index", -1 when it sent none
    std::string id;
    int ir_index;
  };
  std::vector<Call> calls_;
  bool started_ = false;
  bool done_ = false;
  bool refused_ = false;
  int next_index_ = 0;
  int open_index_ = -1;
  Kind open_kind_ = Kind::Text;
  std::string finish_reason_;
  ir::Usage usage_;
};

}  // namespace

std::unique_ptr<StreamDecoder> make_decoder() { return std::make_unique<Decoder>(); }

}  // namespace sluice::protocol::openai_chat
