#pragma once
// The code graph of one repository in memory, read-only once built: files and symbols with
// their dependency edges as compact adjacency arrays (CSR) in both directions. Built from the
// database (store.hpp) and shared by every request through a shared_ptr; a reload builds a new
// one (registry.hpp). Lookups allocate little: the blast radius walks with thread-local scratch.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "intel/classifier_risk.hpp"
#include "intel/features.hpp"
#include "intel/graph/store.hpp"
#include "intel/graph/zones.hpp"

namespace sluice::intel::graph {

struct Bounds {
  std::uint32_t max_depth = 8;           // levels of dependencies followed
  std::uint32_t max_dependents = 10000;  // files counted before the walk stops
};

/// A file reached by a dependency walk.
struct DepEntry {
  std::uint32_t file = 0;
  std::uint32_t depth = 0;           // 1: a direct dependency (or dependent)
  EdgeKind kind = EdgeKind::Import;  // of the edge it was first reached by
  std::vector<std::uint32_t> via;    // symbol walks, depth 1: the symbols in this file that use
                                     // (reverse) or are used by (forward) the start symbols
};

struct DepsResult {
  std::vector<DepEntry> files;  // by depth, then path
  bool truncated = false;       // stopped at Bounds::max_dependents
};

/// What the blast radius found, with the BlastRadius the risk score reads.
struct BlastReport {
  BlastRadius radius;
  std::uint32_t files_matched = 0;    // touched paths found in the graph
  std::uint32_t symbols_matched = 0;  // touched symbol names found (definitions)
  ZoneMask zones = 0;                 // of the touched files and symbols
  bool truncated = false;             // dependents stopped at the bound
};

class CodeGraph {
 public:
  struct File {
    std::string path;
    Lang lang = Lang::C;
    std::uint32_t lines = 0;
    ZoneMask zones = 0;
  };
  struct Symbol {
    std::string name, qualified;
    std::uint32_t file = 0;
    SymbolKind kind = SymbolKind::Function;
    std::uint32_t line = 0;
    ZoneMask zones = 0;
  };

  /// Builds the graph from a repository's rows (edges to unknown ids are dropped).
  static std::shared_ptr<const CodeGraph> build(GraphRows rows,
                                                SensitiveZones zones = SensitiveZones());

  const RepoRow& repo() const { return repo_; }
  std::span<const File> files() const { return files_; }
  std::span<const Symbol> symbols() const { return symbols_; }
  std::size_t edge_count() const { return fwd_.targets.size(); }
  std::size_t symbol_edge_count() const { return symbol_edges_; }
  std::size_t edge_count(EdgeKind k) const { return kind_counts_[static_cast<std::size_t>(k)]; }

  /// Direct edges of a file: what it depends on, and what depends on it.
  std::span<const std::uint32_t> dependencies(std::uint32_t file) const { return fwd_.of(file); }
  std::span<const std::uint32_t> dependents(std::uint32_t file) const { return rev_.of(file); }

  /// A file by path: repository-relative, "./"-prefixed, absolute under the indexed root, or
  /// longer or shorter than the stored path as long as exactly one file ends with it
  /// ("/home/dev/shop/src/api/orders.ts", "api/orders.ts").
  std::optional<std::uint32_t> find_file(std::string_view path) const;
  /// Symbols by qualified name ("User.login", "Foo::bar") or, failing that, by name.
  std::span<const std::uint32_t> find_symbols(std::string_view name) const;

  /// Files `file` depends on (or, `reverse`, that depend on it), breadth first.
  DepsResult deps_of_file(std::uint32_t file, bool reverse, Bounds b) const;
  /// The same for symbols: depth 1 is the files whose code uses them (reverse) or that define
  /// what they use (forward); from there the walk goes by files.
  DepsResult deps_of_symbols(std::span<const std::uint32_t> symbols, bool reverse, Bounds b) const;

  /// Transitive reverse dependents of the touched files and symbols, bounded: dependents counts
  /// the files reached (the touched ones excluded), fan_in those at depth 1, sensitive_zone
  /// whether a touched file or symbol (or a touched path the graph does not know) lies in a
  /// zone. A symbol's dependents are the files that use it, not every file importing its file.
  BlastReport blast_radius(std::span<const std::string> paths, std::span<const std::string> symbols,
                           Bounds b) const;
  /// For a request: the files it edits (else those of its current task, else all it names)
  /// and the symbols it names.
  BlastReport blast_radius(const RequestSignals& signals, Bounds b) const;

 private:
  struct Csr {
    std::vector<std::uint32_t> offsets;  // size n + 1
    std::vector<std::uint32_t> targets;
    std::span<const std::uint32_t> of(std::uint32_t i) const {
      return {targets.data() + offsets[i], targets.data() + offsets[i + 1]};
    }
  };
  static Csr make_csr(std::size_t n, std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs);
  std::optional<std::uint32_t> lookup(std::string_view rel) const;

  RepoRow repo_;
  SensitiveZones zones_;
  std::vector<File> files_;
  std::vector<Symbol> symbols_;
  Csr fwd_, rev_;                    // file -> files it depends on / that depend on it
  std::vector<EdgeKind> fwd_kinds_;  // parallel to fwd_.targets
  std::vector<EdgeKind> rev_kinds_;  // parallel to rev_.targets
  Csr sym_users_;                    // symbol -> files whose code uses it
  Csr sym_user_symbols_;             // symbol -> symbols that use it
  Csr sym_uses_;                     // symbol -> symbols it uses
  std::size_t symbol_edges_ = 0;
  std::array<std::size_t, 3> kind_counts_{};
  std::unordered_map<std::string_view, std::uint32_t> by_path_;
  std::unordered_map<std::string_view, std::int64_t> by_suffix_;  // -1: ambiguous
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_name_, by_qualified_;
};

using CodeGraphPtr = std::shared_ptr<const CodeGraph>;

}  // namespace sluice::intel::graph
