#include "intel/graph/languages.hpp"

#include <array>

extern "C" {
const TSLanguage* tree_sitter_python();
const TSLanguage* tree_sitter_javascript();
const TSLanguage* tree_sitter_typescript();
const TSLanguage* tree_sitter_tsx();
const TSLanguage* tree_sitter_go();
const TSLanguage* tree_sitter_rust();
const TSLanguage* tree_sitter_java();
const TSLanguage* tree_sitter_c();
const TSLanguage* tree_sitter_cpp();
}

namespace sluice::intel::graph {
namespace {

constexpr std::array<std::string_view, kLangs> kNames{
    "python", "javascript", "typescript", "tsx", "go", "rust", "java", "c", "cpp"};

struct Extension {
  std::string_view ext;
  Lang lang;
};

// `.h` is absent: lang_for_path decides it.
constexpr std::array<Extension, 22> kExtensions{{
    {".py", Lang::Python},      {".pyi", Lang::Python},
    {".js", Lang::JavaScript},  {".mjs", Lang::JavaScript},
    {".cjs", Lang::JavaScript}, {".jsx", Lang::JavaScript},
    {".ts", Lang::TypeScript},  {".mts", Lang::TypeScript},
    {".cts", Lang::TypeScript}, {".tsx", Lang::Tsx},
    {".go", Lang::Go},          {".rs", Lang::Rust},
    {".java", Lang::Java},      {".c", Lang::C},
    {".cc", Lang::Cpp},         {".cpp", Lang::Cpp},
    {".cxx", Lang::Cpp},        {".c++", Lang::Cpp},
    {".hpp", Lang::Cpp},        {".hh", Lang::Cpp},
    {".hxx", Lang::Cpp},        {".ipp", Lang::Cpp},
}};

}  // namespace

std::string_view lang_name(Lang l) {
  return kNames[static_cast<std::size_t>(l)];
}

std::optional<Lang> lang_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kLangs; ++i) {
    if (kNames[i] == name) return static_cast<Lang>(i);
  }
  return std::nullopt;
}

std::optional<Lang> lang_for_path(std::string_view path, bool cpp_headers) {
  const auto slash = path.rfind('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return std::nullopt;
  const auto ext = name.substr(dot);
  if (ext == ".h") return cpp_headers ? Lang::Cpp : Lang::C;
  // Type declarations describe a module; they define nothing the graph links to.
  if (name.ends_with(".d.ts")) return std::nullopt;
  for (const auto& e : kExtensions) {
    if (e.ext == ext) return e.lang;
  }
  return std::nullopt;
}

const TSLanguage* ts_language(Lang l) {
  switch (l) {
    case Lang::Python:
      return tree_sitter_python();
    case Lang::JavaScript:
      return tree_sitter_javascript();
    case Lang::TypeScript:
      return tree_sitter_typescript();
    case Lang::Tsx:
      return tree_sitter_tsx();
    case Lang::Go:
      return tree_sitter_go();
    case Lang::Rust:
      return tree_sitter_rust();
    case Lang::Java:
      return tree_sitter_java();
    case Lang::C:
      return tree_sitter_c();
    case Lang::Cpp:
      return tree_sitter_cpp();
  }
  return tree_sitter_c();
}

}  // namespace sluice::intel::graph
