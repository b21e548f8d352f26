// Anthropic Messages: POST /v1/messages (JSON and typed SSE with ping, thinking, tool_use) and
// POST /v1/messages/count_tokens.

#include <functional>

#include "fake/json_util.hpp"
#include "fake/wire.hpp"

namespace sluice::fake::anthropic {
namespace json = boost::json;
namespace {

std::string_view stop_reason(Finish f) {
  switch (f) {
    case Finish::ToolCall:
      return "tool_use";
    case Finish::Length:
      return "max_tokens";
    case Finish::Stop:
      break;
  }
  return "end_turn";
}

/// A custom tool (no `type`, or "custom"); server tools such as web_search_20250305 are skipped.
std::optional<ToolOffer> pick_tool(const json::object& body) {
  const auto* tools = get_array(body, "tools");
  if (tools == nullptr) {
    return std::nullopt;
  }
  std::string_view wanted;
  if (const auto* choice = get_object(body, "tool_choice")) {
    auto type = get_string(*choice, "type");
    if (type == "none") {
      return std::nullopt;
    }
    if (type == "tool") {
      wanted = get_string(*choice, "name");
    }
  }
  for (const auto& t : *tools) {
    const auto* tool = t.if_object();
    if (tool == nullptr) {
      continue;
    }
    auto type = get_string(*tool, "type");
    auto name = get_string(*tool, "name");
    if ((!type.empty() && type != "custom") || name.empty() ||
        (!wanted.empty() && name != wanted)) {
      continue;
    }
    return ToolOffer{name, tool->if_contains("input_schema"), false};
  }
  return std::nullopt;
}

/// Bytes of the blocks in `blocks` (an array of content blocks) that carry cache_control.
std::size_t cache_marked_bytes(const json::value* blocks) {
  std::size_t n = 0;
  if (blocks == nullptr || !blocks->is_array()) {
    return 0;
  }
  for (const auto& b : blocks->get_array()) {
    if (const auto* obj = b.if_object(); obj && obj->contains("cache_control")) {
      n += text_bytes(b);
    }
  }
  return n;
}

/// Input token counts shared by messages and count_tokens: prompt caching reads the system
/// blocks marked with cache_control and writes the marked message blocks.
void count_input(const json::object& body, const json::array& messages, Turn& turn) {
  turn.input_tokens = tokens_for_bytes(text_bytes(messages) + field_bytes(body, "system") +
                                       field_bytes(body, "tools"));
  turn.cached_tokens = tokens_for_bytes(cache_marked_bytes(body.if_contains("system")));
  std::size_t written = 0;
  for (const auto& m : messages) {
    if (const auto* msg = m.if_object()) {
      written += cache_marked_bytes(msg->if_contains("content"));
    }
  }
  turn.cache_write_tokens = tokens_for_bytes(written);
}

/// Validation shared by messages and count_tokens; returns the messages array.
WireResult<std::reference_wrapper<const json::array>> check_common(const json::object& body,
                                                                   std::string_view model) {
  if (model.empty()) {
    return ApiError{400, "model: Field required", {}, {}};
  }
  if (is_missing_model(model)) {
    return ApiError{404, "model: " + std::string(model), {}, {}};
  }
  const auto* messages = get_array(body, "messages");
  if (messages == nullptr) {
    return ApiError{400, "messages: Field required", {}, {}};
  }
  return std::cref(*messages);
}

void append_usage(std::string& out, const Usage& u, std::int64_t output) {
  out += R"({"input_tokens":)";
  append_int(out, u.input - u.cached - u.cache_write);
  out += R"(,"cache_creation_input_tokens":)";
  append_int(out, u.cache_write);
  out += R"(,"cache_read_input_tokens":)";
  append_int(out, u.cached);
  out += R"(,"cache_creation":{"ephemeral_5m_input_tokens":)";
  append_int(out, u.cache_write);
  out += R"(,"ephemeral_1h_input_tokens":0},"output_tokens":)";
  append_int(out, output);
  out += R"(,"service_tier":"standard"})";
}

void append_message_head(std::string& out, const Turn& turn, const Reply& reply) {
  out += R"({"id":"msg_)";
  out += reply.id;
  out += R"(","type":"message","role":"assistant","model":)";
  append_json_string(out, turn.model);
  out += R"(,"content":[)";
}

std::string signature(const Reply& reply) {
  return opaque_token(reply.seed ^ 0x5197, 72);
}

}  // namespace

WireResult<Turn> parse(const json::object& body) {
  Turn turn;
  turn.model = get_string(body, "model");
  auto messages = check_common(body, turn.model);
  if (!messages) {
    return messages.error();
  }
  if (!body.contains("max_tokens")) {
    return ApiError{400, "max_tokens: Field required", {}, {}};
  }
  // Claude Code appends role:"system" messages (mid-conversation-system beta): skip them.
  const json::array& msgs = messages.value();
  for (auto it = msgs.rbegin(); it != msgs.rend(); ++it) {
    const auto* msg = it->if_object();
    if (msg == nullptr || get_string(*msg, "role") == "system") {
      continue;
    }
    const auto* content = msg->if_contains("content");
    if (content != nullptr && content->is_array() && get_string(*msg, "role") == "user") {
      for (const auto& b : content->get_array()) {
        const auto* block = b.if_object();
        if (block != nullptr && get_string(*block, "type") == "tool_result") {
          turn.after_tool_result = true;
          if (const auto* result = block->if_contains("content")) {
            turn.last_text = last_text(*result);
          }
        }
      }
    }
    if (!turn.after_tool_result && content != nullptr) {
      turn.last_text = last_text(*content);
    }
    break;
  }
  turn.tool = pick_tool(body);
  turn.tool_preamble = true;
  if (const auto* thinking = get_object(body, "thinking")) {
    auto type = get_string(*thinking, "type");
    turn.reasoning = type == "enabled" || type == "adaptive";
  }
  for (std::string_view key : {"output_config", "output_format"}) {
    const auto* cfg = get_object(body, key);
    if (cfg == nullptr) {
      continue;
    }
    const auto* format = key == "output_config" ? get_object(*cfg, "format") : cfg;
    if (format != nullptr && get_string(*format, "type") == "json_schema") {
      turn.output_schema = format->if_contains("schema");
    }
  }
  turn.max_output_tokens = get_int(body, "max_tokens");
  count_input(body, msgs, turn);
  return turn;
}

WireResult<std::string> count_tokens(const json::object& body) {
  auto messages = check_common(body, get_string(body, "model"));
  if (!messages) {
    return messages.error();
  }
  Turn turn;
  count_input(body, messages.value(), turn);
  std::string out = R"({"input_tokens":)";
  append_int(out, turn.input_tokens);
  out += '}';
  return out;
}

std::string render(const Turn& turn, const Reply& reply) {
  std::string out;
  out.reserve(512 + reply.text.size() + reply.tool_input.size() + reply.reasoning.size());
  append_message_head(out, turn, reply);
  bool first = true;
  auto sep = [&] {
    if (!first) {
      out += ',';
    }
    first = false;
  };
  if (turn.reasoning) {
    sep();
    out += R"({"type":"thinking","thinking":)";
    append_json_string(out, reply.reasoning);
    out += R"(,"signature":")";
    out += signature(reply);
    out += "\"}";
  }
  if (!reply.text.empty()) {
    sep();
    out += R"({"type":"text","text":)";
    append_json_string(out, reply.text);
    out += '}';
  }
  if (reply.has_tool_call()) {
    sep();
    out += R"({"type":"tool_use","id":"toolu_)";
    out += reply.tool_call_id;
    out += R"(","name":)";
    append_json_string(out, reply.tool_name);
    out += R"(,"input":)";
    out += reply.tool_input;
    out += '}';
  }
  out += R"(],"stop_reason":")";
  out += stop_reason(reply.finish);
  out += R"(","stop_sequence":null,"usage":)";
  append_usage(out, reply.usage, reply.usage.output);
  out += '}';
  return out;
}

StreamPlan render_stream(const Turn& turn, const Reply& reply) {
  StreamPlan plan;
  SseBuilder sse(plan);
  const Pieces pieces = split_reply(reply, turn.chunks);
  int index = 0;

  {
    auto& out = sse.begin("message_start");
    out += R"({"type":"message_start","message":)";
    append_message_head(out, turn, reply);
    out += R"(],"stop_reason":null,"stop_sequence":null,"usage":)";
    append_usage(out, reply.usage, 1);
    out += "}}";
    sse.end();
  }
  sse.raw("event: ping\ndata: {\"type\": \"ping\"}\n\n");

  auto block_start = [&](auto&& block) {
    auto& out = sse.begin("content_block_start");
    out += R"({"type":"content_block_start","index":)";
    append_int(out, index);
    out += R"(,"content_block":)";
    block(out);
    out += '}';
    sse.end();
  };
  auto delta = [&](std::string_view type, std::string_view field, std::string_view value,
                   bool content) {
    auto& out = sse.begin("content_block_delta");
    out += R"({"type":"content_block_delta","index":)";
    append_int(out, index);
    out += R"(,"delta":{"type":")";
    out += type;
    out += R"(",")";
    out += field;
    out += "\":";
    append_json_string(out, value);
    out += "}}";
    sse.end(content);
  };
  auto block_stop = [&] {
    auto& out = sse.begin("content_block_stop");
    out += R"({"type":"content_block_stop","index":)";
    append_int(out, index++);
    out += '}';
    sse.end();
  };

  if (turn.reasoning) {
    block_start(
        [](std::string& out) { out += R"({"type":"thinking","thinking":"","signature":""})"; });
    for (auto piece : pieces.reasoning) {
      delta("thinking_delta", "thinking", piece, true);
    }
    delta("signature_delta", "signature", signature(reply), false);
    block_stop();
  }
  if (!reply.text.empty()) {
    block_start([](std::string& out) { out += R"({"type":"text","text":""})"; });
    // A tool-call preamble is one short delta; the answer is split into the requested deltas.
    if (reply.has_tool_call()) {
      delta("text_delta", "text", reply.text, true);
    } else {
      for (auto piece : pieces.text) {
        delta("text_delta", "text", piece, true);
      }
    }
    block_stop();
  }
  if (reply.has_tool_call()) {
    block_start([&](std::string& out) {
      out += R"({"type":"tool_use","id":"toolu_)";
      out += reply.tool_call_id;
      out += R"(","name":)";
      append_json_string(out, reply.tool_name);
      out += R"(,"input":{}})";
    });
    for (auto piece : pieces.tool_input) {
      delta("input_json_delta", "partial_json", piece, true);
    }
    block_stop();
  }
  {
    auto& out = sse.begin("message_delta");
    out += R"({"type":"message_delta","delta":{"stop_reason":")";
    out += stop_reason(reply.finish);
    out += R"(","stop_sequence":null},"usage":)";
    append_usage(out, reply.usage, reply.usage.output);
    out += '}';
    sse.end();
  }
  sse.raw("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");

  plan.error_event = sse_event(
      "error", R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  plan.garbage =
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
      "\"delta\":{\"type\":\"text_delta\",\"text\":\"unterminated\n\n";
  return plan;
}

}  // namespace sluice::fake::anthropic
