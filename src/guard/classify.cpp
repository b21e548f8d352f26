// Byte-class bitmaps with GCC vector extensions: the same code compiles to SSE2 (the x86-64
// baseline) and, in a second copy chosen at run time, to AVX2, which halves the cost of this
// pass (about 2 us per 32 KB against 4).
#include "guard/classify.hpp"

#include <algorithm>
#include <cstring>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>  // declares the pmovmskb builtins used below
#endif

namespace sluice::guard {
namespace {

// 32-byte vectors never cross a function boundary here (every helper is inlined), so the
// psABI note about passing them by value does not apply.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
using u8x32 = unsigned char __attribute__((vector_size(32)));
using i8x32 = char __attribute__((vector_size(32)));
using i8x16 = char __attribute__((vector_size(16)));

enum Row : int { kWord, kDigit, kAssign, kPlus, kDot, kAt, kBackslash, kU, kRows };

template <bool kAvx2>
[[gnu::always_inline]] inline std::uint32_t movemask(const i8x32& v) {
#if defined(__x86_64__) || defined(__i386__)
  // Clang checks a builtin's target feature where it is written, not where it is inlined, so
  // its builds (the fuzz preset) take the two-half path in the AVX2 copy as well.
#if !defined(__clang__)
  if constexpr (kAvx2) {
    return static_cast<std::uint32_t>(__builtin_ia32_pmovmskb256(v));
  } else
#endif
  {
    i8x16 half[2];
    std::memcpy(half, &v, sizeof half);
    return static_cast<std::uint16_t>(__builtin_ia32_pmovmskb128(half[0])) |
           static_cast<std::uint32_t>(
               static_cast<std::uint16_t>(__builtin_ia32_pmovmskb128(half[1])))
               << 16;
  }
#else
  std::uint32_t m = 0;
  for (int i = 0; i < 32; ++i) m |= static_cast<std::uint32_t>(v[i] != 0) << i;
  return m;
#endif
}

template <bool kAvx2>
[[gnu::always_inline]] inline std::uint32_t in_range(const u8x32& x, unsigned char lo,
                                                     unsigned char hi) {
  const i8x32 m = (x - lo) <= static_cast<unsigned char>(hi - lo);
  return movemask<kAvx2>(m);
}

template <bool kAvx2>
[[gnu::always_inline]] inline std::uint32_t equal(const u8x32& x, unsigned char c) {
  const i8x32 m = x == c;
  return movemask<kAvx2>(m);
}

/// Classifies 64 bytes at `p` into one word per row.
template <bool kAvx2, bool kJson>
[[gnu::always_inline]] inline void classify64(const char* p, std::uint64_t (&out)[kRows]) {
  for (auto& o : out) o = 0;
  for (int half = 0; half < 2; ++half) {
    u8x32 x;
    std::memcpy(&x, p + 32 * half, sizeof x);
    const unsigned shift = 32U * static_cast<unsigned>(half);
    const std::uint32_t digit = in_range<kAvx2>(x, '0', '9');
    const u8x32 folded = x | static_cast<unsigned char>(0x20);
    const std::uint32_t alpha = in_range<kAvx2>(folded, 'a', 'z');
    const std::uint32_t word = digit | alpha | equal<kAvx2>(x, '_') | equal<kAvx2>(x, '-');
    out[kWord] |= static_cast<std::uint64_t>(word) << shift;
    out[kDigit] |= static_cast<std::uint64_t>(digit) << shift;
    out[kAssign] |= static_cast<std::uint64_t>(equal<kAvx2>(x, '=') | equal<kAvx2>(x, ':'))
                    << shift;
    out[kPlus] |= static_cast<std::uint64_t>(equal<kAvx2>(x, '+')) << shift;
    out[kDot] |= static_cast<std::uint64_t>(equal<kAvx2>(x, '.')) << shift;
    out[kAt] |= static_cast<std::uint64_t>(equal<kAvx2>(x, '@')) << shift;
    if constexpr (kJson) {
      out[kBackslash] |= static_cast<std::uint64_t>(equal<kAvx2>(x, '\\')) << shift;
      out[kU] |= static_cast<std::uint64_t>(equal<kAvx2>(x, 'u')) << shift;
    }
  }
}
#pragma GCC diagnostic pop

/// Fills rows [kWord, kAt] (and the JSON scratch rows) for `n` bytes of `text`. `rows[r]`
/// points at row r's words.
template <bool kAvx2, bool kJson>
[[gnu::always_inline]] inline void classify_all(const char* text, std::size_t n,
                                                std::uint64_t* const* rows) {
  std::uint64_t block[kRows];
  std::size_t w = 0;
  for (std::size_t i = 0; i + 64 <= n; i += 64, ++w) {
    classify64<kAvx2, kJson>(text + i, block);
    for (int r = 0; r < kRows; ++r) rows[r][w] = block[r];
  }
  if (n % 64 != 0) {
    char tail[64] = {};
    std::memcpy(tail, text + 64 * w, n % 64);
    classify64<kAvx2, kJson>(tail, block);
    for (int r = 0; r < kRows; ++r) rows[r][w] = block[r];
  }
}

void classify_baseline(const char* text, std::size_t n, std::uint64_t* const* rows, bool json) {
  if (json) {
    classify_all<false, true>(text, n, rows);
  } else {
    classify_all<false, false>(text, n, rows);
  }
}

#if defined(__x86_64__)
[[gnu::target("avx2")]] void classify_avx2(const char* text, std::size_t n,
                                           std::uint64_t* const* rows, bool json) {
  if (json) {
    classify_all<true, true>(text, n, rows);
  } else {
    classify_all<true, false>(text, n, rows);
  }
}

bool have_avx2() {
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
}
#endif

void classify(const char* text, std::size_t n, std::uint64_t* const* rows, bool json) {
#if defined(__x86_64__)
  if (have_avx2()) {
    classify_avx2(text, n, rows, json);
    return;
  }
#endif
  classify_baseline(text, n, rows, json);
}

bool hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

constexpr std::uint64_t kEvenBits = 0x5555555555555555ULL;

}  // namespace

void ByteClasses::build(std::string_view text, bool json) {
  size_ = text.size();
  words_ = (text.size() + 63) / 64;
  stride_ = words_ + 1;
  ascii_escape_ = false;
  // Two scratch rows (backslashes, 'u') follow the public ones.
  bits_.assign(stride_ * (kClasses + 2), 0);
  std::uint64_t* rows[kRows];
  const Class order[] = {Word, Digit, Assign, Plus, Dot, At};
  for (int r = 0; r < kBackslash; ++r) rows[r] = bits_.data() + order[r] * stride_;
  rows[kBackslash] = bits_.data() + kClasses * stride_;
  rows[kU] = bits_.data() + (kClasses + 1) * stride_;
  classify(text.data(), text.size(), rows, json);
  if (json) mark_escapes(text);
}

void ByteClasses::mark_escapes(std::string_view text) {
  const std::uint64_t* backslash = bits_.data() + kClasses * stride_;  // reused below
  const std::uint64_t* u = backslash + stride_;
  std::uint64_t* escaped = bits_.data() + Escaped * stride_;
  // A character is escaped when an odd number of backslashes precede it. Per word: runs of
  // backslashes that start on an even bit end on an odd bit exactly when their length is odd,
  // and adding the run's start bit to the run carries to the bit after its end.
  std::uint64_t carry_in = 0;  // bit 0: the word's first character is escaped
  for (std::size_t w = 0; w < words_; ++w) {
    const std::uint64_t bs = backslash[w] & ~carry_in;  // an escaped backslash escapes nothing
    const std::uint64_t starts = bs & ~(bs << 1);
    std::uint64_t even_end = 0, odd_end = 0;
    const bool even_over = __builtin_add_overflow(bs, starts & kEvenBits, &even_end);
    const bool odd_over = __builtin_add_overflow(bs, starts & ~kEvenBits, &odd_end);
    even_end &= ~bs;
    odd_end &= ~bs;
    escaped[w] |= (even_end & ~kEvenBits) | (odd_end & kEvenBits) | carry_in;
    (void)even_over;  // a run from an even bit to the word's end has even length
    carry_in = odd_over ? 1 : 0;
  }
  // \uXXXX: the four hex digits are part of the escape too. They go to a row of their own (the
  // backslash row, no longer needed) so a 'u' among them starts nothing.
  std::uint64_t* hex_digits = bits_.data() + kClasses * stride_;
  std::fill(hex_digits, hex_digits + stride_, 0);
  for (std::size_t w = 0; w < words_; ++w) {
    for (std::uint64_t starts = escaped[w] & u[w]; starts != 0; starts &= starts - 1) {
      const std::size_t pos = w * 64 + static_cast<std::size_t>(__builtin_ctzll(starts));
      const std::size_t end = std::min(pos + 5, text.size());
      for (std::size_t k = pos + 1; k < end; ++k) hex_digits[k / 64] |= 1ULL << (k % 64);
      // \u0020..\u007f spell a printable ASCII character.
      if (end == pos + 5 && text[pos + 1] == '0' && text[pos + 2] == '0' && text[pos + 3] >= '2' &&
          text[pos + 3] <= '7' && hex(text[pos + 4])) {
        ascii_escape_ = true;
      }
    }
  }
  for (std::size_t w = 0; w < words_; ++w) escaped[w] |= hex_digits[w];
  for (int c = 0; c < Escaped; ++c) {
    std::uint64_t* r = bits_.data() + c * stride_;
    for (std::size_t w = 0; w < words_; ++w) r[w] &= ~escaped[w];
  }
}

}  // namespace sluice::guard
