// Virtual key secrets (OpenSSL RAND and SHA-256) and the small text grammars that
// `sluice keys create` and the config share: model globs, budgets and lifetimes.
#include "governance/keys.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "core/sha256.hpp"
#include "core/text.hpp"
#include "governance/period.hpp"

namespace sluice::governance {
namespace {

constexpr char kHex[] = "0123456789abcdef";

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2, '\0');
  for (std::size_t i = 0; i < n; ++i) {
    out[2 * i] = kHex[p[i] >> 4];
    out[2 * i + 1] = kHex[p[i] & 0xf];
  }
  return out;
}

template <std::size_t N>
std::array<unsigned char, N> random_bytes() {
  std::array<unsigned char, N> b{};
  // A gateway that cannot get randomness must not mint secrets from anything weaker.
  if (RAND_bytes(b.data(), static_cast<int>(N)) != 1) {
    throw std::runtime_error("OpenSSL RAND_bytes failed");
  }
  return b;
}

}  // namespace

std::string generate_key() {
  auto bytes = random_bytes<32>();
  // EVP_EncodeBlock writes standard base64 with padding and a NUL: 44 + 1 for 32 bytes.
  std::array<unsigned char, 45> b64{};
  const int n = EVP_EncodeBlock(b64.data(), bytes.data(), static_cast<int>(bytes.size()));
  OPENSSL_cleanse(bytes.data(), bytes.size());
  std::string key(kKeyPrefix);
  for (int i = 0; i < n; ++i) {
    const char c = static_cast<char>(b64[static_cast<std::size_t>(i)]);
    if (c == '=') break;
    key.push_back(c == '+' ? '-' : c == '/' ? '_' : c);
  }
  OPENSSL_cleanse(b64.data(), b64.size());
  return key;
}

std::string generate_key_id() {
  const auto bytes = random_bytes<8>();
  return "key_" + to_hex(bytes.data(), bytes.size());
}

std::string hash_key(std::string_view secret) {
  return core::sha256_hex(secret);
}

bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string display_prefix(std::string_view secret) {
  return std::string(secret.substr(0, 14));
}

bool model_allowed(const std::vector<std::string>& allow, std::string_view model) {
  if (allow.empty()) return true;
  const auto slash = model.rfind('/');
  const std::string_view bare =
      slash == std::string_view::npos ? std::string_view{} : model.substr(slash + 1);
  for (const auto& pattern : allow) {
    if (core::glob_match(pattern, model)) return true;
    if (!bare.empty() && core::glob_match(pattern, bare)) return true;
  }
  return false;
}

std::optional<std::chrono::seconds> parse_lifetime(std::string_view text) {
  text = core::trim(text);
  if (text.size() < 2) return std::nullopt;
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's':
      unit = 1;
      break;
    case 'm':
      unit = 60;
      break;
    case 'h':
      unit = 3600;
      break;
    case 'd':
      unit = 86400;
      break;
    case 'w':
      unit = 7 * 86400;
      break;
    default:
      return std::nullopt;
  }
  const auto digits = text.substr(0, text.size() - 1);
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc{} || end != digits.data() + digits.size() || n <= 0) return std::nullopt;
  // Bounded so that milliseconds of the result still fit an int64 (periods use them).
  if (n > std::numeric_limits<std::int64_t>::max() / 1000 / unit) return std::nullopt;
  return std::chrono::seconds(n * unit);
}

std::optional<BudgetSpec> parse_budget(std::string_view text) {
  text = core::trim(text);
  if (!text.empty() && text.front() == '$') text.remove_prefix(1);
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  const auto amount = core::trim(text.substr(0, slash));
  // from_chars would take "1e3", "inf" and "nan"; budgets are plain decimals.
  if (amount.empty() || amount.find_first_not_of("0123456789.") != std::string_view::npos) {
    return std::nullopt;
  }
  double usd = 0;
  const auto [end, ec] = std::from_chars(amount.data(), amount.data() + amount.size(), usd);
  if (ec != std::errc{} || end != amount.data() + amount.size()) return std::nullopt;
  if (!std::isfinite(usd) || usd <= 0) return std::nullopt;
  const auto period = Period::parse(core::trim(text.substr(slash + 1)));
  if (!period) return std::nullopt;
  return BudgetSpec{usd, period->to_string()};
}

}  // namespace sluice::governance
