#pragma once
// Token usage read from a provider's own answer, in its own wire, without translating it:
// a whole response body (OpenAI chat "usage", Responses "usage", Anthropic "usage", Gemini
// "usageMetadata"), or a stream watched event by event. Accounting uses it on the passthrough
// path; translation gets usage from the IR instead.
//
// ir::Usage conventions: `input` counts every prompt token including cache reads and cache
// writes (Anthropic reports those apart from input_tokens; they are added), `output` includes
// reasoning tokens.

#include <optional>
#include <string>
#include <string_view>

#include "http/sse.hpp"
#include "protocol/ir.hpp"
#include "protocol/wire.hpp"

namespace sluice::protocol {

/// Usage of a complete non-stream response on `endpoint`; nullopt when it has none. Only the
/// usage object itself is parsed when it can be told apart, so a whole usage object counts even
/// if the body around it is damaged.
std::optional<ir::Usage> usage_of_body(Endpoint endpoint, std::string_view body);

/// Collects usage from a stream's events on `endpoint` (the client's endpoint; Gemini's
/// generateContent and streamGenerateContent both stream usageMetadata). Cheap on events that
/// carry no usage: they are not parsed.
class StreamUsage {
 public:
  explicit StreamUsage(Endpoint endpoint) : endpoint_(endpoint) {}
  void on_event(const http::SseEvent& e);
  /// What the stream reported so far; nullopt if nothing.
  const std::optional<ir::Usage>& usage() const { return usage_; }

 private:
  Endpoint endpoint_;
  std::optional<ir::Usage> usage_;
};

/// For an OpenAI chat stream request whose client did not ask for usage: the body with
/// stream_options.include_usage set to true (spliced after the opening brace when the client
/// sent no stream_options; parsed and rewritten otherwise). nullopt when the client already
/// asked (nothing to change, nothing to hide).
std::optional<std::string> request_stream_usage(std::string_view body);

/// Removes the usage-only chunk (`"choices":[]` with a non-null "usage") from an OpenAI chat
/// stream that sluice asked usage for, passing every other byte through unchanged. Complete
/// events go out at once; only a trailing partial event is held until its end arrives.
namespace detail {
/// The OpenAI chat usage object at the front of `text` (what may follow it is ignored), read by
/// a SAX scan with the chat codec's rules; nullopt when it is not JSON. For usage_of_body, and
/// visible for the test that holds it to the codec's DOM reading.
std::optional<ir::Usage> chat_usage_by_scan(std::string_view text);
}  // namespace detail

class UsageChunkFilter {
 public:
  /// The bytes the client should see now, up to the last whole event: a view of `chunk` itself
  /// when nothing is dropped and nothing was held (the common case: no copy), else of `scratch`,
  /// which this overwrites. Valid until `chunk` or `scratch` change.
  std::string_view feed(std::string_view chunk, std::string& scratch);
  /// Bytes of a trailing partial event still held (sent by the next feed that completes it).
  std::size_t held() const { return pending_.size(); }
  /// At the end of the stream: whatever is still held, as is.
  std::string take_rest() { return std::move(pending_); }

 private:
  std::string pending_;
  bool any_cr_ = false;  // a \r seen: events may end in \r\n or \r, not only \n\n
};

}  // namespace sluice::protocol
