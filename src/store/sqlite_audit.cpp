#include "store/sqlite_audit.hpp"

#include <algorithm>
#include <string>
#include <string_view>

#include "store/audit_block.hpp"
#include "store/audit_chain.hpp"

namespace sluice::store::sqlite {
namespace {

// `records` last: a query that reads only the small columns never loads its overflow pages.
constexpr std::string_view kBlockColumns =
    "first_seq, last_seq, min_time_ms, max_time_ms, tags, tail_hash, records";

AuditCheckpoint read_checkpoint(const Stmt& s) {
  return {s.int64(0), s.text(1), s.int64(2), s.text(3), s.text(4)};
}

constexpr std::string_view kCheckpointSelect =
    "SELECT seq, hash, time_ms, public_key, signature FROM audit_checkpoints";

std::string select_blocks(std::string_view where) {
  return "SELECT " + std::string(kBlockColumns) + " FROM audit_blocks " + std::string(where);
}

}  // namespace

AuditTables::AuditTables(Db& db)
    : db_(db),
      insert_block_(db, "INSERT INTO audit_blocks (" + std::string(kBlockColumns) +
                            ") VALUES (?, ?, ?, ?, ?, ?, ?)"),
      insert_lookup_(db,
                     "INSERT INTO audit_lookup (bucket, first_seq) VALUES (?, ?) "
                     "ON CONFLICT (bucket, first_seq) DO NOTHING"),
      has_lookup_(db, "SELECT 1 FROM audit_lookup WHERE bucket = ? AND first_seq = ?"),
      tail_(db, "SELECT last_seq, tail_hash FROM audit_blocks ORDER BY first_seq DESC LIMIT 1") {}

AuditTail AuditTables::tail() {
  Stmt::Scope scope(tail_);
  if (tail_.step()) return {tail_.int64(0), tail_.text(1)};
  return {0, std::string(kAuditGenesis)};
}

void AuditTables::write_block(std::span<const AuditRow> rows) {
  if (rows.empty()) return;
  text_.clear();
  for (const AuditRow& r : rows) append_block_line(text_, r);
  const BlockIndex b = block_index(rows);
  {
    Stmt::Scope scope(insert_block_);
    insert_block_.bind_all(b.first_seq, b.last_seq, b.min_time_ms, b.max_time_ms, b.tags,
                           b.tail_hash);
    insert_block_.bind_blob(7, pack_block(text_));
    insert_block_.step();
  }
  for (const auto& bucket : b.buckets) {
    Stmt::Scope scope(insert_lookup_);
    insert_lookup_.bind_all(bucket, b.first_seq);
    insert_lookup_.step();
  }
}

void AuditTables::append(std::span<AuditRow> rows) {
  if (rows.empty()) return;
  auto t = tail();
  core::Digest prev{};
  if (!core::from_hex(t.hash, prev)) prev = {};  // as audit_link() links after a bad hash
  for (AuditRow& r : rows) {
    r.seq = ++t.seq;
    prev = audit_link_digest(prev, r.seq, r.record);
    r.hash = core::to_hex(prev);
  }
  write_block(rows);
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

void AuditTables::check_index(std::vector<AuditRow>& rows, std::int64_t first_seq,
                              std::int64_t last_seq, std::int64_t min_time, std::int64_t max_time,
                              std::string_view tags, std::string_view tail_hash) {
  if (rows.empty()) return;
  const BlockIndex want = block_index(rows);
  auto mark = [](AuditRow& r, const char* what) {
    if (r.index_mismatch.empty()) r.index_mismatch = what;
  };
  if (first_seq != want.first_seq) mark(rows.front(), "first seq");
  if (last_seq != want.last_seq) mark(rows.back(), "last seq");
  if (tail_hash != want.tail_hash) mark(rows.back(), "tail hash");
  if (min_time != want.min_time_ms || max_time != want.max_time_ms) {
    mark(rows.front(), "time range");
  }
  if (tags != want.tags) {
    // The first record whose values the stored tags lack; else the tags list a value no
    // record has, and the block's first record is named.
    AuditQuery q;
    auto it = std::find_if(rows.begin(), rows.end(), [&](const AuditRow& r) {
      q.kind = r.kind;
      q.key_id = r.key_id;
      q.user = r.user;
      q.team = r.team;
      q.model = r.model;
      q.provider = r.provider;
      q.decision = r.decision;
      q.status = r.status;
      return !tags_may_match(tags, q);
    });
    mark(it == rows.end() ? rows.front() : *it, "filter values");
  }
  for (AuditRow& r : rows) {
    if (r.request_id.empty()) continue;
    Stmt::Scope scope(has_lookup_);
    has_lookup_.bind_all(lookup_bucket(r.request_id), first_seq);
    if (!has_lookup_.step()) mark(r, "request-id lookup");
  }
}

void AuditTables::each_block(Stmt& s, const std::function<bool(std::string_view tags)>& wanted,
                             const std::function<bool(std::vector<AuditRow>&)>& fn, bool check) {
  std::vector<AuditRow> rows;
  while (s.step()) {
    const auto tags = s.text(4);
    if (!wanted(tags)) continue;
    const auto first_seq = s.int64(0);
    rows.clear();
    if (auto text = unpack_block(s.blob(6))) {
      each_block_row(*text, first_seq, [&](AuditRow& r) {
        rows.push_back(std::move(r));  // each_block_row assigns every field of the next one
        return true;
      });
    } else {
      // Not a frame this writer made: the block's first record is reported as edited.
      AuditRow r;
      r.seq = first_seq;
      r.record = "(a block that does not decompress)";
      rows.push_back(std::move(r));
    }
    if (check) check_index(rows, first_seq, s.int64(1), s.int64(2), s.int64(3), tags, s.text(5));
    if (!fn(rows)) return;
  }
}

std::int64_t AuditTables::block_at(std::int64_t seq) {
  Stmt s(db_, "SELECT MAX(first_seq) FROM audit_blocks WHERE first_seq <= ?");
  s.bind(1, seq);
  const auto at = s.step() ? s.int64(0) : 0;
  return at > 0 ? at : seq;
}

std::vector<AuditRow> AuditTables::rows(const AuditQuery& q) {
  std::vector<AuditRow> out;
  if (q.limit == 0) return out;
  auto take = [&](std::vector<AuditRow>& rows) {
    auto keep = [&](AuditRow& r) {
      if (r.seq <= q.after_seq || r.seq >= q.before_seq || !row_matches(r, q)) return true;
      out.push_back(std::move(r));
      return out.size() < q.limit;
    };
    if (q.newest_first) {
      for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
        if (!keep(*it)) return false;
      }
    } else {
      for (auto& r : rows) {
        if (!keep(r)) return false;
      }
    }
    return true;
  };
  auto any = [](std::string_view) { return true; };
  if (!q.request_id.empty()) {
    // The lookup names the few blocks that can hold the id; their records say which does.
    Stmt s(db_, select_blocks("WHERE first_seq IN (SELECT first_seq FROM audit_lookup WHERE "
                              "bucket = ?) ORDER BY first_seq") +
                    (q.newest_first ? " DESC" : ""));
    s.bind(1, lookup_bucket(q.request_id));
    each_block(s, any, take, false);
    return out;
  }
  // Blocks overlapping the seq bounds, newest or oldest first, skipped by their time range and
  // tags before their records are read.
  const std::int64_t from = q.after_seq > 0 ? block_at(q.after_seq + 1) : 0;
  Stmt s(db_, select_blocks("WHERE first_seq >= ? AND first_seq < ? AND max_time_ms >= ? AND "
                            "min_time_ms < ? ORDER BY first_seq") +
                  (q.newest_first ? " DESC" : ""));
  s.bind_all(from, q.before_seq, q.since_ms, q.until_ms);
  each_block(
      s, [&](std::string_view tags) { return tags_may_match(tags, q); }, take, false);
  return out;
}

void AuditTables::scan(std::int64_t first, std::int64_t last,
                       const std::function<bool(const AuditRow&)>& fn) {
  Stmt s(db_, select_blocks("WHERE first_seq >= ? AND first_seq <= ? ORDER BY first_seq"));
  s.bind_all(block_at(first), last);
  each_block(
      s, [](std::string_view) { return true; },
      [&](std::vector<AuditRow>& rows) {
        for (const AuditRow& r : rows) {
          if (r.seq < first) continue;
          if (r.seq > last) return false;
          if (!fn(r)) return false;
        }
        return true;
      },
      true);
}

std::vector<AuditCheckpoint> AuditTables::checkpoints(std::int64_t first, std::int64_t last) {
  Stmt s(db_, std::string(kCheckpointSelect) + " WHERE seq >= ? AND seq <= ? ORDER BY seq");
  s.bind_all(first, last);
  std::vector<AuditCheckpoint> out;
  while (s.step()) out.push_back(read_checkpoint(s));
  return out;
}

std::int64_t AuditTables::seq_at(std::int64_t time_ms) {
  // A scan of the blocks' time ranges (there is no time index). Records are appended as
  // requests finish, so time_ms (arrival) is only nearly sorted by seq; callers that need an
  // exact range filter on time as well. The first block reaching `time_ms` holds the answer.
  Stmt s(db_, select_blocks("WHERE max_time_ms >= ? ORDER BY first_seq LIMIT 1"));
  s.bind(1, time_ms);
  std::int64_t found = 0;
  each_block(
      s, [](std::string_view) { return true; },
      [&](std::vector<AuditRow>& rows) {
        for (const auto& r : rows) {
          if (r.time_ms >= time_ms) {
            found = r.seq;
            break;
          }
        }
        return false;
      },
      false);
  return found > 0 ? found : tail().seq + 1;
}

void move_audit_rows_into_blocks(Db& db) {
  {
    Stmt exists(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'");
    if (!exists.step()) return;
  }
  AuditTables tables(db);
  std::vector<AuditRow> block;
  {
    Stmt s(db, "SELECT seq, hash, record FROM audit ORDER BY seq");
    while (s.step()) {
      AuditRow r;
      r.seq = s.int64(0);
      r.hash = s.text(1);
      r.record = s.text(2);
      columns_from_record(r);
      block.push_back(std::move(r));
      if (block.size() == 256) {
        tables.write_block(block);
        block.clear();
      }
    }
  }
  tables.write_block(block);
  db.exec("DROP TABLE audit");
}

}  // namespace sluice::store::sqlite
