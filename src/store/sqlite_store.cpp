// The embedded SQLite Store: one connection per Store, the schema from migrations.cpp, and SQL
// kept portable to PostgreSQL (`?` placeholders, INSERT ... ON CONFLICT, no date functions).
// The statements the gateway runs often (the usage insert, the keys_generation poll) are
// prepared once per Store; the rest are prepared per call, which costs microseconds next to
// the CLI command or reload that runs them.

#include <algorithm>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.hpp"
#include "store/audit_chain.hpp"
#include "store/migrations.hpp"
#include "store/sql_text.hpp"
#include "store/sqlite_audit.hpp"
#include "store/sqlite_db.hpp"
#include "store/sqlite_usage.hpp"
#include "store/store.hpp"

namespace sluice::store {
namespace {

using sqlite::Stmt;
using sqlite::Transaction;

using sql::column_list;
using sql::Columns;

// In the order bind_*() binds and read_*() reads them.
// clang-format off
constexpr std::string_view kKeyColumns[] = {
    "id", "name", "hash", "prefix", "user_name", "team", "project", "models", "budget_usd",
    "budget_period", "budget_action", "rpm", "tpm", "max_reasoning", "service_tiers",
    "max_output_tokens", "created_ms", "expires_ms", "revoked_ms", "rotated_ms", "role"};

constexpr std::string_view kUsageColumns[] = {
    "request_id", "time_ms", "day", "key_id", "key_name", "user_name", "team", "project", "wire",
    "requested_model", "served_model", "provider", "route", "input_tokens", "output_tokens",
    "cached_tokens", "cache_write_tokens", "reasoning_tokens", "cost_usd", "estimated",
    "latency_ms", "ttfb_ms", "status", "attempts", "intent", "risk", "blast_radius", "tags",
    "findings", "council_of"};

constexpr std::string_view kCouncilColumns[] = {
    "request_id", "time_ms", "key_id", "mode", "status", "decision", "detail"};
// clang-format on

constexpr std::string_view kEventColumns[] = {"time_ms", "kind", "scope", "detail"};

constexpr std::string_view kProviderColumns[] = {"name", "type", "base_url", "sealed_key",
                                                 "created_ms"};

std::string select_sql(std::string_view table, Columns cols) {
  return "SELECT " + column_list(cols) + " FROM " + std::string(table);
}

std::string insert_sql(std::string_view table, Columns cols) {
  return "INSERT INTO " + std::string(table) + " (" + column_list(cols) + ") VALUES (" +
         sql::placeholders(cols.size()) + ")";
}

// Replaces every column but the key; `excluded` is spelled the same in PostgreSQL.
std::string upsert_sql(std::string_view table, Columns cols) {
  std::string sql =
      insert_sql(table, cols) + " ON CONFLICT (" + std::string(*cols.begin()) + ") DO UPDATE SET ";
  for (auto it = cols.begin() + 1; it != cols.end(); ++it) {
    if (it != cols.begin() + 1) sql += ", ";
    sql += std::string(*it) + " = excluded." + std::string(*it);
  }
  return sql;
}

// Lists are comma-joined (their values never contain commas); "" is the empty list.

void bind_key(Stmt& s, const KeyRecord& k) {
  s.bind_all(k.id, k.name, k.hash, k.prefix, k.user, k.team, k.project, core::join(k.models, ","),
             k.budget_usd, k.budget_period, k.budget_action, k.rpm, k.tpm, k.max_reasoning,
             core::join(k.service_tiers, ","), k.max_output_tokens, k.created_ms, k.expires_ms,
             k.revoked_ms, k.rotated_ms, k.role);
}

KeyRecord read_key(const Stmt& s) {
  KeyRecord k;
  int c = 0;
  k.id = s.text(c++);
  k.name = s.text(c++);
  k.hash = s.text(c++);
  k.prefix = s.text(c++);
  k.user = s.text(c++);
  k.team = s.text(c++);
  k.project = s.text(c++);
  k.models = core::split_list(s.text(c++));
  k.budget_usd = s.real(c++);
  k.budget_period = s.text(c++);
  k.budget_action = s.text(c++);
  k.rpm = s.int64(c++);
  k.tpm = s.int64(c++);
  k.max_reasoning = s.text(c++);
  k.service_tiers = core::split_list(s.text(c++));
  k.max_output_tokens = s.int64(c++);
  k.created_ms = s.int64(c++);
  k.expires_ms = s.int64(c++);
  k.revoked_ms = s.int64(c++);
  k.rotated_ms = s.int64(c++);
  k.role = s.text(c++);
  return k;
}

UsageRow read_usage(const Stmt& s) {
  UsageRow r;
  int c = 0;
  r.request_id = s.text(c++);
  r.time_ms = s.int64(c++);
  r.day = s.text(c++);
  r.key_id = s.text(c++);
  r.key_name = s.text(c++);
  r.user = s.text(c++);
  r.team = s.text(c++);
  r.project = s.text(c++);
  r.wire = s.text(c++);
  r.requested_model = s.text(c++);
  r.served_model = s.text(c++);
  r.provider = s.text(c++);
  r.route = s.text(c++);
  r.input_tokens = s.int64(c++);
  r.output_tokens = s.int64(c++);
  r.cached_tokens = s.int64(c++);
  r.cache_write_tokens = s.int64(c++);
  r.reasoning_tokens = s.int64(c++);
  r.cost_usd = s.real(c++);
  r.estimated = s.int64(c++) != 0;
  r.latency_ms = s.int64(c++);
  r.ttfb_ms = s.int64(c++);
  r.status = static_cast<int>(s.int64(c++));
  r.attempts = static_cast<int>(s.int64(c++));
  r.intent = s.text(c++);
  r.risk = s.real(c++);
  r.blast_radius = s.int64(c++);
  r.tags = core::split_list(s.text(c++));
  r.findings = core::split_list(s.text(c++));
  r.council_of = s.text(c++);
  return r;
}

// Column names come from these switches only, never from input, so splicing them is safe.
const char* group_column(UsageGroup by) {
  switch (by) {
    case UsageGroup::Key:
      return "key_name";
    case UsageGroup::User:
      return "user_name";
    case UsageGroup::Team:
      return "team";
    case UsageGroup::Project:
      return "project";
    case UsageGroup::Model:
      return "served_model";
    case UsageGroup::Day:
      return "day";
    case UsageGroup::Intent:
      return "intent";
    case UsageGroup::Tag:
      return "tags";
    case UsageGroup::Finding:
      return "findings";
    case UsageGroup::Kind:
      return "CASE WHEN council_of = '' THEN 'request' ELSE 'council' END";
  }
  return "key_name";
}

const char* scope_column(SpendScope scope) {
  switch (scope) {
    case SpendScope::Key:
      return "key_id";
    case SpendScope::User:
      return "user_name";
    case SpendScope::Team:
      return "team";
    case SpendScope::Project:
      return "project";
    case SpendScope::Org:
      return nullptr;
  }
  return nullptr;
}

bool on_hour(std::int64_t ms) {
  return ms % sqlite::kHourMs == 0;
}

// The statements prepared at construction need the tables, so migrations run first.
sqlite::Db& migrated(sqlite::Db& db) {
  migrate(db);
  return db;
}

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(const std::string& path)
      : db_(path),
        usage_(migrated(db_)),
        generation_(db_, "SELECT value FROM meta WHERE name = 'keys_generation'"),
        audit_(db_) {}

  void put_key(const KeyRecord& key) override {
    Transaction tx(db_);
    Stmt s(db_, upsert_sql("keys", kKeyColumns));
    bind_key(s, key);
    s.step();
    db_.exec("UPDATE meta SET value = value + 1 WHERE name = 'keys_generation'");
    tx.commit();
  }

  std::vector<KeyRecord> keys() override {
    Stmt s(db_, select_sql("keys", kKeyColumns) + " ORDER BY created_ms, id");
    std::vector<KeyRecord> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
  }

  std::optional<KeyRecord> find_key(std::string_view id_or_name) override {
    {
      Stmt s(db_, select_sql("keys", kKeyColumns) + " WHERE id = ?");
      s.bind(1, id_or_name);
      if (s.step()) return read_key(s);
    }
    // A name may have been reused after a revocation; only the live key answers to it.
    Stmt s(db_, select_sql("keys", kKeyColumns) +
                    " WHERE name = ? AND revoked_ms = 0 ORDER BY created_ms DESC, id DESC LIMIT 1");
    s.bind(1, id_or_name);
    if (s.step()) return read_key(s);
    return std::nullopt;
  }

  std::int64_t keys_generation() override {
    Stmt::Scope scope(generation_);
    return generation_.step() ? generation_.int64(0) : 0;
  }

  void append_usage(std::span<const UsageRow> rows) override { usage_.append(rows); }

  std::vector<UsageRow> usage_rows(const UsageQuery& q) override {
    Stmt s(db_, select_sql("usage", kUsageColumns) +
                    " WHERE time_ms >= ? AND time_ms < ? ORDER BY time_ms");
    s.bind_all(q.since_ms, q.until_ms);
    std::vector<UsageRow> out;
    while (s.step()) out.push_back(read_usage(s));
    return out;
  }

  std::vector<UsageTotal> usage_totals(UsageGroup by, const UsageQuery& q) override {
    const std::string col = group_column(by);
    // Whole hours (every day, month or open range) come from the rollup; a range cut inside
    // an hour scans the raw rows.
    if (by == UsageGroup::Tag || by == UsageGroup::Finding) return list_totals(by, q);
    // The rollup keeps neither the intent nor the council mark: those groupings scan the rows.
    const bool hourly = by != UsageGroup::Intent && by != UsageGroup::Kind && on_hour(q.since_ms) &&
                        (q.until_ms == INT64_MAX || on_hour(q.until_ms));
    Stmt s(db_, hourly
                    ? "SELECT " + col +
                          ", SUM(requests), SUM(input_tokens), SUM(output_tokens),"
                          " SUM(cached_tokens), SUM(reasoning_tokens), SUM(cost_usd),"
                          " SUM(estimated), SUM(errors)"
                          " FROM usage_hourly WHERE hour_ms >= ? AND hour_ms < ? GROUP BY " +
                          col + " ORDER BY SUM(cost_usd) DESC, " + col
                    : "SELECT " + col +
                          ", COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cached_tokens),"
                          " SUM(reasoning_tokens), SUM(cost_usd), SUM(estimated),"
                          " SUM(CASE WHEN status >= 400 THEN 1 ELSE 0 END)"
                          " FROM usage WHERE time_ms >= ? AND time_ms < ? GROUP BY " +
                          col + " ORDER BY SUM(cost_usd) DESC, " + col);
    s.bind_all(q.since_ms, q.until_ms);
    std::vector<UsageTotal> out;
    while (s.step()) {
      UsageTotal t;
      t.group = s.text(0);
      if (t.group.empty()) t.group = "(none)";
      t.requests = s.int64(1);
      t.input_tokens = s.int64(2);
      t.output_tokens = s.int64(3);
      t.cached_tokens = s.int64(4);
      t.reasoning_tokens = s.int64(5);
      t.cost_usd = s.real(6);
      t.estimated = s.int64(7);
      t.errors = s.int64(8);
      out.push_back(std::move(t));
    }
    return out;
  }

  // Totals per element of a comma-joined list column (tags; findings, "kind=count", by kind).
  std::vector<UsageTotal> list_totals(UsageGroup by, const UsageQuery& q) {
    const std::string col = group_column(by);
    Stmt s(db_, "SELECT " + col +
                    ", input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd,"
                    " estimated, status FROM usage WHERE time_ms >= ? AND time_ms < ? AND " +
                    col + " != ''");
    s.bind_all(q.since_ms, q.until_ms);
    std::map<std::string, UsageTotal, std::less<>> groups;
    while (s.step()) {
      for (auto& item : core::split_list(s.text(0))) {
        if (by == UsageGroup::Finding) item = item.substr(0, item.find('='));
        auto& t = groups[item];
        t.requests += 1;
        t.input_tokens += s.int64(1);
        t.output_tokens += s.int64(2);
        t.cached_tokens += s.int64(3);
        t.reasoning_tokens += s.int64(4);
        t.cost_usd += s.real(5);
        t.estimated += s.int64(6);
        t.errors += s.int64(7) >= 400 ? 1 : 0;
      }
    }
    std::vector<UsageTotal> out;
    for (auto& [name, t] : groups) {
      t.group = name;
      out.push_back(std::move(t));
    }
    std::stable_sort(out.begin(), out.end(), [](const UsageTotal& a, const UsageTotal& b) {
      return a.cost_usd > b.cost_usd;
    });
    return out;
  }

  double spend_since(SpendScope scope, std::string_view id, std::int64_t since_ms) override {
    // Budget windows start on whole hours (months, weeks, days, 7d, 12h), so the rollup
    // answers; a window like 90m scans the raw rows.
    std::string sql = on_hour(since_ms)
                          ? "SELECT COALESCE(SUM(cost_usd), 0) FROM usage_hourly WHERE hour_ms >= ?"
                          : "SELECT COALESCE(SUM(cost_usd), 0) FROM usage WHERE time_ms >= ?";
    const char* col = scope_column(scope);
    if (col) sql += std::string(" AND ") + col + " = ?";
    Stmt s(db_, sql);
    s.bind(1, since_ms);
    if (col) s.bind(2, id);
    return s.step() ? s.real(0) : 0;
  }

  void append_event(const EventRow& e) override {
    Transaction tx(db_);
    Stmt s(db_, insert_sql("events", kEventColumns));
    s.bind_all(e.time_ms, e.kind, e.scope, e.detail);
    s.step();
    AuditRow row = event_audit_row(e);
    audit_.append({&row, 1});
    tx.commit();
  }

  void append_council(const CouncilRow& c) override {
    Transaction tx(db_);
    Stmt s(db_, upsert_sql("councils", kCouncilColumns));
    s.bind_all(c.request_id, c.time_ms, c.key_id, c.mode, c.status, c.decision, c.detail);
    s.step();
    AuditRow row = c.audit;
    audit_.append({&row, 1});
    tx.commit();
  }

  std::optional<CouncilRow> find_council(std::string_view request_id) override {
    Stmt s(db_, select_sql("councils", kCouncilColumns) + " WHERE request_id = ?");
    s.bind(1, request_id);
    if (!s.step()) return std::nullopt;
    CouncilRow c;
    int i = 0;
    c.request_id = s.text(i++);
    c.time_ms = s.int64(i++);
    c.key_id = s.text(i++);
    c.mode = s.text(i++);
    c.status = s.text(i++);
    c.decision = s.text(i++);
    c.detail = s.text(i++);
    return c;
  }

  std::vector<EventRow> events(std::int64_t since_ms) override {
    Stmt s(db_, select_sql("events", kEventColumns) + " WHERE time_ms >= ? ORDER BY time_ms");
    s.bind(1, since_ms);
    std::vector<EventRow> out;
    while (s.step()) out.push_back({s.int64(0), s.text(1), s.text(2), s.text(3)});
    return out;
  }

  void append_audit(std::span<AuditRow> rows) override {
    if (rows.empty()) return;
    Transaction tx(db_);
    audit_.append(rows);
    tx.commit();
  }
  void sync_every_commit() override { db_.exec("PRAGMA synchronous=FULL"); }
  AuditTail audit_tail() override { return audit_.tail(); }
  void append_checkpoint(const AuditCheckpoint& c) override { audit_.append_checkpoint(c); }
  std::optional<AuditCheckpoint> last_checkpoint() override { return audit_.last_checkpoint(); }
  std::vector<AuditRow> audit_rows(const AuditQuery& q) override { return audit_.rows(q); }
  void scan_audit(std::int64_t first, std::int64_t last,
                  const std::function<bool(const AuditRow&)>& fn) override {
    audit_.scan(first, last, fn);
  }
  std::vector<AuditCheckpoint> audit_checkpoints(std::int64_t first, std::int64_t last) override {
    return audit_.checkpoints(first, last);
  }
  std::int64_t audit_seq_at(std::int64_t time_ms) override { return audit_.seq_at(time_ms); }

  void put_provider(const StoredProvider& p) override {
    Stmt s(db_, upsert_sql("providers", kProviderColumns));
    s.bind_all(p.name, p.type, p.base_url, p.sealed_key, p.created_ms);
    s.step();
  }

  std::vector<StoredProvider> stored_providers() override {
    Stmt s(db_, select_sql("providers", kProviderColumns) + " ORDER BY name");
    std::vector<StoredProvider> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.int64(4)});
    return out;
  }

  bool remove_provider(std::string_view name) override {
    Stmt s(db_, "DELETE FROM providers WHERE name = ?");
    s.bind(1, name);
    s.step();
    return db_.changes() > 0;
  }

 private:
  sqlite::Db db_;  // declared first: the statements below must be finalized before it closes
  sqlite::UsageWriter usage_;
  Stmt generation_;
  sqlite::AuditTables audit_;
};

}  // namespace

std::unique_ptr<Store> open_sqlite(const std::string& path) {
  return std::make_unique<SqliteStore>(path);
}

}  // namespace sluice::store
