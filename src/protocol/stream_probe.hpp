#pragma once
// What an upstream answer says before sluice commits to it: whether a stream event carries
// content, reports an error, or is only framing (message_start, response.created, a role-only
// chunk), and whether a whole answer was stopped by the provider's content filter. Execute holds
// a stream's response headers until the first decisive event, so an upstream that answers 200
// and then opens its stream with an error can still be failed over.

#include <string_view>

#include "http/sse.hpp"
#include "protocol/wire.hpp"

namespace sluice::protocol {

enum class StreamSignal {
  Framing,        // says nothing yet
  Content,        // text, tool calls, reasoning, a finish, or the end marker
  Error,          // the wire's error event
  ContentFilter,  // the model's answer was blocked or refused
};

/// Classifies one SSE event of a stream in `wire` (the upstream's endpoint).
StreamSignal classify_stream_event(Endpoint wire, const http::SseEvent& event);

/// True when a whole (non-stream) answer in `wire` was stopped by a content filter or refusal.
bool is_content_filtered(Endpoint wire, std::string_view body);

}  // namespace sluice::protocol
