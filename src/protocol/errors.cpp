#include "protocol/errors.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::protocol {
namespace {

using core::ErrorKind;

std::string_view openai_type(ErrorKind k) {
  switch (k) {
    case ErrorKind::InvalidRequest:
    case ErrorKind::NotFound:
    case ErrorKind::MethodNotAllowed:
    case ErrorKind::PayloadTooLarge:
    case ErrorKind::UpgradeRequired: return "invalid_request_error";
    case ErrorKind::Unauthenticated: return "authentication_error";
    case ErrorKind::PermissionDenied: return "permission_error";
    case ErrorKind::RateLimited: return "rate_limit_exceeded";
    case ErrorKind::Internal: return "server_error";
    case ErrorKind::UpstreamUnreachable:
    case ErrorKind::Unavailable:
    case ErrorKind::UpstreamTimeout: return "upstream_error";
  }
  return "server_error";
}

std::string_view anthropic_type(ErrorKind k) {
  switch (k) {
    case ErrorKind::InvalidRequest:
    case ErrorKind::MethodNotAllowed:
    case ErrorKind::UpgradeRequired: return "invalid_request_error";
    case ErrorKind::Unauthenticated: return "authentication_error";
    case ErrorKind::PermissionDenied: return "permission_error";
    case ErrorKind::NotFound: return "not_found_error";
    case ErrorKind::PayloadTooLarge: return "request_too_large";
    case ErrorKind::RateLimited: return "rate_limit_error";
    case ErrorKind::Internal:
    case ErrorKind::UpstreamUnreachable:
    case ErrorKind::UpstreamTimeout: return "api_error";
    case ErrorKind::Unavailable: return "overloaded_error";
  }
  return "api_error";
}

std::string_view gemini_status(ErrorKind k) {
  switch (k) {
    case ErrorKind::InvalidRequest:
    case ErrorKind::PayloadTooLarge:
    case ErrorKind::MethodNotAllowed:
    case ErrorKind::UpgradeRequired: return "INVALID_ARGUMENT";
    case ErrorKind::Unauthenticated: return "UNAUTHENTICATED";
    case ErrorKind::PermissionDenied: return "PERMISSION_DENIED";
    case ErrorKind::NotFound: return "NOT_FOUND";
    case ErrorKind::RateLimited: return "RESOURCE_EXHAUSTED";
    case ErrorKind::Internal: return "INTERNAL";
    case ErrorKind::UpstreamUnreachable:
    case ErrorKind::Unavailable: return "UNAVAILABLE";
    case ErrorKind::UpstreamTimeout: return "DEADLINE_EXCEEDED";
  }
  return "INTERNAL";
}

boost::json::object openai_error(const core::GatewayError& err) {
  boost::json::object e;
  e["message"] = err.message;
  e["type"] = openai_type(err.kind);
  e["param"] = err.param.empty() ? boost::json::value(nullptr) : boost::json::value(err.param);
  e["code"] = err.code.empty() ? boost::json::value(nullptr) : boost::json::value(err.code);
  return e;
}

}  // namespace

std::string error_body(Family family, const core::GatewayError& err, std::string_view request_id) {
  boost::json::object root;
  switch (family) {
    case Family::OpenAI:
      root["error"] = openai_error(err);
      break;
    case Family::Anthropic:
      root["type"] = "error";
      root["error"] = {{"type", anthropic_type(err.kind)}, {"message", err.message}};
      root["request_id"] = request_id;
      break;
    case Family::Gemini:
      root["error"] = {{"code", err.status()}, {"message", err.message},
                       {"status", gemini_status(err.kind)}};
      break;
  }
  return boost::json::serialize(root);
}

std::string stream_error_event(Endpoint endpoint, const core::GatewayError& err,
                               std::string_view request_id) {
  switch (family_of(endpoint)) {
    case Family::Anthropic:
      return "event: error\ndata: " + error_body(Family::Anthropic, err, request_id) + "\n\n";
    case Family::Gemini:
      return "data: " + error_body(Family::Gemini, err, request_id) + "\n\n";
    case Family::OpenAI:
      break;
  }
  if (endpoint == Endpoint::Responses) {
    boost::json::object resp{{"id", std::string("resp_") + std::string(request_id)},
                             {"object", "response"},
                             {"status", "failed"},
                             {"error", {{"code", "server_error"}, {"message", err.message}}}};
    boost::json::object ev{{"type", "response.failed"}, {"response", resp}};
    return "event: response.failed\ndata: " + boost::json::serialize(ev) + "\n\n";
  }
  return "data: " + error_body(Family::OpenAI, err, request_id) + "\n\n";
}

Family family_for_path(std::string_view path) {
  if (path.starts_with("/v1/messages")) return Family::Anthropic;
  if (path.starts_with("/v1beta/")) return Family::Gemini;
  return Family::OpenAI;
}

}  // namespace sluice::protocol

namespace sluice::core {
ErrorKind kind_for_status(int status) {
  switch (status) {
    case 400: return ErrorKind::InvalidRequest;
    case 401: return ErrorKind::Unauthenticated;
    case 403: return ErrorKind::PermissionDenied;
    case 404: return ErrorKind::NotFound;
    case 405: return ErrorKind::MethodNotAllowed;
    case 408: return ErrorKind::InvalidRequest;
    case 413: return ErrorKind::PayloadTooLarge;
    case 415: return ErrorKind::InvalidRequest;
    case 426: return ErrorKind::UpgradeRequired;
    case 429: return ErrorKind::RateLimited;
    case 431: return ErrorKind::InvalidRequest;
    case 502: return ErrorKind::UpstreamUnreachable;
    case 503: return ErrorKind::Unavailable;
    case 504: return ErrorKind::UpstreamTimeout;
    case 529: return ErrorKind::Unavailable;  // Anthropic's "overloaded"
    default: return ErrorKind::Internal;
  }
}
}  // namespace sluice::core
