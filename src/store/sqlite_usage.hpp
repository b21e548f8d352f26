#pragma once
// The ledger's write side on SQLite (the batching writer's thread calls it): a batch of rows in
// one transaction, each row's who/what/where interned once in usage_dims, and the hourly
// rollup kept in the same transaction. Reads go through the `usage` view (migration 7).

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/records.hpp"
#include "store/sqlite_db.hpp"

namespace sluice::store::sqlite {

/// The hourly rollup's hour (usage_hourly.hour_ms): a range on whole hours is answered by it.
constexpr std::int64_t kHourMs = 3'600'000;

class UsageWriter {
 public:
  /// `db` is migrated and outlives the writer. One thread at a time.
  explicit UsageWriter(Db& db);

  /// Writes `rows` and their hours' totals in one transaction; on an error nothing is written.
  void append(std::span<const UsageRow> rows);

 private:
  std::int64_t dims_of(const UsageRow& r);
  std::int64_t add_dims(const UsageRow& r);

  Db& db_;
  // Multi-row inserts of 64, 16, 4 and 1 rows: a batch takes the largest that fit, so its
  // per-statement work (step, reset, the program's prologue) is paid a few times, not per row.
  std::array<Stmt, 4> insert_rows_;
  Stmt insert_dims_;
  Stmt select_dims_;
  Stmt upsert_hour_;
  // usage_dims ids by their fields (length-prefixed, so no two field lists share a key).
  // Bounded: past kMaxCachedDims it starts over, and lookups go to the table.
  std::unordered_map<std::string, std::int64_t> dims_ids_;
  std::string dims_key_;
  std::vector<std::int64_t> batch_dims_;
};

}  // namespace sluice::store::sqlite
