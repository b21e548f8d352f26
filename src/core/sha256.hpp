#pragma once
// SHA-256 through OpenSSL's EVP interface: one-shot for keys and config text, incremental for
// bytes that arrive in pieces (a streamed answer, an audit chain link).

#include <openssl/evp.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::core {

using Digest = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(std::string_view bytes);
  /// The digest of everything fed so far; the hasher starts over afterwards.
  Digest finish();

 private:
  EVP_MD_CTX* ctx_;
};

Digest sha256(std::string_view bytes);
/// Lower-case hex of the SHA-256 of `bytes` (64 characters).
std::string sha256_hex(std::string_view bytes);
std::string to_hex(const Digest& d);
/// Parses 64 hex digits; false if `hex` is anything else.
bool from_hex(std::string_view hex, Digest& out);

}  // namespace sluice::core
