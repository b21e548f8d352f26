#pragma once
// The audit chain's tables in SQLite (audit_blocks, audit_lookup, audit_checkpoints): the SQL
// half of the Store's audit calls, kept apart from the ledger's. Records are stored in blocks
// (store/audit_block.hpp). Callers hold the transaction where one is needed.

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "store/records.hpp"
#include "store/sqlite_db.hpp"

namespace sluice::store::sqlite {

class AuditTables;
void move_audit_rows_into_blocks(Db& db);

class AuditTables {
 public:
  explicit AuditTables(Db& db);

  /// Links `rows` after the current tail (assigning seq and hash) and inserts them as one
  /// block. The caller holds a write transaction.
  void append(std::span<AuditRow> rows);
  AuditTail tail();
  void append_checkpoint(const AuditCheckpoint& c);
  std::optional<AuditCheckpoint> last_checkpoint();
  std::vector<AuditRow> rows(const AuditQuery& q);
  /// Records first..last in storage order; each comes with index_mismatch set when its block's
  /// index disagrees with it.
  void scan(std::int64_t first, std::int64_t last, const std::function<bool(const AuditRow&)>& fn);
  std::vector<AuditCheckpoint> checkpoints(std::int64_t first, std::int64_t last);
  std::int64_t seq_at(std::int64_t time_ms);

 private:
  friend void move_audit_rows_into_blocks(Db& db);
  /// Inserts rows that already have their seq and hash as one block, with its lookup entries.
  void write_block(std::span<const AuditRow> rows);
  /// Calls `fn` with the records of the blocks the statement selects (first_seq, last_seq,
  /// min_time_ms, max_time_ms, tags, tail_hash, records: kBlockColumns), in its order;
  /// `wanted` skips a block by its tags before its records are read.
  void each_block(Stmt& s, const std::function<bool(std::string_view tags)>& wanted,
                  const std::function<bool(std::vector<AuditRow>&)>& fn, bool check_index);
  void check_index(std::vector<AuditRow>& rows, std::int64_t first_seq, std::int64_t last_seq,
                   std::int64_t min_time, std::int64_t max_time, std::string_view tags,
                   std::string_view tail_hash);
  /// The first_seq of the block holding `seq` (or the first block after it), 0 if none.
  std::int64_t block_at(std::int64_t seq);

  Db& db_;
  Stmt insert_block_;
  Stmt insert_lookup_;
  Stmt has_lookup_;
  Stmt tail_;
  std::string text_;  // a block's text, reused between appends
};

/// Migration 3's data step: moves the records of the row-per-record table of schema 2 into
/// blocks of up to 256, every seq and hash kept, then drops that table.
void move_audit_rows_into_blocks(Db& db);

}  // namespace sluice::store::sqlite
