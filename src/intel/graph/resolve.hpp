#pragma once
// From facts to a dependency graph: each file's imports resolved to files of the repository,
// and its references resolved to the symbols of the files it can see (those it imports, and in
// Go and Java the other files of its package). Pure and in memory; the indexer runs it over the
// whole repository after every (incremental) parse, so a new file also links the old ones.
//
// Edges point from the dependent to what it depends on: `app.py -> util.py` when app.py imports
// util. Kinds:
//   import  the file imports (includes, uses, requires) the other
//   ref     it uses a symbol of a file of its own package without importing it (Go, Java)
//   impl    a C/C++ header and the source file of the same name that includes it: whoever
//           includes the header depends on the implementation too (header -> source)

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "intel/graph/facts.hpp"
#include "intel/graph/languages.hpp"

namespace sluice::intel::graph {

enum class EdgeKind : std::uint8_t { Import, Ref, Impl };

/// "import", "ref", "impl".
std::string_view edge_kind_name(EdgeKind k);
std::optional<EdgeKind> edge_kind_from_name(std::string_view name);

struct SourceFile {
  std::string path;  // relative to the repository root, '/'-separated
  Lang lang = Lang::C;
  FileFacts facts;
};

struct GoModule {
  std::string dir;   // the folder holding go.mod, relative ("" at the root)
  std::string path;  // its module path: "example.com/shop"
};

struct RepoLayout {
  std::string root_name;  // the root folder's name: <boost/x.hpp> inside a repo named boost
  std::vector<GoModule> go_modules;
};

struct FileEdge {
  std::uint32_t src = 0, dst = 0;  // indices into the files
  EdgeKind kind = EdgeKind::Import;
  friend bool operator==(const FileEdge&, const FileEdge&) = default;
};

struct SymbolEdge {
  std::uint32_t src_file = 0;
  std::int32_t src_symbol = -1;  // index into src's symbols; -1 for file-level code
  std::uint32_t dst_file = 0;
  std::uint32_t dst_symbol = 0;  // index into dst's symbols
};

struct Resolution {
  std::vector<FileEdge> file_edges;  // sorted by (src, dst), one per pair
  std::vector<SymbolEdge> symbol_edges;
  std::size_t imports = 0;     // imports that had to resolve (not optional)
  std::size_t unresolved = 0;  // of those, how many name nothing in the repository (external)
};

Resolution resolve(std::span<const SourceFile> files, const RepoLayout& layout);

/// The module path a go.mod declares, or "" when it declares none.
std::string go_module_path(std::string_view go_mod);

}  // namespace sluice::intel::graph
