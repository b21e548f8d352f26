// Responses request options -> ir::Request: tools (custom tools become {"input": string}
// functions; hosted tools are reported dropped), tool_choice, text.format, reasoning, sampling.
#include <boost/json/serialize.hpp>

#include "protocol/mappings.hpp"
#include "protocol/openai_responses/request_parse.hpp"

namespace sluice::protocol::openai_responses::parse {

bool Parser::parse_sampling(const bj::object& root) {
  for (std::string_view key : {"temperature", "top_p"}) {
    const auto* v = json::field(root, key);
    if (!v || v->is_null()) continue;
    auto n = json::number_field(root, key);
    if (!n) return fail(key, "must be a number");
    (key == "temperature" ? req.temperature : req.top_p) = *n;
  }
  if (const auto* v = json::field(root, "max_output_tokens"); v && !v->is_null()) {
    if (!v->is_int64() && !v->is_uint64()) return fail("max_output_tokens", "must be an integer");
    req.max_output_tokens = json::count_field(root, "max_output_tokens");
  }
  return true;
}

bool Parser::parse_tools(const bj::value& tools) {
  if (!tools.is_array()) return fail("tools", "must be an array");
  const auto& arr = tools.get_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    auto path = idx("tools", i);
    if (!arr[i].is_object()) return fail(path, "must be an object");
    const auto& o = arr[i].get_object();
    std::string type;
    if (!req_string(o, "type", path, type)) return false;
    ir::Tool t;
    if (type == "function") {
      if (!req_string(o, "name", path, t.name)) return false;
      if (!opt_string(o, "description", path, t.description)) return false;
      const auto* params = json::field(o, "parameters");
      if (params && !params->is_null() && !params->is_object()) return fail(path + ".parameters", "must be an object");
      t.parameters = json::to_text(params);
      if (const auto* s = json::field(o, "strict"); s && !s->is_null()) {
        if (!s->is_bool()) return fail(path + ".strict", "must be a boolean");
        t.strict = s->get_bool();
      }
    } else if (type == "custom") {
      if (!req_string(o, "name", path, t.name)) return false;
      if (!opt_string(o, "description", path, t.description)) return false;
      std::string syntax, definition;
      if (const auto* f = json::object_field(o, "format"); f && json::string_field(*f, "type") == "grammar") {
        syntax = json::string_field(*f, "syntax");
        definition = json::string_field(*f, "definition");
      }
      t.parameters = custom_tool_parameters(syntax, definition);
    } else if (contains(kHostedTools, type)) {
      drop("tools." + type);
      continue;
    } else {
      return fail(path + ".type", "unknown tool type '" + type + "'");
    }
    req.tools.push_back(std::move(t));
  }
  return true;
}

bool Parser::parse_tool_choice(const bj::value& tc) {
  ir::ToolChoice choice;
  if (tc.is_string()) {
    std::string_view s = tc.get_string();
    if (s == "auto") {
      choice.mode = ir::ToolChoice::Mode::Auto;
    } else if (s == "none") {
      choice.mode = ir::ToolChoice::Mode::None;
    } else if (s == "required") {
      choice.mode = ir::ToolChoice::Mode::Required;
    } else {
      return fail("tool_choice", "unknown value '" + std::string(s) + "'");
    }
  } else if (tc.is_object()) {
    const auto& o = tc.get_object();
    std::string type;
    if (!req_string(o, "type", "tool_choice", type)) return false;
    if (type == "function" || type == "custom") {
      choice.mode = ir::ToolChoice::Mode::Named;
      if (!req_string(o, "name", "tool_choice", choice.name)) return false;
    } else if (type == "allowed_tools") {
      // The IR cannot restrict to a subset; keep the mode, report the restriction.
      choice.mode = json::string_field(o, "mode") == "required" ? ir::ToolChoice::Mode::Required
                                                                : ir::ToolChoice::Mode::Auto;
      drop("tool_choice.allowed_tools");
    } else {
      drop("tool_choice." + type);  // a hosted tool
    }
  } else {
    return fail("tool_choice", "must be a string or an object");
  }
  req.tool_choice = std::move(choice);
  return true;
}

bool Parser::parse_text(const bj::value& text) {
  if (!text.is_object()) return fail("text", "must be an object");
  const auto& o = text.get_object();
  if (const auto* f = json::field(o, "format"); f && !f->is_null()) {
    if (!f->is_object()) return fail("text.format", "must be an object");
    const auto& fo = f->get_object();
    std::string type;
    if (!req_string(fo, "type", "text.format", type)) return false;
    if (type == "json_object") {
      req.response_format = ir::ResponseFormat{ir::ResponseFormat::Kind::JsonObject, {}, {}, false};
    } else if (type == "json_schema") {
      ir::ResponseFormat rf;
      rf.kind = ir::ResponseFormat::Kind::JsonSchema;
      if (!opt_string(fo, "name", "text.format", rf.name)) return false;
      const auto* schema = json::field(fo, "schema");
      if (!schema || !schema->is_object()) return fail("text.format.schema", "must be an object");
      rf.schema = bj::serialize(*schema);
      rf.strict = json::bool_field(fo, "strict").value_or(false);
      req.response_format = std::move(rf);
    } else if (type != "text") {
      return fail("text.format.type", "unknown format '" + type + "'");
    }
  }
  if (const auto* v = json::field(o, "verbosity"); v && !v->is_null()) drop("text.verbosity");
  return true;
}

bool Parser::parse_reasoning_config(const bj::value& r) {
  if (!r.is_object()) return fail("reasoning", "must be an object");
  const auto& o = r.get_object();
  std::string effort;
  if (!opt_string(o, "effort", "reasoning", effort)) return false;
  if (effort == "none") {
    req.thinking_disabled = true;
  } else if (effort == "xhigh") {
    req.reasoning_effort = ir::Effort::High;
  } else if (!effort.empty()) {
    req.reasoning_effort = effort_from(effort);
    if (!req.reasoning_effort) return fail("reasoning.effort", "unknown value '" + effort + "'");
  }
  std::string summary = json::string_field(o, "summary", json::string_field(o, "generate_summary"));
  if (!summary.empty() && summary != "none") req.include_reasoning = true;
  return true;
}

}  // namespace sluice::protocol::openai_responses::parse
