#pragma once
// The Responses request parser, shared by request_parse.cpp (input items) and
// request_options.cpp (tools, tool choice, output format, reasoning, sampling).

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/json_util.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses::parse {

// Tools and input items that only OpenAI's servers can run; translation reports them dropped.
inline constexpr std::array<std::string_view, 12> kHostedTools{
    "web_search",  "web_search_preview", "web_search_preview_2025_03_11", "tool_search",
    "namespace",   "file_search",        "code_interpreter",              "image_generation",
    "mcp",         "computer_use_preview", "local_shell",                 "shell"};
inline constexpr std::array<std::string_view, 14> kHostedItems{
    "web_search_call", "file_search_call",   "computer_call",         "computer_call_output",
    "code_interpreter_call", "image_generation_call", "local_shell_call", "local_shell_call_output",
    "mcp_call",        "mcp_list_tools",     "mcp_approval_request",  "mcp_approval_response",
    "tool_search_call", "compaction"};

template <std::size_t N>
bool contains(const std::array<std::string_view, N>& a, std::string_view s) {
  for (auto x : a) {
    if (x == s) return true;
  }
  return false;
}

inline std::string idx(std::string_view base, std::size_t i) {
  std::string s(base);
  s += '[';
  s += std::to_string(i);
  s += ']';
  return s;
}

inline std::string join(std::string_view base, std::string_view key) {
  std::string s(base);
  if (!s.empty()) s += '.';
  s += key;
  return s;
}

/// A location rendered only when an error needs it: "<base>.<field>[<index>]".
struct Loc {
  std::string_view base;
  std::string_view field;
  std::size_t index = 0;
  std::string str() const { return idx(join(base, field), index); }
};

inline std::string join(const Loc& loc, std::string_view key) { return join(loc.str(), key); }

/// A string member as a view ("" when absent or not a string).
inline std::string_view sv(const bj::object& o, std::string_view key) {
  const auto* v = json::field(o, key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

/// "data:<media>;base64,<data>" -> (media, data); false when `url` is not a base64 data URL.
bool split_data_url(std::string_view url, std::string& media, std::string& data);

class Parser {
 public:
  std::optional<core::GatewayError> error;
  ir::Request req;

  bool fail(std::string_view path, std::string_view what) {
    error = invalid(path, what);
    return false;
  }

  void drop(std::string name) {
    for (const auto& d : req.dropped) {
      if (d == name) return;
    }
    req.dropped.push_back(std::move(name));
  }

  /// A string member that may be absent or null; present with another type is an error naming
  /// "<base>.<key>" (the path is only built on failure).
  template <class Base>
  bool opt_string(const bj::object& o, std::string_view key, const Base& base, std::string& out) {
    const auto* v = json::field(o, key);
    if (!v || v->is_null()) return true;
    if (!v->is_string()) return fail(join(base, key), "must be a string");
    out = v->get_string();
    return true;
  }

  template <class Base>
  bool req_string(const bj::object& o, std::string_view key, const Base& base, std::string& out) {
    const auto* v = json::field(o, key);
    if (!v || !v->is_string()) return fail(join(base, key), v ? "must be a string" : "is required");
    out = v->get_string();
    return true;
  }

  bool parse(const bj::object& root);

 private:
  bool parse_input(const bj::value& input);
  bool parse_item(const bj::object& item, const std::string& path, bool& leading);
  bool parse_message(const bj::object& item, const std::string& path, bool& leading);
  bool parse_part(const bj::value& v, const Loc& loc, std::vector<ir::Part>& out);
  bool parse_output(const bj::object& item, const std::string& path, ir::Part& result);
  bool parse_reasoning(const bj::object& item, const std::string& path);
  bool parse_tools(const bj::value& tools);
  bool parse_tool_choice(const bj::value& tc);
  bool parse_text(const bj::value& text);
  bool parse_reasoning_config(const bj::value& r);
  bool parse_sampling(const bj::object& root);

  ir::Message& turn(ir::Role role) {
    if (req.messages.empty() || req.messages.back().role != role) {
      req.messages.push_back(ir::Message{role, {}, {}});
    }
    return req.messages.back();
  }

  /// The user turn that collects tool outputs: the last message when it holds only results.
  ir::Message& results_turn() {
    if (!req.messages.empty()) {
      auto& back = req.messages.back();
      bool only_results = back.role == ir::Role::User && !back.parts.empty();
      for (const auto& p : back.parts) only_results = only_results && p.kind == ir::Part::Kind::ToolResult;
      if (only_results) return back;
    }
    req.messages.push_back(ir::Message{ir::Role::User, {}, {}});
    return req.messages.back();
  }
};

}  // namespace sluice::protocol::openai_responses::parse
