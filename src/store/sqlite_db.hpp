#pragma once
// Thin RAII over the SQLite C API, shared by the store and its migrations: a connection, a
// prepared statement with bind/step/column helpers, and a write transaction. Every failure
// becomes a StoreError naming the database path and SQLite's message; bound values never
// appear in a message (they may be key hashes or sealed credentials).

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>

#include "store/store.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace sluice::store::sqlite {

class Db {
 public:
  /// Opens (creating) the database with the pragmas the store relies on; see open_sqlite().
  explicit Db(const std::string& path);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  /// Runs one or more statements that take no parameters (DDL, pragmas, BEGIN/COMMIT).
  void exec(const char* sql);
  /// Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  std::int64_t changes() const;
  /// A StoreError carrying the path, `what` and the connection's current error message.
  StoreError error(std::string_view what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt(Db& db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Parameters are 1-based, as in SQLite. Text is copied, so temporaries are safe to bind.
  void bind(int i, std::string_view v);
  void bind(int i, double v);
  /// Binds bytes as a BLOB (copied, like text).
  void bind_blob(int i, std::string_view v);
  /// Text bound without a copy (SQLITE_STATIC): the bytes must outlive the statement's next
  /// reset (a Scope's end). For rows written once per request, whose strings outlive the
  /// insert: a copy per text column was a tenth of a ledger row's cost.
  struct Borrowed {
    std::string_view text;
  };
  static Borrowed borrow(std::string_view v) { return {v}; }
  void bind(int i, Borrowed v);
  template <std::integral T>
  void bind(int i, T v) {
    bind_int64(i, static_cast<std::int64_t>(v));
  }
  /// Binds the arguments to parameters 1..N in order.
  template <class... Args>
  void bind_all(const Args&... args) {
    bind_from(1, args...);
  }
  /// Binds the arguments to parameters first..first+N-1 in order (a row of a multi-row insert).
  template <class... Args>
  void bind_from(int first, const Args&... args) {
    int i = first - 1;
    (bind(++i, args), ...);
  }

  /// True when a row is available, false when the statement is done.
  bool step();
  /// Clears bindings and rewinds. A SELECT left mid-way holds a read snapshot open (stale
  /// reads, and WAL checkpoints cannot pass it), so every use ends with a reset; see Scope.
  void reset();
  /// Rewinds and keeps the bindings (see Scope::Bindings::Rebound).
  void rewind();

  // Columns are 0-based. NULL reads as 0 / "".
  std::int64_t int64(int col) const;
  double real(int col) const;
  std::string text(int col) const;
  /// The bytes of a BLOB (or TEXT) column, without a copy: valid until the next step() or
  /// reset().
  std::string_view blob(int col) const;

  /// Resets the statement when leaving a scope, whether by return or by exception.
  class Scope {
   public:
    /// Rebound: every parameter is bound before each step (the ledger's multi-row inserts),
    /// so the statement rewinds without clearing its bindings. Clearing hundreds of
    /// parameters only to bind them all again was ~5% of a ledger row's cost; the borrowed
    /// texts left bound dangle until the next bind and are never read.
    enum class Bindings { Clear, Rebound };
    explicit Scope(Stmt& s, Bindings b = Bindings::Clear) : s_(s), bindings_(b) {}
    ~Scope() {
      if (bindings_ == Bindings::Rebound) {
        s_.rewind();
      } else {
        s_.reset();
      }
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Stmt& s_;
    Bindings bindings_;
  };

 private:
  void bind_int64(int i, std::int64_t v);
  Db& db_;
  sqlite3_stmt* st_ = nullptr;
};

/// BEGIN IMMEDIATE ... COMMIT; rolled back unless commit() ran. IMMEDIATE takes the write lock
/// up front, where the busy timeout applies: a deferred transaction that later upgrades from
/// read to write can fail at once with SQLITE_BUSY in WAL mode.
class Transaction {
 public:
  explicit Transaction(Db& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool done_ = false;
};

}  // namespace sluice::store::sqlite
