#pragma once
// Per-wire knowledge of a request body: where the scanned text lives, and where the tools and
// the tool choice are. Internal to guard/.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/string.hpp>
#include <boost/json/value.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "guard/guard.hpp"
#include "protocol/wire.hpp"

namespace sluice::guard::detail {

namespace bj = boost::json;

inline bj::value* get(bj::object& o, std::string_view key) {
  return o.if_contains(key);
}
/// Gemini accepts lowerCamel and snake_case for every field.
inline bj::value* get(bj::object& o, std::string_view camel, std::string_view snake) {
  auto* v = o.if_contains(camel);
  return v ? v : o.if_contains(snake);
}
inline bj::object* object(bj::value* v) {
  return v ? v->if_object() : nullptr;
}
inline bj::array* array(bj::value* v) {
  return v ? v->if_array() : nullptr;
}
inline std::string_view text_of(bj::value* v) {
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}
inline std::string_view type_of(bj::object& o) {
  return text_of(o.if_contains("type"));
}

/// Calls f(object&) for each object in the array `v`; nothing when `v` is not an array.
template <class F>
void each_object(bj::value* v, F&& f) {
  auto* items = array(v);
  if (!items) return;
  for (auto& item : *items) {
    if (auto* o = item.if_object()) f(*o);
  }
}

/// Calls the handler of `v` for the endpoint's body layout: v.chat(root), v.responses(root),
/// v.anthropic(root), v.gemini(root), v.gemini_embed(root) or v.embeddings(root).
template <class V>
void dispatch(protocol::Endpoint endpoint, V& v, bj::object& root) {
  using protocol::Endpoint;
  switch (endpoint) {
    case Endpoint::ChatCompletions:
      return v.chat(root);
    case Endpoint::Responses:
      return v.responses(root);
    case Endpoint::Messages:
    case Endpoint::CountTokens:  // count_tokens bodies are generation bodies
      return v.anthropic(root);
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
    case Endpoint::GeminiCountTokens:
      return v.gemini(root);
    case Endpoint::GeminiEmbed:
      return v.gemini_embed(root);
    case Endpoint::Embeddings:
      return v.embeddings(root);
  }
}

/// Called with each scanned string; may replace it.
using TextVisitor = std::function<void(bj::string&)>;

/// Visits every string of `root` that a person or a tool wrote, for the endpoint's wire.
void for_each_text(protocol::Endpoint endpoint, bj::object& root, const TextVisitor& visit);

struct ToolEdit {
  std::vector<std::string> removed;
  bool choice_changed = false;
};

/// Removes the tools `guard` denies from what is offered upstream, and fixes the tool choice.
ToolEdit remove_denied_tools(protocol::Endpoint endpoint, bj::object& root, const Guard& guard);

/// False when no tool in the raw body can be denied: no allow list, and no deny glob's literal
/// text occurs in the body at all.
bool tools_may_be_denied(std::string_view body, const Guard& guard);
/// False when no deny glob can match a name in the raw text: none's longest literal run occurs
/// in it (allow lists not considered).
bool deny_glob_may_match(std::string_view body, const Guard& guard);

}  // namespace sluice::guard::detail
