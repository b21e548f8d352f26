#pragma once
// Guardrails on a streamed answer: fed the SSE bytes the client would get (its own wire, for
// passthrough and translation alike), it gives back the bytes it may get now. Each text delta
// event's text goes through a StreamScanner (one per text stream: chat choice, Responses
// output part, Anthropic content block, Gemini candidate), and the event is rewritten to carry
// what the scanner releases; every other byte of every event stays as it came.
//
// Carriers: the scanner holds text back (guardrails.max_lookbehind), so the text an event
// carries is released later. The latest delta event of each text stream is held as the
// carrier of what its scanner releases next; when the stream's next delta arrives, the held
// event goes out with the released text in place of its own. When a text stream ends (chat
// finish_reason, Responses output_text.done, Anthropic content_block_stop or message_delta,
// Gemini finishReason, [DONE], the end of the stream) its scanner finishes and the carrier
// takes the rest. Events queue behind a held carrier in order, so the client sees the events
// in the order they came, each delayed by at most one delta of its text stream.
//
// Complete texts that repeat the deltas (Responses output_text.done, content parts, output
// items and the final response) are scanned whole and redacted the same way; their findings
// are not counted again.
//
// Block: a block-action finding, or an event starting a call to a denied tool (chat
// tool_calls[].function.name, Responses output_item.added function_call, Anthropic
// content_block_start tool_use, Gemini functionCall), ends the answer. The event that blocked
// and everything after it are dropped; text the scanners had released before goes out with
// the held events, and the caller then ends the stream with the wire's error event.
//
// One per response; not thread-safe.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guard/response.hpp"
#include "guard/stream_scanner.hpp"
#include "http/sse.hpp"

namespace sluice::guard {

class SseGuard {
 public:
  /// `counts` receives each finding as it is found (so a client that leaves mid-stream still
  /// leaves them counted); it and `guard` must outlive this object.
  SseGuard(const Guard& guard, protocol::Endpoint endpoint, Counts& counts);
  ~SseGuard();
  SseGuard(const SseGuard&) = delete;
  SseGuard& operator=(const SseGuard&) = delete;

  /// The next bytes of the stream. Appends to `out` what may go to the client now. Returns
  /// false once the answer is blocked (see blocked()): `out` then ends with the last bytes to
  /// send before the error event, and nothing fed later is looked at.
  bool feed(std::string_view bytes, std::string& out);
  /// The end of the stream: appends everything still held. False if that completed a block.
  bool finish(std::string& out);

  const std::optional<ResponseBlock>& blocked() const { return blocked_; }
  /// Bytes held for events not yet sent (for tests and limits).
  std::size_t held_bytes() const;

 private:
  /// A string value in a held event that will be replaced.
  struct Slot {
    std::size_t begin = 0;  // the literal's span in Held::raw, quotes included
    std::size_t end = 0;
    std::uint32_t stream = 0;
    bool delta = false;               // a delta's text: takes what its scanner releases
    std::optional<std::string> text;  // the new text (decoded); unset: not yet known
  };
  struct Held {
    std::string raw;
    std::vector<Slot> slots;
    std::size_t waiting = 0;  // text streams whose release this event still waits for
  };
  struct Stream {
    Stream(const Guard& g, std::uint32_t k) : key(k), scanner(g) {}
    std::uint32_t key;
    StreamScanner scanner;
    std::string pending;      // released, not yet given to a carrier
    Held* carrier = nullptr;  // the held event that takes the next release
  };

  void on_event(std::string_view raw, std::string& out);
  void process(Held& event, const std::vector<std::uint32_t>& ends, bool ends_all);
  Stream& stream(std::uint32_t key);
  /// Gives what `s` has released to its carrier (`all`: the stream has ended, give every byte).
  void hand_over(Stream& s, bool all = false);
  void finish_stream(Stream& s);
  void block(ResponseBlock why);
  void queue(Held&& event, std::string& out);
  void drain(std::string& out);
  void flush_blocked(std::string& out);

  const Guard& guard_;
  protocol::Endpoint endpoint_;
  Counts& counts_;
  http::SseSplitter splitter_;
  std::vector<std::unique_ptr<Stream>> streams_;
  std::deque<Held> queue_;  // events held, in arrival order; the front goes out once complete
  std::optional<ResponseBlock> blocked_;
  bool scan_text_ = false;
};

}  // namespace sluice::guard
