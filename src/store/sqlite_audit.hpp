#pragma once
// The audit chain's tables in SQLite (audit, audit_checkpoints): the SQL half of the Store's
// audit calls, kept apart from the ledger's. Callers hold the transaction where one is needed.

#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "store/records.hpp"
#include "store/sqlite_db.hpp"

namespace sluice::store::sqlite {

class AuditTables {
 public:
  explicit AuditTables(Db& db);

  /// Links and inserts `rows` after the current tail. The caller holds a write transaction.
  void append(std::span<AuditRow> rows);
  AuditTail tail();
  void append_checkpoint(const AuditCheckpoint& c);
  std::optional<AuditCheckpoint> last_checkpoint();
  std::vector<AuditRow> rows(const AuditQuery& q);
  void scan(std::int64_t first, std::int64_t last, const std::function<bool(const AuditRow&)>& fn);
  std::vector<AuditCheckpoint> checkpoints(std::int64_t first, std::int64_t last);
  std::int64_t seq_at(std::int64_t time_ms);

 private:
  Db& db_;
  Stmt insert_;
  Stmt tail_;
};

}  // namespace sluice::store::sqlite
