// Non-stream Responses bodies: upstream response -> ir::Response, and ir::Response -> the
// client's response object.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {
namespace {

using Kind = ir::Part::Kind;

core::GatewayError upstream_failure(const bj::object& r) {
  std::string msg = "upstream response failed";
  if (const auto* e = json::object_field(r, "error")) {
    auto m = json::string_field(*e, "message");
    if (!m.empty()) msg = std::move(m);
  }
  return {core::ErrorKind::UpstreamUnreachable, std::move(msg), "", ""};
}

void parse_reasoning(const bj::object& item, std::vector<ir::Part>& out) {
  ir::Part r;
  r.kind = Kind::Reasoning;
  bool has_text = false;
  for (std::string_view key : {"summary", "content"}) {
    if (has_text) break;  // the summary is what clients see; raw content only without it
    const auto* arr = json::array_field(item, key);
    if (!arr) continue;
    for (const auto& v : *arr) {
      const auto* o = v.if_object();
      if (!o) continue;
      if (has_text) r.text += "\n\n";
      r.text += json::string_field(*o, "text");
      has_text = true;
    }
  }
  auto unwrapped = unwrap_encrypted(json::string_field(item, "encrypted_content"));
  r.signature = std::move(unwrapped.signature);
  if (has_text || !r.signature.empty()) out.push_back(std::move(r));
  if (!unwrapped.redacted.empty()) {
    ir::Part red;
    red.kind = Kind::RedactedReasoning;
    red.data = std::move(unwrapped.redacted);
    out.push_back(std::move(red));
  }
}

}  // namespace

std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body) {
  unsigned char buffer[16384];
  bj::monotonic_resource arena(buffer, sizeof buffer);
  boost::system::error_code ec;
  bj::value root = bj::parse(body, ec, &arena);
  if (ec || !root.is_object()) {
    return core::GatewayError{core::ErrorKind::UpstreamUnreachable, "upstream response is not a JSON object", "", ""};
  }
  const auto& r = root.get_object();
  const auto status = json::string_field(r, "status", "completed");
  if (status == "failed" || status == "cancelled") return upstream_failure(r);

  ir::Response res;
  res.id = json::string_field(r, "id");
  res.model = json::string_field(r, "model");
  res.created = json::int_field(r, "created_at").value_or(0);
  bool tool_call = false;
  if (const auto* output = json::array_field(r, "output")) {
    for (const auto& v : *output) {
      const auto* item = v.if_object();
      if (!item) continue;
      const auto type = json::string_field(*item, "type");
      if (type == "message") {
        const auto* content = json::array_field(*item, "content");
        if (!content) continue;
        for (const auto& c : *content) {
          const auto* part = c.if_object();
          if (!part) continue;
          const auto ptype = json::string_field(*part, "type");
          ir::Part p;
          if (ptype == "output_text") {
            p.text = json::string_field(*part, "text");
          } else if (ptype == "refusal") {
            p.text = json::string_field(*part, "refusal");
            res.stop = ir::StopReason::Refusal;
          } else {
            continue;
          }
          res.content.push_back(std::move(p));
        }
      } else if (type == "function_call" || type == "custom_tool_call") {
        ir::Part p;
        p.kind = Kind::ToolCall;
        p.id = json::string_field(*item, "call_id");
        p.name = json::string_field(*item, "name");
        p.arguments = type == "function_call" ? json::string_field(*item, "arguments", "{}")
                                              : custom_arguments(json::string_field(*item, "input"));
        if (p.arguments.empty()) p.arguments = "{}";
        res.content.push_back(std::move(p));
        tool_call = true;
      } else if (type == "reasoning") {
        parse_reasoning(*item, res.content);
      }
      // Hosted-tool items (web_search_call, ...) have no IR form and carry no answer text.
    }
  }
  if (status == "incomplete") {
    std::string reason;
    if (const auto* d = json::object_field(r, "incomplete_details")) reason = json::string_field(*d, "reason");
    res.stop = stop_reason_from(reason, kWire);
    if (res.stop == ir::StopReason::EndTurn) res.stop = ir::StopReason::MaxTokens;  // unknown reason
  } else if (res.stop != ir::StopReason::Refusal) {
    res.stop = tool_call ? ir::StopReason::ToolUse : ir::StopReason::EndTurn;
  }
  if (const auto* u = json::object_field(r, "usage")) res.usage = usage_from(*u);
  return res;
}

std::string serialize_response(const ir::Response& res, const EncodeOptions& opt,
                               const std::vector<std::string>& custom_tools) {
  bj::array output;
  const auto& parts = res.content;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const auto& p = parts[i];
    const auto n = output.size();
    switch (p.kind) {
      case Kind::Text:
        output.push_back(message_item(item_id("msg", opt, n), p.text, "completed"));
        break;
      case Kind::ToolCall: {
        auto call_id = p.id.empty() ? item_id("call", opt, n) : p.id;
        bool custom = false;
        for (const auto& name : custom_tools) custom = custom || name == p.name;
        if (custom) {
          output.push_back(custom_call_item(item_id("ctc", opt, n), call_id, p.name, custom_input(p.arguments)));
        } else {
          output.push_back(function_call_item(item_id("fc", opt, n), call_id, p.name,
                                              p.arguments.empty() ? std::string_view("{}") : p.arguments,
                                              "completed"));
        }
        break;
      }
      case Kind::Reasoning: {
        // Unsigned reasoning followed by OpenAI's encrypted blob is one OpenAI reasoning item.
        std::string encrypted;
        if (!p.signature.empty()) {
          encrypted = envelope_signature(p.signature);
        } else if (i + 1 < parts.size() && parts[i + 1].kind == Kind::RedactedReasoning) {
          const auto& data = parts[++i].data;
          encrypted = is_openai_encrypted(data) ? data : envelope_redacted(data);
        }
        output.push_back(reasoning_item(item_id("rs", opt, n), p.text, !p.text.empty(), encrypted));
        break;
      }
      case Kind::RedactedReasoning:
        output.push_back(reasoning_item(item_id("rs", opt, n), "", false,
                                        is_openai_encrypted(p.data) ? p.data : envelope_redacted(p.data)));
        break;
      default:
        break;
    }
  }
  const auto reason = stop_reason_name(res.stop, kWire);
  auto body = response_object(response_id(res.id, opt), opt.created, opt.model,
                              reason.empty() ? "completed" : "incomplete", std::move(output), &res.usage,
                              reason, nullptr);
  return bj::serialize(body);
}

}  // namespace sluice::protocol::openai_responses
