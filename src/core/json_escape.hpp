#pragma once
// JSON string escaping for writers that build JSON as text (faster than a boost::json tree):
// '"', '\\' and control characters escaped, the rest of UTF-8 as is, eight bytes at a time
// while nothing needs escaping.

#include <string>
#include <string_view>

namespace sluice::core {

/// Appends `s` JSON-escaped, without quotes.
void append_json_escaped(std::string& out, std::string_view s);
/// Appends `s` as a quoted JSON string.
void append_json_string(std::string& out, std::string_view s);

}  // namespace sluice::core
