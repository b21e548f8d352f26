// ir::Request -> a Responses request body for an upstream that speaks /v1/responses.
//
// Instructions go first as system/developer input messages (order and role kept); tool results
// split out of user turns into function_call_output items; reasoning goes back only when it is
// OpenAI's own encrypted content. Requests are stateless (store:false). The body is written
// directly (no DOM): schemas and other JSON text from the IR are spliced after validation.
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {
namespace {

using Kind = ir::Part::Kind;

void report(ir::Request& req, std::string_view name) {
  for (const auto& d : req.dropped) {
    if (d == name) return;
  }
  req.dropped.emplace_back(name);
}

std::string_view default_filename(std::string_view media) {
  struct Row {
    std::string_view media, name;
  };
  static constexpr Row kNames[] = {{"application/pdf", "document.pdf"}, {"text/plain", "document.txt"},
                                   {"text/markdown", "document.md"},    {"text/csv", "document.csv"},
                                   {"text/html", "document.html"},      {"application/json", "document.json"}};
  for (const auto& r : kNames) {
    if (r.media == media) return r.name;
  }
  return "document";
}

void data_url(JsonWriter& w, std::string& scratch, std::string_view media, std::string_view data) {
  scratch.assign("data:");
  scratch += media;
  scratch += ";base64,";
  scratch += data;
  w.string(scratch);
}

class Writer {
 public:
  Writer(ir::Request& req, std::string& out) : req_(req), w_(out) {}

  void body();

 private:
  static bool is_prefill(const ir::Message& m) {
    if (m.role != ir::Role::Assistant) return false;
    bool text = false;
    for (const auto& p : m.parts) {
      if (p.kind == Kind::ToolCall) return false;
      text = text || p.kind == Kind::Text;
    }
    return text;
  }
  static bool is_input_part(const ir::Part& p) {
    return p.kind == Kind::Text || p.kind == Kind::Image || p.kind == Kind::Document;
  }

  void open_message(std::string_view role) {
    w_.open_object().field("type", "message").field("role", role).key("content").open_array();
  }
  void close_message() { w_.close_array().close_object(); }

  /// input_text / input_image / input_file.
  void input_part(const ir::Part& p) {
    w_.open_object();
    switch (p.kind) {
      case Kind::Text:
        w_.field("type", "input_text").field("text", p.text);
        break;
      case Kind::Image:
        w_.field("type", "input_image");
        if (!p.file_id.empty()) {
          w_.field("file_id", p.file_id);
        } else if (!p.data.empty()) {
          data_url(w_.key("image_url"), scratch_, p.media_type, p.data);
        } else {
          w_.field("image_url", p.url);
        }
        w_.field("detail", "auto");
        break;
      default:  // Document
        w_.field("type", "input_file");
        if (!p.file_id.empty()) {
          w_.field("file_id", p.file_id);
        } else if (!p.data.empty()) {
          w_.field("filename", p.filename.empty() ? default_filename(p.media_type) : std::string_view(p.filename));
          data_url(w_.key("file_data"), scratch_, p.media_type.empty() ? "application/pdf" : p.media_type, p.data);
        } else {
          w_.field("file_url", p.url);
        }
        break;
    }
    w_.close_object();
  }

  void user_side(const ir::Message& m) {
    std::string_view role = m.role == ir::Role::System      ? "system"
                            : m.role == ir::Role::Developer ? "developer"
                                                            : "user";
    const bool text_only = role != "user";
    bool open = false;
    for (const auto& p : m.parts) {
      if (p.kind == Kind::ToolResult) {
        if (open) close_message();
        open = false;
        tool_result(p);
        continue;
      }
      if (!is_input_part(p)) continue;
      if (text_only && p.kind != Kind::Text) {
        report(req_, "system.media");  // system/developer messages take text only
        continue;
      }
      if (!open) open_message(role);
      open = true;
      input_part(p);
    }
    if (open) close_message();
  }

  void tool_result(const ir::Part& p) {
    if (p.is_error) report(req_, "tool_result.is_error");
    bool text_only = true;
    for (const auto& c : p.content) text_only = text_only && c.kind == Kind::Text;
    w_.open_object().field("type", "function_call_output").field("call_id", p.id).key("output");
    if (text_only) {
      if (p.content.size() == 1) {
        w_.string(p.content[0].text);
      } else {
        scratch_.clear();
        for (std::size_t i = 0; i < p.content.size(); ++i) {
          if (i > 0) scratch_ += '\n';
          scratch_ += p.content[i].text;
        }
        w_.string(scratch_);
      }
    } else {
      w_.open_array();
      for (const auto& c : p.content) {
        if (is_input_part(c)) input_part(c);
      }
      w_.close_array();
    }
    w_.close_object();
  }

  void assistant(const ir::Message& m) {
    bool open = false;
    const ir::Part* summary = nullptr;  // visible reasoning that may accompany encrypted content
    for (const auto& p : m.parts) {
      if (p.kind == Kind::Text) {
        if (!open) open_message("assistant");
        open = true;
        w_.open_object().field("type", "output_text").field("text", p.text).close_object();
        summary = nullptr;
        continue;
      }
      if (p.kind == Kind::Reasoning) {
        // Only unsigned (OpenAI-style summary) text can accompany OpenAI's encrypted content.
        summary = p.signature.empty() ? &p : nullptr;
        continue;
      }
      // Another provider's reasoning would be rejected by OpenAI; it is dropped quietly.
      const bool ours = p.kind == Kind::RedactedReasoning && is_openai_encrypted(p.data);
      if (p.kind == Kind::ToolCall || ours) {
        if (open) close_message();
        open = false;
      }
      if (p.kind == Kind::ToolCall) {
        w_.open_object()
            .field("type", "function_call")
            .field("call_id", p.id)
            .field("name", p.name)
            .field("arguments", p.arguments.empty() ? std::string_view("{}") : std::string_view(p.arguments))
            .close_object();
      } else if (ours) {
        w_.open_object().field("type", "reasoning").key("summary").open_array();
        if (summary && !summary->text.empty()) {
          w_.open_object().field("type", "summary_text").field("text", summary->text).close_object();
        }
        w_.close_array().field("encrypted_content", p.data).close_object();
      }
      summary = nullptr;
    }
    if (open) close_message();
  }

  void input() {
    w_.key("input").open_array();
    for (const auto& ins : req_.instructions) {
      open_message(ins.role == ir::Role::Developer ? "developer" : "system");
      w_.open_object().field("type", "input_text").field("text", ins.text).close_object();
      close_message();
    }
    std::size_t n = req_.messages.size();
    if (n > 0 && is_prefill(req_.messages.back())) {
      report(req_, "assistant_prefill");  // Responses cannot continue a partial answer
      --n;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const auto& m = req_.messages[i];
      if (m.role == ir::Role::Assistant) {
        assistant(m);
      } else {
        user_side(m);
      }
    }
    w_.close_array();
  }

  void tools() {
    if (!req_.tools.empty()) {
      w_.key("tools").open_array();
      for (const auto& t : req_.tools) {
        w_.open_object().field("type", "function").field("name", t.name);
        if (!t.description.empty()) w_.field("description", t.description);
        w_.key("parameters");
        if (t.parameters.empty() || t.parameters == "{}") {
          w_.raw(R"({"type":"object","properties":{}})");  // OpenAI needs an object schema
        } else {
          w_.raw(t.parameters);
        }
        w_.key("strict").boolean(t.strict);  // explicit: Responses would default to strict
        w_.close_object();
      }
      w_.close_array();
    }
    if (req_.tool_choice) {
      const auto& tc = *req_.tool_choice;
      w_.key("tool_choice");
      switch (tc.mode) {
        case ir::ToolChoice::Mode::Auto: w_.string("auto"); break;
        case ir::ToolChoice::Mode::None: w_.string("none"); break;
        case ir::ToolChoice::Mode::Required: w_.string("required"); break;
        case ir::ToolChoice::Mode::Named:
          w_.open_object().field("type", "function").field("name", tc.name).close_object();
          break;
      }
      if (tc.parallel_calls) w_.key("parallel_tool_calls").boolean(*tc.parallel_calls);
    }
  }

  void sampling_and_format() {
    if (req_.temperature) w_.key("temperature").number(*req_.temperature);
    if (req_.top_p) w_.key("top_p").number(*req_.top_p);
    // OpenAI rejects max_output_tokens below 16.
    if (req_.max_output_tokens) w_.key("max_output_tokens").integer(std::max<std::int64_t>(*req_.max_output_tokens, 16));
    if (req_.top_k) report(req_, "top_k");
    if (req_.seed) report(req_, "seed");
    if (!req_.stop.empty()) report(req_, "stop");

    if (req_.response_format && req_.response_format->kind != ir::ResponseFormat::Kind::Text) {
      const auto& rf = *req_.response_format;
      w_.key("text").open_object().key("format").open_object();
      if (rf.kind == ir::ResponseFormat::Kind::JsonObject) {
        w_.field("type", "json_object");
      } else {
        w_.field("type", "json_schema").field("name", rf.name.empty() ? std::string_view("response") : std::string_view(rf.name));
        w_.key("schema").raw(rf.schema.empty() ? std::string_view("{}") : std::string_view(rf.schema));
        w_.key("strict").boolean(rf.strict);
      }
      w_.close_object().close_object();
    }

    std::optional<ir::Effort> effort = req_.reasoning_effort;
    if (!effort && req_.thinking_budget && !req_.thinking_disabled) effort = budget_to_effort(*req_.thinking_budget);
    if (effort || req_.include_reasoning) {
      w_.key("reasoning").open_object();
      if (effort) w_.field("effort", effort_name(*effort));
      if (req_.include_reasoning) w_.field("summary", "auto");
      w_.close_object();
    }
    // Stateless: nothing is stored upstream, so reasoning continuity needs the encrypted content.
    w_.key("store").boolean(false);
    if (effort) w_.key("include").open_array().string("reasoning.encrypted_content").close_array();
  }

  void identity() {
    if (!req_.user.empty()) w_.field("user", req_.user);
    if (!req_.metadata.empty()) {
      if (metadata_fits(req_.metadata)) {
        w_.key("metadata").raw(req_.metadata);
      } else {
        report(req_, "metadata");
      }
    }
    if (req_.stream) w_.key("stream").boolean(true);
  }

  /// Responses metadata: an object of at most 16 string values.
  static bool metadata_fits(std::string_view text) {
    auto v = json::parse_or_string(text);
    if (!v.is_object() || v.get_object().size() > 16) return false;
    for (const auto& kv : v.get_object()) {
      if (!kv.value().is_string()) return false;
    }
    return true;
  }

  ir::Request& req_;
  JsonWriter w_;
  std::string scratch_;
};

void Writer::body() {
  w_.open_object().field("model", req_.model);
  input();
  tools();
  sampling_and_format();
  identity();
  w_.close_object();
}

}  // namespace

std::string serialize_request(ir::Request& req) {
  std::string out;
  out.reserve(4096);
  Writer(req, out).body();
  return out;
}

}  // namespace sluice::protocol::openai_responses
