// The master key (from the environment or an owner-only file) and AES-256-GCM sealing of
// provider credentials with it. Errors name the source and the fix, never the key material.
#include "governance/credentials.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>

#include "core/text.hpp"

namespace sluice::governance {
namespace {

constexpr std::string_view kSealPrefix = "v1.";
constexpr std::size_t kNonceLen = 12;
constexpr std::size_t kTagLen = 16;

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
using Ctx = std::unique_ptr<EVP_CIPHER_CTX, CtxFree>;

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// Wipes a string that held key material before its memory is released.
struct Wipe {
  std::string& s;
  ~Wipe() { OPENSSL_cleanse(s.data(), s.size()); }
};

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string base64_encode(const unsigned char* p, std::size_t n) {
  std::string out(4 * ((n + 2) / 3) + 1, '\0');  // EVP_EncodeBlock adds a NUL
  const int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), p, static_cast<int>(n));
  out.resize(static_cast<std::size_t>(len));
  return out;
}

// Standard or URL-safe base64, padded or not. EVP_DecodeBlock wants padded standard input and
// counts the '=' padding as zero bytes in its result, so both are dealt with here.
std::optional<std::string> base64_decode(std::string_view in) {
  std::string text(in);
  Wipe wipe{text};
  while (!text.empty() && text.back() == '=') text.pop_back();
  if (text.size() % 4 == 1) return std::nullopt;
  for (auto& c : text) {
    if (c == '-') c = '+';
    if (c == '_') c = '/';
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '+' || c == '/';
    if (!ok) return std::nullopt;  // EVP_DecodeBlock would skip some whitespace silently
  }
  const std::size_t pad = (4 - text.size() % 4) % 4;
  text.append(pad, '=');
  std::string out(text.size() / 4 * 3, '\0');
  const int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()), bytes_of(text),
                                  static_cast<int>(text.size()));
  if (len < 0 || static_cast<std::size_t>(len) < pad) {
    OPENSSL_cleanse(out.data(), out.size());
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(len) - pad);
  return out;
}

std::optional<MasterKey> decode_key(std::string_view text) {
  text = core::trim(text);
  MasterKey key;
  if (text.size() == 64) {
    bool hex = true;
    for (std::size_t i = 0; i < 32 && hex; ++i) {
      const int hi = hex_digit(text[2 * i]), lo = hex_digit(text[2 * i + 1]);
      hex = hi >= 0 && lo >= 0;
      key.bytes[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    if (hex) return key;
    OPENSSL_cleanse(key.bytes.data(), key.bytes.size());
  }
  auto raw = base64_decode(text);
  if (!raw) return std::nullopt;
  Wipe wipe{*raw};
  if (raw->size() != key.bytes.size()) return std::nullopt;
  std::memcpy(key.bytes.data(), raw->data(), key.bytes.size());
  return key;
}

std::string errno_text(int err) {
  return std::strerror(err);
}

}  // namespace

std::variant<MasterKey, std::string> load_master_key(const std::string& key_file,
                                                     core::EnvLookup env) {
  if (env != nullptr) {
    if (auto value = env("SLUICE_MASTER_KEY"); value && !value->empty()) {
      Wipe wipe{*value};
      if (auto key = decode_key(*value)) return *key;
      return std::string("SLUICE_MASTER_KEY must be 64 hex digits or base64 of 32 bytes");
    }
  }
  if (key_file.empty()) {
    return std::string(
        "no master key: set SLUICE_MASTER_KEY to 64 hex digits (openssl rand -hex 32), or set "
        "store.master_key_file to a file holding them (`sluice providers add` creates one)");
  }
  struct stat st {};
  if (::stat(key_file.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) {
      return "master key file " + key_file +
             " does not exist: `sluice providers add` creates one, or create it with "
             "`(umask 077; openssl rand -hex 32 > " +
             key_file + ")`, or set SLUICE_MASTER_KEY";
    }
    return "cannot read master key file " + key_file + ": " + errno_text(err);
  }
  if (!S_ISREG(st.st_mode)) return "master key file " + key_file + " is not a regular file";
  // Checked before reading: a key others could read is already compromised, and saying so
  // beats quietly using it.
  if ((st.st_mode & 077) != 0) {
    return "master key file " + key_file + " is readable by group or others; chmod 600 it";
  }
  std::ifstream in(key_file, std::ios::binary);
  if (!in) return "cannot read master key file " + key_file + ": " + errno_text(errno);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Wipe wipe{content};
  if (auto key = decode_key(content)) return *key;
  return "master key file " + key_file + " must hold 64 hex digits or base64 of 32 bytes";
}

std::variant<MasterKey, std::string> create_master_key_file(const std::string& path) {
  MasterKey key;
  if (RAND_bytes(key.bytes.data(), static_cast<int>(key.bytes.size())) != 1) {
    return std::string("cannot generate a master key: OpenSSL RAND_bytes failed");
  }
  const std::filesystem::path p(path);
  if (p.has_parent_path()) {
    std::error_code ec;
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return "cannot create " + p.parent_path().string() + ": " + ec.message();
  }
  // O_EXCL: never replace a key, or every credential sealed under it is lost.
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int err = errno;
    if (err == EEXIST) return "master key file " + path + " already exists; not overwriting it";
    return "cannot create master key file " + path + ": " + errno_text(err);
  }
  std::string text;
  Wipe wipe{text};
  text.reserve(65);
  constexpr char kHex[] = "0123456789abcdef";
  for (const unsigned char b : key.bytes) {
    text.push_back(kHex[b >> 4]);
    text.push_back(kHex[b & 0xf]);
  }
  text.push_back('\n');
  std::size_t done = 0;
  while (done < text.size()) {
    const auto n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return "cannot write master key file " + path + ": " + errno_text(err);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int err = errno;
    ::unlink(path.c_str());
    return "cannot write master key file " + path + ": " + errno_text(err);
  }
  return key;
}

std::string seal(const MasterKey& key, std::string_view plaintext, std::string_view context) {
  std::string buf(kNonceLen + plaintext.size() + kTagLen, '\0');
  auto* out = reinterpret_cast<unsigned char*>(buf.data());
  if (RAND_bytes(out, static_cast<int>(kNonceLen)) != 1) {
    throw std::runtime_error("cannot seal: OpenSSL RAND_bytes failed");
  }
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx &&
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), out) == 1 &&
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes_of(context),
                        static_cast<int>(context.size())) == 1 &&
      EVP_EncryptUpdate(ctx.get(), out + kNonceLen, &len, bytes_of(plaintext),
                        static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx.get(), out + kNonceLen + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagLen),
                          out + kNonceLen + plaintext.size()) == 1;
  if (!ok) throw std::runtime_error("cannot seal: OpenSSL AES-256-GCM failed");
  return std::string(kSealPrefix) + base64_encode(out, buf.size());
}

std::optional<std::string> unseal(const MasterKey& key, std::string_view sealed,
                                  std::string_view context) {
  if (sealed.substr(0, kSealPrefix.size()) != kSealPrefix) return std::nullopt;
  sealed.remove_prefix(kSealPrefix.size());
  if (sealed.size() % 4 != 0) return std::nullopt;  // seal() always pads
  auto raw = base64_decode(sealed);
  if (!raw || raw->size() < kNonceLen + kTagLen) return std::nullopt;
  const auto* in = bytes_of(*raw);
  const std::size_t ct_len = raw->size() - kNonceLen - kTagLen;
  std::string plain(ct_len, '\0');
  auto* out = reinterpret_cast<unsigned char*>(plain.data());
  // The tag is set through a non-const pointer in OpenSSL's API, though it is only read.
  auto* tag = reinterpret_cast<unsigned char*>(raw->data() + kNonceLen + ct_len);
  Ctx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  const bool ok =
      ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.bytes.data(), in) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes_of(context),
                        static_cast<int>(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), out, &len, in + kNonceLen, static_cast<int>(ct_len)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagLen), tag) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), out + len, &len) > 0;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return std::nullopt;
  }
  return plain;
}

}  // namespace sluice::governance
