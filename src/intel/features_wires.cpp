// The four wires' conversation shapes, walked for the Collector. Each walker reads only the
// conversation (messages / input / contents) and notes that tools are offered; it never looks
// inside tool definitions or system prompts beyond the working directory.

#include <array>

#include "intel/features_collect.hpp"

namespace sluice::intel::detail {
namespace {

using Kind = JsonSkim::Kind;

// Enters the object `s` is placed on; skips any other value and says so.
bool open_object(JsonSkim& s) {
  if (s.peek() != Kind::Object) {
    s.skip();
    return false;
  }
  return s.enter_object();
}

// The raw values of the members named in `names` (empty when absent), in the same order. Any
// key order works, which matters because roles and types may come after the content.
template <std::size_t N>
std::array<std::string_view, N> fields(JsonSkim& s, const std::array<std::string_view, N>& names) {
  std::array<std::string_view, N> out{};
  if (!open_object(s)) return out;
  while (auto key = s.next_key()) {
    std::size_t i = 0;
    while (i < N && names[i] != *key) ++i;
    if (i < N) {
      out[i] = s.skip();
    } else {
      s.skip();
    }
  }
  return out;
}

bool is_string(std::string_view raw) {
  return raw.size() >= 2 && raw.front() == '"';
}
// A raw string value without its quotes.
std::string_view inner(std::string_view raw) {
  return is_string(raw) ? raw.substr(1, raw.size() - 2) : std::string_view{};
}

// Calls f(s) with `s` placed on each element of the array `s` is placed on (f consumes it);
// skips any other value.
template <class F>
void each(JsonSkim& s, F&& f) {
  if (s.peek() != Kind::Array) {
    s.skip();
    return;
  }
  s.enter_array();
  while (s.next_element()) f(s);
}

// Objects whose role usually comes first: once it is known the message begins and later members
// are walked where they lie; members seen before it are kept as raw bytes and walked after.
class Message {
 public:
  explicit Message(Collector& c) : c_(c) {}
  // True when the role is known and the message has begun.
  bool open() const { return open_; }
  void role(std::string_view raw) {
    if (!open_) {
      c_.begin_message(role_from(raw));
      open_ = true;
    }
  }
  void begin_if_needed() {
    if (!open_) role("");
  }

 private:
  Collector& c_;
  bool open_ = false;
};

// ---- Anthropic Messages: messages[{role, content: string | blocks}] --------------------------

void anthropic_content(JsonSkim& s, Collector& c) {
  if (s.peek() == Kind::String) {
    c.text(s.string().value_or(std::string_view{}));
    return;
  }
  static constexpr std::array<std::string_view, 5> kBlock{"type", "text", "input", "content",
                                                          "is_error"};
  each(s, [&](JsonSkim& b) {
    const auto f = fields(b, kBlock);
    const auto type = inner(f[0]);
    if (type == "text") {
      c.text(inner(f[1]));
    } else if (type == "tool_use" || type == "server_tool_use") {
      c.tool_call_object(f[2]);
    } else if (type == "tool_result") {
      c.tool_result(f[3], f[4] == "true");
    }
  });
}

void anthropic_messages(JsonSkim& s, Collector& c) {
  each(s, [&](JsonSkim& m) {
    if (!open_object(m)) return;
    Message msg(c);
    std::string_view pending;
    while (auto key = m.next_key()) {
      if (*key == "role") {
        msg.role(m.string().value_or(std::string_view{}));
      } else if (*key == "content" && msg.open()) {
        anthropic_content(m, c);
      } else if (*key == "content") {
        pending = m.skip();
      } else {
        m.skip();
      }
    }
    msg.begin_if_needed();
    if (!pending.empty()) {
      JsonSkim later(pending);
      anthropic_content(later, c);
    }
    c.end_message();
  });
}

// ---- OpenAI Chat Completions: messages[{role, content, tool_calls[{function{arguments}}]}] ----

void chat_content(JsonSkim& s, Collector& c, bool tool) {
  static constexpr std::array<std::string_view, 2> kPart{"type", "text"};
  if (tool) {
    c.tool_result(s.skip(), false);
  } else if (s.peek() == Kind::String) {
    c.text(s.string().value_or(std::string_view{}));
  } else {
    each(s, [&](JsonSkim& p) {
      const auto pf = fields(p, kPart);
      if (inner(pf[0]) == "text") c.text(inner(pf[1]));
    });
  }
}

void chat_call(std::string_view function, Collector& c) {
  static constexpr std::array<std::string_view, 1> kFunction{"arguments"};
  JsonSkim fs(function);
  c.tool_call_json(inner(fields(fs, kFunction)[0]));
}

void chat_calls(JsonSkim& s, Collector& c) {
  static constexpr std::array<std::string_view, 1> kCall{"function"};
  each(s, [&](JsonSkim& t) { chat_call(fields(t, kCall)[0], c); });
}

void chat_messages(JsonSkim& s, Collector& c) {
  each(s, [&](JsonSkim& m) {
    if (!open_object(m)) return;
    Message msg(c);
    bool tool = false;
    std::string_view pending_content, pending_calls;
    while (auto key = m.next_key()) {
      if (*key == "role") {
        const auto r = m.string().value_or(std::string_view{});
        tool = role_from(r) == Role::Tool;
        msg.role(r);
      } else if (*key == "content" && msg.open()) {
        chat_content(m, c, tool);
      } else if (*key == "tool_calls" && msg.open()) {
        chat_calls(m, c);
      } else if (*key == "content") {
        pending_content = m.skip();
      } else if (*key == "tool_calls") {
        pending_calls = m.skip();
      } else if (*key == "function_call") {  // the legacy single call
        msg.begin_if_needed();
        chat_call(m.skip(), c);
      } else {
        m.skip();
      }
    }
    msg.begin_if_needed();
    if (!pending_content.empty()) {
      JsonSkim later(pending_content);
      chat_content(later, c, tool);
    }
    if (!pending_calls.empty()) {
      JsonSkim later(pending_calls);
      chat_calls(later, c);
    }
    c.end_message();
  });
}

// ---- OpenAI Responses: input (string | items) ---------------------------------------------

void responses_input(JsonSkim& s, Collector& c) {
  if (s.peek() == Kind::String) {
    const auto text = s.string();
    c.begin_message(Role::User);
    if (text) c.text(*text);
    c.end_message();
    return;
  }
  static constexpr std::array<std::string_view, 6> kItem{"type",      "role",  "content",
                                                         "arguments", "input", "output"};
  static constexpr std::array<std::string_view, 2> kPart{"type", "text"};
  each(s, [&](JsonSkim& item) {
    const auto f = fields(item, kItem);
    const auto type = inner(f[0]);
    if (type.empty() || type == "message") {
      c.begin_message(role_from(inner(f[1])));
      if (is_string(f[2])) {
        c.text(inner(f[2]));
      } else {
        JsonSkim parts(f[2]);
        each(parts, [&](JsonSkim& p) {
          const auto pf = fields(p, kPart);
          const auto pt = inner(pf[0]);
          if (pt == "input_text" || pt == "output_text" || pt == "text") c.text(inner(pf[1]));
        });
      }
    } else if (type == "function_call") {
      c.begin_message(Role::Assistant);
      c.tool_call_json(inner(f[3]));
    } else if (type == "custom_tool_call") {
      c.begin_message(Role::Assistant);
      c.tool_call_text(inner(f[4]));
    } else if (type == "local_shell_call" || type == "shell_call") {
      c.begin_message(Role::Assistant);
      c.tool_call_object("{}");
    } else if (type.ends_with("_call_output")) {
      c.begin_message(Role::Tool);
      c.tool_result(f[5], false);
    } else {
      return;  // reasoning, additional_tools, item references: not conversation
    }
    c.end_message();
  });
}

// ---- Gemini: contents[{role, parts[{text} | {functionCall{args}} | {functionResponse}]}] -----

void gemini_contents(JsonSkim& s, Collector& c) {
  static constexpr std::array<std::string_view, 2> kContent{"role", "parts"};
  static constexpr std::array<std::string_view, 3> kPart{"text", "functionCall",
                                                         "functionResponse"};
  static constexpr std::array<std::string_view, 1> kCall{"args"};
  each(s, [&](JsonSkim& content) {
    const auto f = fields(content, kContent);
    // A content without a role is the user's (single-turn requests often omit it).
    const auto role_raw = inner(f[0]);
    Role role = role_raw.empty() ? Role::User : role_from(role_raw);
    bool began = false;
    JsonSkim parts(f[1]);
    each(parts, [&](JsonSkim& p) {
      const auto pf = fields(p, kPart);
      // A user content made of function responses is the tool side, not an instruction.
      const Role part_role = !pf[2].empty() && role == Role::User ? Role::Tool : role;
      if (!began) {
        c.begin_message(part_role);
        began = true;
      }
      if (!pf[0].empty()) {
        c.text(inner(pf[0]));
      } else if (!pf[1].empty()) {
        JsonSkim call(pf[1]);
        c.tool_call_object(fields(call, kCall)[0]);
      } else if (!pf[2].empty()) {
        c.tool_result(pf[2], false);
      }
    });
    if (began) c.end_message();
  });
}

}  // namespace

void walk(Wire wire, JsonSkim& s, Collector& c) {
  // The conversation key per wire, and the system prompt key (read only for the cwd).
  std::string_view conversation, system;
  switch (wire) {
    case Wire::Anthropic:
      conversation = "messages", system = "system";
      break;
    case Wire::OpenAIChat:
      conversation = "messages";
      break;
    case Wire::OpenAIResponses:
      conversation = "input", system = "instructions";
      break;
    case Wire::Gemini:
      conversation = "contents", system = "systemInstruction";
      break;
  }
  bool seen_conversation = false, seen_system = system.empty(), seen_tools = false;
  while (auto key = s.next_key()) {
    if (*key == conversation) {
      seen_conversation = true;
      switch (wire) {
        case Wire::Anthropic:
          anthropic_messages(s, c);
          break;
        case Wire::OpenAIChat:
          chat_messages(s, c);
          break;
        case Wire::OpenAIResponses:
          responses_input(s, c);
          break;
        case Wire::Gemini:
          gemini_contents(s, c);
          break;
      }
    } else if (*key == system) {
      seen_system = true;
      c.system_text(s.skip());
    } else if (*key == "tools" || *key == "functions") {
      seen_tools = true;
      if (s.peek() == Kind::Array && !s.at_empty_array()) c.note_tools_offered();
      if (seen_conversation && seen_system) break;  // the definitions themselves are never read
      s.skip();
    } else {
      s.skip();
    }
    // Agents put their tool definitions last; once all that is read is read, stop.
    if (seen_conversation && seen_system && seen_tools) break;
  }
}

}  // namespace sluice::intel::detail
