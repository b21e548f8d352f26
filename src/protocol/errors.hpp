#pragma once
// Errors in each client protocol's own shape, so the official SDKs raise their typed errors:
//   OpenAI    {"error":{"message","type","param","code"}}
//   Anthropic {"type":"error","error":{"type","message"},"request_id"}
//   Gemini    {"error":{"code","message","status"}}
// and the matching in-stream error events for a stream that has already begun.

#include <string>
#include <string_view>

#include "core/error.hpp"
#include "protocol/wire.hpp"

namespace sluice::protocol {

std::string error_body(Family family, const core::GatewayError& err, std::string_view request_id);

/// The SSE bytes that end a stream with an error, in the client's grammar (Anthropic
/// `event: error`, Responses `event: response.failed`, chat/Gemini a `data: {"error":...}` line).
std::string stream_error_event(Endpoint endpoint, const core::GatewayError& err,
                               std::string_view request_id);

/// Which family's error shape fits a request path ("/v1/messages" -> Anthropic, ...). Used for
/// errors raised before the endpoint is known (unknown path, body too large).
Family family_for_path(std::string_view path);

}  // namespace sluice::protocol
