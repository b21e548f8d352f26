// The SQLite connection, statement and transaction wrappers (see sqlite_db.hpp). The connection
// pragmas live here because every user of a Db (the gateway, each CLI command, the tests)
// needs the same ones for several processes to share one file safely.

#include "store/sqlite_db.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <system_error>

namespace sluice::store::sqlite {
namespace {

// Long enough that the gateway's writer and a CLI command committing at the same moment wait
// for each other; short enough that a stuck process surfaces as an error, not a hang.
constexpr int kBusyTimeoutMs = 5000;

bool is_memory(const std::string& path) {
  return path.empty() || path == ":memory:";
}

}  // namespace

Db::Db(const std::string& path) : path_(path) {
  if (!is_memory(path)) {
    const auto parent = std::filesystem::path(path).parent_path();
    std::error_code ec;
    if (!parent.empty()) std::filesystem::create_directories(parent, ec);
    if (ec) {
      throw StoreError("sqlite " + path + ": cannot create directory " + parent.string() + ": " +
                       ec.message());
    }
  }
  // Once per process, before the first connection: no global lock around every allocation for
  // memory statistics nobody reads (the ledger writer binds two dozen values per row).
  static const bool configured = [] {
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)configured;
  // NOMUTEX: a connection is used by one thread at a time (the Store contract; the gateway's
  // shared reader is behind its own lock), so SQLite's per-call connection mutex is waste.
  const int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    StoreError e = db_ ? error("open") : StoreError("sqlite " + path + ": open: out of memory");
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw e;
  }
  try {
    sqlite3_busy_timeout(db_, kBusyTimeoutMs);  // first: the pragmas below may need a lock
    // WAL lets readers (key reloads, `sluice usage`) run while the writer commits; NORMAL
    // syncs at checkpoints only, which in WAL mode still cannot corrupt the database.
    // 16 KiB pages (a new database only; before WAL mode fixes it): the ledger appends rows of
    // ~250 bytes, and each WAL frame is a write() of one page, so bigger pages mean a quarter
    // of the system calls per committed batch. Checkpoints every 4,096 pages (64 MiB) rather
    // than SQLite's 1,000 keep the fsyncs of copying the WAL back rare. A 4 MiB page cache
    // (256 pages): the writer appends, touching only the right edge of each B-tree, and reports
    // read the hourly rollup; a 16 MiB cache filled up under load and was most of the gateway's
    // resident memory (RSS under load 49 -> 34 MiB with audit off, docs/performance.md).
    exec("PRAGMA page_size=16384");
    if (!is_memory(path)) exec("PRAGMA journal_mode=WAL");
    exec(
        "PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=4096; PRAGMA "
        "cache_size=-4096");
  } catch (...) {
    sqlite3_close_v2(db_);
    db_ = nullptr;
    throw;
  }
}

Db::~Db() {
  sqlite3_close_v2(db_);
}

void Db::exec(const char* sql) {
  // The statements are fixed text; SQLite's own message says enough (no need to echo SQL).
  if (sqlite3_exec(db_, sql, nullptr, nullptr, nullptr) != SQLITE_OK) throw error("exec");
}

std::int64_t Db::changes() const {
  return sqlite3_changes64(db_);
}

StoreError Db::error(std::string_view what) const {
  std::string msg = "sqlite " + path_ + ": ";
  msg += what;
  msg += ": ";
  msg += db_ ? sqlite3_errmsg(db_) : "no connection";
  return StoreError(msg);
}

Stmt::Stmt(Db& db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                         SQLITE_PREPARE_PERSISTENT, &st_, nullptr) != SQLITE_OK) {
    throw db.error("prepare");
  }
}

Stmt::~Stmt() {
  sqlite3_finalize(st_);
}

void Stmt::bind(int i, std::string_view v) {
  // A null data pointer (a default string_view) would bind SQL NULL, not ''.
  const char* p = v.data() ? v.data() : "";
  if (sqlite3_bind_text64(st_, i, p, v.size(), SQLITE_TRANSIENT, SQLITE_UTF8) != SQLITE_OK) {
    throw db_.error("bind");
  }
}

void Stmt::bind(int i, Borrowed v) {
  const char* p = v.text.data() ? v.text.data() : "";
  if (sqlite3_bind_text64(st_, i, p, v.text.size(), SQLITE_STATIC, SQLITE_UTF8) != SQLITE_OK) {
    throw db_.error("bind");
  }
}

void Stmt::bind_blob(int i, std::string_view v) {
  const char* p = v.data() ? v.data() : "";
  if (sqlite3_bind_blob64(st_, i, p, v.size(), SQLITE_TRANSIENT) != SQLITE_OK) {
    throw db_.error("bind");
  }
}

void Stmt::bind(int i, double v) {
  if (sqlite3_bind_double(st_, i, v) != SQLITE_OK) throw db_.error("bind");
}

void Stmt::bind_int64(int i, std::int64_t v) {
  if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) throw db_.error("bind");
}

bool Stmt::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw db_.error("step");
}

void Stmt::reset() {
  // sqlite3_reset repeats the last step's error code, already reported by step().
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

void Stmt::rewind() {
  sqlite3_reset(st_);
}

std::int64_t Stmt::int64(int col) const {
  return sqlite3_column_int64(st_, col);
}

double Stmt::real(int col) const {
  return sqlite3_column_double(st_, col);
}

std::string Stmt::text(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
  if (!p) return {};
  return std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col)));
}

std::string_view Stmt::blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(st_, col));
  if (!p) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(st_, col))};
}

Transaction::Transaction(Db& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  // Nothing useful to do if the rollback itself fails (the connection is closing or gone);
  // SQLite rolls back an interrupted transaction on the next open.
  sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  done_ = true;
}

}  // namespace sluice::store::sqlite
