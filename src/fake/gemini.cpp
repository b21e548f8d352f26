// Gemini: POST /v1beta/models/{model}:generateContent, :streamGenerateContent (alt=sse: data-only
// SSE of GenerateContentResponse chunks; without it, one JSON array) and :countTokens.

#include <boost/json/serialize.hpp>

#include "fake/json_util.hpp"
#include "fake/wire.hpp"

namespace sluice::fake::gemini {
namespace json = boost::json;
namespace {

constexpr std::string_view kTerminator = "\r\n\r\n";  // what the real API frames events with

std::optional<ToolOffer> pick_tool(const json::object& body) {
  const auto* tools = get_array(body, "tools");
  if (tools == nullptr) {
    return std::nullopt;
  }
  std::string_view wanted;
  if (const auto* config = get_object(body, "toolConfig")) {
    if (const auto* fc = get_object(*config, "functionCallingConfig")) {
      if (get_string(*fc, "mode") == "NONE") {
        return std::nullopt;
      }
      if (const auto* allowed = get_array(*fc, "allowedFunctionNames");
          allowed && !allowed->empty() && allowed->front().is_string()) {
        wanted = allowed->front().get_string();
      }
    }
  }
  for (const auto& t : *tools) {
    const auto* tool = t.if_object();
    const auto* decls = tool != nullptr ? get_array(*tool, "functionDeclarations") : nullptr;
    if (decls == nullptr) {
      continue;
    }
    for (const auto& d : *decls) {
      const auto* decl = d.if_object();
      auto name = decl != nullptr ? get_string(*decl, "name") : std::string_view();
      if (name.empty() || (!wanted.empty() && name != wanted)) {
        continue;
      }
      const auto* schema = decl->if_contains("parameters");
      if (schema == nullptr) {
        schema = decl->if_contains("parametersJsonSchema");
      }
      return ToolOffer{name, schema, false};
    }
  }
  return std::nullopt;
}

/// The first string found in a functionResponse.response (what the tool said), else "".
std::string_view first_string(const json::value& v, int depth = 0) {
  if (v.is_string()) {
    return v.get_string();
  }
  if (depth > 4) {
    return {};
  }
  if (const auto* obj = v.if_object()) {
    for (const auto& kv : *obj) {
      if (auto s = first_string(kv.value(), depth + 1); !s.empty()) {
        return s;
      }
    }
  }
  return {};
}

std::int64_t input_tokens(const json::object& body) {
  return tokens_for_bytes(field_bytes(body, "contents") + field_bytes(body, "systemInstruction") +
                          field_bytes(body, "tools"));
}

std::string_view finish_reason(Finish f) {
  return f == Finish::Length ? "MAX_TOKENS" : "STOP";
}

/// usageMetadata: complete on the last chunk; earlier stream chunks only carry the prompt count.
void append_usage(std::string& out, const Usage& u, bool complete) {
  out += R"({"promptTokenCount":)";
  append_int(out, u.input);
  if (complete) {
    out += R"(,"candidatesTokenCount":)";
    append_int(out, u.output - u.reasoning);
  }
  out += R"(,"totalTokenCount":)";
  append_int(out, complete ? u.input + u.output : u.input);
  if (complete && u.reasoning > 0) {
    out += R"(,"thoughtsTokenCount":)";
    append_int(out, u.reasoning);
  }
  out += R"(,"promptTokensDetails":[{"modality":"TEXT","tokenCount":)";
  append_int(out, u.input);
  out += "}]}";
}

/// One GenerateContentResponse; `parts` appends the parts array's contents.
template <class Parts>
void append_chunk(std::string& out, const Turn& turn, const Reply& reply, Parts&& parts,
                  bool last) {
  out += R"({"candidates":[{"content":{"parts":[)";
  parts(out);
  out += R"(],"role":"model"})";
  if (last) {
    out += R"(,"finishReason":")";
    out += finish_reason(reply.finish);
    out += '"';
  }
  out += R"(,"index":0}],"usageMetadata":)";
  append_usage(out, reply.usage, last);
  out += R"(,"modelVersion":)";
  append_json_string(out, turn.model);
  out += R"(,"responseId":")";
  out += reply.id;
  out += "\"}";
}

void append_text_part(std::string& out, std::string_view text, bool thought) {
  out += R"({"text":)";
  append_json_string(out, text);
  if (thought) {
    out += R"(,"thought":true)";
  }
  out += '}';
}

void append_call_part(std::string& out, const Turn& turn, const Reply& reply) {
  out += R"({"functionCall":{"name":)";
  append_json_string(out, reply.tool_name);
  out += R"(,"args":)";
  out += reply.tool_input;
  out += '}';
  if (turn.reasoning) {
    out += R"(,"thoughtSignature":")";
    out += opaque_token(reply.seed ^ 0x6e, 48);
    out += '"';
  }
  out += '}';
}

/// Every chunk of the stream, each with whether it is a content delta; shared by SSE and array.
template <class Emit>
void for_each_chunk(const Turn& turn, const Reply& reply, Emit&& emit) {
  const Pieces pieces = split_reply(reply, turn.chunks);
  if (turn.visible_thoughts) {
    for (auto piece : pieces.reasoning) {
      emit([&](std::string& out) { append_text_part(out, piece, true); }, false, true);
    }
  }
  if (reply.has_tool_call()) {
    emit([&](std::string& out) { append_call_part(out, turn, reply); }, true, true);
    return;
  }
  if (pieces.text.empty()) {
    emit([](std::string& out) { append_text_part(out, "", false); }, true, true);
    return;
  }
  for (std::size_t i = 0; i < pieces.text.size(); ++i) {
    auto piece = pieces.text[i];
    emit([&](std::string& out) { append_text_part(out, piece, false); },
         i + 1 == pieces.text.size(), true);
  }
}

}  // namespace

WireResult<Turn> parse(const json::object& body, std::string_view model) {
  Turn turn;
  turn.model = model;
  if (is_missing_model(model)) {
    return ApiError{404,
                    "models/" + std::string(model) +
                        " is not found for API version v1beta, or is not supported for "
                        "generateContent.",
                    {},
                    {}};
  }
  const auto* contents = get_array(body, "contents");
  if (contents == nullptr || contents->empty()) {
    return ApiError{400, "* GenerateContentRequest.contents: contents is not specified", {}, {}};
  }
  if (const auto* content = contents->back().if_object()) {
    if (const auto* parts = get_array(*content, "parts")) {
      for (const auto& p : *parts) {
        const auto* part = p.if_object();
        const auto* fr = part != nullptr ? get_object(*part, "functionResponse") : nullptr;
        if (fr != nullptr) {
          turn.after_tool_result = true;
          const auto* response = fr->if_contains("response");
          turn.last_text = response != nullptr ? first_string(*response) : std::string_view();
          if (turn.last_text.empty()) {
            turn.last_text = get_string(*fr, "name");
          }
        }
      }
      if (!turn.after_tool_result) {
        turn.last_text = last_text(content->at("parts"));
      }
    }
  }
  turn.tool = pick_tool(body);
  if (const auto* config = get_object(body, "generationConfig")) {
    turn.max_output_tokens = get_int(*config, "maxOutputTokens");
    if (const auto* thinking = get_object(*config, "thinkingConfig")) {
      const auto* budget = thinking->if_contains("thinkingBudget");
      turn.reasoning = budget == nullptr || get_int(*thinking, "thinkingBudget") != 0;
      turn.visible_thoughts = turn.reasoning && get_bool(*thinking, "includeThoughts");
    }
    for (std::string_view key : {"responseJsonSchema", "responseSchema"}) {
      if (const auto* schema = config->if_contains(key)) {
        turn.output_schema = schema;
        break;
      }
    }
  }
  turn.input_tokens = input_tokens(body);
  return turn;
}

WireResult<std::string> count_tokens(const json::object& body, std::string_view model) {
  if (is_missing_model(model)) {
    return ApiError{
        404, "models/" + std::string(model) + " is not found for API version v1beta", {}, {}};
  }
  // Either {contents: [...]} or {generateContentRequest: {contents, systemInstruction, tools}}.
  const auto* inner = get_object(body, "generateContentRequest");
  std::string out = R"({"totalTokens":)";
  auto n = input_tokens(inner != nullptr ? *inner : body);
  append_int(out, n);
  out += R"(,"promptTokensDetails":[{"modality":"TEXT","tokenCount":)";
  append_int(out, n);
  out += "}]}";
  return out;
}

std::string render(const Turn& turn, const Reply& reply) {
  std::string out;
  out.reserve(512 + reply.text.size() + reply.tool_input.size() + reply.reasoning.size());
  append_chunk(
      out, turn, reply,
      [&](std::string& o) {
        if (turn.visible_thoughts) {
          append_text_part(o, reply.reasoning, true);
          o += ',';
        }
        if (reply.has_tool_call()) {
          append_call_part(o, turn, reply);
        } else {
          append_text_part(o, reply.text, false);
        }
      },
      true);
  return out;
}

std::string render_array(const Turn& turn, const Reply& reply) {
  std::string out = "[";
  for_each_chunk(turn, reply, [&](auto&& parts, bool last, bool) {
    if (out.size() > 1) {
      out += ",\r\n";
    }
    append_chunk(out, turn, reply, parts, last);
  });
  out += ']';
  return out;
}

StreamPlan render_stream(const Turn& turn, const Reply& reply) {
  StreamPlan plan;
  SseBuilder sse(plan, kTerminator);
  for_each_chunk(turn, reply, [&](auto&& parts, bool last, bool content) {
    append_chunk(sse.begin(), turn, reply, parts, last);
    sse.end(content);
  });
  plan.error_event =
      sse_event({}, error_body(Wire::Gemini, {503, fault_message(Wire::Gemini, 503), {}, {}}, {}),
                kTerminator);
  plan.garbage = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"unterminated\r\n\r\n";
  return plan;
}

}  // namespace sluice::fake::gemini
