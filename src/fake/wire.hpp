#pragma once
// The wire formats the fake upstream speaks. Each wire parses a request body into a Turn and
// renders a Reply as a complete body or as a StreamPlan (every SSE event rendered up front; the
// server paces and faults it). Pure functions, no I/O: the unit tests drive them directly.

#include <boost/json/object.hpp>
#include <boost/system/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fake/content.hpp"

namespace sluice::fake {

/// The three error-body families (both OpenAI endpoints share one shape).
enum class Wire { OpenAI, Anthropic, Gemini };

/// An error answer in the wire's shape. `code` and `param` matter to OpenAI only; an empty
/// `code` is derived from the status.
struct ApiError {
  int status = 400;
  std::string message;
  std::string_view param;
  std::string_view code;
};
[[noreturn]] void throw_exception_from_error(const ApiError& e, const boost::source_location& loc);

template <class T>
using WireResult = boost::system::result<T, ApiError>;

/// The error body of `wire` for `error` (request_id is used by Anthropic's shape).
std::string error_body(Wire wire, const ApiError& error, std::string_view request_id);
/// The message of an injected error status, as the real provider words it.
std::string fault_message(Wire wire, int status);
/// The 404 for a model whose name starts with "missing-".
ApiError model_not_found(std::string_view model);
/// True for the model names the fake pretends not to know.
bool is_missing_model(std::string_view model);

/// A stream rendered up front: the bytes of every event, and where each event ends.
struct StreamPlan {
  struct Segment {
    std::size_t end = 0;   // offset in `bytes` one past this event
    bool content = false;  // a content delta: counted by chunk gaps, reset-after, error-after
  };
  /// In error_event, stands for the number of events sent before it (a sequence_number).
  static constexpr char kSeqMarker = '\x01';

  std::string bytes;
  std::vector<Segment> segments;
  std::string error_event;  // the wire's mid-stream error event (x-fake-error-after)
  std::string garbage;      // an invalid event in the wire's framing (x-fake-malformed)

  /// error_event as sent after `events_sent` events.
  std::string error_event_after(std::size_t events_sent) const;
};

/// Appends SSE events to a StreamPlan.
class SseBuilder {
 public:
  explicit SseBuilder(StreamPlan& plan, std::string_view terminator = "\n\n")
      : plan_(plan), terminator_(terminator) {}
  /// Starts an event: "event: <name>\n" when a name is given, then "data: ". Append the JSON
  /// to the returned buffer, then call end().
  std::string& begin(std::string_view event = {});
  void end(bool content = false);
  /// A whole event as is (for example "data: [DONE]\n\n").
  void raw(std::string_view bytes);

 private:
  StreamPlan& plan_;
  std::string_view terminator_;
};

/// An SSE error event: "event: <name>\n" (if any) "data: <json>" plus the terminator.
std::string sse_event(std::string_view event, std::string_view json,
                      std::string_view terminator = "\n\n");

namespace openai_chat {
WireResult<Turn> parse(const boost::json::object& body);
std::string render(const Turn& turn, const Reply& reply, std::int64_t created);
StreamPlan render_stream(const Turn& turn, const Reply& reply, std::int64_t created);
}  // namespace openai_chat

namespace openai_responses {
WireResult<Turn> parse(const boost::json::object& body);
std::string render(const Turn& turn, const Reply& reply, std::int64_t created);
StreamPlan render_stream(const Turn& turn, const Reply& reply, std::int64_t created);
}  // namespace openai_responses

namespace anthropic {
WireResult<Turn> parse(const boost::json::object& body);
std::string render(const Turn& turn, const Reply& reply);
StreamPlan render_stream(const Turn& turn, const Reply& reply);
/// `{"input_tokens": N}` for /v1/messages/count_tokens.
WireResult<std::string> count_tokens(const boost::json::object& body);
}  // namespace anthropic

namespace gemini {
/// `model` comes from the path (/v1beta/models/{model}:generateContent).
WireResult<Turn> parse(const boost::json::object& body, std::string_view model);
std::string render(const Turn& turn, const Reply& reply);
/// streamGenerateContent without alt=sse: the chunks as one JSON array.
std::string render_array(const Turn& turn, const Reply& reply);
StreamPlan render_stream(const Turn& turn, const Reply& reply);
WireResult<std::string> count_tokens(const boost::json::object& body, std::string_view model);
}  // namespace gemini

// models.cpp: the fixed model list in each wire's shape, and single-model lookups.
std::string openai_model_list();
std::string anthropic_model_list();
std::string gemini_model_list();
WireResult<std::string> openai_model(std::string_view id);
WireResult<std::string> anthropic_model(std::string_view id);
WireResult<std::string> gemini_model(std::string_view id);

// embeddings.cpp
/// POST /v1/embeddings (float or base64 encoding, `dimensions`, string / array input).
WireResult<std::string> openai_embeddings(const boost::json::object& body);
/// :embedContent, or :batchEmbedContents when `batch`.
WireResult<std::string> gemini_embeddings(const boost::json::object& body, std::string_view model,
                                          bool batch);

}  // namespace sluice::fake
