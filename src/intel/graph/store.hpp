#pragma once
// The code graph's database (its own SQLite file, default <data dir>/graph.db): what was parsed
// per file (symbols, imports, references, with the file's SHA-256 so that an unchanged file is
// not parsed again) and the edges resolved from it for the whole repository.
//
//   repos(id, name, root, indexed_at, generation, imports, unresolved)
//   files(id, repo_id, path, lang, sha256, lines, bytes)          one row per source file
//   symbols(id, file_id, name, qualified, kind, line, end_line)   parsed facts, per file
//   imports(file_id, spec, line, optional)
//   refs(file_id, symbol_id, name, line)                          symbol_id: the enclosing one
//   edges(repo_id, src_file, dst_file, kind)                      resolved, per repository
//   symbol_edges(repo_id, src_file, src_symbol, dst_symbol)
//
// Deleting a file row deletes its facts (foreign keys); the resolved tables are rewritten as a
// whole by every index run. Errors are store::StoreError (the path and SQLite's message).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "intel/graph/facts.hpp"
#include "intel/graph/languages.hpp"
#include "intel/graph/resolve.hpp"

namespace sluice::store::sqlite {
class Db;
class Transaction;
}  // namespace sluice::store::sqlite

namespace sluice::intel::graph {

struct RepoRow {
  std::int64_t id = 0;
  std::string name;
  std::string root;             // absolute path indexed last
  std::int64_t indexed_at = 0;  // unix milliseconds
  std::int64_t generation = 0;  // +1 per index run: a loaded graph reloads when it changes
  std::int64_t imports = 0;     // imports that had to resolve
  std::int64_t unresolved = 0;  // of those, external or not found
};

struct StoredFile {
  std::int64_t id = 0;
  std::string path;
  Lang lang = Lang::C;
  std::string sha256;  // hex
};

/// A file's facts as stored, with the database ids of its symbols (in FileFacts order).
struct LoadedFile {
  std::int64_t id = 0;
  SourceFile source;
  std::vector<std::int64_t> symbol_ids;
};

/// What an in-memory graph is built from (graph.hpp): rows in id order.
struct GraphRows {
  struct File {
    std::int64_t id;
    std::string path;
    Lang lang;
    std::uint32_t lines;
  };
  struct Sym {
    std::int64_t id, file_id;
    std::string name, qualified;
    SymbolKind kind;
    std::uint32_t line;
  };
  struct Edge {
    std::int64_t src, dst;
    EdgeKind kind;
  };
  struct SymEdge {
    std::int64_t src_file, src_symbol /* 0: file level */, dst_symbol;
  };
  RepoRow repo;
  std::vector<File> files;
  std::vector<Sym> symbols;
  std::vector<Edge> edges;
  std::vector<SymEdge> symbol_edges;
};

class GraphStore {
 public:
  /// Opens (creating) the database; throws store::StoreError.
  explicit GraphStore(const std::string& path);
  ~GraphStore();
  GraphStore(const GraphStore&) = delete;
  GraphStore& operator=(const GraphStore&) = delete;

  const std::string& path() const;

  std::vector<RepoRow> repos();
  std::optional<RepoRow> find_repo(std::string_view name);
  /// The repository's id, creating it (or updating its root) as needed.
  std::int64_t put_repo(std::string_view name, std::string_view root);

  /// BEGIN IMMEDIATE ... COMMIT around an index run; rolled back unless commit() runs.
  std::unique_ptr<store::sqlite::Transaction> transaction();

  std::vector<StoredFile> files(std::int64_t repo);
  /// Replaces the file's row and facts (the old row, if any, goes with its facts).
  void put_file(std::int64_t repo, std::string_view path, Lang lang, std::string_view sha256,
                std::uint64_t bytes, const FileFacts& facts);
  void delete_file(std::int64_t file_id);

  std::vector<LoadedFile> load_facts(std::int64_t repo);
  /// Rewrites the repository's resolved edges (indices into `files`), bumps its generation and
  /// records the import counts.
  void put_resolution(std::int64_t repo, const std::vector<LoadedFile>& files, const Resolution& r,
                      std::int64_t now_ms);

  /// Everything an in-memory graph needs, read in one snapshot; nullopt for an unknown repo.
  std::optional<GraphRows> load_graph(std::string_view repo);
  /// The generation of `repo`, or -1 when it is not there: a cheap check before a reload.
  std::int64_t generation(std::string_view repo);

 private:
  struct Statements;  // prepared once: put_file runs once per changed file
  std::unique_ptr<store::sqlite::Db> db_;
  std::unique_ptr<Statements> stmts_;
};

/// The default database path: $SLUICE_GRAPH_DB, else <$SLUICE_DATA_DIR or ./sluice-data>/graph.db.
std::string default_graph_db();

}  // namespace sluice::intel::graph
