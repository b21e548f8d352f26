// The audit chain end to end in a real SQLite file: appends link, the verifier accepts an
// untouched chain and names the first record of each kind of tampering (inside a block, across
// blocks, and in what a block keeps to be found), checkpoints catch a rewritten chain and a cut
// tail, a wrong key is refused, an export round-trips, and a schema-2 database (a row per
// record) moves into blocks with its chain intact.

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/export_format.hpp"
#include "audit/signer.hpp"
#include "audit/verifier.hpp"
#include "core/canonical_json.hpp"
#include "store/audit_block.hpp"
#include "store/audit_chain.hpp"
#include "store/batch_writer.hpp"
#include "store/migrations.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace sluice::audit {
namespace {

// A block line with its seq replaced (the rest unchanged).
std::string renumbered(const std::string& line, std::int64_t seq) {
  return std::to_string(seq) + line.substr(line.find(' '));
}

std::string replaced(std::string line, const std::string& from, const std::string& to) {
  const auto at = line.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) line.replace(at, from.size(), to);
  return line;
}

// Public: the tampering cases below are functions outside the class.
class AuditChainTest : public test_support::TempDirTest {
 public:
  void SetUp() override {
    TempDirTest::SetUp();
    db_ = store::open_sqlite(db_path());
    auto s = Signer::load_or_create((dir_ / "audit.key").string());
    ASSERT_TRUE(std::holds_alternative<Signer>(s)) << std::get<std::string>(s);
    signer_.emplace(std::get<Signer>(s));
    // Three blocks, as three writer transactions make them: 1-3, 4-7, 8-10.
    append_requests(1, 3);
    append_requests(4, 7);
    append_requests(8, 10);
  }

  static store::AuditRow request(int i) {
    store::AuditRow r;
    r.kind = "request";
    r.time_ms = 1000 + i;
    r.request_id = "req_" + std::to_string(i);
    r.model = "gpt-fake";
    r.provider = "fake-openai";
    r.status = 200;
    r.decision = "served";
    r.record =
        R"({"decision":"served","key":null,"kind":"request","model":"gpt-fake","provider":"fake-openai","request_id":"req_)" +
        std::to_string(i) + R"(","status":200,"time_ms":)" + std::to_string(1000 + i) + "}";
    return r;
  }

  void append_requests(int first, int last) {
    std::vector<store::AuditRow> rows;
    for (int i = first; i <= last; ++i) rows.push_back(request(i));
    db_->append_audit(rows);
  }
  void append_request(int i) { append_requests(i, i); }

  // A block's lines, as text (a tamperer would decompress them the same way).
  std::vector<std::string> lines(std::int64_t first_seq) {
    sqlite3* h = nullptr;
    EXPECT_EQ(sqlite3_open(db_path().c_str(), &h), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "SELECT records FROM audit_blocks WHERE first_seq = ?", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, first_seq);
    std::string stored;
    if (sqlite3_step(st) == SQLITE_ROW) {
      stored.assign(static_cast<const char*>(sqlite3_column_blob(st, 0)),
                    static_cast<std::size_t>(sqlite3_column_bytes(st, 0)));
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    std::vector<std::string> out;
    std::istringstream in(store::unpack_block(stored).value_or(""));
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  }
  // Writes a block back as plain text (the store reads text as well as zstd frames).
  void set_lines(std::int64_t first_seq, const std::vector<std::string>& ls) {
    std::string text;
    for (const auto& l : ls) text += l + "\n";
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &h), SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "UPDATE audit_blocks SET records = ? WHERE first_seq = ?", -1, &st,
                       nullptr);
    sqlite3_bind_blob64(st, 1, text.data(), text.size(), SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, first_seq);
    EXPECT_EQ(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(h);
  }

  void sign_tail() {
    const auto t = db_->audit_tail();
    db_->append_checkpoint(signer_->sign(t.seq, t.hash, 5000));
  }

  void exec(const std::string& sql) {
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &h), SQLITE_OK);
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(h);
  }

  VerifyReport verify(const std::string& key) {
    ChainVerifier v(key, 0, std::string(store::kAuditGenesis));
    for (const auto& c : db_->audit_checkpoints(1, INT64_MAX)) v.add_checkpoint(c);
    db_->scan_audit(1, INT64_MAX, [&](const store::AuditRow& r) { return v.feed(r); });
    return v.finish();
  }
  VerifyReport verify() { return verify(signer_->public_key_hex()); }

  std::unique_ptr<store::Store> db_;
  std::optional<Signer> signer_;
};

TEST_F(AuditChainTest, UntouchedChainVerifies) {
  sign_tail();
  const auto r = verify();
  EXPECT_TRUE(r.ok()) << r.problem->message;
  EXPECT_EQ(r.records, 10);
  EXPECT_EQ(r.checkpoints, 1);
  EXPECT_EQ(r.unsigned_tail, 0);
  append_request(11);
  EXPECT_EQ(verify().unsigned_tail, 1);
}

TEST_F(AuditChainTest, EachHashLinksThePreviousOne) {
  std::string prev(store::kAuditGenesis);
  db_->scan_audit(1, 10, [&](const store::AuditRow& r) {
    EXPECT_EQ(r.hash, store::audit_link(prev, r.seq, r.record));
    prev = r.hash;
    return true;
  });
  EXPECT_EQ(db_->audit_tail().hash, prev);
}

struct Tamper {
  const char* what;
  void (*apply)(AuditChainTest&);
  std::int64_t seq;
  const char* kind;
};

class AuditTamperTest : public AuditChainTest, public ::testing::WithParamInterface<Tamper> {};

TEST_P(AuditTamperTest, NamesTheFirstTamperedRecord) {
  GetParam().apply(*this);
  const auto r = verify();
  ASSERT_FALSE(r.ok()) << GetParam().what;
  EXPECT_EQ(r.problem->seq, GetParam().seq) << GetParam().what << ": " << r.problem->message;
  EXPECT_EQ(r.problem->kind, GetParam().kind) << GetParam().what << ": " << r.problem->message;
}

// Blocks: 1-3, 4-7, 8-10. Each case edits the file as someone with write access would.
INSTANTIATE_TEST_SUITE_P(
    Kinds, AuditTamperTest,
    ::testing::Values(
        Tamper{"an edited field",
               [](AuditChainTest& chain) {
                 auto ls = chain.lines(4);
                 ls[0] = replaced(ls[0], R"("status":200)", R"("status":500)");
                 chain.set_lines(4, ls);
               },
               4, "edited"},
        Tamper{"an edited last record",
               [](AuditChainTest& chain) {
                 auto ls = chain.lines(8);
                 ls[2] = replaced(ls[2], "fake-openai", "x");
                 chain.set_lines(8, ls);
               },
               10, "edited"},
        Tamper{"an edited filter value of a block",
               [](AuditChainTest& chain) {
                 chain.exec(
                     "UPDATE audit_blocks SET tags = replace(tags, 'fake-openai', 'elsewhere') "
                     "WHERE first_seq = 4");
               },
               4, "edited"},
        Tamper{"a block's time range narrowed",
               [](AuditChainTest& chain) {
                 chain.exec("UPDATE audit_blocks SET max_time_ms = 1005 WHERE first_seq = 4");
               },
               4, "edited"},
        Tamper{"a request-id lookup entry removed",
               [](AuditChainTest& chain) {
                 chain.exec("DELETE FROM audit_lookup WHERE first_seq = 8");
               },
               8, "edited"},
        Tamper{"a block that no longer decompresses",
               [](AuditChainTest& chain) {
                 chain.exec(
                     "UPDATE audit_blocks SET records = X'28B52FFD0000' WHERE first_seq = 4");
               },
               4, "edited"},
        Tamper{"a deleted record",
               [](AuditChainTest& chain) {
                 auto ls = chain.lines(1);
                 ls.pop_back();
                 chain.set_lines(1, ls);
               },
               3, "deleted"},
        Tamper{"a deleted block",
               [](AuditChainTest& chain) {
                 chain.exec("DELETE FROM audit_blocks WHERE first_seq = 4");
               },
               4, "deleted"},
        Tamper{"two deleted records across blocks",
               [](AuditChainTest& chain) {
                 auto a = chain.lines(1);
                 a.pop_back();
                 chain.set_lines(1, a);
                 auto b = chain.lines(4);
                 b.erase(b.begin());
                 chain.set_lines(4, b);
               },
               3, "deleted"},
        Tamper{"a deleted record, later ones renumbered",
               [](AuditChainTest& chain) {
                 auto a = chain.lines(1);
                 a.pop_back();
                 chain.set_lines(1, a);
                 for (std::int64_t first : {4, 8}) {
                   auto ls = chain.lines(first);
                   for (auto& l : ls) l = renumbered(l, std::stoll(l) - 1);
                   chain.set_lines(first, ls);
                 }
               },
               3, "deleted"},
        Tamper{"two records swapped",
               [](AuditChainTest& chain) {
                 auto ls = chain.lines(4);
                 auto six = ls[2];
                 ls[2] = renumbered(ls[3], 6);
                 ls[3] = renumbered(six, 7);
                 chain.set_lines(4, ls);
               },
               6, "reordered"},
        Tamper{"two records swapped across blocks",
               [](AuditChainTest& chain) {
                 auto a = chain.lines(4);
                 auto b = chain.lines(8);
                 const auto seven = a[3];
                 a[3] = renumbered(b[0], 7);
                 b[0] = renumbered(seven, 8);
                 chain.set_lines(4, a);
                 chain.set_lines(8, b);
               },
               7, "reordered"},
        Tamper{"a forged record inserted",
               [](AuditChainTest& chain) {
                 auto ls = chain.lines(4);
                 const auto forged = replaced(ls[0], "req_4", "forged");
                 for (std::size_t i = 1; i < ls.size(); ++i) {
                   ls[i] = renumbered(ls[i], std::stoll(ls[i]) + 1);
                 }
                 ls.insert(ls.begin() + 1, renumbered(forged, 5));
                 chain.set_lines(4, ls);
                 auto later = chain.lines(8);
                 for (auto& l : later) l = renumbered(l, std::stoll(l) + 1);
                 chain.set_lines(8, later);
               },
               5, "inserted"}),
    [](const ::testing::TestParamInfo<Tamper>& param_info) {
      std::string name = param_info.param.what;
      for (auto& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
      }
      return name;
    });

TEST_F(AuditChainTest, ACheckpointCatchesARelinkedChainAndACutTail) {
  sign_tail();
  // Rewrite record 3 and re-link everything after it, the blocks' index too: the chain is
  // consistent again, but the signed hash at record 10 is not.
  std::vector<store::AuditRow> rows;
  db_->scan_audit(1, 10, [&](const store::AuditRow& r) {
    rows.push_back(r);
    return true;
  });
  ASSERT_EQ(rows.size(), 10u);
  rows[2].record = replaced(rows[2].record, "gpt-fake", "gpt-evil");
  for (std::size_t i = 2; i < rows.size(); ++i) {
    rows[i].hash = store::audit_link(rows[i - 1].hash, rows[i].seq, rows[i].record);
  }
  for (const auto& [first, last] : {std::pair{1, 3}, std::pair{4, 7}, std::pair{8, 10}}) {
    std::vector<std::string> ls;
    std::vector<store::AuditRow> block;
    for (int seq = first; seq <= last; ++seq) {
      auto r = rows[static_cast<std::size_t>(seq - 1)];
      store::columns_from_record(r);
      std::string line;
      store::append_block_line(line, r);
      line.pop_back();
      ls.push_back(line);
      block.push_back(r);
    }
    set_lines(first, ls);
    const auto b = store::block_index(block);
    exec("UPDATE audit_blocks SET tags = '" + b.tags + "', tail_hash = '" + b.tail_hash +
         "' WHERE first_seq = " + std::to_string(first));
  }
  auto r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->kind, "checkpoint") << r.problem->message;
  EXPECT_EQ(r.problem->seq, 10);

  // Records cut from the end, the last block's index made to agree: the checkpoint signed a
  // record that is gone.
  auto ls = lines(8);
  const auto eight = ls[0];
  set_lines(8, {eight});
  exec("UPDATE audit_blocks SET last_seq = 8, max_time_ms = 1008, tail_hash = '" +
       eight.substr(2, 64) + "' WHERE first_seq = 8");
  r = verify("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->kind, "deleted") << r.problem->message;
  EXPECT_EQ(r.problem->seq, 9);
}

TEST_F(AuditChainTest, AForeignKeysCheckpointIsRefused) {
  sign_tail();
  auto other = Signer::load_or_create((dir_ / "other.key").string());
  const auto r = verify(std::get<Signer>(other).public_key_hex());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->kind, "checkpoint");
}

TEST_F(AuditChainTest, AnExportVerifiesFromItsLinesAlone) {
  sign_tail();
  std::string text = header_line(std::nullopt, signer_->public_key_hex());
  db_->scan_audit(1, 10, [&](const store::AuditRow& r) {
    text += record_line(r);
    return true;
  });
  for (const auto& c : db_->audit_checkpoints(1, 10)) text += checkpoint_line(c);
  std::istringstream in(text);
  std::string line;
  ChainVerifier v(signer_->public_key_hex(), 0, std::string(store::kAuditGenesis));
  std::vector<store::AuditRow> rows;
  while (std::getline(in, line)) {
    auto parsed = parse_export_line(line);
    ASSERT_TRUE(std::holds_alternative<ExportLine>(parsed)) << std::get<std::string>(parsed);
    auto& l = std::get<ExportLine>(parsed);
    if (auto* r = std::get_if<store::AuditRow>(&l)) rows.push_back(*r);
    if (auto* c = std::get_if<store::AuditCheckpoint>(&l)) v.add_checkpoint(*c);
  }
  ASSERT_EQ(rows.size(), 10u);
  for (const auto& r : rows) v.feed(r);
  const auto report = v.finish();
  EXPECT_TRUE(report.ok()) << report.problem->message;
  EXPECT_EQ(report.checkpoints, 1);
  EXPECT_TRUE(std::holds_alternative<std::string>(parse_export_line(R"({"type":"record"})")));
}

TEST_F(AuditChainTest, AdminEventsJoinTheChain) {
  db_->append_event({2000, "key_created", "key:key_1", "key 'alice' created"});
  store::AuditQuery q;
  q.kind = "key_created";
  const auto rows = db_->audit_rows(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, 11);
  EXPECT_NE(rows[0].record.find("alice"), std::string::npos);
  EXPECT_TRUE(verify().ok());
}

TEST_F(AuditChainTest, TheSigningKeyIsPrivateAndStable) {
  const auto path = (dir_ / "audit.key").string();
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
  auto again = Signer::load(path);
  ASSERT_TRUE(std::holds_alternative<Signer>(again));
  EXPECT_EQ(std::get<Signer>(again).public_key_hex(), signer_->public_key_hex());
  ::chmod(path.c_str(), 0644);
  auto loose = Signer::load(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(loose));
  EXPECT_NE(std::get<std::string>(loose).find("chmod 600"), std::string::npos);
}

TEST_F(AuditChainTest, TheWriterSaysWhenARecordIsDurable) {
  store::BatchWriter::Options o;
  o.interval = std::chrono::hours(1);  // only a durability request makes it write
  store::BatchWriter w(store::open_sqlite(db_path()), o);
  store::AuditRow r;
  r.kind = "request";
  r.request_id = "req_strict";
  r.record = R"({"kind":"request","request_id":"req_strict"})";
  const auto ticket = w.submit(r);
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  w.when_durable(ticket, [&] {
    std::lock_guard lk(mu);
    done = true;
    cv.notify_all();
  });
  std::unique_lock lk(mu);
  ASSERT_TRUE(cv.wait_for(lk, std::chrono::seconds(5), [&] { return done; }));
  store::AuditQuery q;
  q.request_id = "req_strict";
  EXPECT_EQ(store::open_sqlite(db_path())->audit_rows(q).size(), 1u);
}

class AuditMigrationTest : public test_support::TempDirTest {};

TEST_F(AuditMigrationTest, ASchemaTwoDatabaseMovesIntoBlocksWithItsChain) {
  // A database as sluice left it before blocks: migrations 1 and 2, a row per record.
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &h), SQLITE_OK);
  auto exec = [&](const std::string& sql) {
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
  };
  exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT NOT NULL)");
  for (const auto& m : store::migrations()) {
    if (m.version > 2) break;
    exec(m.sql);
    exec("INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 0)");
  }
  std::string prev(store::kAuditGenesis);
  for (int seq = 1; seq <= 300; ++seq) {
    const std::string id = "req_" + std::to_string(seq);
    const std::string record =
        R"({"decision":"served","key":null,"kind":"request","model":"m","provider":"p","request_id":")" +
        id + R"(","status":200,"time_ms":)" + std::to_string(seq) + "}";
    prev = store::audit_link(prev, seq, record);
    exec("INSERT INTO audit VALUES (" + std::to_string(seq) + ", " + std::to_string(seq) +
         ", 'request', '" + id + "', '', '', '', 'm', 'p', 200, 'served', '" + record + "', '" +
         prev + "')");
  }
  sqlite3_close(h);

  auto db = store::open_sqlite(db_path());  // migrates
  EXPECT_EQ(db->audit_tail().seq, 300);
  EXPECT_EQ(db->audit_tail().hash, prev);
  ChainVerifier v("", 0, std::string(store::kAuditGenesis));
  db->scan_audit(1, INT64_MAX, [&](const store::AuditRow& r) { return v.feed(r); });
  const auto report = v.finish();
  EXPECT_TRUE(report.ok()) << report.problem->message;
  EXPECT_EQ(report.records, 300);
  store::AuditQuery q;
  q.request_id = "req_299";
  const auto rows = db->audit_rows(q);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].seq, 299);
  // The chain goes on from where schema 2 left it.
  store::AuditRow next = AuditChainTest::request(301);
  db->append_audit({&next, 1});
  EXPECT_EQ(next.hash, store::audit_link(prev, 301, next.record));
}

}  // namespace
}  // namespace sluice::audit
