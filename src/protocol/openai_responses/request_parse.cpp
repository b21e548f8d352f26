// Responses request body (what Codex and the OpenAI SDKs send) -> ir::Request.
//
// Leading system/developer messages (and `instructions`) become IR instructions; later ones stay
// as System/Developer messages. Assistant-side items (assistant messages, reasoning,
// function_call, custom_tool_call) merge into one assistant turn; tool outputs merge into one
// user turn. Hosted tools and state the IR cannot carry are reported in req.dropped.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/json_util.hpp"
#include "protocol/openai_responses/request_parse.hpp"

namespace sluice::protocol::openai_responses::parse {

/// "data:<media>;base64,<data>" -> (media, data); false when `url` is not a base64 data URL.
bool split_data_url(std::string_view url, std::string& media, std::string& data) {
  if (!url.starts_with("data:")) return false;
  auto comma = url.find(',');
  if (comma == std::string_view::npos) return false;
  auto meta = url.substr(5, comma - 5);
  constexpr std::string_view kB64 = ";base64";
  if (!meta.ends_with(kB64)) return false;
  media = meta.substr(0, meta.size() - kB64.size());
  data = url.substr(comma + 1);
  return true;
}

bool Parser::parse(const bj::object& root) {
  if (!opt_string(root, "model", "", req.model)) return false;

  std::string instructions;
  if (!opt_string(root, "instructions", "", instructions)) return false;
  if (!instructions.empty()) req.instructions.push_back({ir::Role::System, std::move(instructions), {}});

  if (const auto* input = json::field(root, "input"); input && !input->is_null()) {
    if (!parse_input(*input)) return false;
  }
  if (const auto* tools = json::field(root, "tools"); tools && !tools->is_null()) {
    if (!parse_tools(*tools)) return false;
  }
  if (const auto* tc = json::field(root, "tool_choice"); tc && !tc->is_null()) {
    if (!parse_tool_choice(*tc)) return false;
  }
  if (const auto* p = json::field(root, "parallel_tool_calls"); p && !p->is_null()) {
    if (!p->is_bool()) return fail("parallel_tool_calls", "must be a boolean");
    if (!req.tool_choice) req.tool_choice = ir::ToolChoice{};
    req.tool_choice->parallel_calls = p->get_bool();
  }
  if (const auto* t = json::field(root, "text"); t && !t->is_null()) {
    if (!parse_text(*t)) return false;
  }
  if (const auto* r = json::field(root, "reasoning"); r && !r->is_null()) {
    if (!parse_reasoning_config(*r)) return false;
  }
  if (!parse_sampling(root)) return false;

  if (!opt_string(root, "user", "", req.user)) return false;
  if (req.user.empty() && !opt_string(root, "safety_identifier", "", req.user)) return false;
  if (const auto* m = json::field(root, "metadata"); m && !m->is_null()) {
    if (!m->is_object()) return fail("metadata", "must be an object");
    if (!m->get_object().empty()) req.metadata = bj::serialize(*m);
  }
  if (const auto* s = json::field(root, "stream"); s && !s->is_null()) {
    if (!s->is_bool()) return fail("stream", "must be a boolean");
    req.stream = s->get_bool();
  }
  req.stream_usage = req.stream;  // Responses streams always end with usage

  // Server-side state and features with no IR equivalent.
  if (const auto* v = json::field(root, "previous_response_id"); v && !v->is_null()) drop("previous_response_id");
  if (const auto* v = json::field(root, "conversation"); v && !v->is_null()) drop("conversation");
  if (const auto* v = json::field(root, "prompt"); v && !v->is_null()) drop("prompt");
  if (json::bool_field(root, "background").value_or(false)) drop("background");
  if (const auto* v = json::field(root, "max_tool_calls"); v && !v->is_null()) drop("max_tool_calls");
  if (json::string_field(root, "truncation") == "auto") drop("truncation");
  if (json::int_field(root, "top_logprobs").value_or(0) > 0) drop("top_logprobs");
  return true;
}


bool Parser::parse_input(const bj::value& input) {
  if (input.is_string()) {
    ir::Part p;
    p.text = input.get_string();
    req.messages.push_back(ir::Message{ir::Role::User, {std::move(p)}, {}});
    return true;
  }
  if (!input.is_array()) return fail("input", "must be a string or an array of items");
  const auto& items = input.get_array();
  bool leading = true;
  for (std::size_t i = 0; i < items.size(); ++i) {
    auto path = idx("input", i);
    if (!items[i].is_object()) return fail(path, "must be an object");
    if (!parse_item(items[i].get_object(), path, leading)) return false;
  }
  return true;
}

bool Parser::parse_item(const bj::object& item, const std::string& path, bool& leading) {
  const auto* tv = json::field(item, "type");
  std::string_view type = "message";  // EasyInputMessage has no type
  if (tv && !tv->is_null()) {
    if (!tv->is_string()) return fail(path + ".type", "must be a string");
    type = tv->get_string();
  }
  if (type == "message") return parse_message(item, path, leading);
  leading = false;

  if (type == "function_call" || type == "custom_tool_call") {
    ir::Part p;
    p.kind = ir::Part::Kind::ToolCall;
    if (!req_string(item, "call_id", path, p.id)) return false;
    if (!req_string(item, "name", path, p.name)) return false;
    if (type == "function_call") {
      if (!opt_string(item, "arguments", path, p.arguments)) return false;
      if (p.arguments.empty()) p.arguments = "{}";
    } else {
      std::string in;
      if (!opt_string(item, "input", path, in)) return false;
      p.arguments = custom_arguments(in);
    }
    turn(ir::Role::Assistant).parts.push_back(std::move(p));
    return true;
  }
  if (type == "function_call_output" || type == "custom_tool_call_output") {
    ir::Part p;
    p.kind = ir::Part::Kind::ToolResult;
    if (!req_string(item, "call_id", path, p.id)) return false;
    if (!parse_output(item, path, p)) return false;
    results_turn().parts.push_back(std::move(p));
    return true;
  }
  if (type == "reasoning") return parse_reasoning(item, path);
  if (type == "item_reference") return fail(path, "item_reference needs stored responses, which a translated route cannot resolve");
  if (contains(kHostedItems, type)) {
    drop("input." + std::string(type));
    return true;
  }
  return fail(path + ".type", "unknown input item type '" + std::string(type) + "'");
}

bool Parser::parse_message(const bj::object& item, const std::string& path, bool& leading) {
  std::string role;
  if (!req_string(item, "role", path, role)) return false;
  ir::Role r;
  if (role == "user") {
    r = ir::Role::User;
  } else if (role == "assistant") {
    r = ir::Role::Assistant;
  } else if (role == "system") {
    r = ir::Role::System;
  } else if (role == "developer") {
    r = ir::Role::Developer;
  } else {
    return fail(path + ".role", "unknown role '" + role + "'");
  }

  std::vector<ir::Part> parts;
  const auto* content = json::field(item, "content");
  if (!content) return fail(path + ".content", "is required");
  if (content->is_string()) {
    ir::Part p;
    p.text = content->get_string();
    parts.push_back(std::move(p));
  } else if (content->is_array()) {
    const auto& arr = content->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (!parse_part(arr[i], Loc{path, "content", i}, parts)) return false;
    }
  } else {
    return fail(path + ".content", "must be a string or an array of parts");
  }

  const bool instruction_role = r == ir::Role::System || r == ir::Role::Developer;
  if (instruction_role) {
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].kind != ir::Part::Kind::Text) {
        return fail(idx(path + ".content", i), "only text is allowed in " + role + " messages");
      }
    }
  }
  if (instruction_role && leading) {
    for (auto& p : parts) req.instructions.push_back({r, std::move(p.text), {}});
    return true;
  }
  leading = false;
  if (r == ir::Role::Assistant) {
    auto& m = turn(r);
    for (auto& p : parts) m.parts.push_back(std::move(p));
  } else {
    req.messages.push_back(ir::Message{r, std::move(parts), {}});
  }
  return true;
}

bool Parser::parse_part(const bj::value& v, const Loc& loc, std::vector<ir::Part>& out) {
  if (!v.is_object()) return fail(loc.str(), "must be an object");
  const auto& o = v.get_object();
  const auto* tv = json::field(o, "type");
  if (!tv || !tv->is_string()) return fail(loc.str() + ".type", tv ? "must be a string" : "is required");
  const std::string_view type = tv->get_string();
  ir::Part p;
  if (type == "input_text" || type == "output_text" || type == "text") {
    if (!req_string(o, "text", loc, p.text)) return false;
  } else if (type == "refusal") {
    if (!req_string(o, "refusal", loc, p.text)) return false;
  } else if (type == "input_image") {
    p.kind = ir::Part::Kind::Image;
    std::string url;
    if (!opt_string(o, "image_url", loc, url)) return false;
    if (!opt_string(o, "file_id", loc, p.file_id)) return false;
    if (!split_data_url(url, p.media_type, p.data)) p.url = std::move(url);
    if (p.url.empty() && p.data.empty() && p.file_id.empty()) return fail(loc.str(), "needs image_url or file_id");
  } else if (type == "input_file") {
    p.kind = ir::Part::Kind::Document;
    std::string file_data;
    if (!opt_string(o, "file_data", loc, file_data)) return false;
    if (!opt_string(o, "file_url", loc, p.url)) return false;
    if (!opt_string(o, "file_id", loc, p.file_id)) return false;
    if (!opt_string(o, "filename", loc, p.filename)) return false;
    if (!file_data.empty() && !split_data_url(file_data, p.media_type, p.data)) {
      p.data = std::move(file_data);  // bare base64; the type follows the filename
      p.media_type = p.filename.ends_with(".pdf") || p.filename.empty() ? "application/pdf" : "application/octet-stream";
    }
    if (p.url.empty() && p.data.empty() && p.file_id.empty()) return fail(loc.str(), "needs file_data, file_url or file_id");
  } else {
    return fail(loc.str() + ".type", "unknown part type '" + std::string(type) + "'");
  }
  out.push_back(std::move(p));
  return true;
}

bool Parser::parse_output(const bj::object& item, const std::string& path, ir::Part& result) {
  const auto* out = json::field(item, "output");
  if (!out) return fail(path + ".output", "is required");
  if (out->is_string()) {
    ir::Part t;
    t.text = out->get_string();
    result.content.push_back(std::move(t));
    return true;
  }
  if (!out->is_array()) return fail(path + ".output", "must be a string or an array of parts");
  const auto& arr = out->get_array();
  for (std::size_t i = 0; i < arr.size(); ++i) {
    if (!parse_part(arr[i], Loc{path, "output", i}, result.content)) return false;
  }
  return true;
}

bool Parser::parse_reasoning(const bj::object& item, const std::string& path) {
  ir::Part r;
  r.kind = ir::Part::Kind::Reasoning;
  bool has_text = false;
  auto collect = [&](std::string_view key, std::string_view part_type) -> bool {
    const auto* v = json::field(item, key);
    if (!v || v->is_null()) return true;
    if (!v->is_array()) return fail(path + "." + std::string(key), "must be an array");
    const auto& arr = v->get_array();
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const auto* o = arr[i].if_object();
      const auto* text = o ? json::field(*o, "text") : nullptr;
      if (!text || !text->is_string()) return fail(idx(path + "." + std::string(key), i), "needs a text string");
      if (sv(*o, "type") != part_type) continue;
      if (has_text) r.text += "\n\n";
      r.text += text->get_string();
      has_text = true;
    }
    return true;
  };
  if (!collect("summary", "summary_text")) return false;
  if (!has_text && !collect("content", "reasoning_text")) return false;

  std::string encrypted;
  if (!opt_string(item, "encrypted_content", path, encrypted)) return false;
  auto unwrapped = unwrap_encrypted(encrypted);
  r.signature = std::move(unwrapped.signature);

  auto& m = turn(ir::Role::Assistant);
  if (has_text || !r.signature.empty()) m.parts.push_back(std::move(r));
  if (!unwrapped.redacted.empty()) {
    ir::Part red;
    red.kind = ir::Part::Kind::RedactedReasoning;
    red.data = std::move(unwrapped.redacted);
    m.parts.push_back(std::move(red));
  }
  return true;
}





}  // namespace sluice::protocol::openai_responses::parse

namespace sluice::protocol::openai_responses {

std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body) {
  // The DOM lives only while the IR is built, so a monotonic arena avoids per-node allocations.
  unsigned char buffer[16384];
  bj::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  bj::value root = bj::parse(body, ec, &arena);
  if (ec) return invalid("body", "invalid JSON (" + ec.message() + ")");
  if (!root.is_object()) return invalid("body", "must be a JSON object");
  parse::Parser p;
  if (!p.parse(root.get_object())) return std::move(*p.error);
  return std::move(p.req);
}

}  // namespace sluice::protocol::openai_responses
