#pragma once
// Checks a regular expression cannot express: checksums (Luhn, ISO 7064 mod 97), number
// ranges (SSN areas, IPv4 octets), issuer prefixes and the randomness of a secret. Each takes
// the text a detector matched and says whether it really is what it looks like.

#include <cstddef>
#include <string_view>

namespace sluice::guard {

/// The Luhn checksum over `digits` (ASCII digits only).
bool luhn_ok(std::string_view digits);

/// True when `digits` (ASCII digits only) has the prefix and length of a known card scheme
/// (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro). Long integers that
/// happen to pass Luhn (timestamps, ids) mostly fail this.
bool card_scheme_ok(std::string_view digits);

/// The IBAN length registered for a two-letter country code; 0 for a country without IBANs.
std::size_t iban_length(std::string_view country);

/// ISO 7064 mod 97-10 over a compact IBAN (no spaces, upper case): the remainder must be 1.
bool iban_checksum_ok(std::string_view iban);

/// A US SSN "AAA-GG-SSSS" (exactly that shape) outside the never-issued ranges: area 000, 666
/// and 900-999, group 00, serial 0000.
bool ssn_ok(std::string_view ssn);

/// A dotted-quad IPv4 address with every octet in 0..255 that names a host: not 0.0.0.0/8,
/// loopback 127/8, multicast or reserved (224 and above), nor a network address (last octet 0,
/// which also rules out version strings such as 1.0.0.0).
bool ipv4_host_ok(std::string_view dotted);

/// Shannon entropy of the bytes of `s`, in bits per byte.
double shannon_entropy(std::string_view s);

/// How many of lower case, upper case and digits occur in `s`.
int alnum_classes(std::string_view s);

}  // namespace sluice::guard
