// Error bodies in each wire's shape, and the SSE framing helpers shared by the wires.

#include <stdexcept>

#include "fake/wire.hpp"

namespace sluice::fake {
namespace {

std::string_view openai_type(int status) {
  switch (status) {
    case 401:
    case 404:
      return "invalid_request_error";
    case 403:
      return "permission_error";
    case 429:
      return "requests";
    default:
      return status >= 500 ? "server_error" : "invalid_request_error";
  }
}

std::string_view openai_code(int status) {
  switch (status) {
    case 401:
      return "invalid_api_key";
    case 429:
      return "rate_limit_exceeded";
    default:
      return {};
  }
}

std::string_view anthropic_type(int status) {
  switch (status) {
    case 400:
      return "invalid_request_error";
    case 401:
      return "authentication_error";
    case 402:
      return "billing_error";
    case 403:
      return "permission_error";
    case 404:
      return "not_found_error";
    case 413:
      return "request_too_large";
    case 429:
      return "rate_limit_error";
    case 504:
      return "timeout_error";
    case 529:
      return "overloaded_error";
    default:
      return status >= 500 ? "api_error" : "invalid_request_error";
  }
}

std::string_view gemini_status(int status) {
  switch (status) {
    case 400:
      return "INVALID_ARGUMENT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
      return "PERMISSION_DENIED";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "ABORTED";
    case 429:
      return "RESOURCE_EXHAUSTED";
    case 499:
      return "CANCELLED";
    case 500:
      return "INTERNAL";
    case 501:
      return "UNIMPLEMENTED";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "DEADLINE_EXCEEDED";
    default:
      return status >= 500 ? "UNKNOWN" : "FAILED_PRECONDITION";
  }
}

}  // namespace

void throw_exception_from_error(const ApiError& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

std::string error_body(Wire wire, const ApiError& error, std::string_view request_id) {
  std::string out;
  out.reserve(160 + error.message.size());
  switch (wire) {
    case Wire::OpenAI: {
      out += R"({"error":{"message":)";
      append_json_string(out, error.message);
      out += R"(,"type":")";
      out += openai_type(error.status);
      out += R"(","param":)";
      if (error.param.empty()) {
        out += "null";
      } else {
        append_json_string(out, error.param);
      }
      out += R"(,"code":)";
      std::string_view code = error.code.empty() ? openai_code(error.status) : error.code;
      if (code.empty()) {
        out += "null";
      } else {
        append_json_string(out, code);
      }
      out += "}}";
      break;
    }
    case Wire::Anthropic:
      out += R"({"type":"error","error":{"type":")";
      out += anthropic_type(error.status);
      out += R"(","message":)";
      append_json_string(out, error.message);
      out += R"(},"request_id":)";
      append_json_string(out, request_id);
      out += '}';
      break;
    case Wire::Gemini:
      out += R"({"error":{"code":)";
      out += std::to_string(error.status);
      out += R"(,"message":)";
      append_json_string(out, error.message);
      out += R"(,"status":")";
      out += gemini_status(error.status);
      out += "\"}}";
      break;
  }
  return out;
}

std::string fault_message(Wire wire, int status) {
  switch (wire) {
    case Wire::OpenAI:
      if (status == 429) {
        return "Rate limit reached for requests (injected by fake-upstream).";
      }
      if (status == 503) {
        return "The server is overloaded or not ready yet.";
      }
      if (status >= 500) {
        return "The server had an error while processing your request. Sorry about that!";
      }
      break;
    case Wire::Anthropic:
      if (status == 429) {
        return "Number of requests has exceeded your rate limit (injected by fake-upstream).";
      }
      if (status == 529) {
        return "Overloaded";
      }
      if (status >= 500) {
        return "Internal server error";
      }
      break;
    case Wire::Gemini:
      if (status == 429) {
        return "Resource has been exhausted (e.g. check quota).";
      }
      if (status == 503) {
        return "The model is overloaded. Please try again later.";
      }
      if (status >= 500) {
        return "An internal error has occurred. Please retry or report in "
               "https://developers.generativeai.google/guide/troubleshooting";
      }
      break;
  }
  return "fake-upstream: injected status " + std::to_string(status);
}

bool is_missing_model(std::string_view model) {
  return model.starts_with("missing-");
}

ApiError model_not_found(std::string_view model) {
  return {404,
          "The model `" + std::string(model) + "` does not exist or you do not have access to it.",
          "model", "model_not_found"};
}

std::string StreamPlan::error_event_after(std::size_t events_sent) const {
  std::string out = error_event;
  if (auto at = out.find(kSeqMarker); at != std::string::npos) {
    out.replace(at, 1, std::to_string(events_sent));
  }
  return out;
}

std::string& SseBuilder::begin(std::string_view event) {
  if (!event.empty()) {
    plan_.bytes += "event: ";
    plan_.bytes += event;
    plan_.bytes += '\n';
  }
  plan_.bytes += "data: ";
  return plan_.bytes;
}

void SseBuilder::end(bool content) {
  plan_.bytes += terminator_;
  plan_.segments.push_back({plan_.bytes.size(), content});
}

void SseBuilder::raw(std::string_view bytes) {
  plan_.bytes += bytes;
  plan_.segments.push_back({plan_.bytes.size(), false});
}

std::string sse_event(std::string_view event, std::string_view json, std::string_view terminator) {
  std::string out;
  out.reserve(event.size() + json.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    out += event;
    out += '\n';
  }
  out += "data: ";
  out += json;
  out += terminator;
  return out;
}

}  // namespace sluice::fake
