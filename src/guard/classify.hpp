#pragma once
// The first stage of every scan: one SIMD pass turns the text into bitmaps of the few byte
// classes the detectors start from (token characters, digits, '=' and ':', '+', '.', '@'),
// 64 bytes per word. Detectors then look only where the bitmaps say a match could begin, so
// RE2 runs on a handful of short windows instead of the whole text.
//
// In JSON mode the text is a raw JSON body. Bytes that belong to an escape sequence (the byte
// after a backslash, the four hex digits of \uXXXX) join no class, so they act as boundaries
// the way the decoded characters would (a newline, a quote, a non-ASCII letter).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace sluice::guard {

class ByteClasses {
 public:
  enum Class : int {
    Word,     // [A-Za-z0-9_-]: the characters of tokens and keys
    Digit,    // [0-9]
    Assign,   // '=' or ':'
    Plus,     // '+'
    Dot,      // '.'
    At,       // '@'
    Escaped,  // JSON mode: escaped by a backslash, or a \u escape's hex digit (the backslashes
              // themselves are not marked: they join no class anyway)
    kClasses,
  };

  /// Classifies `text`, reusing this object's storage.
  void build(std::string_view text, bool json);

  /// Words per row; each row is followed by one zero word, so row[i + 1] is always readable.
  std::size_t words() const { return words_; }
  const std::uint64_t* row(Class c) const { return bits_.data() + c * stride_; }
  bool has(Class c, std::size_t pos) const {
    return pos < size_ && ((row(c)[pos / 64] >> (pos % 64)) & 1U) != 0;
  }
  /// Bytes held by the bitmaps (kept between scans to avoid reallocating).
  std::size_t capacity_bytes() const { return bits_.capacity() * sizeof(std::uint64_t); }
  void release() { bits_ = {}; }

  /// JSON mode: a \u escape names a printable ASCII character, which the bitmaps cannot see
  /// through (a client spelling "AKIA" as "\u0041KIA"); callers decode such bodies instead.
  bool ascii_escape() const { return ascii_escape_; }

 private:
  void mark_escapes(std::string_view text);

  std::vector<std::uint64_t> bits_;
  std::size_t size_ = 0;
  std::size_t words_ = 0;
  std::size_t stride_ = 0;
  bool ascii_escape_ = false;
};

namespace detail {
__extension__ typedef unsigned __int128 u128;

/// x &= x >> 1, >> 2, >> 4 ... until K bits are covered, unrolled at compile time.
template <unsigned Have, unsigned K>
[[gnu::always_inline]] inline void and_shifted(u128& x) {
  if constexpr (Have < K) {
    constexpr unsigned kStep = Have < K - Have ? Have : K - Have;
    x &= x >> kStep;
    and_shifted<Have + kStep, K>(x);
  }
}
}  // namespace detail

/// Bits of word `w` of `bits` where a run of at least `K` set bits begins (1 <= K <= 65): the
/// word and its successor (every row has a zero word after its end) shifted together.
template <unsigned K>
inline std::uint64_t runs_at_least(const std::uint64_t* bits, std::size_t w) {
  static_assert(K >= 1 && K <= 65);
  auto x = (static_cast<detail::u128>(bits[w + 1]) << 64) | bits[w];
  detail::and_shifted<1, K>(x);
  return static_cast<std::uint64_t>(x);
}

/// Bits of word `w` where a run of set bits begins.
inline std::uint64_t run_starts(const std::uint64_t* bits, std::size_t w) {
  const std::uint64_t before = (bits[w] << 1) | (w > 0 ? bits[w - 1] >> 63 : 0);
  return bits[w] & ~before;
}

}  // namespace sluice::guard
