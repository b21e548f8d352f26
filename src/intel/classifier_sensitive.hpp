#pragma once
// Sensitive zones: words and word pairs that mark auth, payments, cryptography, secrets, data
// (migrations, schema, deletion) and production infrastructure, matched against the words of an
// instruction and of the paths a request touches. The classifier sees the hits as features and
// the risk score adds them; the code graph's own zone patterns (issue 8, item 2) come later.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "intel/features.hpp"

namespace sluice::intel {

enum class Zone : std::uint8_t { Auth, Payments, Crypto, Secrets, Data, Infra };
inline constexpr std::size_t kZones = 6;

/// "auth", "payments", "crypto", "secrets", "data", "infra".
std::string_view zone_name(Zone z);

/// A bit per Zone.
using ZoneMask = std::uint8_t;
constexpr ZoneMask zone_bit(Zone z) {
  return static_cast<ZoneMask>(1u << static_cast<unsigned>(z));
}

/// Flags by 64-bit hash, for word lists looked up on the request path: open addressing with
/// linear probing over a power-of-two table, several times faster than std::unordered_map for
/// these small, read-only sets. Keys are hashes already (FNV-1a), so they are not hashed again.
class FlagTable {
 public:
  /// ORs `flags` into the entry for `key`.
  void add(std::uint64_t key, std::uint8_t flags);
  /// The flags of `key`, 0 when absent.
  std::uint8_t find(std::uint64_t key) const {
    if (slots_.empty()) return 0;
    for (std::size_t i = mix(key) & mask_;; i = (i + 1) & mask_) {
      if (slots_[i].flags == 0) return 0;
      if (slots_[i].key == key) return slots_[i].flags;
    }
  }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint8_t flags = 0;  // 0: empty (an entry always has a flag)
  };
  static std::size_t mix(std::uint64_t k) {
    return static_cast<std::size_t>((k ^ (k >> 31)) * 0x9e3779b97f4a7c15ull >> 20);
  }
  void grow();

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t used_ = 0;
};

struct SensitiveHits {
  ZoneMask instruction = 0;  // named in the latest instruction
  ZoneMask current = 0;      // a file this task names, reads or writes lies in it
  ZoneMask edited = 0;       // a file this task writes lies in it
  ZoneMask earlier = 0;      // a file only earlier turns touched lies in it
  ZoneMask tests = 0;        // a test file of this task is named after it
  /// The zones of this task (the instruction and its files), not of earlier turns.
  ZoneMask task() const { return instruction | current | edited; }
};

struct SensitiveTerm {
  std::string text;  // one word or two, lower case ("jwt", "drop table"); a plural also matches
  Zone zone = Zone::Auth;
};

class SensitiveTerms {
 public:
  /// The shipped list (docs/intel.md lists it).
  static const SensitiveTerms& defaults();
  static std::vector<SensitiveTerm> default_terms();

  explicit SensitiveTerms(const std::vector<SensitiveTerm>& terms);

  /// Zones named by `words` (lower case, in order, as words_of() returns them). A single-word
  /// term of seven letters or more also matches with one typo (a letter missing, extra, wrong or
  /// swapped) among the first kFuzzyWords words, so "psasword" still counts.
  ZoneMask match(std::span<const std::string_view> words) const;
  static constexpr std::size_t kFuzzyWords = 64;
  /// Zones a path lies in (its directory and file name words; `.env` files are secrets).
  ZoneMask match_path(std::string_view path) const;
  /// match_path() for a path already split by words_of().
  ZoneMask match_words_of_path(std::string_view path,
                               std::span<const std::string_view> words) const;

 private:
  ZoneMask fuzzy(std::string_view word) const;

  FlagTable singles_;  // by word hash
  FlagTable pairs_;    // by hash of "first second"
  FlagTable deletes_;  // long words with one letter deleted
};

/// The 64-bit FNV-1a hash of `s` continued from `h` (the classifier's feature hash too).
constexpr std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 14695981039346656037ull) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

/// The 32-bit FNV-1a hash of `s` (the model file's checksum).
constexpr std::uint32_t fnv1a32(std::string_view s) {
  std::uint32_t h = 2166136261u;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 16777619u;
  }
  return h;
}

}  // namespace sluice::intel
