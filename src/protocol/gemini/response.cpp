// Non-stream GenerateContentResponse <-> IR.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "protocol/gemini/internal.hpp"
#include "protocol/gemini/writer.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::gemini {

namespace {

// Token counts from an upstream are untrusted: keep them in a range where sums cannot overflow.
constexpr std::int64_t kMaxTokens = std::int64_t{1} << 50;

std::int64_t clamp_tokens(std::int64_t n) {
  return n < 0 ? 0 : (n > kMaxTokens ? kMaxTokens : n);
}

}  // namespace

ir::Usage usage_from(const bj::object& u) {
  ir::Usage out;
  auto n = [&](std::string_view camel, std::string_view snake) {
    const auto* v = get(u, camel, snake);
    if (v && v->is_int64()) {
      return clamp_tokens(v->get_int64());
    }
    if (v && v->is_uint64()) {
      return kMaxTokens;  // beyond int64: nonsense, but not UB
    }
    return std::int64_t{0};
  };
  // promptTokenCount includes cached tokens (as the IR's input does); candidatesTokenCount
  // excludes thoughts (the IR's output includes them). Tool-use prompt tokens are billed as input.
  out.input = n("promptTokenCount", "prompt_token_count") +
              n("toolUsePromptTokenCount", "tool_use_prompt_token_count");
  out.reasoning = n("thoughtsTokenCount", "thoughts_token_count");
  out.output = n("candidatesTokenCount", "candidates_token_count") + out.reasoning;
  out.cache_read = n("cachedContentTokenCount", "cached_content_token_count");
  return out;
}

void write_usage_metadata(const ir::Usage& u, Writer& w) {
  const auto input = clamp_tokens(u.input);
  const auto output = clamp_tokens(u.output);
  const auto reasoning = std::min(clamp_tokens(u.reasoning), output);
  w.key("usageMetadata").begin_object();
  w.field("promptTokenCount", input).field("candidatesTokenCount", output - reasoning);
  w.field("totalTokenCount", input + output);
  if (u.cache_read > 0) {
    w.field("cachedContentTokenCount", clamp_tokens(u.cache_read));
  }
  if (reasoning > 0) {
    w.field("thoughtsTokenCount", reasoning);
  }
  w.end_object();
}

void write_call(const ir::Part& call, Writer& w) {
  w.key("functionCall").begin_object().field("name", call.name).key("args");
  // Re-serialised rather than copied: the text may hold newlines that would break SSE framing.
  alignas(16) unsigned char buf[4096];
  bj::monotonic_resource mr(buf, sizeof buf);
  boost::system::error_code ec;
  auto args = bj::parse(call.arguments, ec, &mr);
  if (!ec && args.is_object()) {
    w.value(args);
  } else {
    w.raw("{}");
  }
  if (!call.id.empty()) {
    w.field("id", call.id);
  }
  w.end_object();
}

/// Gemini finishReason -> IR stop; STOP with function calls is a tool-use stop.
ir::StopReason stop_from(std::string_view finish, bool has_calls) {
  auto r = stop_reason_from(finish, "gemini");
  if (has_calls && r == ir::StopReason::EndTurn) {
    return ir::StopReason::ToolUse;
  }
  return r;
}

std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body) {
  bj::monotonic_resource mr;
  boost::system::error_code ec;
  auto root = bj::parse(body, ec, &mr);
  if (ec || !root.is_object()) {
    return core::GatewayError{core::ErrorKind::UpstreamUnreachable,
                              "upstream returned an invalid Gemini response body", "", ""};
  }
  const auto& o = root.get_object();
  if (const auto* err = get(o, "error"); err && err->is_object()) {
    const auto& e = err->get_object();
    const auto* code = get(e, "code");
    const int status =
        code && code->is_int64() && code->get_int64() >= 100 && code->get_int64() < 600
            ? static_cast<int>(code->get_int64())
            : 500;
    return core::GatewayError{core::kind_for_status(status),
                              json::string_field(e, "message", "upstream error"), "", ""};
  }
  ir::Response res;
  res.id = json::string_field(o, "responseId");
  res.model = json::string_field(o, "modelVersion");
  if (const auto* u = get(o, "usageMetadata", "usage_metadata"); u && u->is_object()) {
    res.usage = usage_from(u->get_object());
  }

  const bj::object* cand = nullptr;
  if (const auto* c = get(o, "candidates");
      c && c->is_array() && !c->get_array().empty() && c->get_array()[0].is_object()) {
    cand = &c->get_array()[0].get_object();
  }
  if (!cand) {
    // No candidate: the prompt was blocked (promptFeedback.blockReason).
    res.stop = ir::StopReason::ContentFilter;
    return res;
  }
  bool has_calls = false;
  std::size_t call_index = 0;
  const bj::object* content = json::object_field(*cand, "content");
  const bj::array* parts = content ? json::array_field(*content, "parts") : nullptr;
  if (parts) {
    res.content.reserve(parts->size());
    for (const auto& pv : *parts) {
      if (!pv.is_object()) {
        continue;
      }
      const auto& p = pv.get_object();
      std::string sig = json::string_field(p, "thoughtSignature");
      const bool thought = json::bool_field(p, "thought").value_or(false);
      const auto* text = get(p, "text");
      if (text && text->is_string() && thought) {
        ir::Part r;
        r.kind = ir::Part::Kind::Reasoning;
        r.text = std::string(text->get_string());
        if (!sig.empty()) {
          r.signature = sig_from_upstream(sig);
        }
        res.content.push_back(std::move(r));
        continue;
      }
      if (!sig.empty()) {  // the signature of the part it sits on, which follows it in the IR
        ir::Part r;
        r.kind = ir::Part::Kind::Reasoning;
        r.signature = sig_from_upstream(sig);
        res.content.push_back(std::move(r));
      }
      if (text && text->is_string()) {
        if (text->get_string().empty()) {
          continue;
        }
        ir::Part t;
        t.text = std::string(text->get_string());
        res.content.push_back(std::move(t));
      } else if (const auto* fc = get(p, "functionCall", "function_call"); fc && fc->is_object()) {
        const auto& f = fc->get_object();
        ir::Part call;
        call.kind = ir::Part::Kind::ToolCall;
        call.name = json::string_field(f, "name");
        call.id = json::string_field(f, "id");
        if (call.id.empty()) {
          call.id = synth_call_id(res.id, call_index, call.name);
        }
        ++call_index;
        call.arguments = json::to_text(json::field(f, "args"), "{}");
        res.content.push_back(std::move(call));
        has_calls = true;
      }
      // inlineData (generated images), executableCode and codeExecutionResult have no IR form.
    }
  }
  res.stop = stop_from(json::string_field(*cand, "finishReason"), has_calls);
  return res;
}

std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) {
  std::string out;
  out.reserve(512 + res.content.size() * 128);
  Writer w(out);
  w.begin_object().key("candidates").begin_array().begin_object();
  w.key("content").begin_object().key("parts").begin_array();
  std::string pending_sig;
  auto end_part = [&] {
    if (!pending_sig.empty()) {
      w.field("thoughtSignature", pending_sig);
    }
    pending_sig.clear();
    w.end_object();
  };
  for (const auto& p : res.content) {
    switch (p.kind) {
      case ir::Part::Kind::Text:
        w.begin_object().field("text", p.text);
        end_part();
        break;
      case ir::Part::Kind::ToolCall:
        w.begin_object();
        write_call(p, w);
        end_part();
        break;
      case ir::Part::Kind::Reasoning:
        if (p.text.empty() && p.signature.empty()) {
          break;
        }
        if (!pending_sig.empty()) {  // a signature whose part never came: it stands alone
          w.begin_object().field("text", "");
          end_part();
        }
        if (p.text.empty()) {
          pending_sig = sig_for_client(p.signature);  // belongs to the next part
        } else {
          w.begin_object().field("text", p.text).key("thought").boolean(true);
          if (!p.signature.empty()) {
            w.field("thoughtSignature", sig_for_client(p.signature));
          }
          w.end_object();
        }
        break;
      case ir::Part::Kind::RedactedReasoning: {
        std::string sig(kRedactedSig);
        sig += p.data;
        w.begin_object()
            .field("text", "")
            .key("thought")
            .boolean(true)
            .field("thoughtSignature", sig)
            .end_object();
        break;
      }
      default:
        break;  // images/documents/tool results do not occur in answers
    }
  }
  if (!pending_sig.empty()) {
    w.begin_object().field("text", "");
    end_part();
  }
  w.end_array().field("role", "model").end_object();
  w.field("finishReason", stop_reason_name(res.stop, "gemini")).field("index", 0);
  w.end_object().end_array();
  write_usage_metadata(res.usage, w);
  w.field("modelVersion", opt.model).field("responseId", res.id.empty() ? opt.id : res.id);
  w.end_object();
  return out;
}

}  // namespace sluice::protocol::gemini
