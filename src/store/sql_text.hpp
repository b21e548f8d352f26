#pragma once
// SQL text the stores build from column lists: the lists are the one place a table's columns
// are spelled in C++, so statements and the binding code that follows them stay in step.
// Portable SQL (PostgreSQL spells all of it the same).

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace sluice::store::sql {

using Columns = std::span<const std::string_view>;

/// "a, b, c", or with a separator and a suffix per column: "a = ? AND b = ?".
inline std::string column_list(Columns cols, std::string_view sep = ", ",
                               std::string_view suffix = "") {
  std::string out;
  for (auto c : cols) {
    if (!out.empty()) out += sep;
    out += c;
    out += suffix;
  }
  return out;
}

/// "?, ?, ?": `n` parameters.
inline std::string placeholders(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += i ? ", ?" : "?";
  return out;
}

}  // namespace sluice::store::sql
