#pragma once
// What the code graph learns from one source file: the symbols it defines, the modules it
// imports (as written, resolved to files later against the whole repository) and the names it
// uses that may be symbols of other files. Plain data: stored per file, so that re-indexing
// re-parses only changed files and still resolves everything against the current repository.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::intel::graph {

enum class SymbolKind : std::uint8_t { Function, Class, Method };

/// "function", "class", "method".
std::string_view symbol_kind_name(SymbolKind k);
std::optional<SymbolKind> symbol_kind_from_name(std::string_view name);

struct Symbol {
  std::string name;       // as written: "login"
  std::string qualified;  // with its enclosing classes and functions: "User.login"
  SymbolKind kind = SymbolKind::Function;
  std::uint32_t line = 0;  // 1-based, where the definition starts
  std::uint32_t end_line = 0;
};

/// An import as written, in a per-language form the resolver reads:
///   python      "pkg.mod", ".mod", "..pkg.mod" (relative), a from-import's names as optional
///               "base.name" entries (the name may be a submodule)
///   js/ts/tsx   the specifier: "./util", "../lib/index.js", "react"
///   go          the import path: "example.com/m/util"
///   rust        "mod:name" for `mod name;`, "use:crate::a::b" per path of a use tree
///   java        "com.acme.util.Strings", "com.acme.util.*" (a static import without its member)
///   c/c++       "\"util/str.h" for #include "util/str.h", "<vector" for #include <vector>
struct Import {
  std::string spec;
  std::uint32_t line = 0;
  bool optional = false;  // resolve if possible, never counted as unresolved
};

/// A name used in a call, a type position, `new`, inheritance or JSX; resolved later against the
/// symbols of the files this file can see.
struct Reference {
  std::string name;
  std::int32_t from = -1;  // index of the innermost enclosing Symbol, -1 at file level
  std::uint32_t line = 0;
};

struct FileFacts {
  std::vector<Symbol> symbols;  // in source order
  std::vector<Import> imports;
  std::vector<Reference> refs;  // one per (from, name), first use
  std::uint32_t lines = 0;
  bool timed_out = false;  // the parser gave up; the facts are empty
};

}  // namespace sluice::intel::graph
