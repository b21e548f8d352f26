// The audit chain end to end in a real SQLite file: appends link, the verifier accepts an
// untouched chain and names the first record of each kind of tampering, checkpoints catch a
// rewritten chain and a cut tail, a wrong key is refused, and an export round-trips.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/export_format.hpp"
#include "audit/signer.hpp"
#include "audit/verifier.hpp"
#include "core/canonical_json.hpp"
#include <sqlite3.h>
#include "store/audit_chain.hpp"
#include "store/batch_writer.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace sluice::audit {
namespace {

class AuditChainTest : public test_support::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    db_ = store::open_sqlite(db_path());
    auto s = Signer::load_or_create((dir_ / "audit.key").string());
    ASSERT_TRUE(std::holds_alternative<Signer>(s)) << std::get<std::string>(s);
    signer_.emplace(std::get<Signer>(s));
    for (int i = 1; i <= 10; ++i) append_request(i);
  }

  void append_request(int i) {
    store::AuditRow r;
    r.kind = "request";
    r.time_ms = 1000 + i;
    r.request_id = "req_" + std::to_string(i);
    r.model = "gpt-fake";
    r.provider = "fake-openai";
    r.status = 200;
    r.decision = "served";
    r.record = R"({"decision":"served","key":null,"kind":"request","model":"gpt-fake","provider":"fake-openai","request_id":"req_)" +
               std::to_string(i) + R"(","status":200,"time_ms":)" + std::to_string(1000 + i) + "}";
    db_->append_audit({&r, 1});
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
  const char* sql;
  std::int64_t seq;
  const char* kind;
};

class AuditTamperTest : public AuditChainTest, public ::testing::WithParamInterface<Tamper> {};

TEST_P(AuditTamperTest, NamesTheFirstTamperedRecord) {
  exec(GetParam().sql);
  const auto r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->seq, GetParam().seq) << r.problem->message;
  EXPECT_EQ(r.problem->kind, GetParam().kind) << r.problem->message;
}

INSTANTIATE_TEST_SUITE_P(
    Kinds, AuditTamperTest,
    ::testing::Values(
        Tamper{"UPDATE audit SET record = replace(record, '200', '500') WHERE seq = 4", 4, "edited"},
        Tamper{"UPDATE audit SET provider = 'elsewhere' WHERE seq = 5", 5, "edited"},
        Tamper{"UPDATE audit SET record = replace(record, 'fake-openai', 'x') WHERE seq = 10", 10,
               "edited"},
        Tamper{"DELETE FROM audit WHERE seq = 3", 3, "deleted"},
        Tamper{"DELETE FROM audit WHERE seq IN (3, 4)", 3, "deleted"},
        Tamper{"DELETE FROM audit WHERE seq = 3; UPDATE audit SET seq = seq - 1 WHERE seq > 3", 3,
               "deleted"},
        Tamper{"UPDATE audit SET seq = -1 WHERE seq = 6; UPDATE audit SET seq = 6 WHERE seq = 7; "
               "UPDATE audit SET seq = 7 WHERE seq = -1",
               6, "reordered"},
        Tamper{"UPDATE audit SET seq = seq + 100 WHERE seq >= 5; UPDATE audit SET seq = seq - 99 "
               "WHERE seq >= 105; INSERT INTO audit SELECT 5, time_ms, kind, 'forged', key_id, "
               "user_name, team, model, provider, status, decision, record, hash FROM audit "
               "WHERE seq = 4",
               5, "inserted"}));

TEST_F(AuditChainTest, ACheckpointCatchesARelinkedChainAndACutTail) {
  sign_tail();
  // Rewrite record 3 and re-link everything after it: the chain is consistent again, but
  // the signed hash at record 10 is not.
  exec("UPDATE audit SET record = replace(record, 'gpt-fake', 'gpt-evil'), model = 'gpt-evil' "
       "WHERE seq = 3");
  std::string prev;
  db_->scan_audit(2, 2, [&](const store::AuditRow& r) {
    prev = r.hash;
    return true;
  });
  for (int seq = 3; seq <= 10; ++seq) {
    std::string record;
    db_->scan_audit(seq, seq, [&](const store::AuditRow& r) {
      record = r.record;
      return true;
    });
    prev = store::audit_link(prev, seq, record);
    exec("UPDATE audit SET hash = '" + prev + "' WHERE seq = " + std::to_string(seq));
  }
  auto r = verify();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->kind, "checkpoint");
  EXPECT_EQ(r.problem->seq, 10);

  exec("DELETE FROM audit WHERE seq >= 9");
  r = verify("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.problem->kind, "deleted");
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
  r.record = "{}";
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

}  // namespace
}  // namespace sluice::audit
