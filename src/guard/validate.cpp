#include "guard/validate.hpp"

#include <array>
#include <cmath>

namespace sluice::guard {
namespace {

int digit(char c) {
  return c - '0';
}

/// The number formed by the first `n` digits (n <= 6).
int prefix(std::string_view digits, std::size_t n) {
  int v = 0;
  for (std::size_t i = 0; i < n && i < digits.size(); ++i) v = v * 10 + digit(digits[i]);
  return v;
}

struct Scheme {
  int lo, hi;            // inclusive range of the prefix
  std::size_t prefix;    // its number of digits
  std::size_t min, max;  // card number lengths
};

// Issuer ranges from the schemes' public IIN tables; Visa's 13/19-digit cards and Maestro's
// long tail are included, the obsolete and the tiny are not.
constexpr std::array<Scheme, 16> kSchemes{{
    {4, 4, 1, 13, 19},        // Visa (13, 16 and 19 checked below)
    {51, 55, 2, 16, 16},      // Mastercard
    {2221, 2720, 4, 16, 16},  // Mastercard 2-series
    {34, 34, 2, 15, 15},      // American Express
    {37, 37, 2, 15, 15},      // American Express
    {6011, 6011, 4, 16, 19},  // Discover
    {644, 649, 3, 16, 19},    // Discover
    {65, 65, 2, 16, 19},      // Discover
    {300, 305, 3, 14, 19},    // Diners Club
    {36, 36, 2, 14, 19},      // Diners Club
    {38, 39, 2, 14, 19},      // Diners Club
    {3528, 3589, 4, 16, 19},  // JCB
    {62, 62, 2, 16, 19},      // UnionPay
    {5018, 5020, 4, 13, 19},  // Maestro
    {5038, 5038, 4, 13, 19},  // Maestro
    {6759, 6763, 4, 13, 19},  // Maestro
}};

struct IbanCountry {
  char code[3];
  unsigned char length;
};

// The SWIFT IBAN registry's countries and their fixed lengths.
constexpr IbanCountry kIbanCountries[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27},
    {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24}, {"PL", 28},
    {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28},
    {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};

}  // namespace

bool luhn_ok(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = digit(*it);
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return !digits.empty() && sum % 10 == 0;
}

bool card_scheme_ok(std::string_view digits) {
  const auto n = digits.size();
  for (const auto& s : kSchemes) {
    const int p = prefix(digits, s.prefix);
    if (p < s.lo || p > s.hi || n < s.min || n > s.max) continue;
    if (s.lo == 4 && s.prefix == 1 && n != 13 && n != 16 && n != 19) continue;
    return true;
  }
  return false;
}

std::size_t iban_length(std::string_view country) {
  for (const auto& c : kIbanCountries) {
    if (country == std::string_view(c.code, 2)) return c.length;
  }
  return 0;
}

bool iban_checksum_ok(std::string_view iban) {
  if (iban.size() < 5) return false;
  // Rotate the country code and check digits to the end; letters count as 10..35.
  int rem = 0;
  for (std::size_t k = 0; k < iban.size(); ++k) {
    const char c = iban[(k + 4) % iban.size()];
    if (c >= '0' && c <= '9') {
      rem = (rem * 10 + digit(c)) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      rem = (rem * 100 + (c - 'A' + 10)) % 97;
    } else {
      return false;
    }
  }
  return rem == 1;
}

bool ssn_ok(std::string_view ssn) {
  if (ssn.size() != 11 || ssn[3] != '-' || ssn[6] != '-') return false;
  const int area = prefix(ssn, 3);
  const int group = prefix(ssn.substr(4), 2);
  const int serial = prefix(ssn.substr(7), 4);
  return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
}

bool ipv4_host_ok(std::string_view dotted) {
  std::array<int, 4> octet{};
  std::size_t i = 0;
  for (int k = 0; k < 4; ++k) {
    if (k > 0) {
      if (i >= dotted.size() || dotted[i] != '.') return false;
      ++i;
    }
    const std::size_t start = i;
    int v = 0;
    while (i < dotted.size() && dotted[i] >= '0' && dotted[i] <= '9' && i - start < 3) {
      v = v * 10 + digit(dotted[i++]);
    }
    if (i == start || v > 255) return false;
    if (i - start > 1 && dotted[start] == '0') return false;  // 010 is octal to some parsers
    octet[k] = v;
  }
  if (i != dotted.size()) return false;
  return octet[0] != 0 && octet[0] != 127 && octet[0] < 224 && octet[3] != 0;
}

double shannon_entropy(std::string_view s) {
  if (s.empty()) return 0;
  std::array<int, 256> count{};
  for (unsigned char c : s) ++count[c];
  double h = 0;
  const double n = static_cast<double>(s.size());
  for (int c : count) {
    if (c == 0) continue;
    const double p = c / n;
    h -= p * std::log2(p);
  }
  return h;
}

int alnum_classes(std::string_view s) {
  bool lower = false, upper = false, dig = false;
  for (char c : s) {
    lower = lower || (c >= 'a' && c <= 'z');
    upper = upper || (c >= 'A' && c <= 'Z');
    dig = dig || (c >= '0' && c <= '9');
  }
  return int{lower} + int{upper} + int{dig};
}

}  // namespace sluice::guard
