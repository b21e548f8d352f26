#include "policy/json_span.hpp"

#include <boost/json/parse.hpp>

#include <array>
#include <string>

namespace sluice::policy::json {
namespace {

constexpr std::size_t npos = std::string_view::npos;

std::size_t skip_ws(std::string_view s, std::size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

/// Past the closing quote of the string opening at `i`. Strings are most of a prompt's bytes,
/// so this jumps from quote to quote (memchr) instead of stepping byte by byte.
std::size_t string_end(std::string_view s, std::size_t i) {
  for (++i;;) {
    const auto q = s.find('"', i);
    if (q == npos) return npos;
    std::size_t backslashes = 0;
    while (q - backslashes > i && s[q - backslashes - 1] == '\\') ++backslashes;
    if (backslashes % 2 == 0) return q + 1;
    i = q + 1;
  }
}

/// Past the value starting at `i` (which is not whitespace).
std::size_t value_end(std::string_view s, std::size_t i) {
  if (i >= s.size()) return npos;
  if (s[i] == '"') return string_end(s, i);
  if (s[i] == '{' || s[i] == '[') {
    // Only quotes and brackets matter inside a container; skip everything else in a tight loop.
    static constexpr auto kStructural = [] {
      std::array<bool, 256> t{};
      for (unsigned char c : {'"', '{', '}', '[', ']'}) t[c] = true;
      return t;
    }();
    int depth = 0;
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    while (i < s.size()) {
      while (i < s.size() && !kStructural[p[i]]) ++i;
      if (i == s.size()) break;
      const char c = s[i];
      if (c == '"') {
        i = string_end(s, i);
        if (i == npos) return npos;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return npos;
  }
  // A number or literal runs to the next delimiter.
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\n' &&
         s[i] != '\r' && s[i] != '\t') {
    ++i;
  }
  return i;
}

bool key_equals(std::string_view raw, std::string_view key) {
  if (raw.find('\\') == npos) return raw == key;
  boost::system::error_code ec;
  const auto v = boost::json::parse("\"" + std::string(raw) + "\"", ec);
  return !ec && v.is_string() && std::string_view(v.get_string()) == key;
}

}  // namespace

std::optional<Span> root(std::string_view text) {
  // The document is valid JSON (ingress checked it), so it ends where its last non-blank byte
  // does; walking it here would scan a large body once more.
  const auto b = skip_ws(text, 0);
  auto e = text.size();
  while (e > b && (text[e - 1] == ' ' || text[e - 1] == '\n' || text[e - 1] == '\r' ||
                   text[e - 1] == '\t')) {
    --e;
  }
  if (b == e) return std::nullopt;
  const char first = text[b], last = text[e - 1];
  if ((first == '{' && last != '}') || (first == '[' && last != ']')) return std::nullopt;
  return Span{b, e};
}

std::optional<Span> member(std::string_view s, Span object, std::string_view key) {
  if (kind(s, object) != '{') return std::nullopt;
  std::optional<Span> found;
  std::size_t i = skip_ws(s, object.begin + 1);
  while (i < object.end && s[i] == '"') {
    const auto key_end = string_end(s, i);
    if (key_end == npos) return std::nullopt;
    const auto raw = s.substr(i + 1, key_end - i - 2);
    i = skip_ws(s, key_end);
    if (i >= s.size() || s[i] != ':') return std::nullopt;
    i = skip_ws(s, i + 1);
    const auto end = value_end(s, i);
    if (end == npos) return std::nullopt;
    if (key_equals(raw, key)) found = Span{i, end};
    i = skip_ws(s, end);
    if (i < s.size() && s[i] == ',') i = skip_ws(s, i + 1);
  }
  return found;
}

std::vector<Span> elements(std::string_view s, Span array) {
  std::vector<Span> out;
  if (kind(s, array) != '[') return out;
  std::size_t i = skip_ws(s, array.begin + 1);
  while (i < array.end && s[i] != ']') {
    const auto end = value_end(s, i);
    if (end == npos) return {};
    out.push_back(Span{i, end});
    i = skip_ws(s, end);
    if (i < s.size() && s[i] == ',') i = skip_ws(s, i + 1);
  }
  return out;
}

std::optional<std::string_view> string_body(std::string_view s, Span v) {
  if (kind(s, v) != '"' || v.end < v.begin + 2) return std::nullopt;
  return s.substr(v.begin + 1, v.end - v.begin - 2);
}

}  // namespace sluice::policy::json
