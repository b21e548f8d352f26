#pragma once
// Server-Sent Events framing (WHATWG HTML, "event stream interpretation"): an incremental reader
// that turns arbitrary byte chunks into events without buffering more than one partial event,
// and a writer that frames an event. Passthrough relays bytes untouched; the reader observes them.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::http {

struct SseEvent {
  std::string event;  // "" when the event had no `event:` line
  std::string data;   // data lines joined with '\n'
  std::string id;
};

class SseReader {
 public:
  using Sink = std::function<void(const SseEvent&)>;
  /// Feeds the next chunk; calls `sink` for each event completed by it. Handles \n, \r\n and \r
  /// line ends, lines split across chunks, comments (": ping") and fields without a value.
  void feed(std::string_view chunk, const Sink& sink);
  /// True when no partial line or partial event is pending (a clean place to inject an event).
  bool at_boundary() const { return line_.empty() && !has_fields_ && !pending_cr_; }
  /// Bytes held for an incomplete line; bounded by the caller's chunking of the upstream.
  std::size_t buffered() const { return line_.size(); }

 private:
  void line(std::string_view l, const Sink& sink);
  std::string line_;
  SseEvent cur_;
  bool has_fields_ = false;
  bool pending_cr_ = false;
};

/// Frames one event: "event: NAME\n" (if non-empty), one "data: " line per line of `data`, "\n".
std::string sse_frame(std::string_view event, std::string_view data);

/// Splits a byte stream into raw events (each up to and including the blank line that ends it),
/// leaving every byte as it came, for a filter that rewrites part of an event and passes the
/// rest untouched. Blank lines between events come out as events of their own.
class SseSplitter {
 public:
  using Sink = std::function<void(std::string_view raw)>;
  /// Feeds the next chunk; calls `sink` with each event it completes (a view valid only during
  /// the call).
  void feed(std::string_view chunk, const Sink& sink);
  /// The bytes of an event not yet complete; take_rest() also forgets them.
  std::string_view rest() const { return buf_; }
  std::string take_rest();

 private:
  std::string buf_;
  std::size_t pos_ = 0;     // bytes of buf_ already looked at
  bool line_start_ = true;  // pos_ is at the start of a line
};

/// Where the fields of one raw event are: the `event:` value and each `data:` value, as views
/// into the raw bytes (a JSON payload can be edited in place when there is one data line).
struct SseFields {
  std::string_view event;
  std::vector<std::string_view> data;  // one per data line, in order
};
SseFields sse_fields(std::string_view raw);

}  // namespace sluice::http
