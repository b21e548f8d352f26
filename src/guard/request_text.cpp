// Where each wire keeps the text of a request: messages, system prompts, tool results and
// tool-call arguments. Skipped on purpose: tool schemas, images and files, ids, and thinking
// blocks (Anthropic and Gemini sign them; a changed byte makes the provider reject the turn).
#include "guard/request_internal.hpp"

namespace sluice::guard::detail {
namespace {

class Walker {
 public:
  explicit Walker(const TextVisitor& visit) : visit_(visit) {}

  void text(bj::value* v) {
    if (v && v->is_string()) visit_(v->get_string());
  }

  /// Every string inside a JSON payload the model or a tool produced (arguments, results).
  void all(bj::value* v) {
    if (!v) return;
    if (v->is_string()) {
      visit_(v->get_string());
    } else if (auto* o = v->if_object()) {
      for (auto& kv : *o) all(&kv.value());
    } else if (auto* a = v->if_array()) {
      for (auto& item : *a) all(&item);
    }
  }

  /// OpenAI content: a string or parts; text parts carry "text", refusals "refusal".
  void openai_content(bj::value* content) {
    text(content);
    each_object(content, [&](bj::object& part) {
      const auto type = type_of(part);
      if (type == "text" || type == "input_text" || type == "output_text") text(get(part, "text"));
      if (type == "refusal") text(get(part, "refusal"));
    });
  }

  void chat(bj::object& root) {
    each_object(get(root, "messages"), [&](bj::object& msg) {
      openai_content(get(msg, "content"));
      each_object(get(msg, "tool_calls"), [&](bj::object& call) {
        if (auto* fn = object(get(call, "function"))) text(get(*fn, "arguments"));
        if (auto* custom = object(get(call, "custom"))) text(get(*custom, "input"));
      });
      if (auto* fc = object(get(msg, "function_call"))) text(get(*fc, "arguments"));
    });
  }

  void responses(bj::object& root) {
    text(get(root, "instructions"));
    auto* input = get(root, "input");
    text(input);
    each_object(input, [&](bj::object& item) {
      const auto type = type_of(item);
      if (type == "message" || (type.empty() && get(item, "role"))) {
        openai_content(get(item, "content"));
      } else if (type == "function_call") {
        text(get(item, "arguments"));
      } else if (type == "custom_tool_call") {
        text(get(item, "input"));
      } else if (type == "function_call_output" || type == "custom_tool_call_output") {
        openai_content(get(item, "output"));
      }
    });
  }

  /// Anthropic content blocks (messages, tool results).
  void anthropic_blocks(bj::value* content) {
    text(content);
    each_object(content, [&](bj::object& block) {
      const auto type = type_of(block);
      if (type == "text") {
        text(get(block, "text"));
      } else if (type == "tool_use" || type == "server_tool_use") {
        all(get(block, "input"));
      } else if (type == "tool_result") {
        anthropic_blocks(get(block, "content"));
      } else if (auto* source = object(get(block, "source")); type == "document" && source) {
        const auto kind = type_of(*source);
        if (kind == "text") text(get(*source, "data"));
        if (kind == "content") anthropic_blocks(get(*source, "content"));
      }
    });
  }

  void anthropic(bj::object& root) {
    anthropic_blocks(get(root, "system"));
    each_object(get(root, "messages"),
                [&](bj::object& msg) { anthropic_blocks(get(msg, "content")); });
  }

  void gemini_parts(bj::object* content) {
    if (!content) return;
    each_object(get(*content, "parts"), [&](bj::object& part) {
      auto* thought = get(part, "thought");
      if (thought && thought->is_bool() && thought->get_bool()) return;
      text(get(part, "text"));
      if (auto* call = object(get(part, "functionCall", "function_call"))) all(get(*call, "args"));
      if (auto* response = object(get(part, "functionResponse", "function_response"))) {
        all(get(*response, "response"));
      }
    });
  }

  void gemini(bj::object& root) {
    gemini_parts(object(get(root, "systemInstruction", "system_instruction")));
    each_object(get(root, "contents"), [&](bj::object& content) { gemini_parts(&content); });
    // countTokens may wrap a whole generateContent request.
    if (auto* wrapped = object(get(root, "generateContentRequest", "generate_content_request"))) {
      gemini(*wrapped);
    }
  }

  void gemini_embed(bj::object& root) { gemini_parts(object(get(root, "content"))); }

  void embeddings(bj::object& root) {
    auto* input = get(root, "input");
    text(input);
    if (auto* items = array(input)) {
      for (auto& item : *items) text(&item);
    }
  }

 private:
  const TextVisitor& visit_;
};

}  // namespace

void for_each_text(protocol::Endpoint endpoint, bj::object& root, const TextVisitor& visit) {
  Walker walk(visit);
  dispatch(endpoint, walk, root);
}

}  // namespace sluice::guard::detail
