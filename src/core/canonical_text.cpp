#include "core/canonical_text.hpp"

#include <boost/json/parse.hpp>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "core/canonical_json.hpp"
#include "core/json_escape.hpp"

namespace sluice::core {
namespace {

// Boost.JSON's parse() fails at 32 nested containers; declining from 31 on leaves its exact
// rule to the DOM path.
constexpr int kMaxDepth = 30;
// Numbers this long, or with more exponent digits, go to the DOM path (Boost reports an
// overflowing exponent as an error; 1e400 it takes as infinity).
constexpr std::ptrdiff_t kMaxNumberLength = 40;
constexpr int kMaxExponentDigits = 3;

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// True if any of the 8 bytes is '"', '\\', a control character or not ASCII: a word without
// any of them is skipped whole (SWAR; a false positive only costs the byte-by-byte path).
bool special(std::uint64_t x) {
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const auto below_space = (x - kOnes * 0x20) & ~x & kHighs;
  return (below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')) |
          (x & kHighs)) != 0;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Four hex digits at p (the caller checked there are four), or -1.
int hex4(const char* p) {
  int v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = hex_value(p[i]);
    if (h < 0) return -1;
    v = v << 4 | h;
  }
  return v;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

/// One pass over a document: validates all of it, and writes canonical JSON for the values it
/// is asked to (`out` non-null). Reused per thread, so its buffers keep their capacity.
class Scanner {
 public:
  bool members(std::string_view json, std::span<const std::string_view> names, std::string& out);

 private:
  struct Key {
    const char* data;  // into the input, or nullptr: decoded into arena_ at `offset`
    std::size_t offset;
    std::size_t size;
  };
  struct Member {
    Key key;
    std::size_t begin, end;  // its `"key":value` bytes in the output
  };

  std::string_view key_view(const Key& k) const {
    return k.data ? std::string_view(k.data, k.size)
                  : std::string_view(arena_.data() + k.offset, k.size);
  }
  void ws() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  /// After a value in a container closed by `close`: past the ',' (More) or `close` (End);
  /// Bad on anything else.
  enum class Next { More, End, Bad };
  Next after_value(char close) {
    ws();
    if (p_ >= end_) return Next::Bad;
    if (*p_ == close) {
      ++p_;
      return Next::End;
    }
    if (*p_ != ',') return Next::Bad;
    ++p_;
    return Next::More;
  }
  bool value(std::string* out, int depth);
  bool object(std::string* out, int depth);
  bool array(std::string* out, int depth);
  /// Moves past bytes that need no attention in a string (not '"', '\\', control or non-ASCII).
  void skip_plain();
  bool scan_string(std::string_view& raw, bool& escaped);
  bool scan_escape();
  bool scan_utf8();
  bool key(Key& k);
  /// A member's key and the ':' after it, whitespace around both.
  bool member_key(Key& k) {
    ws();
    if (!key(k)) return false;
    ws();
    if (p_ >= end_ || *p_ != ':') return false;
    ++p_;
    return true;
  }
  void write_string(std::string& out, std::string_view raw, bool escaped);
  void decode(std::string_view raw, std::string& to);
  bool number(std::string* out);
  bool literal(std::string_view word, std::string* out);

  const char* p_ = nullptr;
  const char* end_ = nullptr;
  std::vector<Member> members_;  // of every object being written, innermost last
  std::string arena_;            // decoded keys that had escapes
  std::string decoded_;          // a string value with escapes, decoded
  std::string sorted_;           // an object's members, reordered
  std::vector<std::string> parts_;
};

bool Scanner::scan_utf8() {
  // Well-formed UTF-8 (Unicode table 3-7), as Boost.JSON checks it: no overlong forms, no
  // surrogates, nothing past U+10FFFF.
  const auto* s = reinterpret_cast<const unsigned char*>(p_);
  const auto left = end_ - p_;
  const unsigned c = s[0];
  auto cont = [&](int i, unsigned lo = 0x80, unsigned hi = 0xBF) {
    return i < left && s[i] >= lo && s[i] <= hi;
  };
  int n;
  if (c >= 0xC2 && c <= 0xDF) {
    n = cont(1) ? 2 : 0;
  } else if (c == 0xE0) {
    n = cont(1, 0xA0) && cont(2) ? 3 : 0;
  } else if (c == 0xED) {
    n = cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  } else if (c >= 0xE1 && c <= 0xEF) {
    n = cont(1) && cont(2) ? 3 : 0;
  } else if (c == 0xF0) {
    n = cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  } else if (c >= 0xF1 && c <= 0xF3) {
    n = cont(1) && cont(2) && cont(3) ? 4 : 0;
  } else if (c == 0xF4) {
    n = cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  } else {
    n = 0;
  }
  p_ += n;
  return n > 0;
}

bool Scanner::scan_escape() {
  // At the backslash. Lone surrogates decline (Boost rejects them, by more than one rule).
  if (end_ - p_ < 2) return false;
  switch (p_[1]) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't':
      p_ += 2;
      return true;
    case 'u':
      break;
    default:
      return false;
  }
  if (end_ - p_ < 6) return false;
  const int u = hex4(p_ + 2);
  if (u < 0 || (u >= 0xDC00 && u <= 0xDFFF)) return false;
  if (u < 0xD800 || u > 0xDBFF) {
    p_ += 6;
    return true;
  }
  if (end_ - p_ < 12 || p_[6] != '\\' || p_[7] != 'u') return false;
  const int low = hex4(p_ + 8);
  if (low < 0xDC00 || low > 0xDFFF) return false;
  p_ += 12;
  return true;
}

void Scanner::skip_plain() {
#ifdef __SSE2__
  // Sixteen bytes at a time. As signed bytes, control characters and every non-ASCII byte are
  // both below 0x20, so one compare finds them.
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end_ - p_ >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p_));
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) {
      p_ += __builtin_ctz(static_cast<unsigned>(mask));
      return;
    }
    p_ += 16;
  }
#endif
  while (end_ - p_ >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p_, 8);
    if (special(word)) return;
    p_ += 8;
  }
}

bool Scanner::scan_string(std::string_view& raw, bool& escaped) {
  const char* start = ++p_;  // past the opening quote
  escaped = false;
  for (;;) {
    skip_plain();
    if (p_ >= end_) return false;
    const auto c = static_cast<unsigned char>(*p_);
    if (c == '"') {
      raw = std::string_view(start, static_cast<std::size_t>(p_ - start));
      ++p_;
      return true;
    }
    if (c == '\\') {
      escaped = true;
      if (!scan_escape()) return false;
    } else if (c < 0x20) {
      return false;
    } else if (c < 0x80) {
      ++p_;
    } else if (!scan_utf8()) {
      return false;
    }
  }
}

void Scanner::decode(std::string_view raw, std::string& to) {
  // `raw` passed scan_string, so every escape in it is complete and well-formed.
  for (std::size_t i = 0; i < raw.size();) {
    const char c = raw[i];
    if (c != '\\') {
      to += c;
      ++i;
      continue;
    }
    const char e = raw[i + 1];
    i += 2;
    switch (e) {
      case 'b':
        to += '\b';
        break;
      case 'f':
        to += '\f';
        break;
      case 'n':
        to += '\n';
        break;
      case 'r':
        to += '\r';
        break;
      case 't':
        to += '\t';
        break;
      case 'u': {
        std::uint32_t cp = static_cast<std::uint32_t>(hex4(raw.data() + i));
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          const auto low = static_cast<std::uint32_t>(hex4(raw.data() + i + 2));
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          i += 6;
        }
        append_utf8(to, cp);
        break;
      }
      default:  // '"', '\\', '/'
        to += e;
    }
  }
}

void Scanner::write_string(std::string& out, std::string_view raw, bool escaped) {
  out += '"';
  if (!escaped) {
    // Validated: no quote, backslash or control character, so nothing to escape.
    out.append(raw);
  } else {
    decoded_.clear();
    decode(raw, decoded_);
    append_json_escaped(out, decoded_);
  }
  out += '"';
}

bool Scanner::key(Key& k) {
  if (p_ >= end_ || *p_ != '"') return false;
  std::string_view raw;
  bool escaped;
  if (!scan_string(raw, escaped)) return false;
  if (!escaped) {
    k = {raw.data(), 0, raw.size()};
  } else {
    const auto offset = arena_.size();
    decode(raw, arena_);
    k = {nullptr, offset, arena_.size() - offset};
  }
  return true;
}

bool Scanner::number(std::string* out) {
  const char* start = p_;
  if (*p_ == '-') ++p_;
  if (p_ >= end_) return false;
  if (*p_ == '0') {
    ++p_;
  } else if (*p_ >= '1' && *p_ <= '9') {
    while (p_ < end_ && is_digit(*p_)) ++p_;
  } else {
    return false;
  }
  bool plain = true;
  if (p_ < end_ && *p_ == '.') {
    plain = false;
    ++p_;
    if (p_ >= end_ || !is_digit(*p_)) return false;
    while (p_ < end_ && is_digit(*p_)) ++p_;
  }
  if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
    plain = false;
    ++p_;
    if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
    const char* digits = p_;
    while (p_ < end_ && is_digit(*p_)) ++p_;
    if (p_ == digits || p_ - digits > kMaxExponentDigits) return false;
  }
  const std::string_view token(start, static_cast<std::size_t>(p_ - start));
  if (p_ - start > kMaxNumberLength) return false;
  if (!out) return true;
  if (plain && token.size() <= 18) {
    // An integer that fits int64 is written as is (JSON has no leading zeros), but -0 is 0.
    out->append(token == "-0" ? std::string_view("0") : token);
    return true;
  }
  // Doubles and large integers: Boost.JSON's own conversion and formatting, as the DOM has them.
  boost::system::error_code ec;
  const auto v = boost::json::parse(token, ec);
  if (ec) return false;
  append_canonical_json(*out, v);
  return true;
}

bool Scanner::literal(std::string_view word, std::string* out) {
  if (static_cast<std::size_t>(end_ - p_) < word.size() ||
      std::memcmp(p_, word.data(), word.size()) != 0) {
    return false;
  }
  p_ += word.size();
  if (out) out->append(word);
  return true;
}

bool Scanner::value(std::string* out, int depth) {
  ws();
  if (p_ >= end_) return false;
  switch (*p_) {
    case '{':
      return object(out, depth + 1);
    case '[':
      return array(out, depth + 1);
    case '"': {
      std::string_view raw;
      bool escaped;
      if (!scan_string(raw, escaped)) return false;
      if (out) write_string(*out, raw, escaped);
      return true;
    }
    case 't':
      return literal("true", out);
    case 'f':
      return literal("false", out);
    case 'n':
      return literal("null", out);
    default:
      return number(out);
  }
}

bool Scanner::array(std::string* out, int depth) {
  if (depth > kMaxDepth) return false;
  ++p_;
  if (out) *out += '[';
  ws();
  if (p_ < end_ && *p_ == ']') {
    ++p_;
    if (out) *out += ']';
    return true;
  }
  for (;;) {
    if (!value(out, depth)) return false;
    const auto next = after_value(']');
    if (next == Next::Bad) return false;
    if (out) *out += next == Next::End ? ']' : ',';
    if (next == Next::End) return true;
  }
}

bool Scanner::object(std::string* out, int depth) {
  if (depth > kMaxDepth) return false;
  ++p_;
  const std::size_t open = out ? out->size() : 0;
  if (out) *out += '{';
  const std::size_t base = members_.size();
  ws();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
    if (out) *out += '}';
    return true;
  }
  bool sorted = true;
  for (;;) {
    Key k;
    if (!member_key(k)) return false;
    if (out) {
      if (members_.size() > base) {
        *out += ',';
        // Equal keys: Boost keeps the last one; leave that to the DOM path.
        const int order = key_view(members_.back().key).compare(key_view(k));
        if (order == 0) return false;
        if (order > 0) sorted = false;
      }
      const std::size_t begin = out->size();
      *out += '"';
      if (k.data) {
        out->append(key_view(k));  // validated: nothing in it needs escaping
      } else {
        append_json_escaped(*out, key_view(k));
      }
      *out += "\":";
      if (!value(out, depth)) return false;
      members_.push_back({k, begin, out->size()});
    } else if (!value(nullptr, depth)) {
      return false;
    }
    const auto next = after_value('}');
    if (next == Next::Bad) return false;
    if (next == Next::End) break;
  }
  if (out) {
    if (!sorted) {
      auto first = members_.begin() + static_cast<std::ptrdiff_t>(base);
      std::sort(first, members_.end(), [&](const Member& a, const Member& b) {
        return key_view(a.key) < key_view(b.key);
      });
      for (auto it = first; it + 1 < members_.end(); ++it) {
        if (key_view(it->key) == key_view((it + 1)->key)) return false;
      }
      sorted_.clear();
      for (auto it = first; it != members_.end(); ++it) {
        if (it != first) sorted_ += ',';
        sorted_.append(*out, it->begin, it->end - it->begin);
      }
      out->resize(open + 1);
      out->append(sorted_);
    }
    *out += '}';
    members_.resize(base);
  }
  return true;
}

bool Scanner::members(std::string_view json, std::span<const std::string_view> names,
                      std::string& out) {
  p_ = json.data();
  end_ = json.data() + json.size();
  members_.clear();
  arena_.clear();
  if (parts_.size() < names.size()) parts_.resize(names.size());
  std::uint32_t seen = 0;  // bit per name
  ws();
  if (p_ >= end_ || *p_ != '{') return false;
  ++p_;
  ws();
  if (p_ < end_ && *p_ == '}') {
    ++p_;
  } else {
    for (;;) {
      Key k;
      if (!member_key(k)) return false;
      const auto name = key_view(k);
      std::size_t i = 0;
      while (i < names.size() && names[i] != name) ++i;
      if (i < names.size()) {
        if (seen & (1u << i)) return false;  // a repeated prompt member: Boost keeps the last
        seen |= 1u << i;
        parts_[i].clear();
        if (!value(&parts_[i], 1)) return false;
      } else if (!value(nullptr, 1)) {
        return false;
      }
      const auto next = after_value('}');
      if (next == Next::Bad) return false;
      if (next == Next::End) break;
    }
  }
  ws();
  if (p_ != end_) return false;
  out += '{';
  bool first = true;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!(seen & (1u << i))) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += names[i];
    out += "\":";
    out += parts_[i];
  }
  out += '}';
  return true;
}

}  // namespace

bool canonical_members(std::string_view json, std::span<const std::string_view> names,
                       std::string& out) {
  if (names.size() > 32) return false;
  thread_local Scanner scanner;
  return scanner.members(json, names, out);
}

}  // namespace sluice::core
