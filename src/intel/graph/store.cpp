#include "intel/graph/store.hpp"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <unordered_map>

#include "store/sqlite_db.hpp"

namespace sluice::intel::graph {
namespace {

using store::sqlite::Db;
using store::sqlite::Stmt;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS graph_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO graph_meta(key, value) VALUES('schema', '1');
CREATE TABLE IF NOT EXISTS repos(
  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, root TEXT NOT NULL,
  indexed_at INTEGER NOT NULL DEFAULT 0, generation INTEGER NOT NULL DEFAULT 0,
  imports INTEGER NOT NULL DEFAULT 0, unresolved INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS files(
  id INTEGER PRIMARY KEY, repo_id INTEGER NOT NULL REFERENCES repos(id) ON DELETE CASCADE,
  path TEXT NOT NULL, lang TEXT NOT NULL, sha256 TEXT NOT NULL, lines INTEGER NOT NULL,
  bytes INTEGER NOT NULL, UNIQUE(repo_id, path));
CREATE TABLE IF NOT EXISTS symbols(
  id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
  name TEXT NOT NULL, qualified TEXT NOT NULL, kind TEXT NOT NULL, line INTEGER NOT NULL,
  end_line INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS symbols_file ON symbols(file_id);
CREATE TABLE IF NOT EXISTS imports(
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE, spec TEXT NOT NULL,
  line INTEGER NOT NULL, optional INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS imports_file ON imports(file_id);
CREATE TABLE IF NOT EXISTS refs(
  file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE, symbol_id INTEGER,
  name TEXT NOT NULL, line INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS refs_file ON refs(file_id);
CREATE TABLE IF NOT EXISTS edges(
  repo_id INTEGER NOT NULL, src_file INTEGER NOT NULL, dst_file INTEGER NOT NULL,
  kind TEXT NOT NULL, PRIMARY KEY(src_file, dst_file)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS edges_repo ON edges(repo_id);
CREATE TABLE IF NOT EXISTS symbol_edges(
  repo_id INTEGER NOT NULL, src_file INTEGER NOT NULL, src_symbol INTEGER NOT NULL,
  dst_symbol INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS symbol_edges_repo ON symbol_edges(repo_id);
)sql";

// The resolved tables carry no foreign keys: they are rewritten whole after the files change,
// and cascading deletes into them would cost an index per column for nothing.

RepoRow repo_row(Stmt& s) {
  return {s.int64(0), s.text(1), s.text(2), s.int64(3), s.int64(4), s.int64(5), s.int64(6)};
}

constexpr const char* kRepoColumns =
    "SELECT id, name, root, indexed_at, generation, imports, unresolved FROM repos";

Lang lang_or_c(const std::string& name) {
  return lang_from_name(name).value_or(Lang::C);
}

}  // namespace

struct GraphStore::Statements {
  explicit Statements(Db& db)
      : insert_file(db,
                    "INSERT INTO files(repo_id, path, lang, sha256, lines, bytes) "
                    "VALUES(?, ?, ?, ?, ?, ?)"),
        delete_path(db, "DELETE FROM files WHERE repo_id = ? AND path = ?"),
        insert_symbol(db,
                      "INSERT INTO symbols(file_id, name, qualified, kind, line, end_line) "
                      "VALUES(?, ?, ?, ?, ?, ?)"),
        insert_import(db, "INSERT INTO imports(file_id, spec, line, optional) VALUES(?, ?, ?, ?)"),
        insert_ref(db, "INSERT INTO refs(file_id, symbol_id, name, line) VALUES(?, ?, ?, ?)") {}
  Stmt insert_file, delete_path, insert_symbol, insert_import, insert_ref;
};

GraphStore::GraphStore(const std::string& path) : db_(std::make_unique<Db>(path)) {
  db_->exec(kSchema);
  stmts_ = std::make_unique<Statements>(*db_);
}

GraphStore::~GraphStore() = default;

const std::string& GraphStore::path() const {
  return db_->path();
}

std::vector<RepoRow> GraphStore::repos() {
  Stmt s(*db_, std::string(kRepoColumns) + " ORDER BY name");
  std::vector<RepoRow> out;
  while (s.step()) out.push_back(repo_row(s));
  return out;
}

std::optional<RepoRow> GraphStore::find_repo(std::string_view name) {
  Stmt s(*db_, std::string(kRepoColumns) + " WHERE name = ?");
  s.bind(1, name);
  if (!s.step()) return std::nullopt;
  return repo_row(s);
}

std::int64_t GraphStore::put_repo(std::string_view name, std::string_view root) {
  Stmt up(*db_,
          "INSERT INTO repos(name, root) VALUES(?, ?) ON CONFLICT(name) DO UPDATE SET root = "
          "excluded.root");
  up.bind_all(name, root);
  up.step();
  return find_repo(name)->id;
}

std::unique_ptr<store::sqlite::Transaction> GraphStore::transaction() {
  return std::make_unique<store::sqlite::Transaction>(*db_);
}

std::vector<StoredFile> GraphStore::files(std::int64_t repo) {
  Stmt s(*db_, "SELECT id, path, lang, sha256 FROM files WHERE repo_id = ? ORDER BY path");
  s.bind(1, repo);
  std::vector<StoredFile> out;
  while (s.step()) out.push_back({s.int64(0), s.text(1), lang_or_c(s.text(2)), s.text(3)});
  return out;
}

void GraphStore::put_file(std::int64_t repo, std::string_view path, Lang lang,
                          std::string_view sha256, std::uint64_t bytes, const FileFacts& facts) {
  auto& st = *stmts_;
  {
    Stmt::Scope scope(st.delete_path);
    st.delete_path.bind_all(repo, path);
    st.delete_path.step();
  }
  std::int64_t file_id = 0;
  {
    Stmt::Scope scope(st.insert_file);
    st.insert_file.bind_all(repo, path, lang_name(lang), sha256, facts.lines, bytes);
    st.insert_file.step();
    file_id = sqlite3_last_insert_rowid(db_->handle());
  }
  std::vector<std::int64_t> symbol_ids;
  symbol_ids.reserve(facts.symbols.size());
  for (const auto& sym : facts.symbols) {
    Stmt::Scope scope(st.insert_symbol);
    st.insert_symbol.bind_all(file_id, sym.name, sym.qualified, symbol_kind_name(sym.kind),
                              sym.line, sym.end_line);
    st.insert_symbol.step();
    symbol_ids.push_back(sqlite3_last_insert_rowid(db_->handle()));
  }
  for (const auto& imp : facts.imports) {
    Stmt::Scope scope(st.insert_import);
    st.insert_import.bind_all(file_id, imp.spec, imp.line, imp.optional ? 1 : 0);
    st.insert_import.step();
  }
  for (const auto& ref : facts.refs) {
    Stmt::Scope scope(st.insert_ref);
    st.insert_ref.bind(1, file_id);
    // NULL (left unbound) for file-level code.
    if (ref.from >= 0) st.insert_ref.bind(2, symbol_ids[static_cast<std::size_t>(ref.from)]);
    st.insert_ref.bind(3, ref.name);
    st.insert_ref.bind(4, ref.line);
    st.insert_ref.step();
  }
}

void GraphStore::delete_file(std::int64_t file_id) {
  Stmt s(*db_, "DELETE FROM files WHERE id = ?");
  s.bind(1, file_id);
  s.step();
}

std::vector<LoadedFile> GraphStore::load_facts(std::int64_t repo) {
  std::vector<LoadedFile> out;
  std::unordered_map<std::int64_t, std::size_t> file_index;
  {
    Stmt s(*db_, "SELECT id, path, lang, lines FROM files WHERE repo_id = ? ORDER BY path");
    s.bind(1, repo);
    while (s.step()) {
      file_index.emplace(s.int64(0), out.size());
      LoadedFile f;
      f.id = s.int64(0);
      f.source.path = s.text(1);
      f.source.lang = lang_or_c(s.text(2));
      f.source.facts.lines = static_cast<std::uint32_t>(s.int64(3));
      out.push_back(std::move(f));
    }
  }
  // Symbol ids grow in the order put_file inserted them, so id order is FileFacts order.
  std::unordered_map<std::int64_t, std::int32_t> symbol_index;
  {
    Stmt s(*db_,
           "SELECT s.id, s.file_id, s.name, s.qualified, s.kind, s.line, s.end_line FROM symbols s "
           "JOIN files f ON f.id = s.file_id WHERE f.repo_id = ? ORDER BY s.id");
    s.bind(1, repo);
    while (s.step()) {
      auto& f = out[file_index.at(s.int64(1))];
      symbol_index.emplace(s.int64(0), static_cast<std::int32_t>(f.symbol_ids.size()));
      f.symbol_ids.push_back(s.int64(0));
      f.source.facts.symbols.push_back(
          {s.text(2), s.text(3), symbol_kind_from_name(s.text(4)).value_or(SymbolKind::Function),
           static_cast<std::uint32_t>(s.int64(5)), static_cast<std::uint32_t>(s.int64(6))});
    }
  }
  {
    Stmt s(*db_,
           "SELECT i.file_id, i.spec, i.line, i.optional FROM imports i JOIN files f ON f.id = "
           "i.file_id WHERE f.repo_id = ? ORDER BY i.rowid");
    s.bind(1, repo);
    while (s.step()) {
      out[file_index.at(s.int64(0))].source.facts.imports.push_back(
          {s.text(1), static_cast<std::uint32_t>(s.int64(2)), s.int64(3) != 0});
    }
  }
  {
    Stmt s(*db_,
           "SELECT r.file_id, r.symbol_id, r.name, r.line FROM refs r JOIN files f ON f.id = "
           "r.file_id WHERE f.repo_id = ? ORDER BY r.rowid");
    s.bind(1, repo);
    while (s.step()) {
      const auto sym = s.int64(1);  // NULL reads as 0, which is never a rowid
      const auto it = sym == 0 ? symbol_index.end() : symbol_index.find(sym);
      out[file_index.at(s.int64(0))].source.facts.refs.push_back(
          {s.text(2), it == symbol_index.end() ? -1 : it->second,
           static_cast<std::uint32_t>(s.int64(3))});
    }
  }
  return out;
}

void GraphStore::put_resolution(std::int64_t repo, const std::vector<LoadedFile>& files,
                                const Resolution& r, std::int64_t now_ms) {
  {
    Stmt del(*db_, "DELETE FROM edges WHERE repo_id = ?");
    del.bind(1, repo);
    del.step();
    Stmt del_sym(*db_, "DELETE FROM symbol_edges WHERE repo_id = ?");
    del_sym.bind(1, repo);
    del_sym.step();
  }
  Stmt edge(*db_, "INSERT INTO edges(repo_id, src_file, dst_file, kind) VALUES(?, ?, ?, ?)");
  for (const auto& e : r.file_edges) {
    Stmt::Scope scope(edge);
    edge.bind_all(repo, files[e.src].id, files[e.dst].id, edge_kind_name(e.kind));
    edge.step();
  }
  Stmt sym(
      *db_,
      "INSERT INTO symbol_edges(repo_id, src_file, src_symbol, dst_symbol) VALUES(?, ?, ?, ?)");
  for (const auto& e : r.symbol_edges) {
    Stmt::Scope scope(sym);
    const auto& src = files[e.src_file];
    const std::int64_t from =
        e.src_symbol < 0 ? 0 : src.symbol_ids[static_cast<std::size_t>(e.src_symbol)];
    sym.bind_all(repo, src.id, from, files[e.dst_file].symbol_ids[e.dst_symbol]);
    sym.step();
  }
  Stmt up(*db_,
          "UPDATE repos SET generation = generation + 1, indexed_at = ?, imports = ?, "
          "unresolved = ? WHERE id = ?");
  up.bind_all(now_ms, static_cast<std::int64_t>(r.imports), static_cast<std::int64_t>(r.unresolved),
              repo);
  up.step();
}

std::optional<GraphRows> GraphStore::load_graph(std::string_view repo_name) {
  // One read transaction: the rows of one index run, even while another run commits.
  db_->exec("BEGIN");
  struct End {
    Db& db;
    ~End() { sqlite3_exec(db.handle(), "COMMIT", nullptr, nullptr, nullptr); }
  } end{*db_};
  auto repo = find_repo(repo_name);
  if (!repo) return std::nullopt;
  GraphRows g;
  g.repo = *repo;
  {
    Stmt s(*db_, "SELECT id, path, lang, lines FROM files WHERE repo_id = ? ORDER BY id");
    s.bind(1, repo->id);
    while (s.step()) {
      g.files.push_back(
          {s.int64(0), s.text(1), lang_or_c(s.text(2)), static_cast<std::uint32_t>(s.int64(3))});
    }
  }
  {
    Stmt s(*db_,
           "SELECT s.id, s.file_id, s.name, s.qualified, s.kind, s.line FROM symbols s JOIN "
           "files f ON f.id = s.file_id WHERE f.repo_id = ? ORDER BY s.id");
    s.bind(1, repo->id);
    while (s.step()) {
      g.symbols.push_back({s.int64(0), s.int64(1), s.text(2), s.text(3),
                           symbol_kind_from_name(s.text(4)).value_or(SymbolKind::Function),
                           static_cast<std::uint32_t>(s.int64(5))});
    }
  }
  {
    Stmt s(*db_, "SELECT src_file, dst_file, kind FROM edges WHERE repo_id = ?");
    s.bind(1, repo->id);
    while (s.step()) {
      g.edges.push_back(
          {s.int64(0), s.int64(1), edge_kind_from_name(s.text(2)).value_or(EdgeKind::Import)});
    }
  }
  {
    Stmt s(*db_,
           "SELECT src_file, src_symbol, dst_symbol FROM symbol_edges WHERE repo_id = ? ORDER BY "
           "rowid");
    s.bind(1, repo->id);
    while (s.step()) g.symbol_edges.push_back({s.int64(0), s.int64(1), s.int64(2)});
  }
  return g;
}

std::int64_t GraphStore::generation(std::string_view repo) {
  Stmt s(*db_, "SELECT generation FROM repos WHERE name = ?");
  s.bind(1, repo);
  return s.step() ? s.int64(0) : -1;
}

std::string default_graph_db() {
  namespace fs = std::filesystem;
  if (const char* p = std::getenv("SLUICE_GRAPH_DB"); p && *p) return p;
  fs::path dir = "sluice-data";
  if (const char* d = std::getenv("SLUICE_DATA_DIR"); d && *d) dir = d;
  return (dir / "graph.db").string();
}

}  // namespace sluice::intel::graph
