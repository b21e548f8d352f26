#pragma once
// Guardrails on a streamed response: fed the successive text deltas of one response (decoded
// text, not SSE bytes), it finds matches that straddle deltas, reports each once, and says
// when the stream must end.
//
// Hold-back design: the last `lookbehind` bytes (default guardrails.max_lookbehind, 256) are
// not released until more text arrives, so a match that begins there can still be redacted
// before the client sees it. Text already released cannot be recalled. A match longer than the
// look-behind (a JWT with many claims) can be missed, except a private key: its header alone
// is conclusive, and with redact its body is held back from the header on until the END line
// or the end of the stream. A match touching the end of the text so far is held until the
// next delta shows where it ends ("ghp_..." may continue). With block, the stream must stop at
// once: the held text is dropped, and the caller ends the stream with the client wire's error
// event (text released before the match began has already reached the client).
//
// One scanner per response stream; not thread-safe. Offsets in findings count bytes of the
// original (unredacted) stream from its start.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "guard/guard.hpp"

namespace sluice::guard {

struct StreamFeed {
  std::string release;            // text to send now, redacted
  std::vector<Finding> findings;  // found in this call, never reported before
  std::optional<KindId> block;    // a block-action kind: end the stream now, send nothing more

  bool blocked() const { return block.has_value(); }
};

class StreamScanner {
 public:
  explicit StreamScanner(const Guard& guard);
  StreamScanner(const Guard& guard, std::size_t lookbehind);

  /// Adds the next delta. After a block every call returns an empty feed.
  StreamFeed feed(std::string_view delta);
  /// The stream's end: reports what was held and releases all that is left.
  StreamFeed finish();

  /// Every finding so far, by kind (for the ledger and audit).
  const Counts& counts() const { return counts_; }
  bool blocked() const { return blocked_; }

 private:
  struct Redaction {
    Finding finding;
    bool emitted = false;  // its placeholder has been released
  };

  StreamFeed step(bool final);
  Finding* reported(const Finding& f);
  std::string release_until(std::size_t upto);

  const Guard& guard_;
  std::size_t lookbehind_;
  std::string text_;  // the stream's bytes from offset base_ on
  std::size_t base_ = 0;
  std::size_t scanned_ = 0;    // stream length at the previous step
  std::size_t released_ = 0;   // bytes given to the client
  std::size_t hold_from_ = 0;  // earliest match still open at the previous step
  std::vector<Finding> reported_;
  std::vector<Redaction> redactions_;
  Counts counts_;
  bool blocked_ = false;
};

}  // namespace sluice::guard
