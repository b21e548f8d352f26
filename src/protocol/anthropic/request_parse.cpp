// Anthropic Messages request body -> ir::Request. Every error names the offending field
// ("messages[2].content[0]: unknown part type 'x'"); nothing throws.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <type_traits>

#include "protocol/anthropic/internal.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::anthropic {
namespace {

using json::array_field;
using json::field;
using json::object_field;
using json::string_field;

std::string base64_encode(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const auto n = (static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16) |
                   (static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8) |
                   static_cast<unsigned>(static_cast<unsigned char>(in[i + 2]));
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i < in.size()) {
    auto n = static_cast<unsigned>(static_cast<unsigned char>(in[i])) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned>(static_cast<unsigned char>(in[i + 1])) << 8;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

/// A field path built only when an error needs it ("messages[2].content[0].source").
struct Path {
  const Path* parent = nullptr;
  std::string_view key;     // appended as ".key" (or "key" at the root)
  std::int64_t index = -1;  // appended as "[index]" when >= 0

  Path at(std::size_t i) const { return {this, {}, static_cast<std::int64_t>(i)}; }
  Path operator/(std::string_view k) const { return {this, k, -1}; }
  std::string str() const {
    std::string s = parent ? parent->str() : std::string();
    if (!key.empty()) {
      if (!s.empty()) s += '.';
      s.append(key);
    }
    if (index >= 0) s += "[" + std::to_string(index) + "]";
    return s;
  }
};

/// Parses one request; the first error stops it and is kept in `error`.
class RequestParser {
 public:
  std::optional<core::GatewayError> error;

  bool fail(const Path& path, std::string_view what) {
    auto p = path.str();
    error =
        core::GatewayError{core::ErrorKind::InvalidRequest, p + ": " + std::string(what), p, ""};
    return false;
  }
  bool fail(std::string_view key, std::string_view what) {
    return fail(Path{nullptr, key, -1}, what);
  }

  bool run(const bj::object& root, ir::Request& req) {
    if (const auto* m = field(root, "model")) {
      if (!m->is_string()) return fail("model", "must be a string");
      req.model = m->get_string();
    }
    if (!system(root, req)) return false;
    const auto* msgs = field(root, "messages");
    if (!msgs) return fail("messages", "required");
    if (!msgs->is_array()) return fail("messages", "must be an array");
    req.messages.reserve(msgs->get_array().size());
    const Path base{nullptr, "messages", -1};
    std::size_t i = 0;
    for (const auto& m : msgs->get_array()) {
      if (!message(m, base.at(i++), req)) return false;
    }
    if (!tools(root, req) || !tool_choice(root, req) || !sampling(root, req) ||
        !thinking(root, req) || !output(root, req) || !metadata(root, req)) {
      return false;
    }
    // output_config.effort also shapes non-thinking answers; with thinking off it asks for none.
    if (req.thinking_disabled) req.reasoning_effort.reset();
    return true;
  }

 private:
  bool system(const bj::object& root, ir::Request& req) {
    const auto* s = field(root, "system");
    if (!s || s->is_null()) return true;
    if (s->is_string()) {
      if (!s->get_string().empty())
        req.instructions.push_back({ir::Role::System, std::string(s->get_string()), {}});
      return true;
    }
    if (!s->is_array()) return fail("system", "must be a string or an array of text blocks");
    std::size_t i = 0;
    for (const auto& b : s->get_array()) {
      const Path base{nullptr, "system", -1};
      const auto path = base.at(i++);
      const auto* o = b.if_object();
      if (!o) return fail(path, "must be an object");
      const auto type = view_field(*o, "type");
      if (type != "text") return fail(path, "unsupported block type '" + std::string(type) + "'");
      const auto* t = field(*o, "text");
      if (!t || !t->is_string()) return fail(path / "text", "must be a string");
      req.instructions.push_back(
          {ir::Role::System, std::string(t->get_string()), cache_control_of(*o)});
    }
    return true;
  }

  bool message(const bj::value& v, const Path& path, ir::Request& req) {
    const auto* o = v.if_object();
    if (!o) return fail(path, "must be an object");
    const auto role = view_field(*o, "role");
    ir::Message msg;
    if (role == "user") {
      msg.role = ir::Role::User;
    } else if (role == "assistant") {
      msg.role = ir::Role::Assistant;
    } else if (role == "system") {  // Claude Code's mid-conversation system message
      msg.role = ir::Role::System;
    } else {
      return fail(path / "role", "unknown role '" + std::string(role) + "'");
    }
    const auto* c = field(*o, "content");
    if (!c) return fail(path / "content", "required");
    if (c->is_string()) {
      ir::Part p;
      p.text = c->get_string();
      msg.parts.push_back(std::move(p));
    } else if (c->is_array()) {
      msg.parts.reserve(c->get_array().size());
      std::size_t i = 0;
      for (const auto& b : c->get_array()) {
        const auto content = path / "content";
        auto part = block(b, content.at(i++), false);
        if (!part) return false;
        msg.parts.push_back(std::move(*part));
      }
    } else {
      return fail(path / "content", "must be a string or an array of content blocks");
    }
    req.messages.push_back(std::move(msg));
    return true;
  }

  bool source(const bj::object& b, const Path& path, ir::Part& p) {
    const auto* s = object_field(b, "source");
    if (!s) return fail(path / "source", "required");
    const auto type = view_field(*s, "type");
    if (type == "base64") {
      p.media_type = string_field(*s, "media_type");
      const auto* d = field(*s, "data");
      if (!d || !d->is_string()) return fail(path / "source" / "data", "must be a string");
      p.data = d->get_string();
    } else if (type == "url") {
      const auto* u = field(*s, "url");
      if (!u || !u->is_string()) return fail(path / "source" / "url", "must be a string");
      p.url = u->get_string();
    } else if (type == "file") {
      const auto* f = field(*s, "file_id");
      if (!f || !f->is_string()) return fail(path / "source" / "file_id", "must be a string");
      p.file_id = f->get_string();
    } else if (type == "text" && p.kind == ir::Part::Kind::Document) {
      // Plain-text documents travel as base64 text/plain files in the IR.
      p.media_type = string_field(*s, "media_type", "text/plain");
      const auto* d = field(*s, "data");
      if (!d || !d->is_string()) return fail(path / "source" / "data", "must be a string");
      p.data = base64_encode(d->get_string());
    } else if (type == "content" && p.kind == ir::Part::Kind::Document) {
      std::string text;
      if (const auto* blocks = array_field(*s, "content")) {
        for (const auto& cb : *blocks) {
          if (const auto* co = cb.if_object()) {
            if (!text.empty()) text += "\n\n";
            text += string_field(*co, "text");
          }
        }
      } else if (const auto* str = field(*s, "content"); str && str->is_string()) {
        text = str->get_string();
      }
      p.media_type = "text/plain";
      p.data = base64_encode(text);
    } else {
      return fail(path / "source" / "type", "unsupported source type '" + std::string(type) + "'");
    }
    return true;
  }

  std::optional<ir::Part> block(const bj::value& v, const Path& path, bool in_tool_result) {
    const auto* o = v.if_object();
    if (!o) {
      fail(path, "must be an object");
      return std::nullopt;
    }
    const auto type = view_field(*o, "type");
    ir::Part p;
    p.cache_control = cache_control_of(*o);
    if (type == "text") {
      const auto* t = field(*o, "text");
      if (!t || !t->is_string()) {
        fail(path / "text", "must be a string");
        return std::nullopt;
      }
      p.text = t->get_string();
      return p;
    }
    if (type == "image" || type == "document") {
      p.kind = type == "image" ? ir::Part::Kind::Image : ir::Part::Kind::Document;
      if (!source(*o, path, p)) return std::nullopt;
      if (p.kind == ir::Part::Kind::Document) p.filename = string_field(*o, "title");
      return p;
    }
    if (!in_tool_result) {
      if (type == "tool_use") {
        p.kind = ir::Part::Kind::ToolCall;
        const auto* id = field(*o, "id");
        const auto* name = field(*o, "name");
        if (!id || !id->is_string()) {
          fail(path / "id", "must be a string");
          return std::nullopt;
        }
        if (!name || !name->is_string()) {
          fail(path / "name", "must be a string");
          return std::nullopt;
        }
        p.id = id->get_string();
        p.name = name->get_string();
        const auto* input = field(*o, "input");
        p.arguments = input && input->is_object() ? bj::serialize(*input) : std::string("{}");
        return p;
      }
      if (type == "tool_result") return tool_result(*o, path, std::move(p));
      if (type == "thinking") {
        p.kind = ir::Part::Kind::Reasoning;
        p.text = string_field(*o, "thinking");
        p.signature = string_field(*o, "signature");
        return p;
      }
      if (type == "redacted_thinking") {
        p.kind = ir::Part::Kind::RedactedReasoning;
        p.data = string_field(*o, "data");
        return p;
      }
    }
    fail(path, "unknown part type '" + std::string(type) + "'");
    return std::nullopt;
  }

  std::optional<ir::Part> tool_result(const bj::object& o, const Path& path, ir::Part p) {
    p.kind = ir::Part::Kind::ToolResult;
    const auto* id = field(o, "tool_use_id");
    if (!id || !id->is_string()) {
      fail(path / "tool_use_id", "must be a string");
      return std::nullopt;
    }
    p.id = id->get_string();
    p.is_error = json::bool_field(o, "is_error").value_or(false);
    const auto* c = field(o, "content");
    if (!c || c->is_null()) return p;
    if (c->is_string()) {
      ir::Part t;
      t.text = c->get_string();
      p.content.push_back(std::move(t));
      return p;
    }
    if (!c->is_array()) {
      fail(path / "content", "must be a string or an array of content blocks");
      return std::nullopt;
    }
    std::size_t i = 0;
    for (const auto& b : c->get_array()) {
      const auto content = path / "content";
      auto inner = block(b, content.at(i++), true);
      if (!inner) return std::nullopt;
      p.content.push_back(std::move(*inner));
    }
    return p;
  }

  bool tools(const bj::object& root, ir::Request& req) {
    const auto* t = field(root, "tools");
    if (!t || t->is_null()) return true;
    if (!t->is_array()) return fail("tools", "must be an array");
    req.tools.reserve(t->get_array().size());
    std::size_t i = 0;
    for (const auto& v : t->get_array()) {
      const Path base{nullptr, "tools", -1};
      const auto path = base.at(i++);
      const auto* o = v.if_object();
      if (!o) return fail(path, "must be an object");
      const auto type = view_field(*o, "type", "custom");
      if (type != "custom") {
        // Server and client-defined built-ins (web_search_*, bash_*, text_editor_*, ...) exist
        // only on Anthropic; the tool is left out and reported.
        req.dropped.push_back("tools." + std::string(type));
        continue;
      }
      const auto* name = field(*o, "name");
      if (!name || !name->is_string()) return fail(path / "name", "must be a string");
      ir::Tool tool;
      tool.name = name->get_string();
      tool.description = string_field(*o, "description");
      tool.parameters = json::to_text(field(*o, "input_schema"));
      tool.strict = json::bool_field(*o, "strict").value_or(false);
      tool.cache_control = cache_control_of(*o);
      req.tools.push_back(std::move(tool));
    }
    return true;
  }

  bool tool_choice(const bj::object& root, ir::Request& req) {
    const auto* v = field(root, "tool_choice");
    if (!v || v->is_null()) return true;
    const auto* o = v->if_object();
    if (!o) return fail("tool_choice", "must be an object");
    ir::ToolChoice tc;
    const auto type = view_field(*o, "type");
    if (type == "auto") {
      tc.mode = ir::ToolChoice::Mode::Auto;
    } else if (type == "any") {
      tc.mode = ir::ToolChoice::Mode::Required;
    } else if (type == "none") {
      tc.mode = ir::ToolChoice::Mode::None;
    } else if (type == "tool") {
      tc.mode = ir::ToolChoice::Mode::Named;
      const auto* name = field(*o, "name");
      if (!name || !name->is_string()) return fail("tool_choice.name", "must be a string");
      tc.name = name->get_string();
    } else {
      return fail("tool_choice.type", "unknown tool_choice type '" + std::string(type) + "'");
    }
    if (auto disable = json::bool_field(*o, "disable_parallel_tool_use"))
      tc.parallel_calls = !*disable;
    req.tool_choice = std::move(tc);
    return true;
  }

  template <class T>
  bool optional_number(const bj::object& root, std::string_view key, std::optional<T>& into) {
    const auto* v = field(root, key);
    if (!v || v->is_null()) return true;
    if (!v->is_number()) return fail(std::string(key), "must be a number");
    if constexpr (std::is_same_v<T, double>) {
      into = json::number_field(root, key);
    } else {
      into = json::count_field(root, key);  // max_tokens, top_k: counts, clamped
    }
    return true;
  }

  bool sampling(const bj::object& root, ir::Request& req) {
    if (!optional_number(root, "max_tokens", req.max_output_tokens) ||
        !optional_number(root, "temperature", req.temperature) ||
        !optional_number(root, "top_p", req.top_p) || !optional_number(root, "top_k", req.top_k)) {
      return false;
    }
    if (const auto* s = field(root, "stop_sequences"); s && !s->is_null()) {
      if (!s->is_array()) return fail("stop_sequences", "must be an array of strings");
      std::size_t i = 0;
      for (const auto& x : s->get_array()) {
        if (!x.is_string())
          return fail(Path{nullptr, "stop_sequences", -1}.at(i), "must be a string");
        req.stop.emplace_back(x.get_string());
        ++i;
      }
    }
    if (const auto* s = field(root, "stream"); s && !s->is_null()) {
      if (!s->is_bool()) return fail("stream", "must be a boolean");
      req.stream = s->get_bool();
      req.stream_usage = req.stream;  // Anthropic streams always carry usage
    }
    return true;
  }

  bool thinking(const bj::object& root, ir::Request& req) {
    const auto* v = field(root, "thinking");
    if (!v || v->is_null()) return true;
    const auto* o = v->if_object();
    if (!o) return fail("thinking", "must be an object");
    const auto type = view_field(*o, "type");
    if (type == "enabled") {
      const auto budget = json::count_field(*o, "budget_tokens");
      if (!budget) return fail("thinking.budget_tokens", "must be an integer");
      req.thinking_budget = *budget;
      req.include_reasoning = true;
    } else if (type == "adaptive") {
      req.include_reasoning = true;  // the effort, if any, comes from output_config.effort
    } else if (type == "disabled") {
      req.thinking_disabled = true;
    } else {
      return fail("thinking.type", "unknown thinking type '" + std::string(type) + "'");
    }
    return true;
  }

  bool format(const bj::object& f, std::string_view path, ir::Request& req) {
    const auto type = view_field(f, "type");
    if (type != "json_schema")
      return fail(Path{nullptr, path, -1} / "type",
                  "unsupported format type '" + std::string(type) + "'");
    ir::ResponseFormat rf;
    rf.kind = ir::ResponseFormat::Kind::JsonSchema;
    rf.schema = json::to_text(field(f, "schema"));
    rf.name = string_field(f, "name");
    rf.strict = true;  // Anthropic's structured outputs are always constrained decoding
    req.response_format = std::move(rf);
    return true;
  }

  bool output(const bj::object& root, ir::Request& req) {
    if (const auto* oc = field(root, "output_config"); oc && !oc->is_null()) {
      const auto* o = oc->if_object();
      if (!o) return fail("output_config", "must be an object");
      if (const auto* e = field(*o, "effort"); e && !e->is_null()) {
        if (!e->is_string()) return fail("output_config.effort", "must be a string");
        const std::string_view name = e->get_string();
        auto effort = effort_from(name);
        if (!effort && name == "max") effort = ir::Effort::High;
        if (!effort)
          return fail("output_config.effort", "unknown effort '" + std::string(name) + "'");
        req.reasoning_effort = effort;
      }
      if (const auto* f = field(*o, "format"); f && !f->is_null()) {
        if (!f->is_object()) return fail("output_config.format", "must be an object");
        if (!format(f->get_object(), "output_config.format", req)) return false;
      }
    }
    // The structured-outputs beta's earlier spelling.
    if (const auto* f = field(root, "output_format"); f && !f->is_null()) {
      if (!f->is_object()) return fail("output_format", "must be an object");
      if (!format(f->get_object(), "output_format", req)) return false;
    }
    return true;
  }

  bool metadata(const bj::object& root, ir::Request& req) {
    const auto* m = field(root, "metadata");
    if (!m || m->is_null()) return true;
    const auto* o = m->if_object();
    if (!o) return fail("metadata", "must be an object");
    if (const auto* u = field(*o, "user_id"); u && !u->is_null()) {
      if (!u->is_string()) return fail("metadata.user_id", "must be a string");
      req.user = u->get_string();
    }
    return true;
  }
};

}  // namespace

std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body) {
  std::array<unsigned char, 16384> buf;
  bj::monotonic_resource mr(buf.data(), buf.size());
  boost::system::error_code ec;
  const auto root = bj::parse(body, ec, &mr);
  if (ec)
    return core::GatewayError{core::ErrorKind::InvalidRequest,
                              "body: invalid JSON (" + ec.message() + ")", "", ""};
  if (!root.is_object())
    return core::GatewayError{core::ErrorKind::InvalidRequest, "body: must be a JSON object", "",
                              ""};
  ir::Request req;
  RequestParser p;
  if (!p.run(root.get_object(), req)) return std::move(*p.error);
  return req;
}

}  // namespace sluice::protocol::anthropic
