// Anthropic error bodies ({"type":"error","error":{"type","message"},"request_id"}) and error
// type names.
#include <boost/json/parse.hpp>

#include <array>

#include "protocol/anthropic/internal.hpp"
#include "protocol/json_util.hpp"

namespace sluice::protocol::anthropic {
namespace {

constexpr std::size_t kMaxMessage = 512;

struct TypeRow {
  std::string_view from;  // an error type of any wire (OpenAI type/code, Gemini status, IR)
  std::string_view to;    // Anthropic's
};
constexpr std::array<TypeRow, 20> kTypes{{
    {"invalid_request_error", "invalid_request_error"},
    {"authentication_error", "authentication_error"},
    {"permission_error", "permission_error"},
    {"not_found_error", "not_found_error"},
    {"request_too_large", "request_too_large"},
    {"rate_limit_error", "rate_limit_error"},
    {"api_error", "api_error"},
    {"overloaded_error", "overloaded_error"},
    {"billing_error", "billing_error"},
    {"timeout_error", "timeout_error"},
    {"rate_limit_exceeded", "rate_limit_error"},
    {"insufficient_quota", "rate_limit_error"},
    {"server_error", "api_error"},
    {"upstream_error", "api_error"},
    {"INVALID_ARGUMENT", "invalid_request_error"},
    {"UNAUTHENTICATED", "authentication_error"},
    {"PERMISSION_DENIED", "permission_error"},
    {"NOT_FOUND", "not_found_error"},
    {"RESOURCE_EXHAUSTED", "rate_limit_error"},
    {"UNAVAILABLE", "overloaded_error"},
}};

}  // namespace

std::string_view error_type_name(std::string_view ir_error_type) {
  for (const auto& row : kTypes) {
    if (row.from == ir_error_type) return row.to;
  }
  if (ir_error_type == "DEADLINE_EXCEEDED") return "timeout_error";
  return "api_error";
}

core::GatewayError parse_error(int status, std::string_view body) {
  core::GatewayError err{core::kind_for_status(status), {}, {}, {}};  // 529 -> Unavailable
  std::array<unsigned char, 2048> buf;
  bj::monotonic_resource mr(buf.data(), buf.size());
  boost::system::error_code ec;
  const auto v = bj::parse(body, ec, &mr);
  if (!ec && v.is_object()) {
    if (const auto* e = json::object_field(v.get_object(), "error")) {
      err.message = json::string_field(*e, "message");
      err.code = json::string_field(*e, "type");
      if (err.code == "overloaded_error") err.kind = core::ErrorKind::Unavailable;
    }
  }
  if (err.message.empty()) err.message = "upstream returned HTTP " + std::to_string(status);
  if (err.message.size() > kMaxMessage) {
    err.message.resize(kMaxMessage);
    // Do not leave half a UTF-8 sequence behind.
    while (!err.message.empty() &&
           (static_cast<unsigned char>(err.message.back()) & 0xC0) == 0x80) {
      err.message.pop_back();
    }
    if (!err.message.empty() && static_cast<unsigned char>(err.message.back()) >= 0xC0)
      err.message.pop_back();
    err.message += "...";
  }
  return err;
}

}  // namespace sluice::protocol::anthropic
