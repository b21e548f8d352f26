// Tool allow/deny lists applied to the tools a request offers upstream, per wire. A tool is
// known by its name; a hosted tool without one (Responses web_search, Gemini googleSearch) by
// its type or key, so "web_search*" can be denied too.
#include <algorithm>

#include "guard/request_internal.hpp"

namespace sluice::guard::detail {
namespace {

std::string_view chat_tool_name(bj::object& t) {
  if (auto* fn = object(get(t, "function"))) return text_of(get(*fn, "name"));
  if (auto* custom = object(get(t, "custom"))) return text_of(get(*custom, "name"));
  return type_of(t);
}

std::string_view name_or_type(bj::object& t) {
  const auto name = text_of(get(t, "name"));
  return name.empty() ? type_of(t) : name;
}

class ToolFilter {
 public:
  ToolFilter(const Guard& guard, ToolEdit& edit) : guard_(guard), edit_(edit) {}

  bool denied(std::string_view name) const { return !name.empty() && guard_.tool_denied(name); }

  /// Erases the entries of `tools` whose name (by `name_of`) is denied. True when that left
  /// the list empty.
  template <class NameOf>
  bool filter(bj::array& tools, NameOf name_of) {
    const auto before = tools.size();
    for (auto it = tools.begin(); it != tools.end();) {
      auto* o = it->if_object();
      const auto name = o ? name_of(*o) : std::string_view();
      if (denied(name)) {
        edit_.removed.emplace_back(name);
        it = tools.erase(it);
      } else {
        ++it;
      }
    }
    return before > 0 && tools.empty();
  }

  /// Replaces `root[key]` (a tool choice) with `value`.
  void reset(bj::object& root, std::string_view key, bj::value value) {
    root[key] = std::move(value);
    edit_.choice_changed = true;
  }

  /// The last tool is gone: remove the list, and the choice and options that need tools
  /// (providers reject a tool_choice without tools).
  void drop_all(bj::object& root, std::string_view list,
                std::initializer_list<std::string_view> needs_tools) {
    root.erase(list);
    for (auto key : needs_tools) {
      if (root.erase(key) > 0) edit_.choice_changed = true;
    }
  }

  void chat(bj::object& root) {
    auto* tools = array(get(root, "tools"));
    if (tools && filter(*tools, chat_tool_name)) {
      drop_all(root, "tools", {"tool_choice", "parallel_tool_calls"});
    }
    if (auto* choice = object(get(root, "tool_choice"))) {
      const auto type = type_of(*choice);
      auto* allowed = object(get(*choice, "allowed_tools"));
      auto* subset = allowed ? array(get(*allowed, "tools")) : nullptr;
      if (type == "allowed_tools" && subset && filter(*subset, chat_tool_name)) {
        reset(root, "tool_choice", "auto");
      } else if (type != "allowed_tools" && denied(chat_tool_name(*choice))) {
        reset(root, "tool_choice", "auto");
      }
    }
    auto* functions = array(get(root, "functions"));  // the legacy functions API
    if (functions && filter(*functions, name_or_type))
      drop_all(root, "functions", {"function_call"});
    if (auto* call = object(get(root, "function_call"));
        call && denied(text_of(get(*call, "name")))) {
      reset(root, "function_call", "auto");
    }
  }

  void responses(bj::object& root) {
    auto* tools = array(get(root, "tools"));
    if (tools && filter(*tools, name_or_type)) {
      drop_all(root, "tools", {"tool_choice", "parallel_tool_calls"});
    }
    auto* choice = object(get(root, "tool_choice"));
    if (!choice) return;
    auto* subset = array(get(*choice, "tools"));
    if (type_of(*choice) == "allowed_tools") {
      if (subset && filter(*subset, name_or_type)) reset(root, "tool_choice", "auto");
    } else if (denied(name_or_type(*choice))) {
      reset(root, "tool_choice", "auto");
    }
  }

  void anthropic(bj::object& root) {
    auto* tools = array(get(root, "tools"));
    if (tools && filter(*tools, name_or_type)) drop_all(root, "tools", {"tool_choice"});
    auto* choice = object(get(root, "tool_choice"));
    if (choice && type_of(*choice) == "tool" && denied(text_of(get(*choice, "name")))) {
      choice->erase("name");
      (*choice)["type"] = "auto";  // keeps disable_parallel_tool_use
      edit_.choice_changed = true;
    }
  }

  void gemini(bj::object& root) {
    auto* tools = array(get(root, "tools"));
    if (!tools) return;
    const auto before = tools->size();
    for (auto it = tools->begin(); it != tools->end();) {
      auto* tool = it->if_object();
      if (tool) gemini_tool(*tool);
      it = tool && tool->empty() ? tools->erase(it) : it + 1;
    }
    if (before > 0 && tools->empty()) {
      drop_all(root, "tools", {"toolConfig", "tool_config"});
      return;
    }
    auto* config = object(get(root, "toolConfig", "tool_config"));
    auto* calling =
        config ? object(get(*config, "functionCallingConfig", "function_calling_config")) : nullptr;
    if (calling) gemini_allowed_names(*calling);
  }

  void gemini_embed(bj::object&) {}  // embedding requests carry no tools
  void embeddings(bj::object&) {}

 private:
  void gemini_tool(bj::object& tool) {
    for (std::string_view key : {"functionDeclarations", "function_declarations"}) {
      auto* decls = array(get(tool, key));
      if (decls && filter(*decls, name_or_type)) tool.erase(key);
    }
    // Built-in tools are keys: {"googleSearch": {}}, {"codeExecution": {}}.
    for (auto it = tool.begin(); it != tool.end();) {
      const std::string_view key = it->key();
      if (key != "functionDeclarations" && key != "function_declarations" && denied(key)) {
        edit_.removed.emplace_back(key);
        it = tool.erase(it);
      } else {
        ++it;
      }
    }
  }

  void gemini_allowed_names(bj::object& calling) {
    for (std::string_view key : {"allowedFunctionNames", "allowed_function_names"}) {
      auto* names = array(get(calling, key));
      if (!names) continue;
      const auto before = names->size();
      names->erase(std::remove_if(names->begin(), names->end(),
                                  [&](const bj::value& v) {
                                    return v.is_string() &&
                                           denied(std::string_view(v.get_string()));
                                  }),
                   names->end());
      if (names->size() == before) continue;
      edit_.choice_changed = true;
      if (names->empty()) {
        calling.erase(key);
        auto* mode = get(calling, "mode");
        if (mode && text_of(mode) == "ANY") *mode = "AUTO";
      }
    }
  }

  const Guard& guard_;
  ToolEdit& edit_;
};

/// The longest run of literal characters in a glob ("mcp__*__delete*" -> "__delete").
std::string_view longest_literal(std::string_view glob) {
  std::string_view best;
  std::size_t pos = 0;
  while (pos <= glob.size()) {
    const auto end = std::min(glob.find_first_of("*?", pos), glob.size());
    if (end - pos > best.size()) best = glob.substr(pos, end - pos);
    pos = end + 1;
  }
  return best;
}

/// Characters a tool name shows the same way raw and JSON-decoded.
bool plain(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':' || c == ' ';
  });
}

}  // namespace

ToolEdit remove_denied_tools(protocol::Endpoint endpoint, bj::object& root, const Guard& guard) {
  ToolEdit edit;
  ToolFilter f(guard, edit);
  dispatch(endpoint, f, root);
  // A tool both offered and named in a choice's subset is reported once.
  std::vector<std::string> unique;
  for (auto& name : edit.removed) {
    if (std::find(unique.begin(), unique.end(), name) == unique.end())
      unique.push_back(std::move(name));
  }
  edit.removed = std::move(unique);
  return edit;
}

bool deny_glob_may_match(std::string_view body, const Guard& guard) {
  const auto& deny = guard.config().tool_deny;
  return std::any_of(deny.begin(), deny.end(), [&](const std::string& glob) {
    const auto literal = longest_literal(glob);
    return literal.empty() || !plain(literal) || body.find(literal) != std::string_view::npos;
  });
}

bool tools_may_be_denied(std::string_view body, const Guard& guard) {
  if (!guard.has_tool_rules()) return false;
  const auto& cfg = guard.config();
  if (!cfg.tool_allow.empty()) {
    return body.find("\"tools\"") != std::string_view::npos ||
           body.find("\"functions\"") != std::string_view::npos;
  }
  return deny_glob_may_match(body, guard);
}

}  // namespace sluice::guard::detail
