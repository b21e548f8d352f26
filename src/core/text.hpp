#pragma once
// Small string helpers shared by config, CLI, store and HTTP code: whitespace trimming and the
// comma lists people type (`--models 'claude-*, gpt-5*'`) and the store keeps.

#include <string>
#include <string_view>
#include <vector>

namespace sluice::core {

/// `s` without leading and trailing spaces, tabs, CRs and LFs.
std::string_view trim(std::string_view s);
/// Items joined with `sep`.
std::string join(const std::vector<std::string>& items, std::string_view sep);
/// "a, b,,c " -> {"a", "b", "c"}: split on commas, items trimmed, empty ones dropped.
std::vector<std::string> split_list(std::string_view csv);
/// The index of the first CR or LF in `s`, or npos. Two vectorised memchr scans: libstdc++'s
/// find_first_of("\r\n") calls memchr once per byte, which showed in per-request profiles.
std::size_t find_line_break(std::string_view s);

}  // namespace sluice::core
