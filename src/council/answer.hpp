#pragma once
// The answer a council reviews, and the review notice added to a rejected answer: both read and
// write the client's own wire (the bytes the client would receive), so they work the same
// whether the answer came by passthrough or by translation.

#include <optional>
#include <string>
#include <string_view>

#include "protocol/wire.hpp"

namespace sluice::council {

/// The answer's text as a reader sees it: text parts in order, each tool call as
/// "[tool call NAME ARGUMENTS]". `event_stream`: `bytes` is the wire's SSE stream; else the
/// whole response body. "" for an endpoint without a codec or bytes it cannot read.
std::string answer_text(protocol::Endpoint ep, std::string_view bytes, bool event_stream);

/// True when the event stream `sse` (the client's wire) reached the answer's end, as sluice's
/// own decoder reads it: chat `[DONE]`, Anthropic `message_stop`, Responses
/// `response.completed` / `.incomplete`, Gemini a chunk with `finishReason`.
bool stream_complete(protocol::Endpoint ep, std::string_view sse);

/// The whole answer with `notice` added as a last piece of text in `ep`'s shape: appended to
/// the chat message's content; a new output message (Responses), text block (Anthropic) or text
/// part (Gemini). nullopt when `body` is not such an answer.
std::optional<std::string> add_notice(protocol::Endpoint ep, std::string_view body,
                                      std::string_view notice, std::string_view request_id);

/// The same for a whole event stream held back: the notice goes in as the wire's own events
/// for one more piece of text, just before the events that end the answer (chat: the chunk
/// with finish_reason; Anthropic: message_delta; Responses: response.completed, whose output
/// gets the new item too; Gemini: after the last chunk). A stream with no such event gets the
/// notice at its end.
std::string add_notice_to_stream(protocol::Endpoint ep, std::string_view sse,
                                 std::string_view notice, std::string_view request_id);

}  // namespace sluice::council
