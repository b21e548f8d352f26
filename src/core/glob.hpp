#pragma once
// Shell-style globs for names people write in config and on the command line (model allowlists,
// the fake upstream's script rules): '*' any run, '?' one character, whole string,
// case-sensitive. Not regular expressions: nothing to escape, nothing to blow up.

#include <string_view>

namespace sluice::core {

/// Linear in practice: greedy with one backtrack point (the last '*'), so the worst case is
/// O(pattern * text), never exponential.
bool glob_match(std::string_view pattern, std::string_view text);

}  // namespace sluice::core
