#pragma once
// A gateway error: what went wrong, the status it maps to, and a message that says what to fix.
// Rendered into the client protocol's own error shape by protocol/errors.hpp.

#include <string>

namespace sluice::core {

enum class ErrorKind {
  InvalidRequest,      // 400 malformed JSON, missing fields, unsupported combination
  Unauthenticated,     // 401
  PermissionDenied,    // 403
  NotFound,            // 404 unknown model or path
  MethodNotAllowed,    // 405
  PayloadTooLarge,     // 413
  RateLimited,         // 429
  UpgradeRequired,     // 426 (Codex's WebSocket attempt)
  Internal,            // 500
  UpstreamUnreachable, // 502 connect/DNS/TLS failure, or a broken upstream response
  Unavailable,         // 503 no provider can serve the request
  UpstreamTimeout,     // 504
};

struct GatewayError {
  ErrorKind kind = ErrorKind::Internal;
  std::string message;  // safe to show to the client and to log; never contains secrets
  std::string param;    // OpenAI "param" (e.g. "model"), optional
  std::string code;     // OpenAI "code" (e.g. "model_not_found"), optional

  int status() const;
};

inline int GatewayError::status() const {
  switch (kind) {
    case ErrorKind::InvalidRequest: return 400;
    case ErrorKind::Unauthenticated: return 401;
    case ErrorKind::PermissionDenied: return 403;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::MethodNotAllowed: return 405;
    case ErrorKind::PayloadTooLarge: return 413;
    case ErrorKind::UpgradeRequired: return 426;
    case ErrorKind::RateLimited: return 429;
    case ErrorKind::Internal: return 500;
    case ErrorKind::UpstreamUnreachable: return 502;
    case ErrorKind::Unavailable: return 503;
    case ErrorKind::UpstreamTimeout: return 504;
  }
  return 500;
}

/// The error kind a bare HTTP status maps to (for errors raised by the HTTP layer).
ErrorKind kind_for_status(int status);

}  // namespace sluice::core
