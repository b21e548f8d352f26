// Gemini error bodies ({"error":{"code","message","status"}}) <-> gateway errors and the IR's
// error types.
#include <boost/json/parse.hpp>

#include <array>

#include "protocol/gemini/internal.hpp"
#include "protocol/json_util.hpp"

namespace sluice::protocol::gemini {
namespace {

constexpr std::size_t kMaxMessage = 500;

struct ErrorRow {
  std::string_view status;  // google.rpc.Code name
  int code;                 // HTTP status Gemini pairs with it
  std::string_view type;    // IR error_type (Anthropic's vocabulary)
};
// First row per type wins when mapping IR -> Gemini.
constexpr std::array<ErrorRow, 10> kErrors{{
    {"INVALID_ARGUMENT", 400, "invalid_request_error"},
    {"FAILED_PRECONDITION", 400, "invalid_request_error"},
    {"UNAUTHENTICATED", 401, "authentication_error"},
    {"PERMISSION_DENIED", 403, "permission_error"},
    {"NOT_FOUND", 404, "not_found_error"},
    {"RESOURCE_EXHAUSTED", 429, "rate_limit_error"},
    {"INTERNAL", 500, "api_error"},
    {"UNAVAILABLE", 503, "overloaded_error"},
    {"DEADLINE_EXCEEDED", 504, "timeout_error"},
    {"CANCELLED", 499, "api_error"},
}};

}  // namespace

std::string_view error_type_for_status(std::string_view status) {
  for (const auto& r : kErrors) {
    if (r.status == status) {
      return r.type;
    }
  }
  return "api_error";
}

GeminiErrorCode error_code_for_type(std::string_view type) {
  for (const auto& r : kErrors) {
    if (r.type == type) {
      return {r.code, r.status};
    }
  }
  if (type == "request_too_large") {
    return {400, "INVALID_ARGUMENT"};
  }
  return {500, "INTERNAL"};
}

core::GatewayError parse_error(int status, std::string_view body) {
  core::GatewayError err{core::kind_for_status(status), "", "", ""};
  boost::system::error_code ec;
  auto v = bj::parse(body, ec);
  // Non-SSE stream errors come wrapped in an array.
  if (!ec && v.is_array() && !v.get_array().empty()) {
    v = v.get_array()[0];
  }
  const bj::object* e = nullptr;
  if (!ec && v.is_object()) {
    e = json::object_field(v.get_object(), "error");
  }
  if (e) {
    err.message = json::string_field(*e, "message");
    err.code = json::string_field(*e, "status");
  }
  if (err.message.empty()) {
    err.message = "upstream returned HTTP " + std::to_string(status);
  }
  if (err.message.size() > kMaxMessage) {
    err.message.resize(kMaxMessage);
  }
  return err;
}

}  // namespace sluice::protocol::gemini
