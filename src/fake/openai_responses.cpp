// OpenAI Responses: POST /v1/responses, JSON and the typed SSE grammar (event: lines, a
// sequence_number on every event, response.completed last).

#include "fake/json_util.hpp"
#include "fake/wire.hpp"

namespace sluice::fake::openai_responses {
namespace json = boost::json;
namespace {

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
      wanted = get_string(*obj, "name");
    }
  }
  for (const auto& t : *tools) {
    const auto* tool = t.if_object();
    if (tool == nullptr) {
      continue;
    }
    auto type = get_string(*tool, "type");
    auto name = get_string(*tool, "name");
    // Hosted tools (web_search, tool_search, namespace, ...) are never called by the fake.
    if ((type != "function" && type != "custom") || name.empty() ||
        (!wanted.empty() && name != wanted)) {
      continue;
    }
    return ToolOffer{name, tool->if_contains("parameters"), type == "custom"};
  }
  return std::nullopt;
}

void append_usage(std::string& out, const Usage& u) {
  out += R"({"input_tokens":)";
  append_int(out, u.input);
  out += R"(,"input_tokens_details":{"cached_tokens":)";
  append_int(out, u.cached);
  out += R"(},"output_tokens":)";
  append_int(out, u.output);
  out += R"(,"output_tokens_details":{"reasoning_tokens":)";
  append_int(out, u.reasoning);
  out += R"(},"total_tokens":)";
  append_int(out, u.input + u.output);
  out += '}';
}

void append_reasoning_item(std::string& out, const Turn& turn, const Reply& reply, bool done) {
  out += R"({"id":"rs_)";
  out += reply.id;
  out += R"(","type":"reasoning","summary":[)";
  if (done && turn.reasoning_summary) {
    out += R"({"type":"summary_text","text":)";
    append_json_string(out, reply.reasoning);
    out += '}';
  }
  out += ']';
  if (done && turn.encrypted_reasoning) {
    out += R"(,"encrypted_content":")";
    out += opaque_token(reply.seed ^ 0xe1, 96);
    out += '"';
  }
  out += '}';
}

void append_output_text(std::string& out, std::string_view text) {
  out += R"({"type":"output_text","annotations":[],"logprobs":[],"text":)";
  append_json_string(out, text);
  out += '}';
}

void append_message_item(std::string& out, const Reply& reply, bool done) {
  out += R"({"id":"msg_)";
  out += reply.id;
  out += done ? R"(","type":"message","status":"completed","content":[)"
              : R"(","type":"message","status":"in_progress","content":[)";
  if (done) {
    append_output_text(out, reply.text);
  }
  out += R"(],"role":"assistant"})";
}

void append_tool_item(std::string& out, const Reply& reply, bool done) {
  if (reply.tool_custom) {
    out += R"({"id":"ctc_)";
    out += reply.id;
    out += done ? R"(","type":"custom_tool_call","status":"completed","call_id":"call_)"
                : R"(","type":"custom_tool_call","status":"in_progress","call_id":"call_)";
    out += reply.tool_call_id;
    out += R"(","input":)";
  } else {
    out += R"({"id":"fc_)";
    out += reply.id;
    out += done ? R"(","type":"function_call","status":"completed","call_id":"call_)"
                : R"(","type":"function_call","status":"in_progress","call_id":"call_)";
    out += reply.tool_call_id;
    out += R"(","arguments":)";
  }
  append_json_string(out, done ? std::string_view(reply.tool_input) : std::string_view());
  out += R"(,"name":)";
  append_json_string(out, reply.tool_name);
  out += '}';
}

/// The Response object. `status` is in_progress (no output, no usage), completed, incomplete or
/// failed (no output, an error).
void append_response(std::string& out, const Turn& turn, const Reply& reply, std::int64_t created,
                     std::string_view status) {
  const bool final = status == "completed" || status == "incomplete";
  out += R"({"id":"resp_)";
  out += reply.id;
  out += R"(","object":"response","created_at":)";
  append_int(out, created);
  out += R"(,"status":")";
  out += status;
  out += R"(","background":false,"error":)";
  if (status == "failed") {
    out += R"({"code":"server_error","message":)";
    append_json_string(out, fault_message(Wire::OpenAI, 500));
    out += '}';
  } else {
    out += "null";
  }
  out += R"(,"incomplete_details":)";
  out += status == "incomplete" ? R"({"reason":"max_output_tokens"})" : "null";
  out += R"(,"instructions":null,"max_output_tokens":)";
  if (turn.max_output_tokens > 0) {
    append_int(out, turn.max_output_tokens);
  } else {
    out += "null";
  }
  out += R"(,"model":)";
  append_json_string(out, turn.model);
  out += R"(,"output":[)";
  if (final) {
    bool first = true;
    auto sep = [&] {
      if (!first) {
        out += ',';
      }
      first = false;
    };
    if (turn.reasoning) {
      sep();
      append_reasoning_item(out, turn, reply, true);
    }
    if (!reply.text.empty() || !reply.has_tool_call()) {
      sep();
      append_message_item(out, reply, true);
    }
    if (reply.has_tool_call()) {
      sep();
      append_tool_item(out, reply, true);
    }
  }
  out += R"(],"parallel_tool_calls":true,"previous_response_id":null,"reasoning":{"effort":)";
  if (turn.reasoning_effort.empty()) {
    out += "null";
  } else {
    append_json_string(out, turn.reasoning_effort);
  }
  out += turn.reasoning_summary ? R"(,"summary":"auto"})" : R"(,"summary":null})";
  out += R"(,"service_tier":"default","store":false,"temperature":1.0,)"
         R"("text":{"format":{"type":"text"},"verbosity":"medium"},"tool_choice":"auto",)"
         R"("tools":[],"top_p":1.0,"truncation":"disabled","usage":)";
  if (final) {
    append_usage(out, reply.usage);
  } else {
    out += "null";
  }
  out += R"(,"user":null,"metadata":{}})";
}

}  // namespace

WireResult<Turn> parse(const json::object& body) {
  Turn turn;
  turn.model = get_string(body, "model");
  if (turn.model.empty()) {
    return ApiError{400, "Missing required parameter: 'model'.", "model", {}};
  }
  if (is_missing_model(turn.model)) {
    return model_not_found(turn.model);
  }
  const auto* input = body.if_contains("input");
  if (input == nullptr || !(input->is_string() || input->is_array())) {
    return ApiError{400, "Missing required parameter: 'input'.", "input", {}};
  }
  std::size_t tail_bytes = 0;
  if (input->is_string()) {
    turn.last_text = input->get_string();
    tail_bytes = turn.last_text.size();
  } else {
    const auto& items = input->get_array();
    for (auto it = items.rbegin(); it != items.rend(); ++it) {
      const auto* item = it->if_object();
      if (item == nullptr) {
        continue;
      }
      auto type = get_string(*item, "type");
      auto role = get_string(*item, "role");
      if (role == "system" || role == "developer" || type == "additional_tools" ||
          type == "reasoning") {
        continue;
      }
      tail_bytes = text_bytes(*it);
      if (type == "function_call_output" || type == "custom_tool_call_output") {
        turn.after_tool_result = true;
        if (const auto* output = item->if_contains("output")) {
          turn.last_text = last_text(*output);
        }
      } else if (const auto* content = item->if_contains("content")) {
        turn.last_text = last_text(*content);
      }
      break;
    }
  }
  turn.tool = pick_tool(body);
  if (const auto* reasoning = get_object(body, "reasoning")) {
    turn.reasoning_effort = get_string(*reasoning, "effort");
    turn.reasoning = turn.reasoning_effort != "none";
    turn.reasoning_summary =
        !get_string(*reasoning, "summary").empty() && get_string(*reasoning, "summary") != "none";
  }
  if (const auto* include = get_array(body, "include")) {
    for (const auto& v : *include) {
      if (v.is_string() && v.get_string() == "reasoning.encrypted_content") {
        turn.encrypted_reasoning = true;
      }
    }
  }
  if (const auto* text = get_object(body, "text")) {
    if (const auto* format = get_object(*text, "format");
        format && get_string(*format, "type") == "json_schema") {
      turn.output_schema = format->if_contains("schema");
    }
  }
  turn.max_output_tokens = get_int(body, "max_output_tokens");
  turn.input_tokens = tokens_for_bytes(text_bytes(*input) + field_bytes(body, "instructions") +
                                       field_bytes(body, "tools"));
  turn.cached_tokens = prefix_cached_tokens(turn.input_tokens, tokens_for_bytes(tail_bytes));
  return turn;
}

std::string render(const Turn& turn, const Reply& reply, std::int64_t created) {
  std::string out;
  out.reserve(1024 + reply.text.size() + reply.tool_input.size() + reply.reasoning.size());
  append_response(out, turn, reply, created,
                  reply.finish == Finish::Length ? "incomplete" : "completed");
  return out;
}

StreamPlan render_stream(const Turn& turn, const Reply& reply, std::int64_t created) {
  StreamPlan plan;
  SseBuilder sse(plan);
  const Pieces pieces = split_reply(reply, turn.chunks);
  std::int64_t seq = 0;
  int index = 0;

  // Opens an event of `type` with its sequence number; the caller appends the remaining fields.
  auto open = [&](std::string_view type) -> std::string& {
    auto& out = sse.begin(type);
    out += R"({"type":")";
    out += type;
    out += R"(","sequence_number":)";
    append_int(out, seq++);
    return out;
  };
  auto item_ref = [&](std::string& out, std::string_view prefix) {
    out += R"(,"item_id":")";
    out += prefix;
    out += reply.id;
    out += R"(","output_index":)";
    append_int(out, index);
  };
  auto item_event = [&](std::string_view type, auto&& item) {
    auto& out = open(type);
    out += R"(,"output_index":)";
    append_int(out, index);
    out += R"(,"item":)";
    item(out);
    out += '}';
    sse.end();
  };

  for (std::string_view type : {"response.created", "response.in_progress"}) {
    auto& out = open(type);
    out += R"(,"response":)";
    append_response(out, turn, reply, created, "in_progress");
    out += '}';
    sse.end();
  }

  if (turn.reasoning) {
    item_event("response.output_item.added",
               [&](std::string& out) { append_reasoning_item(out, turn, reply, false); });
    if (turn.reasoning_summary) {
      auto summary_event = [&](std::string_view type, std::string_view field, std::string_view text,
                               bool part, bool content) {
        auto& out = open(type);
        item_ref(out, "rs_");
        out += R"(,"summary_index":0,")";
        out += field;
        out += "\":";
        if (part) {
          out += R"({"type":"summary_text","text":)";
          append_json_string(out, text);
          out += '}';
        } else {
          append_json_string(out, text);
        }
        out += '}';
        sse.end(content);
      };
      summary_event("response.reasoning_summary_part.added", "part", "", true, false);
      for (auto piece : pieces.reasoning) {
        summary_event("response.reasoning_summary_text.delta", "delta", piece, false, true);
      }
      summary_event("response.reasoning_summary_text.done", "text", reply.reasoning, false, false);
      summary_event("response.reasoning_summary_part.done", "part", reply.reasoning, true, false);
    }
    item_event("response.output_item.done",
               [&](std::string& out) { append_reasoning_item(out, turn, reply, true); });
    ++index;
  }

  if (!reply.text.empty() || !reply.has_tool_call()) {
    item_event("response.output_item.added",
               [&](std::string& out) { append_message_item(out, reply, false); });
    auto part_event = [&](std::string_view type, std::string_view text) {
      auto& out = open(type);
      item_ref(out, "msg_");
      out += R"(,"content_index":0,"part":)";
      append_output_text(out, text);
      out += '}';
      sse.end();
    };
    auto text_event = [&](std::string_view type, std::string_view field, std::string_view text,
                          bool content) {
      auto& out = open(type);
      item_ref(out, "msg_");
      out += R"(,"content_index":0,")";
      out += field;
      out += "\":";
      append_json_string(out, text);
      out += R"(,"logprobs":[]})";
      sse.end(content);
    };
    part_event("response.content_part.added", "");
    for (auto piece : pieces.text) {
      text_event("response.output_text.delta", "delta", piece, true);
    }
    text_event("response.output_text.done", "text", reply.text, false);
    part_event("response.content_part.done", reply.text);
    item_event("response.output_item.done",
               [&](std::string& out) { append_message_item(out, reply, true); });
    ++index;
  }

  if (reply.has_tool_call()) {
    const std::string_view prefix = reply.tool_custom ? "ctc_" : "fc_";
    const std::string_view base =
        reply.tool_custom ? "response.custom_tool_call_input" : "response.function_call_arguments";
    const std::string_view field = reply.tool_custom ? "input" : "arguments";
    item_event("response.output_item.added",
               [&](std::string& out) { append_tool_item(out, reply, false); });
    std::string type(base);
    type += ".delta";
    for (auto piece : pieces.tool_input) {
      auto& out = open(type);
      item_ref(out, prefix);
      out += R"(,"delta":)";
      append_json_string(out, piece);
      out += '}';
      sse.end(true);
    }
    type.replace(type.size() - 5, 5, "done");
    auto& out = open(type);
    item_ref(out, prefix);
    out += ",\"";
    out += field;
    out += "\":";
    append_json_string(out, reply.tool_input);
    out += R"(,"name":)";
    append_json_string(out, reply.tool_name);
    out += '}';
    sse.end();
    item_event("response.output_item.done",
               [&](std::string& out2) { append_tool_item(out2, reply, true); });
  }

  const bool incomplete = reply.finish == Finish::Length;
  auto& out = open(incomplete ? "response.incomplete" : "response.completed");
  out += R"(,"response":)";
  append_response(out, turn, reply, created, incomplete ? "incomplete" : "completed");
  out += '}';
  sse.end();

  std::string failed = R"({"type":"response.failed","sequence_number":)";
  failed += StreamPlan::kSeqMarker;
  failed += R"(,"response":)";
  append_response(failed, turn, reply, created, "failed");
  failed += '}';
  plan.error_event = sse_event("response.failed", failed);
  plan.garbage =
      "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\","
      "\"delta\":\"unterminated\n\n";
  return plan;
}

}  // namespace sluice::fake::openai_responses
