// Non-stream Chat Completions bodies, both ways. Parsing accepts what compatible servers return
// besides OpenAI's shape: reasoning_content / reasoning (DeepSeek, vLLM, OpenRouter), Mistral's
// content arrays with thinking chunks, tool calls without ids, a missing usage.

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"
#include "protocol/openai_chat/internal.hpp"

namespace sluice::protocol::openai_chat {
namespace {

using json::field;
using json::string_field;
using Kind = ir::Part::Kind;

core::GatewayError broken(std::string what) {
  return {core::ErrorKind::UpstreamUnreachable, "upstream chat completion: " + what, "", ""};
}

void add_text(ir::Response& res, Kind kind, std::string_view text) {
  if (text.empty()) return;
  if (!res.content.empty() && res.content.back().kind == kind && kind != Kind::ToolCall) {
    res.content.back().text += text;
    return;
  }
  ir::Part p;
  p.kind = kind;
  p.text = std::string(text);
  res.content.push_back(std::move(p));
}

/// Mistral returns content as chunks: text, or thinking holding text chunks.
void content_chunks(const bj::array& chunks, ir::Response& res) {
  for (const auto& c : chunks) {
    if (!c.is_object()) continue;
    const auto& o = c.get_object();
    const auto type = string_field(o, "type");
    if (type == "text") {
      add_text(res, Kind::Text, string_field(o, "text"));
    } else if (type == "thinking") {
      const auto* inner = field(o, "thinking");
      if (inner && inner->is_string()) add_text(res, Kind::Reasoning, inner->get_string());
      if (inner && inner->is_array()) {
        for (const auto& t : inner->get_array()) {
          if (t.is_object()) add_text(res, Kind::Reasoning, string_field(t.get_object(), "text"));
        }
      }
    }
  }
}

void tool_calls(const bj::array& calls, ir::Response& res) {
  for (std::size_t i = 0; i < calls.size(); ++i) {
    if (!calls[i].is_object()) continue;
    const auto& c = calls[i].get_object();
    const auto* fn = json::object_field(c, "function");
    if (!fn) continue;
    ir::Part p;
    p.kind = Kind::ToolCall;
    p.id = string_field(c, "id");
    if (p.id.empty()) p.id = "call_" + std::to_string(i);
    p.name = string_field(*fn, "name");
    const auto* args = field(*fn, "arguments");
    p.arguments = args && args->is_string() ? std::string(args->get_string()) : json::to_text(args);
    if (p.arguments.empty()) p.arguments = "{}";
    res.content.push_back(std::move(p));
  }
}

}  // namespace

ir::StopReason stop_from_finish(std::string_view finish, bool had_tool_calls) {
  if (finish == "tool_calls" || finish == "function_call") return ir::StopReason::ToolUse;
  // Some servers (older Ollama, vLLM parsers) report "stop" after tool calls.
  if ((finish.empty() || finish == "stop") && had_tool_calls) return ir::StopReason::ToolUse;
  return stop_reason_from(finish, kWire);
}

std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body) {
  unsigned char buf[8192];
  bj::monotonic_resource mr(buf, sizeof buf);
  boost::system::error_code ec;
  auto doc = bj::parse(body, ec, &mr);
  if (ec || !doc.is_object()) return broken("not a JSON object");
  const auto& root = doc.get_object();
  const auto* choices = json::array_field(root, "choices");
  if (!choices) {
    if (field(root, "error")) return parse_error(502, body);  // an error sent with status 200
    return broken("choices: expected an array");
  }

  ir::Response res;
  res.id = string_field(root, "id");
  res.model = string_field(root, "model");
  res.created = json::int_field(root, "created").value_or(0);
  if (const auto* u = json::object_field(root, "usage")) res.usage = usage_from(*u);

  const bj::object* choice = nullptr;
  for (const auto& c : *choices) {
    if (c.is_object() && json::int_field(c.get_object(), "index").value_or(0) == 0) {
      choice = &c.get_object();
      break;
    }
  }
  if (!choice) return res;  // no choice at all: an empty answer
  std::string finish = string_field(*choice, "finish_reason");
  bool had_tool_calls = false;
  bool refused = false;
  if (const auto* msg = json::object_field(*choice, "message")) {
    auto reasoning = string_field(*msg, "reasoning_content");
    if (reasoning.empty()) reasoning = string_field(*msg, "reasoning");
    add_text(res, Kind::Reasoning, reasoning);
    const auto* content = field(*msg, "content");
    if (content && content->is_string()) add_text(res, Kind::Text, content->get_string());
    if (content && content->is_array()) content_chunks(content->get_array(), res);
    const auto refusal = string_field(*msg, "refusal");
    if (!refusal.empty()) {
      add_text(res, Kind::Text, refusal);
      refused = true;
    }
    if (const auto* calls = json::array_field(*msg, "tool_calls")) tool_calls(*calls, res);
    if (const auto* fc = json::object_field(*msg, "function_call")) {  // legacy
      ir::Part p;
      p.kind = Kind::ToolCall;
      p.id = "call_0";
      p.name = string_field(*fc, "name");
      p.arguments = string_field(*fc, "arguments", "{}");
      res.content.push_back(std::move(p));
    }
    for (const auto& p : res.content) had_tool_calls = had_tool_calls || p.kind == Kind::ToolCall;
  }
  res.stop = refused ? ir::StopReason::Refusal : stop_from_finish(finish, had_tool_calls);
  return res;
}

std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) {
  std::string text, reasoning;
  bool has_text = false, has_calls = false;
  for (const auto& p : res.content) {
    if (p.kind == Kind::Text) {
      text += p.text;
      has_text = true;
    } else if (p.kind == Kind::Reasoning) {
      reasoning += p.text;
    } else if (p.kind == Kind::ToolCall) {
      has_calls = true;
    }
  }
  std::string out;
  out.reserve(256 + text.size() + reasoning.size());
  out += R"({"id":)";
  append_json_string(out, response_id(res.id, opt.id));
  out += R"(,"object":"chat.completion","created":)";
  out += std::to_string(opt.created);
  out += R"(,"model":)";
  append_json_string(out, opt.model);
  out += R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)";
  if (has_text || !has_calls) {
    append_json_string(out, text);
  } else {
    out += "null";
  }
  out += R"(,"refusal":null)";
  // reasoning_content is how DeepSeek, vLLM and others return reasoning on this wire; clients
  // that do not know it ignore it.
  if (!reasoning.empty()) {
    out += R"(,"reasoning_content":)";
    append_json_string(out, reasoning);
  }
  if (has_calls) {
    out += R"(,"tool_calls":[)";
    bool first = true;
    for (const auto& p : res.content) {
      if (p.kind != Kind::ToolCall) continue;
      if (!first) out += ',';
      first = false;
      out += R"({"id":)";
      append_json_string(out, p.id);
      out += R"(,"type":"function","function":{"name":)";
      append_json_string(out, p.name);
      out += R"(,"arguments":)";
      append_json_string(out, p.arguments.empty() ? std::string_view("{}") : std::string_view(p.arguments));
      out += "}}";
    }
    out += ']';
  }
  out += R"(},"logprobs":null,"finish_reason":)";
  // Clients loop on "tool_calls"; upstreams such as Gemini report a plain stop after calls.
  auto reason = stop_reason_name(res.stop, kWire);
  if (has_calls && reason == "stop") reason = "tool_calls";
  append_json_string(out, reason);
  out += R"(}],"usage":)";
  append_usage(out, res.usage);
  out += '}';
  return out;
}

}  // namespace sluice::protocol::openai_chat
