// OpenAI Chat Completions: POST /v1/chat/completions, JSON and data-only SSE ending in [DONE].

#include "fake/json_util.hpp"
#include "fake/wire.hpp"

namespace sluice::fake::openai_chat {
namespace json = boost::json;
namespace {

std::string_view finish_reason(Finish f) {
  switch (f) {
    case Finish::ToolCall:
      return "tool_calls";
    case Finish::Length:
      return "length";
    case Finish::Stop:
      break;
  }
  return "stop";
}

void append_usage(std::string& out, const Usage& u) {
  out += R"({"prompt_tokens":)";
  append_int(out, u.input);
  out += R"(,"completion_tokens":)";
  append_int(out, u.output);
  out += R"(,"total_tokens":)";
  append_int(out, u.input + u.output);
  out += R"(,"prompt_tokens_details":{"cached_tokens":)";
  append_int(out, u.cached);
  out += R"(,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":)";
  append_int(out, u.reasoning);
  out += R"(,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}})";
}

/// The tool to call: tool_choice names one, "none" forbids, else the first function tool.
std::optional<ToolOffer> pick_tool(const json::object& body) {
  const auto* tools = get_array(body, "tools");
  if (tools == nullptr) {
    return std::nullopt;
  }
  std::string_view wanted;
  if (const auto* choice = body.if_contains("tool_choice")) {
    if (choice->is_string() && choice->get_string() == "none") {
      return std::nullopt;
    }
    if (const auto* obj = choice->if_object()) {
      if (const auto* fn = get_object(*obj, "function")) {
        wanted = get_string(*fn, "name");
      }
    }
  }
  for (const auto& t : *tools) {
    const auto* tool = t.if_object();
    const auto* fn = tool != nullptr ? get_object(*tool, "function") : nullptr;
    if (fn == nullptr || (tool->contains("type") && get_string(*tool, "type") != "function")) {
      continue;
    }
    auto name = get_string(*fn, "name");
    if (name.empty() || (!wanted.empty() && name != wanted)) {
      continue;
    }
    return ToolOffer{name, fn->if_contains("parameters"), false};
  }
  return std::nullopt;
}

}  // namespace

WireResult<Turn> parse(const json::object& body) {
  Turn turn;
  turn.model = get_string(body, "model");
  if (turn.model.empty()) {
    return ApiError{400, "you must provide a model parameter", "model", {}};
  }
  if (is_missing_model(turn.model)) {
    return model_not_found(turn.model);
  }
  const auto* messages = get_array(body, "messages");
  if (messages == nullptr || messages->empty()) {
    return ApiError{400, "Missing required parameter: 'messages'.", "messages", {}};
  }
  // The last message that is not a system/developer instruction decides what to answer.
  std::size_t tail_bytes = 0;
  for (auto it = messages->rbegin(); it != messages->rend(); ++it) {
    const auto* msg = it->if_object();
    if (msg == nullptr) {
      continue;
    }
    auto role = get_string(*msg, "role");
    if (role == "system" || role == "developer") {
      continue;
    }
    tail_bytes = text_bytes(*it);
    turn.after_tool_result = role == "tool" || role == "function";
    if (const auto* content = msg->if_contains("content")) {
      turn.last_text = last_text(*content);
    }
    break;
  }
  turn.tool = pick_tool(body);
  if (const auto* format = get_object(body, "response_format")) {
    static const json::value kAnyObject = json::object();
    auto type = get_string(*format, "type");
    if (type == "json_schema") {
      if (const auto* js = get_object(*format, "json_schema")) {
        turn.output_schema = js->if_contains("schema");
      }
    } else if (type == "json_object") {
      turn.output_schema = &kAnyObject;
    }
  }
  turn.reasoning_effort = get_string(body, "reasoning_effort");
  turn.reasoning = !turn.reasoning_effort.empty() && turn.reasoning_effort != "none";
  turn.max_output_tokens = get_int(body, "max_completion_tokens");
  if (turn.max_output_tokens == 0) {
    turn.max_output_tokens = get_int(body, "max_tokens");
  }
  if (const auto* so = get_object(body, "stream_options")) {
    turn.include_usage = get_bool(*so, "include_usage");
  }
  turn.input_tokens = tokens_for_bytes(text_bytes(*messages) + field_bytes(body, "tools"));
  turn.cached_tokens = prefix_cached_tokens(turn.input_tokens, tokens_for_bytes(tail_bytes));
  return turn;
}

std::string render(const Turn& turn, const Reply& reply, std::int64_t created) {
  std::string out;
  out.reserve(512 + reply.text.size() + reply.tool_input.size());
  out += R"({"id":"chatcmpl-)";
  out += reply.id;
  out += R"(","object":"chat.completion","created":)";
  append_int(out, created);
  out += R"(,"model":)";
  append_json_string(out, turn.model);
  out += R"(,"choices":[{"index":0,"message":{"role":"assistant","content":)";
  if (reply.has_tool_call() && reply.text.empty()) {
    out += "null";
  } else {
    append_json_string(out, reply.text);
  }
  out += R"(,"refusal":null,"annotations":[])";
  if (reply.has_tool_call()) {
    out += R"(,"tool_calls":[{"id":"call_)";
    out += reply.tool_call_id;
    out += R"(","type":"function","function":{"name":)";
    append_json_string(out, reply.tool_name);
    out += R"(,"arguments":)";
    append_json_string(out, reply.tool_input);
    out += "}}]";
  }
  out += R"(},"logprobs":null,"finish_reason":")";
  out += finish_reason(reply.finish);
  out += R"("}],"usage":)";
  append_usage(out, reply.usage);
  out += R"(,"service_tier":"default","system_fingerprint":"fp_fake"})";
  return out;
}

StreamPlan render_stream(const Turn& turn, const Reply& reply, std::int64_t created) {
  StreamPlan plan;
  SseBuilder sse(plan);
  const Pieces pieces = split_reply(reply, turn.chunks);
  plan.bytes.reserve(256 * (pieces.text.size() + pieces.tool_input.size() + 4));

  std::string head = R"({"id":"chatcmpl-)";
  head += reply.id;
  head += R"(","object":"chat.completion.chunk","created":)";
  append_int(head, created);
  head += R"(,"model":)";
  append_json_string(head, turn.model);
  head += R"(,"service_tier":"default","system_fingerprint":"fp_fake","choices":[)";
  const std::string_view tail = turn.include_usage ? R"(],"usage":null})" : "]}";

  auto chunk = [&](auto&& delta, std::string_view finish, bool content) {
    auto& out = sse.begin();
    out += head;
    out += R"({"index":0,"delta":)";
    delta(out);
    out += R"(,"logprobs":null,"finish_reason":)";
    if (finish.empty()) {
      out += "null";
    } else {
      out += '"';
      out += finish;
      out += '"';
    }
    out += '}';
    out += tail;
    sse.end(content);
  };

  if (reply.has_tool_call()) {
    chunk(
        [&](std::string& out) {
          out += R"({"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_)";
          out += reply.tool_call_id;
          out += R"(","type":"function","function":{"name":)";
          append_json_string(out, reply.tool_name);
          out += R"(,"arguments":""}}],"refusal":null})";
        },
        {}, false);
    for (auto piece : pieces.tool_input) {
      chunk(
          [&](std::string& out) {
            out += R"({"tool_calls":[{"index":0,"function":{"arguments":)";
            append_json_string(out, piece);
            out += "}}]}";
          },
          {}, true);
    }
  } else {
    chunk([](std::string& out) { out += R"({"role":"assistant","content":"","refusal":null})"; },
          {}, false);
    for (auto piece : pieces.text) {
      chunk(
          [&](std::string& out) {
            out += R"({"content":)";
            append_json_string(out, piece);
            out += '}';
          },
          {}, true);
    }
  }
  chunk([](std::string& out) { out += "{}"; }, finish_reason(reply.finish), false);
  if (turn.include_usage) {
    auto& out = sse.begin();
    out += head;
    out += R"(],"usage":)";
    append_usage(out, reply.usage);
    out += '}';
    sse.end();
  }
  sse.raw("data: [DONE]\n\n");

  plan.error_event =
      sse_event({}, error_body(Wire::OpenAI, {500, fault_message(Wire::OpenAI, 500), {}, {}}, {}));
  plan.garbage =
      "data: {\"id\":\"chatcmpl-" + reply.id + "\",\"choices\":[{\"delta\":{\"content\n\n";
  return plan;
}

}  // namespace sluice::fake::openai_chat
