// Non-stream Anthropic message bodies, both ways.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <array>

#include "protocol/anthropic/internal.hpp"
#include "protocol/json_util.hpp"
#include "protocol/mappings.hpp"

namespace sluice::protocol::anthropic {
namespace {

core::GatewayError broken(std::string what) {
  return {core::ErrorKind::UpstreamUnreachable, "upstream response: " + std::move(what), "", ""};
}

}  // namespace

std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body) {
  std::array<unsigned char, 8192> buf;
  bj::monotonic_resource mr(buf.data(), buf.size());
  boost::system::error_code ec;
  const auto root = bj::parse(body, ec, &mr);
  if (ec || !root.is_object()) return broken("not a JSON object");
  const auto& o = root.get_object();
  if (json::string_field(o, "type") == "error") return parse_error(500, body);
  ir::Response res;
  res.id = json::string_field(o, "id");
  res.model = json::string_field(o, "model");
  if (const auto* content = json::array_field(o, "content")) {
    res.content.reserve(content->size());
    for (const auto& v : *content) {
      const auto* b = v.if_object();
      if (!b) continue;
      const auto type = view_field(*b, "type");
      ir::Part p;
      if (type == "text") {
        p.text = json::string_field(*b, "text");
      } else if (type == "thinking") {
        p.kind = ir::Part::Kind::Reasoning;
        p.text = json::string_field(*b, "thinking");
        p.signature = json::string_field(*b, "signature");
      } else if (type == "redacted_thinking") {
        p.kind = ir::Part::Kind::RedactedReasoning;
        p.data = json::string_field(*b, "data");
      } else if (type == "tool_use") {
        p.kind = ir::Part::Kind::ToolCall;
        p.id = json::string_field(*b, "id");
        p.name = json::string_field(*b, "name");
        p.arguments = json::to_text(json::field(*b, "input"));
      } else {
        continue;  // server-tool blocks (web search results, ...) have no IR form
      }
      res.content.push_back(std::move(p));
    }
  }
  res.stop = stop_reason_from(json::string_field(o, "stop_reason"), kWire);
  res.stop_sequence = json::string_field(o, "stop_sequence");
  if (const auto* u = json::object_field(o, "usage")) read_usage(*u, res.usage);
  return res;
}

std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) {
  std::array<unsigned char, 8192> buf;
  bj::monotonic_resource mr(buf.data(), buf.size());
  bj::storage_ptr sp(&mr);
  bj::object root(sp);
  root.emplace("id", message_id(res.id, opt));
  root.emplace("type", "message");
  root.emplace("role", "assistant");
  root.emplace("model", opt.model);
  bj::array content(sp);
  content.reserve(res.content.size());
  int generated = 0;
  for (const auto& p : res.content) {
    bj::object b(sp);
    switch (p.kind) {
      case ir::Part::Kind::Text:
        b.emplace("type", "text");
        b.emplace("text", p.text);
        break;
      case ir::Part::Kind::Reasoning:
        b.emplace("type", "thinking");
        b.emplace("thinking", p.text);
        b.emplace("signature", p.signature);
        break;
      case ir::Part::Kind::RedactedReasoning:
        b.emplace("type", "redacted_thinking");
        b.emplace("data", p.data);
        break;
      case ir::Part::Kind::ToolCall: {
        b.emplace("type", "tool_use");
        // Keep the upstream's id: the client echoes it in tool_result and it must match there.
        b.emplace("id",
                  p.id.empty() ? "toolu_" + opt.id + "_" + std::to_string(generated++) : p.id);
        b.emplace("name", p.name);
        auto input = parse_json(
            p.arguments.empty() ? std::string_view("{}") : std::string_view(p.arguments), sp);
        if (!input || !input->is_object()) input = bj::object(sp);
        b.emplace("input", std::move(*input));
        break;
      }
      default:
        continue;
    }
    content.push_back(std::move(b));
  }
  root.emplace("content", std::move(content));
  root.emplace("stop_reason", stop_reason_name(res.stop, kWire));
  if (res.stop == ir::StopReason::StopSequence && !res.stop_sequence.empty()) {
    root.emplace("stop_sequence", res.stop_sequence);
  } else {
    root.emplace("stop_sequence", nullptr);
  }
  root.emplace("usage", usage_json(res.usage, true, sp));
  return bj::serialize(root);
}

}  // namespace sluice::protocol::anthropic
