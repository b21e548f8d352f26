#pragma once
// Provider credentials at rest: sealed with AES-256-GCM (OpenSSL EVP) under a 256-bit master
// key that lives outside the database, in SLUICE_MASTER_KEY or a file only its owner can read.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/config.hpp"

namespace sluice::governance {

struct MasterKey {
  std::array<unsigned char, 32> bytes{};
};

/// SLUICE_MASTER_KEY (64 hex digits, or base64 of 32 bytes) if set, else the file at
/// `key_file` (same encodings, surrounding whitespace ignored), which is refused when group or
/// others may read it. The error says which source failed and how to fix it; it never
/// contains key material.
std::variant<MasterKey, std::string> load_master_key(const std::string& key_file,
                                                     core::EnvLookup env = core::real_env);
/// Generates a key and writes it (hex) to `path` with mode 0600, creating parent directories.
/// Fails if the file exists.
std::variant<MasterKey, std::string> create_master_key_file(const std::string& path);

/// "v1." + base64(nonce(12) || ciphertext || tag(16)). `context` (the provider's name) is
/// authenticated data: a sealed key copied to another provider's row does not open.
std::string seal(const MasterKey& key, std::string_view plaintext, std::string_view context);
/// nullopt when the key is wrong, the context differs, or the text was altered.
std::optional<std::string> unseal(const MasterKey& key, std::string_view sealed,
                                  std::string_view context);

}  // namespace sluice::governance
