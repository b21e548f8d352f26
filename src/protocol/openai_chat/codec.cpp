// The Chat Completions WireCodec, gluing its translation units, plus the helpers they share.

#include <array>
#include <charconv>

#include "protocol/codecs.hpp"
#include "protocol/json_util.hpp"
#include "protocol/openai_chat/internal.hpp"

namespace sluice::protocol::openai_chat {
namespace {

class Codec final : public WireCodec {
 public:
  Endpoint endpoint() const override { return Endpoint::ChatCompletions; }
  std::variant<ir::Request, core::GatewayError> parse_request(std::string_view body,
                                                              const RequestContext&) const override {
    return openai_chat::parse_request(body);
  }
  std::string serialize_request(ir::Request& req) const override { return openai_chat::serialize_request(req); }
  std::string upstream_path(const ir::Request& req) const override { return openai_chat::upstream_path(req); }
  std::variant<ir::Response, core::GatewayError> parse_response(std::string_view body) const override {
    return openai_chat::parse_response(body);
  }
  std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) const override {
    return openai_chat::serialize_response(res, opt);
  }
  std::unique_ptr<StreamDecoder> decoder() const override { return make_decoder(); }
  std::unique_ptr<StreamEncoder> encoder(const EncodeOptions& opt) const override { return make_encoder(opt); }
  core::GatewayError parse_error(int status, std::string_view body) const override {
    return openai_chat::parse_error(status, body);
  }
};

void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

struct ErrorTypeRow {
  std::string_view ir;      // the IR's (Anthropic-style) error type
  std::string_view openai;  // OpenAI error.type
};
// First row per IR type wins for IR -> OpenAI; every OpenAI cell is matched OpenAI -> IR.
constexpr std::array<ErrorTypeRow, 13> kErrorTypes{{
    {"invalid_request_error", "invalid_request_error"},
    {"authentication_error", "authentication_error"},
    {"authentication_error", "invalid_api_key"},
    {"permission_error", "permission_error"},
    {"not_found_error", "invalid_request_error"},
    {"not_found_error", "model_not_found"},
    {"rate_limit_error", "rate_limit_exceeded"},
    {"rate_limit_error", "rate_limit_error"},
    {"rate_limit_error", "insufficient_quota"},
    {"api_error", "server_error"},
    {"api_error", "internal_error"},
    {"overloaded_error", "server_error"},
    {"overloaded_error", "overloaded_error"},
}};

}  // namespace

const WireCodec& codec() {
  static const Codec c;
  return c;
}

ir::Usage usage_from(const bj::object& u) {
  ir::Usage out;
  out.input = json::count_field(u, "prompt_tokens").value_or(0);
  out.output = json::count_field(u, "completion_tokens").value_or(0);
  if (const auto* d = json::object_field(u, "prompt_tokens_details")) {
    out.cache_read = json::count_field(*d, "cached_tokens").value_or(0);
  }
  if (out.cache_read == 0) out.cache_read = json::count_field(u, "prompt_cache_hit_tokens").value_or(0);  // DeepSeek
  if (const auto* d = json::object_field(u, "completion_tokens_details")) {
    out.reasoning = json::count_field(*d, "reasoning_tokens").value_or(0);
  }
  return out;
}

void append_usage(std::string& out, const ir::Usage& u) {
  out += R"({"prompt_tokens":)";
  append_int(out, u.input);
  out += R"(,"completion_tokens":)";
  append_int(out, u.output);
  out += R"(,"total_tokens":)";
  append_int(out, u.input + u.output);
  out += R"(,"prompt_tokens_details":{"cached_tokens":)";
  append_int(out, u.cache_read);
  out += R"(},"completion_tokens_details":{"reasoning_tokens":)";
  append_int(out, u.reasoning);
  out += "}}";
}

std::string response_id(std::string_view ir_id, std::string_view gateway_id) {
  if (ir_id.starts_with("chatcmpl-")) return std::string(ir_id);
  return "chatcmpl-" + std::string(gateway_id);
}

std::string error_type_from(std::string_view type, std::string_view code) {
  for (auto key : {code, type}) {
    for (const auto& row : kErrorTypes) {
      if (row.openai == key) return std::string(row.ir);
    }
  }
  return "api_error";
}

std::string_view openai_error_type(std::string_view ir_error_type) {
  for (const auto& row : kErrorTypes) {
    if (row.ir == ir_error_type) return row.openai;
  }
  return "server_error";
}

bool split_data_url(std::string_view url, std::string& media_type, std::string& data) {
  if (!url.starts_with("data:")) return false;
  const auto comma = url.find(',');
  if (comma == std::string_view::npos) return false;
  auto meta = url.substr(5, comma - 5);
  constexpr std::string_view kB64 = ";base64";
  if (!meta.ends_with(kB64)) return false;
  media_type = std::string(meta.substr(0, meta.size() - kB64.size()));
  data = std::string(url.substr(comma + 1));
  return true;
}

}  // namespace sluice::protocol::openai_chat
