#pragma once
// The schema's history: an ordered table of SQL scripts (with, rarely, a data step in C++), each
// applied once, in its own transaction, and recorded in schema_migrations. A new schema change
// appends a migration; an applied one is never edited, since databases in the field already ran it.

#include <span>
#include <string_view>

#include "store/sqlite_db.hpp"

namespace sluice::store {

struct Migration {
  int version;      // 1, 2, 3, ... in order, no gaps
  const char* sql;  // one or more statements, portable to PostgreSQL
  /// Runs after `sql`, in the same transaction, for data a statement cannot move (null: none).
  void (*then)(sqlite::Db&) = nullptr;
};

/// Every migration this binary knows, oldest first.
std::span<const Migration> migrations();
/// The version of the newest migration: the schema this binary reads and writes.
int latest_schema_version();

/// Applies the pending migrations. Throws StoreError if the database is newer than this
/// binary (it would misread columns it does not know) or a migration fails. Safe when several
/// processes open a fresh database at once: each migration re-checks under the write lock.
void migrate(sqlite::Db& db);

}  // namespace sluice::store
