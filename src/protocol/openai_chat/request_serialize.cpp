// ir::Request -> Chat Completions request body. The output must be accepted by OpenAI and by the
// OpenAI-compatible servers behind the same codec, so it sticks to the widely implemented subset:
// one leading system message, string content where a string will do, tool results as `tool`
// messages right after the assistant turn that called them.
// Written as text in one pass (no JSON tree); schemas are spliced as the JSON text the IR holds.

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include "protocol/mappings.hpp"
#include "protocol/openai_chat/internal.hpp"

namespace sluice::protocol::openai_chat {
namespace {

using Kind = ir::Part::Kind;

/// OpenAI accepts at most this many stop sequences.
constexpr std::size_t kMaxStop = 4;
/// Longest `user` we pass on; longer ids (e.g. JSON blobs some clients put there) are dropped.
constexpr std::size_t kMaxUser = 256;

void drop(ir::Request& req, std::string_view what) {
  if (std::find(req.dropped.begin(), req.dropped.end(), what) == req.dropped.end()) req.dropped.emplace_back(what);
}

bool empty_json(std::string_view text) { return text.empty() || text == "{}" || text == "null"; }

std::string_view default_filename(std::string_view media_type) {
  if (media_type == "application/pdf") return "document.pdf";
  if (media_type.starts_with("text/")) return "document.txt";
  return "document";
}

/// A minimal streaming JSON writer: commas and nesting are tracked, values are written as text.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  void key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    after_key_ = true;
  }
  void str(std::string_view s) {
    separate();
    append_json_string(out_, s);
  }
  void raw(std::string_view json) {
    separate();
    out_ += json;
  }
  void integer(std::int64_t v) {
    separate();
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, res.ptr);
  }
  void number(double v) {
    separate();
    if (!std::isfinite(v)) v = 0;
    char buf[32];
    auto res = std::to_chars(buf, buf + sizeof buf, v);
    out_.append(buf, res.ptr);
    // Keep a double a double for readers that type numbers by their spelling (0.0, not 0).
    if (std::find_if(buf, res.ptr, [](char c) { return c == '.' || c == 'e'; }) == res.ptr) out_ += ".0";
  }
  void boolean(bool v) { raw(v ? "true" : "false"); }
  void null() { raw("null"); }
  /// "data:<media type>;base64,<data>" as a string value.
  void data_url(std::string_view media_type, std::string_view data) {
    separate();
    out_ += "\"data:";
    out_ += media_type;  // media types and base64 need no escaping, but be safe with both
    out_ += ";base64,";
    out_ += data;
    out_ += '"';
  }

 private:
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (depth_ > 0) {
      if (!first_[depth_]) out_ += ',';
      first_[depth_] = false;
    }
  }
  void open(char c) {
    separate();
    out_ += c;
    if (depth_ + 1 < first_.size()) ++depth_;
    first_[depth_] = true;
  }
  void close(char c) {
    out_ += c;
    if (depth_ > 0) --depth_;
  }

  std::string& out_;
  std::array<bool, 16> first_{};
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

bool safe_for_raw(std::string_view s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20; });
}

class Writer {
 public:
  Writer(ir::Request& req, JsonWriter& w) : req_(req), w_(w) {}

  void messages() {
    w_.key("messages");
    w_.begin_array();
    instructions();
    for (const auto& m : req_.messages) {
      switch (m.role) {
        case ir::Role::System:
        case ir::Role::Developer: text_message("system", m.parts, "\n\n"); break;
        case ir::Role::User: user(m); break;
        case ir::Role::Assistant: assistant(m); break;
      }
    }
    w_.end_array();
    if (!req_.messages.empty() && req_.messages.back().role == ir::Role::Assistant) {
      // Chat has no prefill: the model answers after it rather than continuing it.
      drop(req_, "assistant_prefill");
    }
  }

  void tools() {
    if (req_.tools.empty()) return;  // OpenAI rejects tool_choice/parallel_tool_calls without tools
    w_.key("tools");
    w_.begin_array();
    for (const auto& t : req_.tools) {
      w_.begin_object();
      w_.key("type");
      w_.str("function");
      w_.key("function");
      w_.begin_object();
      w_.key("name");
      w_.str(t.name);
      if (!t.description.empty()) {
        w_.key("description");
        w_.str(t.description);
      }
      if (!empty_json(t.parameters)) {
        w_.key("parameters");
        w_.raw(t.parameters);
      }
      if (t.strict) {
        w_.key("strict");
        w_.boolean(true);
      }
      w_.end_object();
      w_.end_object();
    }
    w_.end_array();
    if (!req_.tool_choice) return;
    const auto& tc = *req_.tool_choice;
    w_.key("tool_choice");
    switch (tc.mode) {
      case ir::ToolChoice::Mode::Auto: w_.str("auto"); break;
      case ir::ToolChoice::Mode::None: w_.str("none"); break;
      case ir::ToolChoice::Mode::Required: w_.str("required"); break;
      case ir::ToolChoice::Mode::Named:
        w_.begin_object();
        w_.key("type");
        w_.str("function");
        w_.key("function");
        w_.begin_object();
        w_.key("name");
        w_.str(tc.name);
        w_.end_object();
        w_.end_object();
        break;
    }
    if (tc.parallel_calls) {
      w_.key("parallel_tool_calls");
      w_.boolean(*tc.parallel_calls);
    }
  }

 private:
  void instructions() {
    // One leading system message: several (or a developer role) trip up the chat templates
    // of many compatible servers, and OpenAI treats system and developer alike.
    std::string text;
    for (const auto& in : req_.instructions) {
      if (in.text.empty()) continue;
      if (!text.empty()) text += "\n\n";
      text += in.text;
    }
    if (text.empty()) return;
    begin_message("system");
    w_.key("content");
    w_.str(text);
    w_.end_object();
  }

  void begin_message(std::string_view role) {
    w_.begin_object();
    w_.key("role");
    w_.str(role);
  }

  static std::string joined_text(const std::vector<ir::Part>& parts, std::string_view sep) {
    std::string s;
    bool first = true;
    for (const auto& p : parts) {
      if (p.kind != Kind::Text) continue;
      if (!first) s += sep;
      s += p.text;
      first = false;
    }
    return s;
  }

  void text_message(std::string_view role, const std::vector<ir::Part>& parts, std::string_view sep) {
    begin_message(role);
    w_.key("content");
    w_.str(joined_text(parts, sep));
    w_.end_object();
  }

  /// True for the parts a user message can carry on this wire.
  bool user_part_ok(const ir::Part& p) {
    switch (p.kind) {
      case Kind::Text:
      case Kind::Image: return true;
      case Kind::Document:
        if (p.file_id.empty() && p.data.empty()) {
          drop(req_, "document.url");  // chat takes files inline or by id, not by URL
          return false;
        }
        return true;
      default: return false;  // reasoning, tool calls: not user content
    }
  }

  void user_part(const ir::Part& p) {
    w_.begin_object();
    w_.key("type");
    if (p.kind == Kind::Text) {
      w_.str("text");
      w_.key("text");
      w_.str(p.text);
    } else if (p.kind == Kind::Image) {
      w_.str("image_url");
      w_.key("image_url");
      w_.begin_object();
      w_.key("url");
      if (!p.url.empty()) w_.str(p.url);
      else if (safe_for_raw(p.media_type) && safe_for_raw(p.data)) w_.data_url(p.media_type, p.data);
      else w_.str("data:" + p.media_type + ";base64," + p.data);
      w_.end_object();
    } else if (p.media_type.starts_with("audio/") && !p.data.empty()) {
      w_.str("input_audio");
      w_.key("input_audio");
      w_.begin_object();
      w_.key("data");
      w_.str(p.data);
      w_.key("format");
      w_.str(p.media_type == "audio/mpeg" || p.media_type == "audio/mp3" ? "mp3" : "wav");
      w_.end_object();
    } else {
      w_.str("file");
      w_.key("file");
      w_.begin_object();
      if (!p.file_id.empty()) {
        w_.key("file_id");
        w_.str(p.file_id);
      } else {
        const std::string_view mt = p.media_type.empty() ? std::string_view("application/pdf") : p.media_type;
        w_.key("filename");
        w_.str(p.filename.empty() ? default_filename(mt) : std::string_view(p.filename));
        w_.key("file_data");
        if (safe_for_raw(mt) && safe_for_raw(p.data)) w_.data_url(mt, p.data);
        else w_.str("data:" + std::string(mt) + ";base64," + p.data);
      }
      w_.end_object();
    }
    w_.end_object();
  }

  void user(const ir::Message& m) {
    // Tool results first: chat needs them directly after the assistant's tool calls. Their
    // images cannot go in a tool message, so they lead the user message that follows.
    std::vector<const ir::Part*> parts;
    std::size_t texts = 0;
    for (const auto& p : m.parts) {
      if (p.kind != Kind::ToolResult) continue;
      begin_message("tool");
      w_.key("tool_call_id");
      w_.str(p.id);
      w_.key("content");
      w_.str(joined_text(p.content, "\n"));
      w_.end_object();
      for (const auto& c : p.content) {
        if (c.kind != Kind::Text && user_part_ok(c)) parts.push_back(&c);
      }
      if (p.is_error) drop(req_, "tool_result.is_error");
    }
    for (const auto& p : m.parts) {
      if (p.kind == Kind::ToolResult || !user_part_ok(p)) continue;
      parts.push_back(&p);
      if (p.kind == Kind::Text) ++texts;
    }
    if (parts.empty()) return;
    begin_message("user");
    w_.key("content");
    if (parts.size() == 1 && texts == 1) {
      w_.str(parts[0]->text);
    } else {
      w_.begin_array();
      for (const auto* p : parts) user_part(*p);
      w_.end_array();
    }
    if (!m.name.empty()) {
      w_.key("name");
      w_.str(m.name);
    }
    w_.end_object();
  }

  void assistant(const ir::Message& m) {
    // Reasoning parts are dropped quietly: chat cannot take them back.
    bool has_text = false, has_calls = false;
    for (const auto& p : m.parts) {
      has_text = has_text || p.kind == Kind::Text;
      has_calls = has_calls || p.kind == Kind::ToolCall;
    }
    begin_message("assistant");
    w_.key("content");
    if (has_text || !has_calls) w_.str(joined_text(m.parts, ""));
    else w_.null();
    if (!m.name.empty()) {
      w_.key("name");
      w_.str(m.name);
    }
    if (has_calls) {
      w_.key("tool_calls");
      w_.begin_array();
      for (const auto& p : m.parts) {
        if (p.kind != Kind::ToolCall) continue;
        w_.begin_object();
        w_.key("id");
        w_.str(p.id);
        w_.key("type");
        w_.str("function");
        w_.key("function");
        w_.begin_object();
        w_.key("name");
        w_.str(p.name);
        w_.key("arguments");
        w_.str(p.arguments.empty() ? std::string_view("{}") : std::string_view(p.arguments));
        w_.end_object();
        w_.end_object();
      }
      w_.end_array();
    }
    w_.end_object();
  }

  ir::Request& req_;
  JsonWriter& w_;
};

void sampling(ir::Request& req, JsonWriter& w) {
  if (req.temperature) {
    w.key("temperature");
    w.number(*req.temperature);
  }
  if (req.top_p) {
    w.key("top_p");
    w.number(*req.top_p);
  }
  if (req.top_k) drop(req, "top_k");
  if (req.seed) {
    w.key("seed");
    w.integer(*req.seed);
  }
  if (req.max_output_tokens) {
    w.key("max_completion_tokens");
    w.integer(*req.max_output_tokens);
  }
  if (!req.stop.empty()) {
    w.key("stop");
    w.begin_array();
    for (std::size_t i = 0; i < req.stop.size() && i < kMaxStop; ++i) w.str(req.stop[i]);
    w.end_array();
    if (req.stop.size() > kMaxStop) drop(req, "stop");
  }
  if (req.n > 1) {
    w.key("n");
    w.integer(req.n);
  }
}

void format_and_reasoning(const ir::Request& req, JsonWriter& w) {
  if (req.response_format && req.response_format->kind != ir::ResponseFormat::Kind::Text) {
    const auto& f = *req.response_format;
    w.key("response_format");
    w.begin_object();
    w.key("type");
    if (f.kind == ir::ResponseFormat::Kind::JsonObject) {
      w.str("json_object");
    } else {
      w.str("json_schema");
      w.key("json_schema");
      w.begin_object();
      w.key("name");
      w.str(f.name.empty() ? std::string_view("response") : std::string_view(f.name));
      w.key("schema");
      w.raw(empty_json(f.schema) ? std::string_view(R"({"type":"object"})") : std::string_view(f.schema));
      if (f.strict) {
        w.key("strict");
        w.boolean(true);
      }
      w.end_object();
    }
    w.end_object();
  }
  // "Thinking disabled" is the default of non-reasoning models and has no portable spelling.
  if (req.reasoning_effort) {
    w.key("reasoning_effort");
    w.str(effort_name(*req.reasoning_effort));
  } else if (req.thinking_budget && !req.thinking_disabled) {
    w.key("reasoning_effort");
    w.str(effort_name(budget_to_effort(*req.thinking_budget)));
  }
}

}  // namespace

std::string serialize_request(ir::Request& req) {
  std::string out;
  out.reserve(4096);
  JsonWriter w(out);
  w.begin_object();
  w.key("model");
  w.str(req.model);
  Writer msgs(req, w);
  msgs.messages();
  msgs.tools();
  sampling(req, w);
  format_and_reasoning(req, w);
  if (!req.user.empty()) {
    if (req.user.size() <= kMaxUser) {
      w.key("user");
      w.str(req.user);
    } else {
      drop(req, "user");
    }
  }
  // Chat keeps metadata only for stored completions (store:true), and several compatible
  // servers reject the field.
  if (!empty_json(req.metadata)) drop(req, "metadata");
  if (req.stream) {
    w.key("stream");
    w.boolean(true);
    // Always ask for usage: the gateway accounts for it whatever the client asked.
    w.key("stream_options");
    w.begin_object();
    w.key("include_usage");
    w.boolean(true);
    w.end_object();
  }
  w.end_object();
  return out;
}

std::string upstream_path(const ir::Request&) { return "/chat/completions"; }

}  // namespace sluice::protocol::openai_chat
