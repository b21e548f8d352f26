#pragma once
// The built-in detectors: PII (email, phone, credit card, IBAN, US SSN, IPv4) and secrets
// (provider tokens, private keys, JWTs, generic high-entropy assignments). Each is a few RE2
// patterns compiled once at start-up, run only where the byte-class bitmaps (classify.hpp)
// say a match can begin, and followed by a check no pattern can express (Luhn, mod 97, SSN
// ranges, entropy). Immutable after construction, so one instance serves every thread.
//
// What counts as a finding (decisions a reader of the config needs):
// - IP addresses: IPv4 only (IPv6 is not detected). Loopback, 0.0.0.0/8, multicast/reserved
//   and network addresses (last octet 0) are not findings, so `127.0.0.1`, `0.0.0.0` and
//   version strings like `1.0.0.0` in code stay quiet; any other host address is one.
// - Email: addresses at the reserved example domains (example.com/.net/.org, *.example,
//   *.test, *.invalid, *.localhost, *.local) are not findings; nor is an SCP-style git remote
//   (`git@host:org/repo`).
// - Phone: NANP numbers need separators ("415-555-0100", "(415) 555 0100"); international
//   ones need a leading '+' and 9 to 15 digits. Plain long integers never match.
// - Credit cards: 13-19 digits, contiguous or in the usual 4-4-4-4 / 4-6-5 groups, with a
//   card scheme's prefix and length and a valid Luhn sum.
// - Generic secrets: a key whose name ends in a secret word (api_key, secret, token,
//   password, passwd, pwd, credentials, ...) assigned with '=' or ':' a value of at least
//   `min_length` bytes and `min_entropy` bits per byte that contains a digit or symbol and is
//   not a placeholder, an ${ENV} reference, a function call or a dotted code name. Only the
//   value is the finding's span.
// - Tokens need a boundary on both sides and, for random-bodied ones (GitHub, GitLab, Stripe,
//   OpenAI, Anthropic), at least two of lower case, upper case and digits. AWS key ids ending
//   in EXAMPLE (AWS's documentation) are placeholders.
// - Private keys: the span runs from the BEGIN line through the END line, or through the
//   base64 body that follows when no END line is in reach.

#include <bitset>
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "guard/kinds.hpp"

namespace sluice::guard {

struct DetectorSettings {
  std::bitset<kBuiltinKinds> enabled;  // kinds to look for
  std::size_t generic_min_length = 12;
  double generic_min_entropy = 3.0;
};

class Detectors {
 public:
  /// The process-wide instance (patterns compiled on first use).
  static const Detectors& instance();

  /// Appends the findings of the enabled kinds in `text` to `out` (unordered; overlaps are
  /// resolved by the caller).
  void scan(std::string_view text, const DetectorSettings& settings,
            std::vector<Finding>& out) const;

  /// Whether a raw JSON body may hold a finding in one of its decoded strings. False means
  /// certainly not (the body needs no decoding); true means decode and scan the strings.
  /// Escape sequences act as the characters they stand for would at a match's edges.
  bool json_may_match(std::string_view body, const DetectorSettings& settings) const;

  struct Patterns;  // the compiled RE2 objects (detect_internal.hpp)

  Detectors();
  ~Detectors();
  Detectors(const Detectors&) = delete;
  Detectors& operator=(const Detectors&) = delete;

 private:
  std::unique_ptr<const Patterns> patterns_;
};

}  // namespace sluice::guard
