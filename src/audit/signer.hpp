#pragma once
// Ed25519 (libsodium) signatures over the audit chain. A checkpoint signs (seq, chain hash,
// time); whoever holds the public key can check an export without trusting the database or
// the machine it came from. The secret key is a 32-byte seed in a file only its owner may read,
// generated on first use.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "store/records.hpp"

namespace sluice::audit {

class Signer {
 public:
  /// Loads the seed (64 hex digits) from `path`, creating it (mode 0600, parent directories
  /// too) when it does not exist. The error names the file and the fix; never key material.
  static std::variant<Signer, std::string> load_or_create(const std::string& path);
  /// Loads only; for CLI commands that must not create a key as a side effect.
  static std::variant<Signer, std::string> load(const std::string& path);

  Signer(const Signer&) = default;
  ~Signer();

  /// Hex public key (64 digits).
  std::string public_key_hex() const;
  store::AuditCheckpoint sign(std::int64_t seq, const std::string& hash,
                              std::int64_t time_ms) const;

 private:
  Signer() = default;
  std::array<unsigned char, 32> public_{};
  std::array<unsigned char, 64> secret_{};
};

/// The bytes a checkpoint signs.
std::string checkpoint_message(std::int64_t seq, std::string_view hash, std::int64_t time_ms);

/// True when `c.signature` is `public_key_hex`'s signature of c's (seq, hash, time).
bool verify_checkpoint(const store::AuditCheckpoint& c, std::string_view public_key_hex);

/// Reads a public key file: 64 hex digits (what `sluice audit public-key` prints).
std::variant<std::string, std::string> read_public_key_file(const std::string& path);

}  // namespace sluice::audit
