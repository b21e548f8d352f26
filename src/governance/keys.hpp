#pragma once
// Virtual key secrets and the small grammars of `sluice keys create`: generating a key,
// hashing it for storage, model allowlist globs, "50/month" budgets and "30d" lifetimes.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/glob.hpp"

namespace sluice::governance {

constexpr std::string_view kKeyPrefix = "sk-sluice-";

/// A new secret: "sk-sluice-" + 43 base64url characters of 32 random bytes (OpenSSL RAND).
std::string generate_key();
/// A new key id: "key_" + 16 hex digits.
std::string generate_key_id();
/// Lower-case hex SHA-256 of `secret` (what the store keeps).
std::string hash_key(std::string_view secret);
/// Constant-time equality (CRYPTO_memcmp) of two secrets or hashes, so a comparison's timing
/// says nothing about where they differ; false on a length mismatch.
bool same_secret(std::string_view a, std::string_view b);
/// The part of a secret safe to display: its first 14 characters.
std::string display_prefix(std::string_view secret);

/// True when `model` is allowed by `allow` (empty: everything), each a core::glob_match pattern. A
/// "provider/model" name is also matched by its model part, so "claude-*" allows
/// "anthropic/claude-sonnet-4-5".
bool model_allowed(const std::vector<std::string>& allow, std::string_view model);

/// "30d", "12h", "90m", "45s", "2w" -> seconds; nullopt if malformed or zero.
std::optional<std::chrono::seconds> parse_lifetime(std::string_view text);

struct BudgetSpec {
  double usd = 0;
  std::string period;  // "month", "week", "day" or a lifetime ("7d")
};
/// "50/month", "10/day", "5.5/week", "100/7d", "$50/month" -> spec; nullopt if malformed.
std::optional<BudgetSpec> parse_budget(std::string_view text);

}  // namespace sluice::governance
