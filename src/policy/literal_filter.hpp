#pragma once
// Finds which of a set of literal strings occur in a text, ASCII case-insensitively, in one
// pass. It is the string matcher RE2's FilteredRE2 leaves to its caller: the atoms it returns
// are lowercased literals, and a regex can only match a text containing the right atoms.
//
// The pass hashes every 3-byte window (ASCII letters folded to lower case by OR-ing 0x20, which
// also folds some punctuation pairs together: harmless, as every candidate is verified) into
// a 64 Kbit bitmap that fits in L1, and verifies a window only when its bit is set. Those loads
// are independent of each other, unlike a DFA's (RE2's, Aho-Corasick's), which must finish one
// byte's transition before starting the next's.
//
// Atoms this cannot look for (shorter than 3 bytes, or with a non-ASCII byte, whose lower case
// is Unicode's, not ASCII's) are reported present in every text: the filter may only err
// towards running a regex.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::policy {

class LiteralFilter {
 public:
  explicit LiteralFilter(std::vector<std::string> atoms);

  /// Ids (indices into the constructor's atoms) of the atoms found in `text`, each once,
  /// in no particular order.
  void find(std::string_view text, std::vector<int>& found) const;

  std::size_t size() const { return atoms_.size(); }

 private:
  bool verify(std::string_view text, std::size_t at, int atom) const;

  std::vector<std::string> atoms_;
  std::vector<int> always_;                           // reported without looking
  std::vector<std::uint64_t> bitmap_;                 // by window hash
  std::vector<std::pair<std::uint16_t, int>> heads_;  // (window hash, atom id), sorted
};

}  // namespace sluice::policy
