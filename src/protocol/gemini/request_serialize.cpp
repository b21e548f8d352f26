// IR -> Gemini generateContent request (provider side), and the upstream path.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <algorithm>
#include <unordered_map>

#include "protocol/gemini/internal.hpp"
#include "protocol/gemini/writer.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::gemini {
namespace {

constexpr std::size_t kMaxStopSequences = 5;
// Gemini rejects budgets outside the models' ranges (Flash 0..24576, Pro 128..32768, Flash-Lite
// 512..24576); the intersection is always accepted.
constexpr std::int64_t kMinBudget = 512;
constexpr std::int64_t kMaxBudget = 24576;

void drop(ir::Request& req, std::string_view name) {
  if (std::find(req.dropped.begin(), req.dropped.end(), name) == req.dropped.end()) {
    req.dropped.emplace_back(name);
  }
}

std::string_view model_id(std::string_view model) {
  return model.starts_with("models/") ? model.substr(7) : model;
}

/// Pro models cannot turn thinking off (thinkingBudget 0 is a 400 there).
bool thinking_required(std::string_view model) {
  return model.find("-pro") != std::string_view::npos;
}

std::string_view guess_image_mime(std::string_view url) {
  auto q = url.find_first_of("?#");
  auto p = url.substr(0, q);
  auto ends = [&](std::string_view ext) {
    return p.size() >= ext.size() &&
           std::equal(ext.rbegin(), ext.rend(), p.rbegin(), [](char a, char b) {
             return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
           });
  };
  if (ends(".png")) {
    return "image/png";
  }
  if (ends(".gif")) {
    return "image/gif";
  }
  if (ends(".webp")) {
    return "image/webp";
  }
  if (ends(".heic")) {
    return "image/heic";
  }
  return "image/jpeg";
}

std::string_view media_url(const ir::Part& p) {
  if (!p.url.empty()) {
    return p.url;
  }
  if (p.kind == ir::Part::Kind::Document &&
      (p.file_id.starts_with("files/") || p.file_id.starts_with("https://"))) {
    return p.file_id;
  }
  return {};
}

/// Whether an Image / Document can be sent; reports it dropped when not (e.g. an OpenAI file id).
bool media_ok(const ir::Part& p, ir::Request& req) {
  if (!p.data.empty() || !media_url(p).empty()) {
    return true;
  }
  drop(req, p.kind == ir::Part::Kind::Image ? "image" : "document.file_id");
  return false;
}

/// The inlineData / fileData field of an Image or Document part (media_ok() holds).
void media_fields(const ir::Part& p, Writer& w) {
  const bool image = p.kind == ir::Part::Kind::Image;
  std::string_view mime = p.media_type;
  if (!p.data.empty()) {
    if (mime.empty()) {
      mime = image ? "image/jpeg" : "application/pdf";
    }
    w.key("inlineData").begin_object().field("mimeType", mime).field("data", p.data).end_object();
    return;
  }
  auto url = media_url(p);
  if (url.starts_with("data:")) {  // data:<mime>;base64,<data>
    auto comma = url.find(',');
    auto semi = url.find(';');
    if (comma != std::string_view::npos) {
      auto data_mime = url.substr(5, std::min(comma, semi) - 5);
      if (!data_mime.empty()) {
        mime = data_mime;
      }
      if (mime.empty()) {
        mime = image ? "image/jpeg" : "application/pdf";
      }
      w.key("inlineData")
          .begin_object()
          .field("mimeType", mime)
          .field("data", url.substr(comma + 1))
          .end_object();
      return;
    }
  }
  if (mime.empty()) {
    mime = image ? guess_image_mime(url) : "application/pdf";
  }
  w.key("fileData").begin_object().field("mimeType", mime).field("fileUri", url).end_object();
}

/// Whether `text` is a JSON object (checked without touching the heap for small texts).
bool is_json_object(std::string_view text) {
  auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos || text[first] != '{') {
    return false;
  }
  alignas(16) unsigned char buf[4096];
  bj::monotonic_resource mr(buf, sizeof buf);
  boost::system::error_code ec;
  auto v = bj::parse(text, ec, &mr);
  return !ec && v.is_object();
}

/// A tool result's text as Gemini's response object: {"output": text} / {"error": text}, or the
/// JSON object itself when the text is one.
void response_object(const ir::Part& p, std::string& text, Writer& w) {
  text.clear();
  for (const auto& c : p.content) {
    if (c.kind != ir::Part::Kind::Text) {
      continue;
    }
    if (!text.empty()) {
      text += '\n';
    }
    text += c.text;
  }
  if (p.is_error) {
    w.begin_object().field("error", text).end_object();
  } else if (is_json_object(text)) {
    w.raw(text);
  } else {
    w.begin_object().field("output", text).end_object();
  }
}

class Serializer {
 public:
  explicit Serializer(ir::Request& req) : req_(req) {}

  void run(Writer& w) {
    bool system = false;
    auto system_text = [&](std::string_view text) {
      if (text.empty()) {
        return;
      }
      if (!system) {
        w.key("systemInstruction").begin_object().key("parts").begin_array();
      }
      system = true;
      w.begin_object().field("text", text).end_object();
    };
    for (const auto& ins : req_.instructions) {
      system_text(ins.text);
    }
    // Gemini has no system turn; mid-conversation system text joins the instructions.
    for (const auto& m : req_.messages) {
      if (m.role != ir::Role::System && m.role != ir::Role::Developer) {
        continue;
      }
      for (const auto& p : m.parts) {
        if (p.kind == ir::Part::Kind::Text) {
          system_text(p.text);
        }
      }
    }
    if (system) {
      w.end_array().end_object();
    }

    for (const auto& m : req_.messages) {
      for (const auto& p : m.parts) {
        if (p.kind == ir::Part::Kind::ToolCall) {
          names_.emplace(p.id, p.name);
        }
      }
    }
    w.key("contents").begin_array();
    std::string_view open_role;
    for (const auto& m : req_.messages) {
      if (m.role == ir::Role::System || m.role == ir::Role::Developer) {
        continue;
      }
      const std::string_view role = m.role == ir::Role::Assistant ? "model" : "user";
      if (!m.name.empty()) {
        drop(req_, "message.name");
      }
      parts_.clear();
      Writer pw(parts_);
      message_parts(m, pw);
      if (parts_.empty()) {
        continue;
      }
      // Consecutive turns of one role (e.g. tool results then user text) become one content.
      if (role != open_role) {
        if (!open_role.empty()) {
          w.end_array().end_object();
        }
        w.begin_object().field("role", role).key("parts").begin_array();
        open_role = role;
      }
      w.raw(parts_);
    }
    if (!open_role.empty()) {
      w.end_array().end_object();
    }
    w.end_array();
  }

 private:
  void message_parts(const ir::Message& m, Writer& pw) {
    trailing_.clear();
    Writer tw(trailing_);  // tool-result media (Gemini 2.x has no media in functionResponse)
    std::string_view pending_sig;
    bool first_call = true;
    auto begin = [&](bool function_response) {
      // Tool-result media go right after the run of functionResponses they belong to.
      if (!trailing_.empty() && !function_response) {
        pw.raw(trailing_);
        trailing_.clear();
        tw.reset();
      }
      pw.begin_object();
    };
    auto end = [&] {
      if (!pending_sig.empty()) {
        pw.field("thoughtSignature", pending_sig);
      }
      pending_sig = {};
      pw.end_object();
    };
    for (const auto& p : m.parts) {
      switch (p.kind) {
        case ir::Part::Kind::Text:
          if (p.text.empty()) {
            break;
          }
          begin(false);
          pw.field("text", p.text);
          end();
          break;
        case ir::Part::Kind::Image:
        case ir::Part::Kind::Document:
          if (!media_ok(p, req_)) {
            break;
          }
          begin(false);
          media_fields(p, pw);
          end();
          break;
        case ir::Part::Kind::ToolCall: {
          begin(false);
          pw.key("functionCall").begin_object().field("name", p.name).key("args");
          if (is_json_object(p.arguments)) {
            pw.raw(p.arguments);
          } else {
            pw.raw("{}");
          }
          pw.end_object();
          // Gemini 3 rejects a model turn whose first call has no signature (calls made by
          // another provider have none); Gemini CLI sends the same sentinel for any model.
          if (first_call && pending_sig.empty() && m.role == ir::Role::Assistant) {
            pending_sig = kSkipSigValidator;
          }
          first_call = false;
          end();
          break;
        }
        case ir::Part::Kind::ToolResult: {
          std::string_view name = p.name;
          if (name.empty()) {
            auto it = names_.find(p.id);
            name = it != names_.end() ? std::string_view(it->second) : std::string_view(p.id);
          }
          begin(true);
          pw.key("functionResponse").begin_object().field("name", name).key("response");
          response_object(p, scratch_, pw);
          pw.end_object();
          end();
          for (const auto& c : p.content) {
            if ((c.kind == ir::Part::Kind::Image || c.kind == ir::Part::Kind::Document) &&
                media_ok(c, req_)) {
              tw.begin_object();
              media_fields(c, tw);
              tw.end_object();
            }
          }
          break;
        }
        case ir::Part::Kind::Reasoning: {
          // Only Gemini's own signatures are replayed; other providers' thinking is dropped
          // quietly (Gemini cannot validate it and would reject a foreign signature).
          auto sig = sig_for_upstream(p.signature);
          if (sig.empty()) {
            break;
          }
          if (!pending_sig.empty()) {  // a signature whose part never came: it stands alone
            begin(false);
            pw.field("text", "");
            end();
          }
          if (p.text.empty()) {
            pending_sig = sig;
          } else {
            begin(false);
            pw.field("text", p.text).key("thought").boolean(true).field("thoughtSignature", sig);
            pw.end_object();
          }
          break;
        }
        case ir::Part::Kind::RedactedReasoning:
          break;  // opaque to Gemini: dropped quietly
      }
    }
    if (!pending_sig.empty()) {
      begin(false);
      pw.field("text", "");
      end();
    }
    if (!trailing_.empty()) {
      pw.raw(trailing_);
    }
  }

  ir::Request& req_;
  std::unordered_map<std::string_view, std::string_view> names_;
  std::string parts_;
  std::string trailing_;
  std::string scratch_;
};

void tools(ir::Request& req, Writer& w) {
  if (req.tools.empty()) {
    return;
  }
  w.key("tools").begin_array().begin_object().key("functionDeclarations").begin_array();
  for (const auto& t : req.tools) {
    w.begin_object().field("name", t.name);
    if (!t.description.empty()) {
      w.field("description", t.description);
    }
    write_gemini_schema(t.parameters, true, "parameters", "parametersJsonSchema", w);
    if (t.strict) {
      drop(req, "tools.strict");
    }
    w.end_object();
  }
  w.end_array().end_object().end_array();
  if (!req.tool_choice) {
    return;
  }
  const auto& tc = *req.tool_choice;
  w.key("toolConfig").begin_object().key("functionCallingConfig").begin_object();
  switch (tc.mode) {
    case ir::ToolChoice::Mode::Auto:
      w.field("mode", "AUTO");
      break;
    case ir::ToolChoice::Mode::None:
      w.field("mode", "NONE");
      break;
    case ir::ToolChoice::Mode::Required:
      w.field("mode", "ANY");
      break;
    case ir::ToolChoice::Mode::Named:
      w.field("mode", "ANY").key("allowedFunctionNames").begin_array().str(tc.name).end_array();
      break;
  }
  w.end_object().end_object();
  if (tc.parallel_calls == false) {
    drop(req, "parallel_tool_calls");
  }
}

void generation_config(ir::Request& req, Writer& w) {
  bool open = false;
  auto key = [&](std::string_view k) -> Writer& {
    if (!open) {
      w.key("generationConfig").begin_object();
    }
    open = true;
    return w.key(k);
  };
  if (req.temperature) {
    key("temperature").num(*req.temperature);
  }
  if (req.top_p) {
    key("topP").num(*req.top_p);
  }
  if (req.top_k) {
    key("topK").num(*req.top_k);
  }
  if (req.max_output_tokens) {
    key("maxOutputTokens").num(*req.max_output_tokens);
  }
  if (!req.stop.empty()) {
    key("stopSequences").begin_array();
    for (std::size_t i = 0; i < req.stop.size() && i < kMaxStopSequences; ++i) {
      w.str(req.stop[i]);
    }
    w.end_array();
    if (req.stop.size() > kMaxStopSequences) {
      drop(req, "stop");
    }
  }
  if (req.seed) {
    key("seed").num(*req.seed);
  }
  if (req.n > 1) {
    key("candidateCount").num(req.n);
  }
  if (req.response_format && req.response_format->kind != ir::ResponseFormat::Kind::Text) {
    key("responseMimeType").str("application/json");
    if (req.response_format->kind == ir::ResponseFormat::Kind::JsonSchema) {
      write_gemini_schema(req.response_format->schema, false, "responseSchema",
                          "responseJsonSchema", w);
    }
  }
  if (req.thinking_disabled) {
    if (thinking_required(req.model)) {
      drop(req, "thinking.disabled");
    } else {
      key("thinkingConfig").begin_object().key("thinkingBudget").num(0).end_object();
    }
  } else {
    std::optional<std::int64_t> budget = req.thinking_budget;
    if (!budget && req.reasoning_effort) {
      budget = effort_to_budget(*req.reasoning_effort);
    }
    // An explicit budget is Anthropic-style thinking, which shows the thinking text.
    const bool include = req.include_reasoning || req.thinking_budget;
    if (budget || include) {
      key("thinkingConfig").begin_object();
      if (budget) {
        w.key("thinkingBudget").num(std::clamp(*budget, kMinBudget, kMaxBudget));
      }
      if (include) {
        w.key("includeThoughts").boolean(true);
      }
      w.end_object();
    }
  }
  if (open) {
    w.end_object();
  }
}

}  // namespace

std::string serialize_request(ir::Request& req) {
  std::string out;
  out.reserve(1024 + req.messages.size() * 256 + req.tools.size() * 512);
  Writer w(out);
  w.begin_object();
  Serializer(req).run(w);
  tools(req, w);
  generation_config(req, w);
  w.end_object();
  if (!req.user.empty()) {
    drop(req, "user");
  }
  if (!req.metadata.empty() && req.metadata != "{}") {
    drop(req, "metadata");
  }
  return out;
}

std::string upstream_path(const ir::Request& req) {
  std::string p = "/v1beta/models/";
  p += model_id(req.model);
  p += req.stream ? ":streamGenerateContent?alt=sse" : ":generateContent";
  return p;
}

}  // namespace sluice::protocol::gemini
