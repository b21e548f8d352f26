// Chat Completions request body -> ir::Request. Accepts the documented shapes plus the common
// extensions of OpenAI-compatible clients (reasoning_content / LiteLLM thinking_blocks in
// history, OpenRouter "reasoning", vLLM top_k, Anthropic-style cache_control on parts) and the
// legacy functions / function_call fields.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <array>
#include <optional>

#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"
#include "protocol/openai_chat/internal.hpp"

namespace sluice::protocol::openai_chat {
namespace {

using json::array_field;
using json::field;
using json::object_field;
using json::string_field;
using Err = core::GatewayError;
using MaybeErr = std::optional<Err>;

/// Where a field is ("messages[2].content[0]"), as a chain of stack frames formatted only when
/// an error needs it: the success path builds no strings.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;    // a field name, or empty for an array index
  std::int64_t index = -1;

  Path operator/(std::string_view k) const { return {this, k, -1}; }
  Path operator[](std::size_t i) const { return {this, {}, static_cast<std::int64_t>(i)}; }
  std::string str() const {
    std::string s = parent ? parent->str() : std::string();
    if (index >= 0) {
      s += '[';
      s += std::to_string(index);
      s += ']';
    } else {
      if (!s.empty()) s += '.';
      s += key;
    }
    return s;
  }
};

Err bad(const Path& where, std::string_view what) {
  auto w = where.str();
  return {core::ErrorKind::InvalidRequest, w + ": " + std::string(what), w, ""};
}
Err bad(std::string_view where, std::string_view what) { return bad(Path{nullptr, where}, what); }
constexpr Path kMessages{nullptr, "messages"};
constexpr Path kTools{nullptr, "tools"};
constexpr Path kFunctions{nullptr, "functions"};

std::string quoted(std::string_view s) { return "'" + std::string(s.substr(0, 64)) + "'"; }
/// A string field as a view into the parsed document (no copy); empty when absent.
std::string_view sv(const bj::object& o, std::string_view key) {
  const auto* v = field(o, key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

std::optional<ir::CacheControl> cache_control_of(const bj::object& o) {
  const auto* cc = object_field(o, "cache_control");
  if (!cc) return std::nullopt;
  ir::CacheControl c;
  c.type = string_field(*cc, "type", "ephemeral");
  c.ttl = string_field(*cc, "ttl");
  return c;
}

ir::Part text_part(std::string text) {
  ir::Part p;
  p.kind = ir::Part::Kind::Text;
  p.text = std::move(text);
  return p;
}

// ---- content parts ----

MaybeErr image_part(const bj::object& part, const Path& where, ir::Part& out) {
  const auto* iu = field(part, "image_url");
  std::string url;
  if (iu && iu->is_string()) {
    url = std::string(iu->get_string());  // some clients send the URL directly
  } else if (iu && iu->is_object()) {
    url = string_field(iu->get_object(), "url");
  }
  if (url.empty()) return bad(where / "image_url" / "url", "missing");
  out.kind = ir::Part::Kind::Image;
  if (!split_data_url(url, out.media_type, out.data)) out.url = std::move(url);
  return std::nullopt;
}

MaybeErr file_part(const bj::object& part, const Path& where, ir::Part& out) {
  const auto* f = object_field(part, "file");
  if (!f) return bad(where / "file", "expected an object");
  out.kind = ir::Part::Kind::Document;
  out.filename = string_field(*f, "filename");
  out.file_id = string_field(*f, "file_id");
  auto data = string_field(*f, "file_data");
  if (!data.empty() && !split_data_url(data, out.media_type, out.data)) {
    out.media_type = "application/pdf";  // bare base64: the only file type chat documents
    out.data = std::move(data);
  }
  if (out.file_id.empty() && out.data.empty()) return bad(where / "file", "needs file_id or file_data");
  return std::nullopt;
}

MaybeErr audio_part(const bj::object& part, const Path& where, ir::Part& out) {
  const auto* a = object_field(part, "input_audio");
  if (!a) return bad(where / "input_audio", "expected an object");
  // Carried as a document with an audio media type (Gemini takes it as inline data).
  out.kind = ir::Part::Kind::Document;
  out.data = string_field(*a, "data");
  out.media_type = "audio/" + string_field(*a, "format", "wav");
  return std::nullopt;
}

enum class Allow { TextOnly, UserParts };

/// Appends the parts of a `content` value (string, null or array of parts) to `out`.
MaybeErr content_parts(const bj::value* content, Allow allow, const Path& where,
                       std::vector<ir::Part>& out) {
  if (!content || content->is_null()) return std::nullopt;
  if (content->is_string()) {
    if (!content->get_string().empty()) out.push_back(text_part(std::string(content->get_string())));
    return std::nullopt;
  }
  if (!content->is_array()) return bad(where, "expected a string or an array of parts");
  const auto& arr = content->get_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_object()) return bad(where[i], "expected an object");
    const auto& part = arr[i].get_object();
    const auto type = sv(part, "type");
    ir::Part p;
    if (type == "text" || type == "input_text" || type == "output_text") {
      p = text_part(string_field(part, "text"));
    } else if (type == "refusal") {
      p = text_part(string_field(part, "refusal"));
    } else if (allow == Allow::UserParts && type == "image_url") {
      if (auto e = image_part(part, where[i], p)) return e;
    } else if (allow == Allow::UserParts && type == "file") {
      if (auto e = file_part(part, where[i], p)) return e;
    } else if (allow == Allow::UserParts && type == "input_audio") {
      if (auto e = audio_part(part, where[i], p)) return e;
    } else {
      return bad(where[i], "unknown part type " + quoted(type));
    }
    p.cache_control = cache_control_of(part);
    out.push_back(std::move(p));
  }
  return std::nullopt;
}

// ---- assistant turns ----

MaybeErr tool_call_part(const bj::object& tc, const Path& where, ir::Part& p) {
  const auto* fn = object_field(tc, "function");
  if (!fn) {
    auto type = sv(tc, "type");
    if (type.empty()) type = "function";
    if (type != "function") return bad(where / "type", "unsupported tool call type " + quoted(type));
    return bad(where / "function", "expected an object");
  }
  p.kind = ir::Part::Kind::ToolCall;
  p.id = string_field(tc, "id");
  if (p.id.empty()) return bad(where / "id", "missing");
  p.name = string_field(*fn, "name");
  if (p.name.empty()) return bad(where / "function" / "name", "missing");
  const auto* args = field(*fn, "arguments");
  p.arguments = args && args->is_string() ? std::string(args->get_string()) : json::to_text(args);
  if (p.arguments.empty()) p.arguments = "{}";
  return std::nullopt;
}

MaybeErr assistant_message(const bj::object& m, const Path& where, std::string& legacy_id,
                           std::size_t index, ir::Message& msg) {
  // Reasoning first: compatible servers hand it back as reasoning_content (DeepSeek, vLLM),
  // reasoning (OpenRouter) or LiteLLM's thinking_blocks (which keep Anthropic signatures).
  if (const auto* blocks = array_field(m, "thinking_blocks")) {
    for (const auto& b : *blocks) {
      if (!b.is_object()) continue;
      const auto& o = b.get_object();
      ir::Part p;
      if (sv(o, "type") == "redacted_thinking") {
        p.kind = ir::Part::Kind::RedactedReasoning;
        p.data = string_field(o, "data");
      } else {
        p.kind = ir::Part::Kind::Reasoning;
        p.text = string_field(o, "thinking");
        p.signature = string_field(o, "signature");
      }
      msg.parts.push_back(std::move(p));
    }
  }
  if (msg.parts.empty()) {
    auto r = string_field(m, "reasoning_content");
    if (r.empty()) r = string_field(m, "reasoning");
    if (!r.empty()) {
      ir::Part p;
      p.kind = ir::Part::Kind::Reasoning;
      p.text = std::move(r);
      msg.parts.push_back(std::move(p));
    }
  }
  if (auto e = content_parts(field(m, "content"), Allow::TextOnly, where / "content", msg.parts)) return e;
  auto refusal = string_field(m, "refusal");
  if (!refusal.empty()) msg.parts.push_back(text_part(std::move(refusal)));
  if (const auto* tcs = field(m, "tool_calls"); tcs && !tcs->is_null()) {
    if (!tcs->is_array()) return bad(where / "tool_calls", "expected an array");
    const auto& arr = tcs->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!arr[i].is_object()) return bad((where / "tool_calls")[i], "expected an object");
      ir::Part p;
      if (auto e = tool_call_part(arr[i].get_object(), (where / "tool_calls")[i], p)) return e;
      msg.parts.push_back(std::move(p));
    }
  }
  if (const auto* fc = object_field(m, "function_call")) {  // legacy functions API
    ir::Part p;
    p.kind = ir::Part::Kind::ToolCall;
    p.name = string_field(*fc, "name");
    if (p.name.empty()) return bad(where / "function_call" / "name", "missing");
    p.arguments = string_field(*fc, "arguments", "{}");
    legacy_id = "call_legacy_" + std::to_string(index);
    p.id = legacy_id;
    msg.parts.push_back(std::move(p));
  }
  return std::nullopt;
}

// ---- messages ----

MaybeErr parse_messages(const bj::array& arr, ir::Request& req) {
  bool conversation_started = false;  // system messages before the first turn are instructions
  bool last_is_tool = false;          // consecutive tool messages share one IR user message
  std::string legacy_id;
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const Path where = kMessages[i];
    if (!arr[i].is_object()) return bad(where, "expected an object");
    const auto& m = arr[i].get_object();
    const auto role = sv(m, "role");
    if (role == "system" || role == "developer") {
      const auto r = role == "system" ? ir::Role::System : ir::Role::Developer;
      std::vector<ir::Part> parts;
      if (auto e = content_parts(field(m, "content"), Allow::TextOnly, where / "content", parts)) return e;
      if (!conversation_started) {
        for (auto& p : parts) req.instructions.push_back({r, std::move(p.text), p.cache_control});
      } else {
        req.messages.push_back({r, std::move(parts), string_field(m, "name")});
      }
      last_is_tool = false;
      continue;
    }
    conversation_started = true;
    if (role == "tool" || role == "function") {
      ir::Part p;
      p.kind = ir::Part::Kind::ToolResult;
      p.id = role == "tool" ? string_field(m, "tool_call_id") : legacy_id;
      if (p.id.empty()) return bad(where / "tool_call_id", "missing");
      if (auto e = content_parts(field(m, "content"), Allow::UserParts, where / "content", p.content)) return e;
      if (!last_is_tool) req.messages.push_back({ir::Role::User, {}, {}});
      req.messages.back().parts.push_back(std::move(p));
      last_is_tool = true;
      continue;
    }
    last_is_tool = false;
    ir::Message msg;
    msg.name = string_field(m, "name");
    if (role == "user") {
      msg.role = ir::Role::User;
      if (auto e = content_parts(field(m, "content"), Allow::UserParts, where / "content", msg.parts)) return e;
    } else if (role == "assistant") {
      msg.role = ir::Role::Assistant;
      if (auto e = assistant_message(m, where, legacy_id, i, msg)) return e;
    } else {
      return bad(where / "role", role.empty() ? "missing" : "unknown role " + quoted(role));
    }
    req.messages.push_back(std::move(msg));
  }
  return std::nullopt;
}

// ---- tools ----

MaybeErr function_tool(const bj::object& fn, const Path& where, ir::Tool& t) {
  t.name = string_field(fn, "name");
  if (t.name.empty()) return bad(where / "name", "missing");
  t.description = string_field(fn, "description");
  t.parameters = json::to_text(field(fn, "parameters"));
  t.strict = json::bool_field(fn, "strict").value_or(false);
  return std::nullopt;
}

MaybeErr parse_tools(const bj::object& root, ir::Request& req) {
  if (const auto* tools = array_field(root, "tools")) {
    for (std::size_t i = 0; i < tools->size(); ++i) {
      const Path where = kTools[i];
      if (!(*tools)[i].is_object()) return bad(where, "expected an object");
      const auto& t = (*tools)[i].get_object();
      auto type = sv(t, "type");
      if (type.empty()) type = "function";
      const auto* fn = object_field(t, "function");
      if (type != "function") return bad(where / "type", "unsupported tool type " + quoted(type));
      if (!fn) return bad(where / "function", "expected an object");
      ir::Tool tool;
      if (auto e = function_tool(*fn, where / "function", tool)) return e;
      tool.cache_control = cache_control_of(t);
      req.tools.push_back(std::move(tool));
    }
  }
  if (const auto* fns = array_field(root, "functions")) {  // legacy
    for (std::size_t i = 0; i < fns->size(); ++i) {
      if (!(*fns)[i].is_object()) return bad(kFunctions[i], "expected an object");
      ir::Tool tool;
      if (auto e = function_tool((*fns)[i].get_object(), kFunctions[i], tool)) return e;
      req.tools.push_back(std::move(tool));
    }
  }
  return std::nullopt;
}

MaybeErr tool_choice_of(const bj::value& v, std::string_view where, ir::ToolChoice& tc) {
  using Mode = ir::ToolChoice::Mode;
  if (v.is_string()) {
    const auto s = v.get_string();
    if (s == "auto") tc.mode = Mode::Auto;
    else if (s == "none") tc.mode = Mode::None;
    else if (s == "required" || s == "any") tc.mode = Mode::Required;
    else return bad(where, "unknown value " + quoted(s));
    return std::nullopt;
  }
  if (!v.is_object()) return bad(where, "expected a string or an object");
  const auto& o = v.get_object();
  auto type = sv(o, "type");
  if (type.empty()) type = "function";
  if (type == "allowed_tools") {  // the tool subset is not expressible; keep the mode
    const auto* allowed = object_field(o, "allowed_tools");
    tc.mode = allowed && sv(*allowed, "mode") == "required" ? Mode::Required : Mode::Auto;
    return std::nullopt;
  }
  const auto* fn = object_field(o, type == "custom" ? "custom" : "function");
  tc.name = fn ? string_field(*fn, "name") : string_field(o, "name");  // legacy {"name": ...}
  if (tc.name.empty()) return bad(Path{nullptr, where} / "function" / "name", "missing");
  tc.mode = Mode::Named;
  return std::nullopt;
}

// ---- everything else ----

MaybeErr parse_format(const bj::object& rf, ir::Request& req) {
  const auto type = sv(rf, "type");
  if (type == "text" || type.empty()) return std::nullopt;
  ir::ResponseFormat f;
  if (type == "json_object") {
    f.kind = ir::ResponseFormat::Kind::JsonObject;
  } else if (type == "json_schema") {
    const auto* js = object_field(rf, "json_schema");
    if (!js) return bad("response_format.json_schema", "expected an object");
    f.kind = ir::ResponseFormat::Kind::JsonSchema;
    f.name = string_field(*js, "name");
    f.schema = json::to_text(field(*js, "schema"));
    f.strict = json::bool_field(*js, "strict").value_or(false);
  } else {
    return bad("response_format.type", "unknown value " + quoted(type));
  }
  req.response_format = std::move(f);
  return std::nullopt;
}

MaybeErr parse_effort(std::string_view name, std::string_view where, ir::Request& req) {
  if (name.empty()) return std::nullopt;
  if (name == "none") {
    req.thinking_disabled = true;
  } else if (auto e = effort_from(name)) {
    req.reasoning_effort = e;
  } else if (name == "xhigh") {
    req.reasoning_effort = ir::Effort::High;
  } else {
    return bad(where, "unknown value " + quoted(name));
  }
  return std::nullopt;
}

MaybeErr parse_reasoning(const bj::object& root, ir::Request& req) {
  if (auto e = parse_effort(sv(root, "reasoning_effort"), "reasoning_effort", req)) return e;
  if (const auto* r = object_field(root, "reasoning")) {  // OpenRouter-style
    if (auto e = parse_effort(sv(*r, "effort"), "reasoning.effort", req)) return e;
    if (auto b = json::count_field(*r, "max_tokens")) req.thinking_budget = *b;
    if (json::bool_field(*r, "enabled") == false) req.thinking_disabled = true;
    req.include_reasoning = !json::bool_field(*r, "exclude").value_or(false);
  }
  if (json::bool_field(root, "include_reasoning").value_or(false)) req.include_reasoning = true;
  return std::nullopt;
}

/// Chat parameters the IR cannot carry: reported when set to something other than a default.
constexpr std::array<std::string_view, 10> kUnmapped{
    "frequency_penalty", "presence_penalty", "logit_bias", "logprobs", "top_logprobs",
    "prediction",        "audio",            "web_search_options", "verbosity", "modalities"};

bool is_default(std::string_view key, const bj::value& v) {
  if (v.is_null()) return true;
  if (v.is_bool()) return !v.get_bool();
  if (v.is_number()) return v.to_number<double>() == 0.0;
  if (v.is_object()) return v.get_object().empty();
  if (v.is_array()) {
    const auto& a = v.get_array();
    return a.empty() || (key == "modalities" && a.size() == 1 && a[0] == "text");
  }
  return key == "verbosity" && v.is_string() && v.get_string() == "medium";
}

MaybeErr parse_top_level(const bj::object& root, ir::Request& req) {
  req.model = string_field(root, "model");
  req.temperature = json::number_field(root, "temperature");
  req.top_p = json::number_field(root, "top_p");
  req.top_k = json::int_field(root, "top_k");
  req.seed = json::int_field(root, "seed");
  req.max_output_tokens = json::count_field(root, "max_completion_tokens");
  if (!req.max_output_tokens) req.max_output_tokens = json::count_field(root, "max_tokens");
  if (const auto* stop = field(root, "stop")) {
    if (stop->is_string()) {
      req.stop.emplace_back(stop->get_string());
    } else if (stop->is_array()) {
      for (const auto& s : stop->get_array()) {
        if (!s.is_string()) return bad("stop", "expected strings");
        req.stop.emplace_back(s.get_string());
      }
    } else if (!stop->is_null()) {
      return bad("stop", "expected a string or an array of strings");
    }
  }
  if (const auto* rf = field(root, "response_format"); rf && !rf->is_null()) {
    if (!rf->is_object()) return bad("response_format", "expected an object");
    if (auto e = parse_format(rf->get_object(), req)) return e;
  }
  if (auto e = parse_reasoning(root, req)) return e;
  req.user = string_field(root, "user");
  if (req.user.empty()) req.user = string_field(root, "safety_identifier");
  if (const auto* md = object_field(root, "metadata"); md && !md->empty()) req.metadata = bj::serialize(*md);
  req.n = json::int_field(root, "n").value_or(1);
  req.stream = json::bool_field(root, "stream").value_or(false);
  if (const auto* so = object_field(root, "stream_options")) {
    req.stream_usage = json::bool_field(*so, "include_usage").value_or(false);
  }
  for (auto key : kUnmapped) {
    const auto* v = field(root, key);
    if (v && !is_default(key, *v)) req.dropped.emplace_back(key);
  }
  return std::nullopt;
}

}  // namespace

std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body) {
  unsigned char buf[16384];
  bj::monotonic_resource mr(buf, sizeof buf);
  boost::system::error_code ec;
  auto doc = bj::parse(body, ec, &mr);
  if (ec) return Err{core::ErrorKind::InvalidRequest, "request body is not valid JSON: " + ec.message(), "", ""};
  if (!doc.is_object()) return bad("body", "expected a JSON object");
  const auto& root = doc.get_object();

  ir::Request req;
  const auto* messages = array_field(root, "messages");
  if (!messages) return bad("messages", "expected an array");
  if (auto e = parse_messages(*messages, req)) return *e;
  if (auto e = parse_tools(root, req)) return *e;
  const auto* tc = field(root, "tool_choice");
  if (!tc || tc->is_null()) tc = field(root, "function_call");  // legacy
  if (tc && !tc->is_null()) {
    ir::ToolChoice choice;
    if (auto e = tool_choice_of(*tc, "tool_choice", choice)) return *e;
    req.tool_choice = std::move(choice);
  }
  if (auto p = json::bool_field(root, "parallel_tool_calls")) {
    if (!req.tool_choice) req.tool_choice.emplace();
    req.tool_choice->parallel_calls = *p;
  }
  if (auto e = parse_top_level(root, req)) return *e;
  return req;
}

}  // namespace sluice::protocol::openai_chat
