#pragma once
// Shared by the detector families (detect_*.cpp): the compiled patterns and one scan's state.
// Internal to guard/.

#include <re2/re2.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "guard/classify.hpp"
#include "guard/detectors.hpp"

namespace sluice::guard {

struct Detectors::Patterns {
  Patterns();

  // Tokens, matched at the start of a run of token characters.
  RE2 aws, github, gitlab, slack, stripe, openai, anthropic, jwt, key_header, key_end;
  // Matched in short windows around digits, '+', '.' and '@'.
  RE2 email, ssn, card, nanp, intl_phone, iban, ipv4;
  // Generic secrets: the key's name, and values that are code rather than secrets.
  RE2 secret_name, code_name;
};

namespace detail {

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// One scan of one text. In JSON mode the text is a raw body, every class test treats escape
/// sequences as boundaries, and the scan stops at the first finding.
class Scan {
 public:
  Scan(std::string_view t, const ByteClasses& c, const DetectorSettings& s,
       const Detectors::Patterns& p, bool json_body, std::vector<Finding>& out)
      : text(t), classes(c), settings(s), re(p), json(json_body), out_(out) {}

  std::string_view text;
  const ByteClasses& classes;
  const DetectorSettings& settings;
  const Detectors::Patterns& re;
  const bool json;

  bool on(Kind k) const { return settings.enabled.test(static_cast<std::size_t>(k)); }
  bool stopped() const { return stopped_; }
  void add(Kind k, std::size_t begin, std::size_t end) {
    out_.push_back(Finding{id_of(k), begin, end});
    if (json) stopped_ = true;  // one finding is enough to send the body to the full scan
  }

  /// The byte at `pos`, or '\0' past either end.
  char at(std::size_t pos) const { return pos < text.size() ? text[pos] : '\0'; }
  bool escaped(std::size_t pos) const { return json && classes.has(ByteClasses::Escaped, pos); }
  /// ASCII letter or digit, not part of an escape sequence.
  bool alnum(std::size_t pos) const {
    const char c = at(pos);
    const bool yes = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return yes && !escaped(pos);
  }
  bool digit(std::size_t pos) const { return classes.has(ByteClasses::Digit, pos); }

  /// The match of `pattern` starting exactly at `pos` and ending by `limit`.
  std::optional<Span> match_at(const RE2& pattern, std::size_t pos, std::size_t limit) const {
    return search(pattern, pos, limit, RE2::ANCHOR_START);
  }
  /// The leftmost match of `pattern` in [from, to).
  std::optional<Span> find(const RE2& pattern, std::size_t from, std::size_t to) const {
    return search(pattern, from, to, RE2::UNANCHORED);
  }
  /// Whether `pattern` matches all of [begin, end).
  bool full(const RE2& pattern, std::size_t begin, std::size_t end) const;

 private:
  std::optional<Span> search(const RE2& pattern, std::size_t from, std::size_t to,
                             RE2::Anchor anchor) const;

  std::vector<Finding>& out_;
  bool stopped_ = false;
};

/// Calls f(position) for every set bit of `bits` (n words) in order, until f returns false.
template <class F>
void for_each_bit(const std::uint64_t* bits, std::size_t n, F&& f) {
  for (std::size_t w = 0; w < n; ++w) {
    for (std::uint64_t m = bits[w]; m != 0; m &= m - 1) {
      if (!f(w * 64 + static_cast<std::size_t>(__builtin_ctzll(m)))) return;
    }
  }
}

/// Tokens with a literal prefix (provider keys, JWTs, private-key headers).
void scan_tokens(Scan& scan);
/// Phone, credit card, IBAN, SSN and IPv4.
void scan_numbers(Scan& scan);
void scan_emails(Scan& scan);
void scan_generic_secrets(Scan& scan);

}  // namespace detail
}  // namespace sluice::guard
