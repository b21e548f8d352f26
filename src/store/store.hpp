#pragma once
// The durable store behind governance: one interface, SQLite as the embedded default
// (PostgreSQL later, behind the same calls, so the SQL stays portable: no date functions, no
// upserts beyond INSERT ... ON CONFLICT, times as integers).
//
// A Store is one connection and is not shared between threads: the gateway opens one for the
// batching writer and one for reads (key reloads, spend at start); each CLI command opens its
// own. Several processes may open the same database (the gateway and `sluice keys`): writes
// wait on each other (busy timeout), never fail.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "store/records.hpp"

namespace sluice::store {

/// A failure of the database itself (cannot open, disk full, corrupt). Carries the path and
/// the backend's message; never a secret.
struct StoreError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Store {
 public:
  virtual ~Store() = default;

  // --- virtual keys
  /// Inserts or replaces the key with this id, and bumps keys_generation().
  virtual void put_key(const KeyRecord& key) = 0;
  /// Every key, revoked ones included, oldest first.
  virtual std::vector<KeyRecord> keys() = 0;
  /// By id, or by name among keys that are not revoked.
  virtual std::optional<KeyRecord> find_key(std::string_view id_or_name) = 0;
  /// A counter every put_key() increments, in any process: a gateway polls it (a one-row read)
  /// to learn that keys changed and reloads them.
  virtual std::int64_t keys_generation() = 0;

  // --- usage ledger
  /// Appends rows in one transaction (the batching writer's flush).
  virtual void append_usage(std::span<const UsageRow> rows) = 0;
  /// Rows in [since, until), oldest first (for exports and tests).
  virtual std::vector<UsageRow> usage_rows(const UsageQuery& q) = 0;
  /// Totals grouped by `by`, largest cost first.
  virtual std::vector<UsageTotal> usage_totals(UsageGroup by, const UsageQuery& q) = 0;
  /// The cost recorded for a scope since `since_ms` (budgets rebuild their spend at start).
  /// `id` is the key id, user, team or project name; ignored for Org.
  virtual double spend_since(SpendScope scope, std::string_view id, std::int64_t since_ms) = 0;

  // --- governance events
  /// Also appends the event to the audit chain, in the same transaction.
  virtual void append_event(const EventRow& e) = 0;
  virtual std::vector<EventRow> events(std::int64_t since_ms) = 0;

  /// Makes every later commit on this connection wait until it is on disk (not only in the
  /// OS), for audit durability: strict. Default: commits survive a crash of the process.
  virtual void sync_every_commit() = 0;

  // --- the audit chain (store/audit_chain.hpp has the hash)
  /// Appends `rows` at the end of the chain in one transaction, assigning each its seq and
  /// hash from the tail as it is inside that transaction, so a gateway and a CLI command that
  /// append at the same time still make one chain.
  virtual void append_audit(std::span<AuditRow> rows) = 0;
  virtual AuditTail audit_tail() = 0;
  virtual void append_checkpoint(const AuditCheckpoint& c) = 0;
  /// The newest checkpoint, if any.
  virtual std::optional<AuditCheckpoint> last_checkpoint() = 0;
  /// A filtered page, for the admin API and `sluice audit show`.
  virtual std::vector<AuditRow> audit_rows(const AuditQuery& q) = 0;
  /// Every record with first <= seq <= last, in seq order, handed to `fn` one at a time (the
  /// verifier and exports read millions this way); `fn` returns false to stop.
  virtual void scan_audit(std::int64_t first, std::int64_t last,
                          const std::function<bool(const AuditRow&)>& fn) = 0;
  virtual std::vector<AuditCheckpoint> audit_checkpoints(std::int64_t first, std::int64_t last) = 0;
  /// The first seq whose record is at or after `time_ms` (records are near time order), or
  /// tail + 1.
  virtual std::int64_t audit_seq_at(std::int64_t time_ms) = 0;

  // --- councils (docs/council.md)
  /// Inserts or replaces the council of c.request_id and appends c.audit to the audit chain,
  /// in one transaction.
  virtual void append_council(const CouncilRow& c) = 0;
  /// The council of a request (without its audit record); nullopt when there is none.
  virtual std::optional<CouncilRow> find_council(std::string_view request_id) = 0;

  // --- stored provider credentials
  virtual void put_provider(const StoredProvider& p) = 0;  // insert or replace by name
  virtual std::vector<StoredProvider> stored_providers() = 0;
  virtual bool remove_provider(std::string_view name) = 0;  // false if there was none
};

/// Opens (creating if needed, with parent directories) the SQLite database at `path`, in WAL
/// mode, and applies pending migrations. ":memory:" gives a private in-memory database.
/// Throws StoreError.
std::unique_ptr<Store> open_sqlite(const std::string& path);

}  // namespace sluice::store
