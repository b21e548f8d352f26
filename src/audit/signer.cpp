#include "audit/signer.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.hpp"

namespace sluice::audit {
namespace {

bool sodium_ready() {
  static const bool ok = sodium_init() >= 0;
  return ok;
}

std::string hex_of(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.resize(n * 2);
  return out;
}

template <std::size_t N>
bool unhex(std::string_view hex, std::array<unsigned char, N>& out) {
  if (hex.size() != 2 * N) return false;
  std::size_t len = 0;
  return sodium_hex2bin(out.data(), N, hex.data(), hex.size(), nullptr, &len, nullptr) == 0 &&
         len == N;
}

std::variant<std::string, std::string> read_small_file(const std::string& path, bool secret) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return std::variant<std::string, std::string>(std::in_place_index<1>,
                                                  path + ": " + std::strerror(errno));
  }
  if (secret && (st.st_mode & 077) != 0) {
    return std::variant<std::string, std::string>(
        std::in_place_index<1>, "audit signing key " + path +
                                    " may be read by group or others; fix with chmod 600 " + path);
  }
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return std::variant<std::string, std::string>(std::in_place_index<0>,
                                                std::string(core::trim(ss.str())));
}

}  // namespace

Signer::~Signer() {
  sodium_memzero(secret_.data(), secret_.size());
}

std::variant<Signer, std::string> Signer::load(const std::string& path) {
  if (!sodium_ready()) return std::string("libsodium failed to initialise");
  auto text = read_small_file(path, true);
  if (text.index() == 1) return std::get<1>(text);
  std::array<unsigned char, 32> seed{};
  if (!unhex(std::get<0>(text), seed)) {
    return "audit signing key " + path + " must hold 64 hex digits (an Ed25519 seed)";
  }
  Signer s;
  crypto_sign_seed_keypair(s.public_.data(), s.secret_.data(), seed.data());
  sodium_memzero(seed.data(), seed.size());
  return s;
}

std::variant<Signer, std::string> Signer::load_or_create(const std::string& path) {
  if (!sodium_ready()) return std::string("libsodium failed to initialise");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    const auto parent = std::filesystem::path(path).parent_path();
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    std::array<unsigned char, 32> seed{};
    randombytes_buf(seed.data(), seed.size());
    const auto hex = hex_of(seed.data(), seed.size()) + "\n";
    sodium_memzero(seed.data(), seed.size());
    const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return "cannot create audit signing key " + path + ": " + std::strerror(errno);
    }
    if (fd >= 0) {  // EEXIST: another process created it first; load theirs
      const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
      ::close(fd);
      if (!ok) return "cannot write audit signing key " + path;
    }
  }
  return load(path);
}

std::string Signer::public_key_hex() const {
  return hex_of(public_.data(), public_.size());
}

std::string checkpoint_message(std::int64_t seq, std::string_view hash, std::int64_t time_ms) {
  return "sluice-audit-checkpoint/v1\n" + std::to_string(seq) + "\n" + std::string(hash) + "\n" +
         std::to_string(time_ms);
}

store::AuditCheckpoint Signer::sign(std::int64_t seq, const std::string& hash,
                                    std::int64_t time_ms) const {
  const auto msg = checkpoint_message(seq, hash, time_ms);
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(msg.data()),
                       msg.size(), secret_.data());
  return {seq, hash, time_ms, public_key_hex(), hex_of(sig.data(), sig.size())};
}

bool verify_checkpoint(const store::AuditCheckpoint& c, std::string_view public_key_hex) {
  if (!sodium_ready()) return false;
  std::array<unsigned char, 32> pk{};
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  if (!unhex(public_key_hex, pk) || !unhex(c.signature, sig)) return false;
  const auto msg = checkpoint_message(c.seq, c.hash, c.time_ms);
  return crypto_sign_verify_detached(sig.data(), reinterpret_cast<const unsigned char*>(msg.data()),
                                     msg.size(), pk.data()) == 0;
}

std::variant<std::string, std::string> read_public_key_file(const std::string& path) {
  auto text = read_small_file(path, false);
  if (text.index() == 1) return text;
  std::array<unsigned char, 32> pk{};
  if (!unhex(std::get<0>(text), pk)) {
    return std::variant<std::string, std::string>(
        std::in_place_index<1>, path + " must hold an Ed25519 public key as 64 hex digits");
  }
  return text;
}

}  // namespace sluice::audit
