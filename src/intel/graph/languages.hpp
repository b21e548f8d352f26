#pragma once
// The languages the code graph parses, how a file's language is told from its name, and the
// compiled-in tree-sitter grammar of each (third_party/grammars, cmake/grammars.cmake).

#include <cstdint>
#include <optional>
#include <string_view>

struct TSLanguage;

namespace sluice::intel::graph {

enum class Lang : std::uint8_t { Python, JavaScript, TypeScript, Tsx, Go, Rust, Java, C, Cpp };
inline constexpr std::size_t kLangs = 9;

/// "python", "javascript", "typescript", "tsx", "go", "rust", "java", "c", "cpp": the names
/// stored in the database and printed by `sluice graph stats`.
std::string_view lang_name(Lang l);
std::optional<Lang> lang_from_name(std::string_view name);

/// The language of a file by its extension (`.h` counts as C++ when `cpp_headers`: a repository
/// with C++ sources writes its headers in C++), or nullopt for a file the graph does not parse.
std::optional<Lang> lang_for_path(std::string_view path, bool cpp_headers = false);

/// True for languages whose imports name files by path and so resolve alike (JS, TS, TSX).
constexpr bool is_js_family(Lang l) {
  return l == Lang::JavaScript || l == Lang::TypeScript || l == Lang::Tsx;
}
constexpr bool is_c_family(Lang l) {
  return l == Lang::C || l == Lang::Cpp;
}

/// The grammar; never null (every Lang is compiled in).
const TSLanguage* ts_language(Lang l);

}  // namespace sluice::intel::graph
