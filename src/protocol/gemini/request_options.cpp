// Gemini client request, everything but `contents`: systemInstruction, tools, toolConfig,
// generationConfig (sampling, structured output, thinking) and fields reported as dropped.
#include <array>

#include <boost/json/serialize.hpp>

#include "protocol/gemini/parse_util.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::gemini::parse {
namespace {

Err system_instruction(const bj::value* v, ir::Request& req) {
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  if (v->is_string()) {
    req.instructions.push_back({ir::Role::System, std::string(v->get_string()), std::nullopt});
    return std::nullopt;
  }
  if (!v->is_object()) {
    return bad("systemInstruction: must be an object");
  }
  const auto* parts = get(v->get_object(), "parts");
  if (!parts || !parts->is_array()) {
    return bad("systemInstruction.parts: must be an array");
  }
  const auto& arr = parts->get_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    const auto* text = arr[i].is_object() ? get(arr[i].get_object(), "text") : nullptr;
    if (!text || !text->is_string()) {
      return bad(at("systemInstruction.parts", i) +
                 ".text: required (only text parts are supported)");
    }
    req.instructions.push_back({ir::Role::System, std::string(text->get_string()), std::nullopt});
  }
  return std::nullopt;
}

// Tool entries that are not function declarations (Gemini-hosted tools) and their report name.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kHostedTools{{
    {"googleSearch", "tools.google_search"},
    {"google_search", "tools.google_search"},
    {"googleSearchRetrieval", "tools.google_search_retrieval"},
    {"codeExecution", "tools.code_execution"},
    {"code_execution", "tools.code_execution"},
    {"urlContext", "tools.url_context"},
    {"url_context", "tools.url_context"},
    {"fileSearch", "tools.file_search"},
    {"googleMaps", "tools.google_maps"},
    {"computerUse", "tools.computer_use"},
}};

Err tools(const bj::value* v, ir::Request& req) {
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  if (!v->is_array()) {
    return bad("tools: must be an array");
  }
  const auto& arr = v->get_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!arr[i].is_object()) {
      return bad(at("tools", i) + ": must be an object");
    }
    const auto& t = arr[i].get_object();
    for (const auto& kv : t) {
      const auto key = kv.key();
      if (key == "functionDeclarations" || key == "function_declarations") {
        continue;
      }
      std::string_view name = "tools.other";
      for (const auto& [k, n] : kHostedTools) {
        if (k == key) {
          name = n;
        }
      }
      drop_once(req, name);
    }
    const auto* decls = get(t, "functionDeclarations", "function_declarations");
    if (!decls) {
      continue;
    }
    const auto w = at("tools", i) + ".functionDeclarations";
    if (!decls->is_array()) {
      return bad(w + ": must be an array");
    }
    const auto& darr = decls->get_array();
    for (std::size_t j = 0; j < darr.size(); ++j) {
      if (!darr[j].is_object()) {
        return bad(at(w, j) + ": must be an object");
      }
      const auto& d = darr[j].get_object();
      ir::Tool tool;
      tool.name = std::string(str(get(d, "name")));
      if (tool.name.empty()) {
        return bad(at(w, j) + ".name: required");
      }
      tool.description = std::string(str(get(d, "description")));
      if (const auto* js = get(d, "parametersJsonSchema", "parameters_json_schema");
          js && !js->is_null()) {
        if (!js->is_object()) {
          return bad(at(w, j) + ".parametersJsonSchema: must be an object");
        }
        tool.parameters = bj::serialize(*js);
      } else if (const auto* ps = get(d, "parameters"); ps && !ps->is_null()) {
        if (!ps->is_object()) {
          return bad(at(w, j) + ".parameters: must be an object");
        }
        tool.parameters = schema_to_json_schema(*ps);
      } else {
        tool.parameters = "{}";
      }
      req.tools.push_back(std::move(tool));
    }
  }
  return std::nullopt;
}

Err tool_config(const bj::value* v, ir::Request& req) {
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  if (!v->is_object()) {
    return bad("toolConfig: must be an object");
  }
  const auto* fcc = get(v->get_object(), "functionCallingConfig", "function_calling_config");
  if (!fcc || fcc->is_null()) {
    return std::nullopt;
  }
  if (!fcc->is_object()) {
    return bad("toolConfig.functionCallingConfig: must be an object");
  }
  const auto& o = fcc->get_object();
  const auto mode = str(get(o, "mode"));
  std::vector<std::string_view> names;
  if (const auto* a = get(o, "allowedFunctionNames", "allowed_function_names");
      a && !a->is_null()) {
    if (!a->is_array()) {
      return bad("toolConfig.functionCallingConfig.allowedFunctionNames: must be an array");
    }
    for (const auto& n : a->get_array()) {
      if (!n.is_string()) {
        return bad("toolConfig.functionCallingConfig.allowedFunctionNames: must hold strings");
      }
      names.push_back(n.get_string());
    }
  }
  ir::ToolChoice tc;
  if (mode.empty() || mode == "AUTO" || mode == "MODE_UNSPECIFIED" || mode == "VALIDATED") {
    tc.mode = ir::ToolChoice::Mode::Auto;
  } else if (mode == "NONE") {
    tc.mode = ir::ToolChoice::Mode::None;
  } else if (mode == "ANY") {
    if (names.size() == 1) {
      tc.mode = ir::ToolChoice::Mode::Named;
      tc.name = std::string(names[0]);
    } else {
      tc.mode = ir::ToolChoice::Mode::Required;
      if (names.size() > 1) {
        drop_once(req, "allowed_function_names");
      }
    }
  } else {
    return bad("toolConfig.functionCallingConfig.mode: unknown value '" + std::string(mode) + "'");
  }
  req.tool_choice = std::move(tc);
  return std::nullopt;
}

Err thinking_config(const bj::object& g, ir::Request& req) {
  const auto* v = get(g, "thinkingConfig", "thinking_config");
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  if (!v->is_object()) {
    return bad("generationConfig.thinkingConfig: must be an object");
  }
  const auto& t = v->get_object();
  std::optional<std::int64_t> budget;
  if (auto e = read_int(t, "thinkingBudget", "thinking_budget", budget,
                        "generationConfig.thinkingConfig")) {
    return e;
  }
  if (budget) {
    if (*budget == 0) {
      req.thinking_disabled = true;
    } else if (*budget > 0) {  // -1 = dynamic: the target's default
      req.thinking_budget = *budget;
    }
  }
  if (const auto* lv = get(t, "thinkingLevel", "thinking_level"); lv && !lv->is_null()) {
    std::string level(str(lv));
    for (auto& c : level) {
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    auto effort = effort_from(level);
    if (effort) {
      req.reasoning_effort = effort;  // targets that want a budget map it with mappings.hpp
    } else if (level != "thinking_level_unspecified") {
      return bad("generationConfig.thinkingConfig.thinkingLevel: unknown value '" +
                 std::string(str(lv)) + "'");
    }
  }
  req.include_reasoning = json::bool_field(t, "includeThoughts")
                              .value_or(json::bool_field(t, "include_thoughts").value_or(false));
  return std::nullopt;
}

// generationConfig fields the IR cannot carry, reported when present.
constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kUnsupportedGen{{
    {"presencePenalty", "presence_penalty"},
    {"frequencyPenalty", "frequency_penalty"},
    {"responseLogprobs", "response_logprobs"},
    {"logprobs", "logprobs"},
    {"speechConfig", "speech_config"},
    {"mediaResolution", "media_resolution"},
    {"imageConfig", "image_config"},
    {"enableEnhancedCivicAnswers", "enable_enhanced_civic_answers"},
    {"audioTimestamp", "audio_timestamp"},
    {"routingConfig", "routing_config"},
}};

Err generation_config(const bj::value* v, ir::Request& req) {
  if (!v || v->is_null()) {
    return std::nullopt;
  }
  if (!v->is_object()) {
    return bad("generationConfig: must be an object");
  }
  const auto& g = v->get_object();
  constexpr std::string_view base = "generationConfig";
  if (auto e = read_number(g, "temperature", "", req.temperature, base)) {
    return e;
  }
  if (auto e = read_number(g, "topP", "top_p", req.top_p, base)) {
    return e;
  }
  if (auto e = read_int(g, "topK", "top_k", req.top_k, base)) {
    return e;
  }
  if (auto e = read_int(g, "seed", "", req.seed, base)) {
    return e;
  }
  if (auto e = read_int(g, "maxOutputTokens", "max_output_tokens", req.max_output_tokens, base)) {
    return e;
  }
  std::optional<std::int64_t> n;
  if (auto e = read_int(g, "candidateCount", "candidate_count", n, base)) {
    return e;
  }
  if (n) {
    req.n = *n;
  }
  if (const auto* s = get(g, "stopSequences", "stop_sequences"); s && !s->is_null()) {
    if (!s->is_array()) {
      return bad("generationConfig.stopSequences: must be an array");
    }
    for (const auto& x : s->get_array()) {
      if (!x.is_string()) {
        return bad("generationConfig.stopSequences: must hold strings");
      }
      req.stop.emplace_back(x.get_string());
    }
  }
  const auto mime = str(get(g, "responseMimeType", "response_mime_type"));
  const auto* schema = get(g, "responseSchema", "response_schema");
  const auto* json_schema = get(g, "responseJsonSchema", "response_json_schema");
  if (!json_schema) {
    json_schema = get(g, "_responseJsonSchema");
  }
  if (json_schema && !json_schema->is_null()) {
    req.response_format = ir::ResponseFormat{ir::ResponseFormat::Kind::JsonSchema, "response",
                                             bj::serialize(*json_schema), false};
  } else if (schema && !schema->is_null()) {
    if (!schema->is_object()) {
      return bad("generationConfig.responseSchema: must be an object");
    }
    req.response_format = ir::ResponseFormat{ir::ResponseFormat::Kind::JsonSchema, "response",
                                             schema_to_json_schema(*schema), false};
  } else if (mime == "application/json") {
    req.response_format = ir::ResponseFormat{ir::ResponseFormat::Kind::JsonObject, "", "", false};
  }
  if (!mime.empty() && mime != "application/json" && mime != "text/plain") {
    drop_once(req, "response_mime_type");
  }
  if (const auto* m = get(g, "responseModalities", "response_modalities"); m && m->is_array()) {
    for (const auto& x : m->get_array()) {
      if (!x.is_string() || x.get_string() != "TEXT") {
        drop_once(req, "response_modalities");
      }
    }
  }
  for (const auto& [camel, snake] : kUnsupportedGen) {
    if (const auto* x = get(g, camel, snake); x && !x->is_null()) {
      drop_once(req, snake);
    }
  }
  return thinking_config(g, req);
}

}  // namespace

Err options(const bj::object& o, ir::Request& req) {
  if (auto e = system_instruction(get(o, "systemInstruction", "system_instruction"), req)) {
    return e;
  }
  if (auto e = tools(get(o, "tools"), req)) {
    return e;
  }
  if (auto e = tool_config(get(o, "toolConfig", "tool_config"), req)) {
    return e;
  }
  if (auto e = generation_config(get(o, "generationConfig", "generation_config"), req)) {
    return e;
  }
  if (const auto* s = get(o, "safetySettings", "safety_settings");
      s && s->is_array() && !s->get_array().empty()) {
    drop_once(req, "safety_settings");
  }
  if (const auto* c = get(o, "cachedContent", "cached_content"); c && c->is_string()) {
    drop_once(req, "cached_content");
  }
  return std::nullopt;
}

}  // namespace sluice::protocol::gemini::parse
