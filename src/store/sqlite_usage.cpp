// The ledger's write side (see sqlite_usage.hpp). A request's row was 30 columns, 14 of them
// text, and SQLite's cost per row grows with each bound and encoded column: moving the 12 that
// repeat across requests (key, user, team, project, wire, models, provider, route, intent,
// council) into usage_dims cut the writer's instructions per request by about a third.
#include "store/sqlite_usage.hpp"

#include <map>
#include <string_view>

#include "core/text.hpp"
#include "store/sql_text.hpp"

namespace sluice::store::sqlite {
namespace {

// In the order bind_row() binds them.
// clang-format off
constexpr std::string_view kRowColumns[] = {
    "request_id", "time_ms", "day", "dims", "input_tokens", "output_tokens", "cached_tokens",
    "cache_write_tokens", "reasoning_tokens", "cost_usd", "estimated", "latency_ms", "ttfb_ms",
    "status", "attempts", "risk", "blast_radius", "tags", "findings"};
// clang-format on
constexpr int kRowColumnCount = static_cast<int>(std::size(kRowColumns));
static_assert(kRowColumns[kRowColumnCount - 2] == "tags" &&
              kRowColumns[kRowColumnCount - 1] == "findings");  // bind_row binds them apart
constexpr std::size_t kRowsPerInsert[] = {64, 16, 4, 1};

// In the order dims_fields() lists them.
constexpr std::string_view kDimsColumns[] = {
    "key_id",          "key_name",     "user_name", "team",  "project", "wire",
    "requested_model", "served_model", "provider",  "route", "intent",  "council_of"};

std::array<std::string_view, 12> dims_fields(const UsageRow& r) {
  return {r.key_id,          r.key_name,     r.user,     r.team,  r.project, r.wire,
          r.requested_model, r.served_model, r.provider, r.route, r.intent,  r.council_of};
}

// A flood of made-up model names makes as many combinations; past this many the cache starts
// over rather than grow.
constexpr std::size_t kMaxCachedDims = 65536;

std::string insert_rows_sql(std::size_t rows) {
  std::string text = "INSERT INTO usage_rows (" + sql::column_list(kRowColumns) + ") VALUES ";
  for (std::size_t r = 0; r < rows; ++r) {
    text += r ? ", (" : "(";
    text += sql::placeholders(std::size(kRowColumns));
    text += ")";
  }
  return text;
}

// Tags and findings are lists joined with commas, and mostly empty: an empty one is bound
// without a copy (a copied text is an allocation in SQLite, two a row).
void bind_list(Stmt& s, int i, const std::vector<std::string>& items) {
  if (items.empty()) {
    s.bind(i, Stmt::borrow(""));
  } else {
    s.bind(i, core::join(items, ","));
  }
}

// `r` outlives the insert (the caller steps and resets within its scope), so its strings are
// bound without a copy; the joined lists are temporaries and are copied. Binds at parameters
// first.. (the k-th row of a multi-row insert starts at 1 + k * the column count).
void bind_row(Stmt& s, const UsageRow& r, std::int64_t dims, int first) {
  s.bind_from(first, Stmt::borrow(r.request_id), r.time_ms, Stmt::borrow(r.day), dims,
              r.input_tokens, r.output_tokens, r.cached_tokens, r.cache_write_tokens,
              r.reasoning_tokens, r.cost_usd, r.estimated ? 1 : 0, r.latency_ms, r.ttfb_ms,
              r.status, r.attempts, r.risk, r.blast_radius);
  bind_list(s, first + kRowColumnCount - 2, r.tags);
  bind_list(s, first + kRowColumnCount - 1, r.findings);
}

void bind_dims(Stmt& s, const UsageRow& r) {
  int i = 1;
  for (std::string_view f : dims_fields(r)) s.bind(i++, Stmt::borrow(f));
}

std::int64_t hour_of(std::int64_t ms) {
  return ms - ((ms % kHourMs) + kHourMs) % kHourMs;
}

struct HourKey {
  std::int64_t hour_ms;
  std::string_view key_id, key_name, user, team, project, model;
  auto operator<=>(const HourKey&) const = default;
};
struct HourTotals {
  std::string_view day;
  std::int64_t requests = 0, input = 0, output = 0, cached = 0, reasoning = 0;
  double cost = 0;
  std::int64_t estimated = 0, errors = 0;
};

// Adds a batch's group to its hour; `excluded` is spelled the same in PostgreSQL.
constexpr const char* kUpsertHour =
    "INSERT INTO usage_hourly (hour_ms, day, key_id, key_name, user_name, team, project,"
    " served_model, requests, input_tokens, output_tokens, cached_tokens, reasoning_tokens,"
    " cost_usd, estimated, errors) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    " ON CONFLICT (hour_ms, key_id, key_name, user_name, team, project, served_model) DO UPDATE"
    " SET requests = usage_hourly.requests + excluded.requests,"
    " input_tokens = usage_hourly.input_tokens + excluded.input_tokens,"
    " output_tokens = usage_hourly.output_tokens + excluded.output_tokens,"
    " cached_tokens = usage_hourly.cached_tokens + excluded.cached_tokens,"
    " reasoning_tokens = usage_hourly.reasoning_tokens + excluded.reasoning_tokens,"
    " cost_usd = usage_hourly.cost_usd + excluded.cost_usd,"
    " estimated = usage_hourly.estimated + excluded.estimated,"
    " errors = usage_hourly.errors + excluded.errors";

}  // namespace

UsageWriter::UsageWriter(Db& db)
    : db_(db),
      insert_rows_{Stmt(db, insert_rows_sql(kRowsPerInsert[0])),
                   Stmt(db, insert_rows_sql(kRowsPerInsert[1])),
                   Stmt(db, insert_rows_sql(kRowsPerInsert[2])),
                   Stmt(db, insert_rows_sql(kRowsPerInsert[3]))},
      // DO NOTHING RETURNING: no row when another connection added the same combination
      // first; select_dims_ then finds it.
      insert_dims_(db, "INSERT INTO usage_dims (" + sql::column_list(kDimsColumns) + ") VALUES (" +
                           sql::placeholders(std::size(kDimsColumns)) +
                           ") ON CONFLICT DO NOTHING RETURNING id"),
      select_dims_(
          db, "SELECT id FROM usage_dims WHERE " + sql::column_list(kDimsColumns, " AND ", " = ?")),
      upsert_hour_(db, kUpsertHour) {}

void UsageWriter::append(std::span<const UsageRow> rows) {
  if (rows.empty()) return;
  // A batch is mostly a few keys and models: one rollup upsert per (hour, who, model).
  std::map<HourKey, HourTotals> hours;
  for (const UsageRow& r : rows) {
    auto& h = hours[HourKey{hour_of(r.time_ms), r.key_id, r.key_name, r.user, r.team, r.project,
                            r.served_model}];
    if (h.day.empty()) h.day = r.day;
    ++h.requests;
    h.input += r.input_tokens;
    h.output += r.output_tokens;
    h.cached += r.cached_tokens;
    h.reasoning += r.reasoning_tokens;
    h.cost += r.cost_usd;
    h.estimated += r.estimated ? 1 : 0;
    h.errors += r.status >= 400 ? 1 : 0;
  }
  try {
    Transaction tx(db_);
    batch_dims_.clear();
    for (std::size_t i = 0; i < rows.size(); ++i) {
      // Neighbours in a batch are mostly the same caller and model: compared before hashed.
      const bool as_before = i > 0 && dims_fields(rows[i]) == dims_fields(rows[i - 1]);
      batch_dims_.push_back(as_before ? batch_dims_.back() : dims_of(rows[i]));
    }
    std::size_t i = 0;
    for (std::size_t s = 0; s < insert_rows_.size(); ++s) {
      Stmt& insert = insert_rows_[s];
      const std::size_t n = kRowsPerInsert[s];
      for (; i + n <= rows.size(); i += n) {
        Stmt::Scope scope(insert, Stmt::Scope::Bindings::Rebound);
        for (std::size_t k = 0; k < n; ++k) {
          bind_row(insert, rows[i + k], batch_dims_[i + k],
                   1 + static_cast<int>(k) * kRowColumnCount);
        }
        insert.step();
      }
    }
    for (const auto& [k, h] : hours) {
      Stmt::Scope scope(upsert_hour_);
      upsert_hour_.bind_all(k.hour_ms, h.day, k.key_id, k.key_name, k.user, k.team, k.project,
                            k.model, h.requests, h.input, h.output, h.cached, h.reasoning, h.cost,
                            h.estimated, h.errors);
      upsert_hour_.step();
    }
    tx.commit();
  } catch (...) {
    // The transaction's new usage_dims rows are gone with it: so must their ids be.
    dims_ids_.clear();
    throw;
  }
}

std::int64_t UsageWriter::dims_of(const UsageRow& r) {
  dims_key_.clear();
  for (std::string_view f : dims_fields(r)) {
    const auto n = static_cast<std::uint32_t>(f.size());
    dims_key_.append(reinterpret_cast<const char*>(&n), sizeof n);
    dims_key_.append(f);
  }
  if (const auto it = dims_ids_.find(dims_key_); it != dims_ids_.end()) return it->second;
  const std::int64_t id = add_dims(r);
  if (dims_ids_.size() >= kMaxCachedDims) dims_ids_.clear();
  dims_ids_.emplace(dims_key_, id);
  return id;
}

std::int64_t UsageWriter::add_dims(const UsageRow& r) {
  {
    Stmt::Scope scope(insert_dims_);
    bind_dims(insert_dims_, r);
    if (insert_dims_.step()) return insert_dims_.int64(0);
  }
  Stmt::Scope scope(select_dims_);
  bind_dims(select_dims_, r);
  if (!select_dims_.step()) throw db_.error("usage_dims: a combination neither added nor found");
  return select_dims_.int64(0);
}

}  // namespace sluice::store::sqlite
