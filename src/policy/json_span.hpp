#pragma once
// Byte spans of values inside a JSON text, so a body can be edited by splicing new bytes in
// while every other byte stays as the client sent it (prompt caches key on exact prefixes, and
// passthrough promises untouched bodies). The text must be valid JSON (ingress checked it); on
// anything else the functions answer "not found" rather than read out of bounds.

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace sluice::policy::json {

/// [begin, end) of one value, quotes and brackets included.
struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

/// The document's top-level value (the text must be one valid JSON document).
std::optional<Span> root(std::string_view text);
/// The value of `key` in the object at `object` (the last one, when a key repeats, as most
/// servers read it); nullopt when absent or when `object` is not an object.
std::optional<Span> member(std::string_view text, Span object, std::string_view key);
/// The elements of the array at `array`; empty when it has none or is not an array.
std::vector<Span> elements(std::string_view text, Span array);
/// The contents of a string value (between its quotes, escapes not decoded); nullopt for
/// other values.
std::optional<std::string_view> string_body(std::string_view text, Span value);
inline char kind(std::string_view text, Span v) {
  return v.begin < text.size() ? text[v.begin] : '\0';
}

}  // namespace sluice::policy::json
