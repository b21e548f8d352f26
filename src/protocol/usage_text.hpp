#pragma once
// Text helpers shared by the usage probe (usage_probe.cpp) and the usage-chunk filter
// (usage_chunk_filter.cpp): JSON whitespace, taking a token, a memmem search, and the quick test
// for text that may carry a usage object.

#include <string.h>  // memmem (GNU)

#include <cstddef>
#include <string_view>

namespace sluice::protocol::usage_text {

constexpr bool is_json_ws(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

inline void skip_json_ws(std::string_view& s) {
  while (!s.empty() && is_json_ws(s[0])) s.remove_prefix(1);
}

/// Consumes optional whitespace and then `token` from the front of `s`; false if it is not there.
inline bool take(std::string_view& s, std::string_view token) {
  skip_json_ws(s);
  if (!s.starts_with(token)) return false;
  s.remove_prefix(token.size());
  return true;
}

// glibc's memmem (two-way, vectorised) rather than string_view::find, which calls memchr
// once per '"' in JSON full of quotes; this runs on every stream event.
inline std::size_t find_in(std::string_view hay, std::string_view needle, std::size_t from = 0) {
  if (from >= hay.size()) return std::string_view::npos;
  const void* at = ::memmem(hay.data() + from, hay.size() - from, needle.data(), needle.size());
  return at ? static_cast<std::size_t>(static_cast<const char*>(at) - hay.data())
            : std::string_view::npos;
}

/// False when `data` has no usage to read: no `"usage` key at all, or only `"usage":null`, which
/// OpenAI puts on every chunk of a stream that asked for usage (not parsing those keeps streams
/// cheap). A string value inside JSON cannot hold `"usage` unescaped, so every hit is a key.
bool may_carry_usage(std::string_view data);

}  // namespace sluice::protocol::usage_text
