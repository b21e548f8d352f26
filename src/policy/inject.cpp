// Skill injection per wire, as single splices into the client's bytes (see inject.hpp).

#include "policy/inject.hpp"

#include <vector>

#include "policy/json_span.hpp"
#include "protocol/json_probe.hpp"

namespace sluice::policy {
namespace {

using json::Span;
using protocol::Endpoint;

struct Splice {
  std::size_t at = 0;
  std::size_t remove = 0;
  std::string insert;
  std::string where;
};

/// The JSON string contents for `text` (escaped, without the quotes).
std::string escaped(std::string_view text) {
  auto q = protocol::json_quote(text);
  return q.substr(1, q.size() - 2);
}

/// Adds `"key":value` as the object's last member.
Splice add_member(std::string_view body, Span object, std::string_view key, std::string value,
                  std::string where) {
  // An object is empty when only whitespace sits between its braces.
  bool has_members = false;
  for (auto i = object.begin + 1; i + 1 < object.end; ++i) {
    if (body[i] != ' ' && body[i] != '\n' && body[i] != '\r' && body[i] != '\t') {
      has_members = true;
      break;
    }
  }
  std::string insert = has_members ? "," : "";
  insert += protocol::json_quote(key) + ":" + std::move(value);
  return Splice{object.end - 1, 0, std::move(insert), std::move(where)};
}

/// Appends `item` to the array at `array`.
Splice append_item(std::string_view body, Span array, std::string item, std::string where) {
  const bool empty = json::elements(body, array).empty();
  return Splice{array.end - 1, 0, (empty ? "" : ",") + std::move(item), std::move(where)};
}

/// Appends "\n\n" + text inside the string value at `v`.
Splice append_to_string(Span v, std::string_view text, std::string where) {
  return Splice{v.end - 1, 0, "\\n\\n" + escaped(text), std::move(where)};
}

/// Inserts `item` into the array at `array` after its first `count` elements.
Splice insert_after(std::string_view body, Span array, std::size_t count, std::string item,
                    std::string where) {
  const auto items = json::elements(body, array);
  if (items.empty()) return Splice{array.begin + 1, 0, std::move(item), std::move(where)};
  if (count == 0) return Splice{items[0].begin, 0, std::move(item) + ",", std::move(where)};
  return Splice{items[count - 1].end, 0, "," + std::move(item), std::move(where)};
}

std::optional<std::string_view> string_member(std::string_view body, Span object,
                                              std::string_view key) {
  const auto v = json::member(body, object, key);
  return v ? json::string_body(body, *v) : std::nullopt;
}

struct Leading {
  std::size_t count = 0;
  std::string role = "system";
};

/// The leading system/developer messages of a chat `messages` or Responses `input` array.
Leading leading_instructions(std::string_view body, Span array, bool responses) {
  Leading out;
  for (const auto& item : json::elements(body, array)) {
    const auto role = string_member(body, item, "role");
    if (!role || (*role != "system" && *role != "developer")) break;
    if (responses) {
      const auto type = string_member(body, item, "type");
      if (type && *type != "message") break;
    }
    ++out.count;
    out.role = std::string(*role);
  }
  return out;
}

std::optional<Splice> anthropic(std::string_view body, Span root, std::string_view text) {
  const auto system = json::member(body, root, "system");
  const auto quoted = protocol::json_quote(text);
  if (!system) return add_member(body, root, "system", quoted, "system: added");
  switch (json::kind(body, *system)) {
    case '"':
      return append_to_string(*system, text, "system: appended to the client's string");
    case '[': {
      const auto n = json::elements(body, *system).size();
      return append_item(body, *system, R"({"type":"text","text":)" + quoted + "}",
                         "system: text block after the client's " + std::to_string(n));
    }
    case 'n':
      return Splice{system->begin, system->end - system->begin, quoted, "system: set"};
    default:
      return std::nullopt;
  }
}

std::optional<Splice> chat(std::string_view body, Span root, std::string_view text) {
  const auto messages = json::member(body, root, "messages");
  if (!messages || json::kind(body, *messages) != '[') return std::nullopt;
  const auto lead = leading_instructions(body, *messages, false);
  std::string item =
      R"({"role":")" + lead.role + R"(","content":)" + protocol::json_quote(text) + "}";
  return insert_after(body, *messages, lead.count, std::move(item),
                      "messages: " + lead.role + " message after the client's " +
                          std::to_string(lead.count) + " leading instruction message(s)");
}

std::optional<Splice> responses(std::string_view body, Span root, std::string_view text) {
  const auto instructions = json::member(body, root, "instructions");
  if (instructions && json::kind(body, *instructions) == '"') {
    return append_to_string(*instructions, text, "instructions: appended");
  }
  const auto quoted = protocol::json_quote(text);
  if (instructions && json::kind(body, *instructions) == 'n') {
    return Splice{instructions->begin, instructions->end - instructions->begin, quoted,
                  "instructions: set"};
  }
  if (instructions) return std::nullopt;
  const auto input = json::member(body, root, "input");
  if (input && json::kind(body, *input) == '[') {
    const auto lead = leading_instructions(body, *input, true);
    if (lead.count > 0) {
      std::string item = R"({"type":"message","role":")" + lead.role +
                         R"(","content":[{"type":"input_text","text":)" + quoted + "}]}";
      return insert_after(body, *input, lead.count, std::move(item),
                          "input: " + lead.role + " message after the client's " +
                              std::to_string(lead.count) + " leading instruction message(s)");
    }
  }
  return add_member(body, root, "instructions", quoted, "instructions: added");
}

std::optional<Span> either(std::string_view body, Span root, std::string_view camel,
                           std::string_view snake) {
  auto v = json::member(body, root, camel);
  return v ? v : json::member(body, root, snake);
}

std::optional<Splice> gemini(std::string_view body, Span root, std::string_view text) {
  const std::string part = R"({"text":)" + protocol::json_quote(text) + "}";
  const auto cached = either(body, root, "cachedContent", "cached_content");
  if (cached && json::kind(body, *cached) == '"') {
    const auto contents = json::member(body, root, "contents");
    if (!contents || json::kind(body, *contents) != '[') return std::nullopt;
    return insert_after(body, *contents, 0, R"({"role":"user","parts":[)" + part + "]}",
                        "contents: user turn before the request's (cachedContent is set)");
  }
  const auto si = either(body, root, "systemInstruction", "system_instruction");
  const std::string fresh = R"({"parts":[)" + part + "]}";
  if (!si) return add_member(body, root, "systemInstruction", fresh, "systemInstruction: added");
  if (json::kind(body, *si) == 'n') {
    return Splice{si->begin, si->end - si->begin, fresh, "systemInstruction: set"};
  }
  if (json::kind(body, *si) != '{') return std::nullopt;
  const auto parts = json::member(body, *si, "parts");
  if (!parts)
    return add_member(body, *si, "parts", "[" + part + "]", "systemInstruction.parts: added");
  if (json::kind(body, *parts) != '[') return std::nullopt;
  const auto n = json::elements(body, *parts).size();
  return append_item(body, *parts, part,
                     "systemInstruction.parts: text part after the client's " + std::to_string(n));
}

}  // namespace

std::optional<Injection> inject_text(Endpoint endpoint, std::string_view body,
                                     std::string_view text) {
  if (text.empty()) return std::nullopt;
  const auto root = json::root(body);
  if (!root || json::kind(body, *root) != '{') return std::nullopt;
  std::optional<Splice> s;
  switch (endpoint) {
    case Endpoint::Messages:
    case Endpoint::CountTokens:
      s = anthropic(body, *root, text);
      break;
    case Endpoint::ChatCompletions:
      s = chat(body, *root, text);
      break;
    case Endpoint::Responses:
      s = responses(body, *root, text);
      break;
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
      s = gemini(body, *root, text);
      break;
    default:
      return std::nullopt;
  }
  if (!s) return std::nullopt;
  Injection out;
  out.body.reserve(body.size() + s->insert.size());
  out.body.append(body.substr(0, s->at));
  out.body.append(s->insert);
  out.body.append(body.substr(s->at + s->remove));
  out.at = s->at;
  out.added = s->insert.size();
  out.removed = s->remove;
  out.where = std::move(s->where);
  return out;
}

}  // namespace sluice::policy
