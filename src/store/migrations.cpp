// The migrations themselves and the loop that applies them (see migrations.hpp).
//
// Portability notes for the PostgreSQL backend to come: 64-bit values are BIGINT and costs
// DOUBLE PRECISION (PostgreSQL's INTEGER is 32 bits and its REAL single precision; SQLite gives
// both the same INTEGER and REAL affinity anyway); the user column is user_name because USER
// is reserved in PostgreSQL; lists are comma-joined TEXT.

#include "store/migrations.hpp"

#include <chrono>
#include <string>

#include "store/sqlite_audit.hpp"

namespace sluice::store {
namespace {

constexpr Migration kMigrations[] = {
    {1, R"sql(
CREATE TABLE keys (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  hash TEXT NOT NULL,
  prefix TEXT NOT NULL,
  user_name TEXT NOT NULL,
  team TEXT NOT NULL,
  project TEXT NOT NULL,
  models TEXT NOT NULL,
  budget_usd DOUBLE PRECISION NOT NULL,
  budget_period TEXT NOT NULL,
  budget_action TEXT NOT NULL,
  rpm BIGINT NOT NULL,
  tpm BIGINT NOT NULL,
  max_reasoning TEXT NOT NULL,
  service_tiers TEXT NOT NULL,
  max_output_tokens BIGINT NOT NULL,
  created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL,
  revoked_ms BIGINT NOT NULL,
  rotated_ms BIGINT NOT NULL
);
CREATE INDEX keys_hash ON keys (hash);
CREATE INDEX keys_name ON keys (name);

CREATE TABLE meta (
  name TEXT PRIMARY KEY,
  value BIGINT NOT NULL
);
INSERT INTO meta (name, value) VALUES ('keys_generation', 0);

CREATE TABLE usage (
  request_id TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  day TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_name TEXT NOT NULL,
  user_name TEXT NOT NULL,
  team TEXT NOT NULL,
  project TEXT NOT NULL,
  wire TEXT NOT NULL,
  requested_model TEXT NOT NULL,
  served_model TEXT NOT NULL,
  provider TEXT NOT NULL,
  route TEXT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cached_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL,
  estimated INTEGER NOT NULL,
  latency_ms BIGINT NOT NULL,
  ttfb_ms BIGINT NOT NULL,
  status INTEGER NOT NULL,
  attempts INTEGER NOT NULL
);
-- No index on usage: every index costs a B-tree insert per request on the writer (about half
-- of a row's cost). Time-range questions go to usage_hourly, which the writer keeps in the
-- same transaction, one upsert per group of a batch.
CREATE TABLE usage_hourly (
  hour_ms BIGINT NOT NULL,
  day TEXT NOT NULL,
  key_id TEXT NOT NULL,
  key_name TEXT NOT NULL,
  user_name TEXT NOT NULL,
  team TEXT NOT NULL,
  project TEXT NOT NULL,
  served_model TEXT NOT NULL,
  requests BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cached_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL,
  estimated BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  PRIMARY KEY (hour_ms, key_id, key_name, user_name, team, project, served_model)
);

CREATE TABLE events (
  time_ms BIGINT NOT NULL,
  kind TEXT NOT NULL,
  scope TEXT NOT NULL,
  detail TEXT NOT NULL
);
CREATE INDEX events_time ON events (time_ms);

CREATE TABLE providers (
  name TEXT PRIMARY KEY,
  type TEXT NOT NULL,
  base_url TEXT NOT NULL,
  sealed_key TEXT NOT NULL,
  created_ms BIGINT NOT NULL
);
)sql"},
    // The audit chain. seq is INTEGER PRIMARY KEY (SQLite's rowid: appends are the cheapest
    // insert it has; PostgreSQL spells it BIGINT). request_id ids grow within a process, so
    // its index is appended to, not scattered; there is no time index (see docs/audit.md).
    {2, R"sql(
CREATE TABLE audit (
  seq INTEGER PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  kind TEXT NOT NULL,
  request_id TEXT NOT NULL,
  key_id TEXT NOT NULL,
  user_name TEXT NOT NULL,
  team TEXT NOT NULL,
  model TEXT NOT NULL,
  provider TEXT NOT NULL,
  status INTEGER NOT NULL,
  decision TEXT NOT NULL,
  record TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX audit_request ON audit (request_id);

CREATE TABLE audit_checkpoints (
  seq BIGINT PRIMARY KEY,
  hash TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL
);
)sql"},
    // The chain in blocks (store/audit_block.hpp): one row per writer transaction instead of
    // one per record, which cost the writer ~4 us per request, its records zstd-compressed
    // (BLOB is BYTEA in PostgreSQL). The lookup finds a request's block by its id without an
    // index entry per record. The data step moves schema 2's rows into blocks (seqs and hashes
    // unchanged, so checkpoints still hold) and drops the table.
    {3, R"sql(
CREATE TABLE audit_blocks (
  first_seq INTEGER PRIMARY KEY,
  last_seq BIGINT NOT NULL,
  min_time_ms BIGINT NOT NULL,
  max_time_ms BIGINT NOT NULL,
  tags TEXT NOT NULL,
  tail_hash TEXT NOT NULL,
  records BLOB NOT NULL
);
CREATE TABLE audit_lookup (
  bucket TEXT NOT NULL,
  first_seq BIGINT NOT NULL,
  PRIMARY KEY (bucket, first_seq)
) WITHOUT ROWID;
)sql",
     &sqlite::move_audit_rows_into_blocks},
    // Keys get a role for policy rules; each ledger row records what policy and the guardrails
    // and the classifier said about its request. Rows written before keep the defaults: no
    // tags, no findings, not classified (risk -1).
    {4, R"sql(
ALTER TABLE keys ADD COLUMN role TEXT NOT NULL DEFAULT '';
ALTER TABLE usage ADD COLUMN intent TEXT NOT NULL DEFAULT '';
ALTER TABLE usage ADD COLUMN risk DOUBLE PRECISION NOT NULL DEFAULT -1;
ALTER TABLE usage ADD COLUMN blast_radius BIGINT NOT NULL DEFAULT -1;
ALTER TABLE usage ADD COLUMN tags TEXT NOT NULL DEFAULT '';
ALTER TABLE usage ADD COLUMN findings TEXT NOT NULL DEFAULT '';
)sql"},
    // Routes that learn (intel/outcome_store): a note per answered request, so feedback can
    // find its intent and model, and the per (intent, model) outcome statistics.
    {5, R"sql(
CREATE TABLE outcome_requests (
  request_id TEXT PRIMARY KEY,
  key_id TEXT NOT NULL,
  intent TEXT NOT NULL,
  model TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  auto_routed INTEGER NOT NULL,
  outcomes BIGINT NOT NULL,
  task_hash BIGINT NOT NULL,
  turns BIGINT NOT NULL
);
CREATE INDEX outcome_requests_time ON outcome_requests (time_ms);
CREATE TABLE outcome_stats (
  intent TEXT NOT NULL,
  model TEXT NOT NULL,
  successes DOUBLE PRECISION NOT NULL,
  failures DOUBLE PRECISION NOT NULL,
  picks BIGINT NOT NULL,
  PRIMARY KEY (intent, model)
);
)sql"},
    // Councils (docs/council.md): a review call's ledger row names the request it reviewed, so
    // its spend is charged to the same key and budgets and still told apart; one row per
    // council, its record as JSON, looked up by the reviewed request's id.
    {6, R"sql(
ALTER TABLE usage ADD COLUMN council_of TEXT NOT NULL DEFAULT '';
CREATE TABLE councils (
  request_id TEXT PRIMARY KEY,
  time_ms BIGINT NOT NULL,
  key_id TEXT NOT NULL,
  mode TEXT NOT NULL,
  status TEXT NOT NULL,
  decision TEXT NOT NULL,
  detail TEXT NOT NULL
);
)sql"},
    // The ledger split in two: usage_rows has what varies per request, usage_dims the who,
    // what and where (key, user, team, project, wire, models, provider, route, intent,
    // council) once per distinct combination, which a row names by id. A row is 19 columns
    // instead of 30 and 4 of text instead of 14: about a third of the writer's work per request
    // (docs/performance.md). `usage` stays, with every column it had, as a view.
    {7, R"sql(
CREATE TABLE usage_dims (
  id INTEGER PRIMARY KEY,
  key_id TEXT NOT NULL,
  key_name TEXT NOT NULL,
  user_name TEXT NOT NULL,
  team TEXT NOT NULL,
  project TEXT NOT NULL,
  wire TEXT NOT NULL,
  requested_model TEXT NOT NULL,
  served_model TEXT NOT NULL,
  provider TEXT NOT NULL,
  route TEXT NOT NULL,
  intent TEXT NOT NULL,
  council_of TEXT NOT NULL,
  UNIQUE (key_id, key_name, user_name, team, project, wire, requested_model, served_model,
          provider, route, intent, council_of)
);
CREATE TABLE usage_rows (
  request_id TEXT NOT NULL,
  time_ms BIGINT NOT NULL,
  day TEXT NOT NULL,
  dims BIGINT NOT NULL,
  input_tokens BIGINT NOT NULL,
  output_tokens BIGINT NOT NULL,
  cached_tokens BIGINT NOT NULL,
  cache_write_tokens BIGINT NOT NULL,
  reasoning_tokens BIGINT NOT NULL,
  cost_usd DOUBLE PRECISION NOT NULL,
  estimated INTEGER NOT NULL,
  latency_ms BIGINT NOT NULL,
  ttfb_ms BIGINT NOT NULL,
  status INTEGER NOT NULL,
  attempts INTEGER NOT NULL,
  risk DOUBLE PRECISION NOT NULL,
  blast_radius BIGINT NOT NULL,
  tags TEXT NOT NULL,
  findings TEXT NOT NULL
);
INSERT INTO usage_dims (key_id, key_name, user_name, team, project, wire, requested_model,
                        served_model, provider, route, intent, council_of)
  SELECT DISTINCT key_id, key_name, user_name, team, project, wire, requested_model,
         served_model, provider, route, intent, council_of FROM usage;
INSERT INTO usage_rows
  SELECT u.request_id, u.time_ms, u.day, d.id, u.input_tokens, u.output_tokens, u.cached_tokens,
         u.cache_write_tokens, u.reasoning_tokens, u.cost_usd, u.estimated, u.latency_ms,
         u.ttfb_ms, u.status, u.attempts, u.risk, u.blast_radius, u.tags, u.findings
  FROM usage u JOIN usage_dims d
    ON d.key_id = u.key_id AND d.key_name = u.key_name AND d.user_name = u.user_name
   AND d.team = u.team AND d.project = u.project AND d.wire = u.wire
   AND d.requested_model = u.requested_model AND d.served_model = u.served_model
   AND d.provider = u.provider AND d.route = u.route AND d.intent = u.intent
   AND d.council_of = u.council_of
  ORDER BY u.rowid;
DROP TABLE usage;
CREATE VIEW usage AS
  SELECT r.request_id, r.time_ms, r.day, d.key_id, d.key_name, d.user_name, d.team, d.project, d.wire, d.requested_model,
         d.served_model, d.provider, d.route, r.input_tokens, r.output_tokens, r.cached_tokens,
         r.cache_write_tokens, r.reasoning_tokens, r.cost_usd, r.estimated, r.latency_ms,
         r.ttfb_ms, r.status, r.attempts, d.intent, r.risk, r.blast_radius, r.tags, r.findings,
         d.council_of
  FROM usage_rows r JOIN usage_dims d ON d.id = r.dims;
)sql"},
};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool applied(sqlite::Db& db, int version) {
  sqlite::Stmt s(db, "SELECT 1 FROM schema_migrations WHERE version = ?");
  s.bind(1, version);
  return s.step();
}

}  // namespace

std::span<const Migration> migrations() {
  return kMigrations;
}

int latest_schema_version() {
  return static_cast<int>(std::size(kMigrations));
}

void migrate(sqlite::Db& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
      "applied_ms BIGINT NOT NULL)");
  {
    sqlite::Stmt s(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    s.step();
    const auto version = s.int64(0);
    if (version > latest_schema_version()) {
      throw StoreError("sqlite " + db.path() + ": schema version " + std::to_string(version) +
                       " is newer than this sluice knows (" +
                       std::to_string(latest_schema_version()) + "); upgrade sluice");
    }
  }
  for (const Migration& m : kMigrations) {
    if (applied(db, m.version)) continue;  // the common case: no write lock taken
    sqlite::Transaction tx(db);
    if (applied(db, m.version)) continue;  // another process got there first
    db.exec(m.sql);
    if (m.then) m.then(db);
    sqlite::Stmt s(db, "INSERT INTO schema_migrations (version, applied_ms) VALUES (?, ?)");
    s.bind_all(m.version, now_ms());
    s.step();
    tx.commit();
  }
}

}  // namespace sluice::store
