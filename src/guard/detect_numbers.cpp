// Numbers that are PII: phone numbers, credit cards, IBANs, US SSNs and IPv4 addresses. All but
// IPv4 contain a run of four digits (or, for international phones, a '+' and a digit); around
// each such run a window of number-like characters is cut, and only windows with enough digits
// for some kind see that kind's pattern. IPv4 starts from a '.' between digits.
#include <algorithm>
#include <array>
#include <string>

#include "guard/detect_internal.hpp"
#include "guard/validate.hpp"

namespace sluice::guard::detail {
namespace {

constexpr std::size_t kLeftReach = 48;   // an IBAN's first 4-digit group can sit 10+ bytes in
constexpr std::size_t kRightReach = 64;  // the longest grouped IBAN is 42 bytes
constexpr std::size_t kMinDigits = 7;    // fewer digits than any kind below needs

/// Characters a number-like run may contain: digits, IBAN letters, and separators.
constexpr std::array<bool, 256> kNumberChars = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ -.()+"))
    t[c] = true;
  return t;
}();

inline bool number_char(const Scan& scan, std::size_t pos) {
  return kNumberChars[static_cast<unsigned char>(scan.at(pos))] && !scan.escaped(pos);
}

/// Set bits of `row` in [begin, end).
std::size_t count_bits(const std::uint64_t* row, std::size_t begin, std::size_t end) {
  std::size_t n = 0;
  for (std::size_t w = begin / 64; w * 64 < end; ++w) {
    std::uint64_t m = row[w];
    if (w == begin / 64) m &= ~0ULL << (begin % 64);
    if ((w + 1) * 64 > end) m &= ~0ULL >> (63 - (end - 1) % 64);
    n += static_cast<std::size_t>(__builtin_popcountll(m));
  }
  return n;
}

std::string digits_of(std::string_view s) {
  std::string d;
  for (char c : s) {
    if (c >= '0' && c <= '9') d.push_back(c);
  }
  return d;
}

/// No letter or digit touches the span, nor a separator that continues the number.
bool isolated(const Scan& scan, Span m) {
  if (scan.alnum(m.begin - 1) || scan.at(m.begin - 1) == '_') return false;
  if ((scan.at(m.begin - 1) == '-' || scan.at(m.begin - 1) == '.') && scan.digit(m.begin - 2)) {
    return false;
  }
  if (scan.alnum(m.end) || scan.at(m.end) == '_') return false;
  const char next = scan.at(m.end);
  return !((next == '-' || next == '.' || next == ',') && scan.digit(m.end + 1));
}

/// Runs `check` on each match of `pattern` in [from, to). `check` returns whether the match was
/// a finding: if so the search resumes after it, else at the next number in the window (a
/// shorter number may hide behind a longer lookalike: "2024 4111 1111 1111 1111").
template <class Check>
void each_match(Scan& scan, const RE2& pattern, std::size_t from, std::size_t to, Check check) {
  while (from < to && !scan.stopped()) {
    const auto m = scan.find(pattern, from, to);
    if (!m) return;
    if (check(*m)) {
      from = m->end;
      continue;
    }
    from = m->begin + 1;
    while (from < to && scan.digit(from - 1) && scan.digit(from)) ++from;
  }
}

bool ssn(Scan& scan, Span m) {
  if (!isolated(scan, m) || !ssn_ok(scan.text.substr(m.begin, m.end - m.begin))) return false;
  scan.add(Kind::UsSsn, m.begin, m.end);
  return true;
}

bool card_at(Scan& scan, Span m) {
  if (!isolated(scan, m)) return false;
  const auto digits = digits_of(scan.text.substr(m.begin, m.end - m.begin));
  if (!card_scheme_ok(digits) || !luhn_ok(digits)) return false;
  scan.add(Kind::CreditCard, m.begin, m.end);
  return true;
}

bool card(Scan& scan, Span m) {
  if (card_at(scan, m)) return true;
  // "4111 1111 1111 1111 12": the optional short group may be the next number's.
  constexpr std::size_t kFourGroups = 19;
  const char sep = scan.at(m.begin + kFourGroups);
  if (m.end - m.begin > kFourGroups && (sep == ' ' || sep == '-')) {
    return card_at(scan, Span{m.begin, m.begin + kFourGroups});
  }
  return false;
}

bool nanp(Scan& scan, Span m) {
  if (!isolated(scan, m) || scan.at(m.begin - 1) == '+') return false;
  const auto digits = digits_of(scan.text.substr(m.begin, m.end - m.begin));
  const auto local = std::string_view(digits).substr(digits.size() - 10);
  // Area code and exchange never start with 0 or 1.
  if (local[0] < '2' || local[3] < '2') return false;
  scan.add(Kind::Phone, m.begin, m.end);
  return true;
}

bool intl_phone(Scan& scan, Span m) {
  // A trailing ')' or separator belongs to the prose, not the number.
  while (m.end > m.begin && !scan.digit(m.end - 1)) --m.end;
  if (!isolated(scan, m) || scan.alnum(m.begin - 1)) return false;
  const auto digits = digits_of(scan.text.substr(m.begin, m.end - m.begin));
  // E.164 allows 15 digits; fewer than 9 is a date or an offset ("+2024-01-15" has 8).
  if (digits.size() < 9 || digits.size() > 15) return false;
  scan.add(Kind::Phone, m.begin, m.end);
  return true;
}

bool iban(Scan& scan, Span m) {
  if (scan.alnum(m.begin - 1)) return false;
  const auto expected = iban_length(scan.text.substr(m.begin, 2));
  if (expected == 0) return false;
  // Take exactly the country's length (spaces skipped): the pattern may run into a following
  // upper-case word.
  std::string compact;
  std::size_t end = m.begin;
  while (end < m.end && compact.size() < expected) {
    if (scan.text[end] != ' ') compact.push_back(scan.text[end]);
    ++end;
  }
  if (compact.size() != expected || scan.alnum(end) || !iban_checksum_ok(compact)) return false;
  scan.add(Kind::Iban, m.begin, end);
  return true;
}

// Shapes each kind must contain somewhere in a window: cheap byte tests that keep RE2 (about
// 100 ns a call) away from dates, timestamps and upper-case words near numbers.
bool dig(char c) {
  return c >= '0' && c <= '9';
}
bool up(char c) {
  return c >= 'A' && c <= 'Z';
}
bool digits_at(std::string_view w, std::size_t i, std::size_t n) {
  if (i + n > w.size()) return false;
  for (std::size_t k = 0; k < n; ++k) {
    if (!dig(w[i + k])) return false;
  }
  return true;
}
/// AAA-GG-SSSS.
bool ssn_shape(std::string_view w) {
  for (std::size_t i = w.find('-'); i != std::string_view::npos; i = w.find('-', i + 1)) {
    if (i >= 3 && digits_at(w, i - 3, 3) && digits_at(w, i + 1, 2) && i + 3 < w.size() &&
        w[i + 3] == '-' && digits_at(w, i + 4, 4)) {
      return true;
    }
  }
  return false;
}
/// 13 to 19 digits joined by at most single spaces or dashes, starting with a digit some card
/// scheme starts with (2-6): rules out timestamps and most long integers.
bool card_shape(std::string_view w) {
  std::size_t run = 0;
  char first = 0;
  for (std::size_t i = 0; i <= w.size(); ++i) {
    const char c = i < w.size() ? w[i] : '\0';
    if (dig(c)) {
      if (run++ == 0) first = c;
      continue;
    }
    const bool joins = (c == ' ' || c == '-') && run > 0 && i + 1 < w.size() && dig(w[i + 1]);
    if (joins) continue;
    if (run >= 13 && first >= '2' && first <= '6') return true;
    run = 0;
  }
  return false;
}
/// A separator, 3 digits, a separator, 4 digits: "-555-0100", ") 555 0100", ".555.0100".
bool nanp_shape(std::string_view w) {
  const auto sep = [](char c) { return c == ' ' || c == '-' || c == '.' || c == ')'; };
  for (std::size_t i = 0; i + 9 <= w.size(); ++i) {
    if (sep(w[i]) && digits_at(w, i + 1, 3) && sep(w[i + 4]) && digits_at(w, i + 5, 4)) return true;
  }
  return false;
}
/// A country code and check digits at the start of a word: "DE89".
bool iban_shape(std::string_view w) {
  for (std::size_t i = 0; i + 4 <= w.size(); ++i) {
    if (up(w[i]) && up(w[i + 1]) && dig(w[i + 2]) && dig(w[i + 3]) &&
        (i == 0 || !(up(w[i - 1]) || dig(w[i - 1])))) {
      return true;
    }
  }
  return false;
}

void number_window(Scan& scan, std::size_t begin, std::size_t end) {
  const auto digits = count_bits(scan.classes.row(ByteClasses::Digit), begin, end);
  if (digits < kMinDigits) return;
  const auto window = scan.text.substr(begin, end - begin);
  if (scan.on(Kind::UsSsn) && digits >= 9 && ssn_shape(window)) {
    each_match(scan, scan.re.ssn, begin, end, [&](Span m) { return ssn(scan, m); });
  }
  if (scan.on(Kind::CreditCard) && digits >= 13 && card_shape(window)) {
    each_match(scan, scan.re.card, begin, end, [&](Span m) { return card(scan, m); });
  }
  if (scan.on(Kind::Phone) && digits >= 10 && nanp_shape(window)) {
    each_match(scan, scan.re.nanp, begin, end, [&](Span m) { return nanp(scan, m); });
  }
  if (scan.on(Kind::Phone) && window.find('+') != std::string_view::npos) {
    each_match(scan, scan.re.intl_phone, begin, end, [&](Span m) { return intl_phone(scan, m); });
  }
  if (scan.on(Kind::Iban) && iban_shape(window)) {
    each_match(scan, scan.re.iban, begin, end, [&](Span m) { return iban(scan, m); });
  }
}

/// Number-like windows around each 4-digit run and each '+' before a digit.
void scan_windows(Scan& scan) {
  const auto n = scan.classes.words();
  const std::uint64_t* digit = scan.classes.row(ByteClasses::Digit);
  const std::uint64_t* plus = scan.classes.row(ByteClasses::Plus);
  const bool phones = scan.on(Kind::Phone);
  std::size_t done = 0;
  for (std::size_t w = 0; w < n && !scan.stopped(); ++w) {
    std::uint64_t starts = run_starts(digit, w);
    if (starts != 0) starts &= runs_at_least<4>(digit, w);
    if (phones) starts |= plus[w] & ((digit[w] >> 1) | (digit[w + 1] << 63));
    for (; starts != 0 && !scan.stopped(); starts &= starts - 1) {
      const std::size_t pos = w * 64 + static_cast<std::size_t>(__builtin_ctzll(starts));
      if (pos < done) continue;
      std::size_t begin = pos;
      while (begin > 0 && pos - begin < kLeftReach && number_char(scan, begin - 1)) --begin;
      std::size_t end = pos;
      while (end < scan.text.size() && end - pos < kRightReach && number_char(scan, end)) ++end;
      number_window(scan, begin, end);
      // A window cut short by the reach limit overlaps the next one, so nothing straddles.
      done = number_char(scan, end) ? end - kLeftReach / 2 : end;
    }
  }
}

void scan_ipv4(Scan& scan) {
  const auto n = scan.classes.words();
  const std::uint64_t* digit = scan.classes.row(ByteClasses::Digit);
  const std::uint64_t* dot = scan.classes.row(ByteClasses::Dot);
  const auto ip_char = [&](std::size_t pos) {
    return scan.digit(pos) || scan.classes.has(ByteClasses::Dot, pos);
  };
  std::size_t done = 0;
  for (std::size_t w = 0; w < n && !scan.stopped(); ++w) {
    const std::uint64_t before = (digit[w] << 1) | (w > 0 ? digit[w - 1] >> 63 : 0);
    const std::uint64_t after = (digit[w] >> 1) | (digit[w + 1] << 63);
    for (std::uint64_t dots = dot[w] & before & after; dots != 0 && !scan.stopped();
         dots &= dots - 1) {
      const std::size_t pos = w * 64 + static_cast<std::size_t>(__builtin_ctzll(dots));
      if (pos < done) continue;
      std::size_t begin = pos;
      while (begin > 0 && pos - begin < 16 && ip_char(begin - 1)) --begin;
      std::size_t end = pos;
      while (end < scan.text.size() && end - pos < 16 && ip_char(end)) ++end;
      done = end;
      if (scan.at(end - 1) == '.') --end;  // "... at 10.1.2.3."
      if (scan.alnum(begin - 1) || scan.at(begin - 1) == '_' || scan.alnum(end) ||
          scan.at(end) == '_') {
        continue;
      }
      const auto cluster = scan.text.substr(begin, end - begin);
      if (std::count(cluster.begin(), cluster.end(), '.') != 3) continue;  // 1.2.3, 3.14
      if (!ipv4_host_ok(cluster) || !scan.full(scan.re.ipv4, begin, end)) {
        continue;
      }
      scan.add(Kind::IpAddress, begin, end);
    }
  }
}

}  // namespace

void scan_numbers(Scan& scan) {
  if (scan.on(Kind::Phone) || scan.on(Kind::CreditCard) || scan.on(Kind::Iban) ||
      scan.on(Kind::UsSsn)) {
    scan_windows(scan);
  }
  if (!scan.stopped() && scan.on(Kind::IpAddress)) scan_ipv4(scan);
}

}  // namespace sluice::guard::detail
