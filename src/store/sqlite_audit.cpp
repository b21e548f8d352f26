#include "store/sqlite_audit.hpp"

#include <string>
#include <string_view>

#include "store/audit_chain.hpp"

namespace sluice::store::sqlite {
namespace {

constexpr std::string_view kColumns =
    "seq, time_ms, kind, request_id, key_id, user_name, team, model, provider, status, decision, "
    "record, hash";

AuditRow read_row(const Stmt& s) {
  AuditRow r;
  int c = 0;
  r.seq = s.int64(c++);
  r.time_ms = s.int64(c++);
  r.kind = s.text(c++);
  r.request_id = s.text(c++);
  r.key_id = s.text(c++);
  r.user = s.text(c++);
  r.team = s.text(c++);
  r.model = s.text(c++);
  r.provider = s.text(c++);
  r.status = static_cast<int>(s.int64(c++));
  r.decision = s.text(c++);
  r.record = s.text(c++);
  r.hash = s.text(c++);
  return r;
}

AuditCheckpoint read_checkpoint(const Stmt& s) {
  return {s.int64(0), s.text(1), s.int64(2), s.text(3), s.text(4)};
}

constexpr std::string_view kCheckpointSelect =
    "SELECT seq, hash, time_ms, public_key, signature FROM audit_checkpoints";

}  // namespace

AuditTables::AuditTables(Db& db)
    : db_(db),
      insert_(db, "INSERT INTO audit (" + std::string(kColumns) +
                      ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
      tail_(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1") {}

AuditTail AuditTables::tail() {
  Stmt::Scope scope(tail_);
  if (tail_.step()) return {tail_.int64(0), tail_.text(1)};
  return {0, std::string(kAuditGenesis)};
}

void AuditTables::append(std::span<AuditRow> rows) {
  if (rows.empty()) return;
  auto t = tail();
  for (AuditRow& r : rows) {
    r.seq = ++t.seq;
    r.hash = audit_link(t.hash, r.seq, r.record);
    t.hash = r.hash;
    Stmt::Scope scope(insert_);
    insert_.bind_all(r.seq, r.time_ms, r.kind, r.request_id, r.key_id, r.user, r.team, r.model,
                     r.provider, r.status, r.decision, r.record, r.hash);
    insert_.step();
  }
}

void AuditTables::append_checkpoint(const AuditCheckpoint& c) {
  Stmt s(db_,
         "INSERT INTO audit_checkpoints (seq, hash, time_ms, public_key, signature) VALUES "
         "(?, ?, ?, ?, ?) ON CONFLICT (seq) DO NOTHING");
  s.bind_all(c.seq, c.hash, c.time_ms, c.public_key, c.signature);
  s.step();
}

std::optional<AuditCheckpoint> AuditTables::last_checkpoint() {
  Stmt s(db_, std::string(kCheckpointSelect) + " ORDER BY seq DESC LIMIT 1");
  if (s.step()) return read_checkpoint(s);
  return std::nullopt;
}

std::vector<AuditRow> AuditTables::rows(const AuditQuery& q) {
  std::string sql = "SELECT " + std::string(kColumns) +
                    " FROM audit WHERE seq > ? AND seq < ? AND time_ms >= ? AND time_ms < ?";
  // Filters are bound in this order after the four above; an empty one is left out.
  const std::pair<const char*, const std::string*> text_filters[] = {
      {"kind", &q.kind},         {"request_id", &q.request_id},
      {"key_id", &q.key_id},     {"user_name", &q.user},
      {"team", &q.team},         {"model", &q.model},
      {"provider", &q.provider}, {"decision", &q.decision}};
  for (const auto& [col, v] : text_filters) {
    if (!v->empty()) sql += std::string(" AND ") + col + " = ?";
  }
  if (q.status) sql += " AND status = ?";
  sql += q.newest_first ? " ORDER BY seq DESC" : " ORDER BY seq";
  sql += " LIMIT ?";
  Stmt s(db_, sql);
  int i = 0;
  s.bind(++i, q.after_seq);
  s.bind(++i, q.before_seq);
  s.bind(++i, q.since_ms);
  s.bind(++i, q.until_ms);
  for (const auto& [col, v] : text_filters) {
    if (!v->empty()) s.bind(++i, *v);
  }
  if (q.status) s.bind(++i, q.status);
  s.bind(++i, static_cast<std::int64_t>(q.limit));
  std::vector<AuditRow> out;
  while (s.step()) out.push_back(read_row(s));
  return out;
}

void AuditTables::scan(std::int64_t first, std::int64_t last,
                       const std::function<bool(const AuditRow&)>& fn) {
  Stmt s(db_, "SELECT " + std::string(kColumns) +
                  " FROM audit WHERE seq >= ? AND seq <= ? ORDER BY seq");
  s.bind_all(first, last);
  while (s.step()) {
    if (!fn(read_row(s))) break;
  }
}

std::vector<AuditCheckpoint> AuditTables::checkpoints(std::int64_t first, std::int64_t last) {
  Stmt s(db_, std::string(kCheckpointSelect) + " WHERE seq >= ? AND seq <= ? ORDER BY seq");
  s.bind_all(first, last);
  std::vector<AuditCheckpoint> out;
  while (s.step()) out.push_back(read_checkpoint(s));
  return out;
}

std::int64_t AuditTables::seq_at(std::int64_t time_ms) {
  // A scan: there is no time index (it would double the cost of an append). Records are
  // appended as requests finish, so time_ms (arrival) is only nearly sorted by seq; callers
  // that need an exact range filter on time as well.
  Stmt s(db_, "SELECT MIN(seq) FROM audit WHERE time_ms >= ?");
  s.bind(1, time_ms);
  if (s.step()) {
    const auto v = s.int64(0);
    if (v > 0) return v;
  }
  return tail().seq + 1;
}

}  // namespace sluice::store::sqlite
