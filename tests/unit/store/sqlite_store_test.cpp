// The SQLite store against real files: migrations, every record's round trip, the aggregate
// queries governance and `sluice usage` rely on, and two Stores sharing one database the way
// the gateway and a CLI command do.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <string>

#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace sluice::store {
namespace {

namespace fs = std::filesystem;

class SqliteStore : public test_support::TempDirTest {};

// A database as a sluice of schema `version` left it: the migrations up to it, applied and
// recorded as migrate() does.
void migrate_to(sqlite::Db& db, int version) {
  db.exec("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_ms BIGINT)");
  for (const Migration& m : migrations()) {
    if (m.version > version) break;
    db.exec(m.sql);
    if (m.then) m.then(db);
    const auto mark = "INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 0)";
    db.exec(mark.c_str());
  }
}

std::int64_t count(const std::string& path, const char* sql) {
  sqlite::Db db(path);
  sqlite::Stmt s(db, sql);
  return s.step() ? s.int64(0) : -1;
}

void expect_key_eq(const KeyRecord& a, const KeyRecord& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.name, b.name);
  EXPECT_EQ(a.hash, b.hash);
  EXPECT_EQ(a.prefix, b.prefix);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.team, b.team);
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.role, b.role);
  EXPECT_EQ(a.models, b.models);
  EXPECT_EQ(a.budget_usd, b.budget_usd);
  EXPECT_EQ(a.budget_period, b.budget_period);
  EXPECT_EQ(a.budget_action, b.budget_action);
  EXPECT_EQ(a.rpm, b.rpm);
  EXPECT_EQ(a.tpm, b.tpm);
  EXPECT_EQ(a.max_reasoning, b.max_reasoning);
  EXPECT_EQ(a.service_tiers, b.service_tiers);
  EXPECT_EQ(a.max_output_tokens, b.max_output_tokens);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.expires_ms, b.expires_ms);
  EXPECT_EQ(a.revoked_ms, b.revoked_ms);
  EXPECT_EQ(a.rotated_ms, b.rotated_ms);
}

void expect_usage_eq(const UsageRow& a, const UsageRow& b) {
  EXPECT_EQ(a.request_id, b.request_id);
  EXPECT_EQ(a.time_ms, b.time_ms);
  EXPECT_EQ(a.day, b.day);
  EXPECT_EQ(a.key_id, b.key_id);
  EXPECT_EQ(a.key_name, b.key_name);
  EXPECT_EQ(a.user, b.user);
  EXPECT_EQ(a.team, b.team);
  EXPECT_EQ(a.project, b.project);
  EXPECT_EQ(a.wire, b.wire);
  EXPECT_EQ(a.requested_model, b.requested_model);
  EXPECT_EQ(a.served_model, b.served_model);
  EXPECT_EQ(a.provider, b.provider);
  EXPECT_EQ(a.route, b.route);
  EXPECT_EQ(a.input_tokens, b.input_tokens);
  EXPECT_EQ(a.output_tokens, b.output_tokens);
  EXPECT_EQ(a.cached_tokens, b.cached_tokens);
  EXPECT_EQ(a.cache_write_tokens, b.cache_write_tokens);
  EXPECT_EQ(a.reasoning_tokens, b.reasoning_tokens);
  EXPECT_EQ(a.cost_usd, b.cost_usd);
  EXPECT_EQ(a.estimated, b.estimated);
  EXPECT_EQ(a.latency_ms, b.latency_ms);
  EXPECT_EQ(a.ttfb_ms, b.ttfb_ms);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.attempts, b.attempts);
  EXPECT_EQ(a.intent, b.intent);
  EXPECT_EQ(a.risk, b.risk);
  EXPECT_EQ(a.blast_radius, b.blast_radius);
  EXPECT_EQ(a.tags, b.tags);
  EXPECT_EQ(a.findings, b.findings);
  EXPECT_EQ(a.council_of, b.council_of);
}

KeyRecord full_key() {
  KeyRecord k;
  k.id = "key_0123456789abcdef";
  k.name = "ci";
  k.hash = std::string(64, 'a');
  k.prefix = "sk-sluice-AbCd";
  k.user = "alice";
  k.team = "payments";
  k.project = "checkout";
  k.role = "contractor";
  k.models = {"claude-*", "gpt-5", "gemini-2.5-pro"};
  k.budget_usd = 12.5;
  k.budget_period = "7d";
  k.budget_action = "fallback";
  k.rpm = 60;
  k.tpm = 100000;
  k.max_reasoning = "medium";
  k.service_tiers = {"default", "flex"};
  k.max_output_tokens = 4096;
  k.created_ms = 1'700'000'000'000;
  k.expires_ms = 1'800'000'000'000;
  k.revoked_ms = 1'750'000'000'000;
  k.rotated_ms = 1'720'000'000'000;
  return k;
}

KeyRecord key(std::string id, std::string name, std::int64_t created, std::int64_t revoked = 0) {
  KeyRecord k;
  k.id = std::move(id);
  k.name = std::move(name);
  k.created_ms = created;
  k.revoked_ms = revoked;
  return k;
}

TEST_F(SqliteStore, MigrationsRunOnceAcrossOpens) {
  open_sqlite(db_path());
  open_sqlite(db_path());
  const auto n = static_cast<std::int64_t>(migrations().size());
  EXPECT_EQ(count(db_path(), "SELECT COUNT(*) FROM schema_migrations"), n);
  EXPECT_EQ(count(db_path(), "SELECT COUNT(DISTINCT version) FROM schema_migrations"), n);
  EXPECT_EQ(count(db_path(), "SELECT MAX(version) FROM schema_migrations"),
            latest_schema_version());
  EXPECT_EQ(count(db_path(), "SELECT value FROM meta WHERE name = 'keys_generation'"), 0);
}

// A gateway upgraded in place: keys and ledger rows written before version 4 read back with
// no role, no tags or findings and "not classified".
TEST_F(SqliteStore, Version4KeepsEarlierKeysAndRows) {
  {
    sqlite::Db db(db_path());
    migrate_to(db, 3);
    db.exec(
        "INSERT INTO keys VALUES ('key_old', 'old', 'h', 'p', 'u', 't', 'pr', '', 0, '', 'block', "
        "0, 0, '', '', 0, 1, 0, 0, 0)");
    db.exec(
        "INSERT INTO usage VALUES ('req_old', 5, '1970-01-01', 'key_old', 'old', 'u', 't', 'pr', "
        "'anthropic', 'm', 'm', 'p', 'r', 1, 2, 0, 0, 0, 0.5, 0, 10, 5, 200, 1)");
  }
  auto s = open_sqlite(db_path());
  const auto k = s->find_key("key_old");
  ASSERT_TRUE(k);
  EXPECT_EQ(k->role, "");
  const auto rows = s->usage_rows({});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].intent, "");
  EXPECT_EQ(rows[0].risk, -1);
  EXPECT_EQ(rows[0].blast_radius, -1);
  EXPECT_TRUE(rows[0].tags.empty());
  EXPECT_TRUE(rows[0].findings.empty());
  EXPECT_NEAR(rows[0].cost_usd, 0.5, 1e-12);
}

TEST_F(SqliteStore, MigrationVersionsAreConsecutiveFromOne) {
  int expected = 1;
  for (const Migration& m : migrations()) EXPECT_EQ(m.version, expected++);
  EXPECT_EQ(latest_schema_version(), expected - 1);
}

TEST_F(SqliteStore, RefusesADatabaseFromANewerSluice) {
  open_sqlite(db_path());
  {
    sqlite::Db db(db_path());
    db.exec("INSERT INTO schema_migrations (version, applied_ms) VALUES (999, 0)");
  }
  try {
    open_sqlite(db_path());
    FAIL() << "a schema newer than this binary was accepted";
  } catch (const StoreError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("999"), std::string::npos) << msg;
    EXPECT_NE(msg.find("(" + std::to_string(latest_schema_version()) + ")"), std::string::npos)
        << msg;
    EXPECT_NE(msg.find(db_path()), std::string::npos) << msg;
  }
}

TEST_F(SqliteStore, CreatesParentDirectoriesAndWal) {
  const auto path = (dir_ / "a" / "b" / "sluice.db").string();
  open_sqlite(path)->put_key(full_key());
  EXPECT_TRUE(fs::exists(path));
  sqlite::Db db(path);
  sqlite::Stmt s(db, "PRAGMA journal_mode");
  ASSERT_TRUE(s.step());
  EXPECT_EQ(s.text(0), "wal");
}

TEST_F(SqliteStore, OpenFailureNamesThePath) {
  const auto blocker = dir_ / "file";
  { std::ofstream(blocker) << "x"; }
  const auto path = (blocker / "sluice.db").string();
  try {
    open_sqlite(path);
    FAIL() << "opened a database under a regular file";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST_F(SqliteStore, NotADatabaseIsAStoreError) {
  { std::ofstream(db_path()) << std::string(4096, 'x'); }
  EXPECT_THROW(open_sqlite(db_path()), StoreError);
}

TEST_F(SqliteStore, InMemoryDatabaseWorks) {
  auto s = open_sqlite(":memory:");
  s->put_key(full_key());
  EXPECT_EQ(s->keys().size(), 1u);
  EXPECT_EQ(s->keys_generation(), 1);
}

TEST_F(SqliteStore, KeysRoundTripEveryField) {
  auto s = open_sqlite(db_path());
  const KeyRecord full = full_key();
  KeyRecord bare = key("key_00000000000000ff", "bare", 1'600'000'000'000);  // zeros, empties
  bare.models = {};
  s->put_key(full);
  s->put_key(bare);

  const auto all = open_sqlite(db_path())->keys();  // read back through a fresh connection
  ASSERT_EQ(all.size(), 2u);
  expect_key_eq(all[0], bare);  // oldest first
  expect_key_eq(all[1], full);
  EXPECT_TRUE(all[0].models.empty());
  EXPECT_TRUE(all[0].service_tiers.empty());

  auto found = s->find_key(full.id);
  ASSERT_TRUE(found);
  expect_key_eq(*found, full);
  EXPECT_FALSE(s->find_key("key_ffffffffffffffff"));
}

TEST_F(SqliteStore, PutKeyReplacesTheKeyWithTheSameId) {
  auto s = open_sqlite(db_path());
  KeyRecord k = full_key();
  s->put_key(k);
  k.hash = std::string(64, 'b');
  k.models = {"gpt-5"};
  k.revoked_ms = 0;
  k.rotated_ms = 1'760'000'000'000;
  s->put_key(k);
  const auto all = s->keys();
  ASSERT_EQ(all.size(), 1u);
  expect_key_eq(all[0], k);
}

TEST_F(SqliteStore, KeysGenerationIncrementsAndIsSharedBetweenStores) {
  auto gateway = open_sqlite(db_path());
  auto cli = open_sqlite(db_path());
  EXPECT_EQ(gateway->keys_generation(), 0);
  cli->put_key(key("key_1", "a", 1));
  EXPECT_EQ(gateway->keys_generation(), 1);
  cli->put_key(key("key_2", "b", 2));
  cli->put_key(key("key_1", "a", 1, 5));  // a revocation is a put too
  EXPECT_EQ(gateway->keys_generation(), 3);
  EXPECT_EQ(cli->keys_generation(), 3);
  gateway->put_key(key("key_3", "c", 3));
  EXPECT_EQ(cli->keys_generation(), 4);
  EXPECT_EQ(gateway->keys().size(), 3u);
}

TEST_F(SqliteStore, FindKeyByNameSkipsRevokedKeys) {
  auto s = open_sqlite(db_path());
  s->put_key(key("key_old", "ci", 100, 150));
  EXPECT_FALSE(s->find_key("ci"));
  ASSERT_TRUE(s->find_key("key_old"));  // by id, a revoked key is still found

  s->put_key(key("key_new", "ci", 200));
  auto found = s->find_key("ci");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, "key_new");

  s->put_key(key("key_newer", "ci", 300));  // several live: the newest answers
  EXPECT_EQ(s->find_key("ci")->id, "key_newer");
  s->put_key(key("key_newer", "ci", 300, 400));
  EXPECT_EQ(s->find_key("ci")->id, "key_new");
}

UsageRow usage(std::string id, std::int64_t t, std::string key_name, double cost) {
  UsageRow r;
  r.request_id = std::move(id);
  r.time_ms = t;
  r.day = "2025-01-0" + std::to_string(1 + t / 1000);
  r.key_id = key_name.empty() ? "" : "key_" + key_name;
  r.key_name = std::move(key_name);
  r.cost_usd = cost;
  r.status = 200;
  return r;
}

TEST_F(SqliteStore, UsageRoundTripsEveryField) {
  auto s = open_sqlite(db_path());
  UsageRow a;
  a.request_id = "req_a";
  a.time_ms = 1'700'000'000'123;
  a.day = "2023-11-14";
  a.key_id = "key_0123456789abcdef";
  a.key_name = "ci";
  a.user = "alice";
  a.team = "payments";
  a.project = "checkout";
  a.wire = "anthropic";
  a.requested_model = "claude-sonnet";
  a.served_model = "claude-sonnet-4-5";
  a.provider = "anthropic";
  a.route = "smart";
  a.input_tokens = 1234;
  a.output_tokens = 567;
  a.cached_tokens = 89;
  a.cache_write_tokens = 10;
  a.reasoning_tokens = 11;
  a.cost_usd = 0.012345678901;
  a.estimated = true;
  a.latency_ms = 2345;
  a.ttfb_ms = 321;
  a.status = 200;
  a.attempts = 2;
  a.intent = "high_stakes";
  a.risk = 0.875;
  a.blast_radius = 42;
  a.tags = {"payments", "reviewed"};
  a.findings = {"email=2", "aws_access_key=1"};
  UsageRow b;  // defaults: empty strings, ttfb -1, not estimated
  b.request_id = "req_b";
  b.time_ms = a.time_ms + 1;
  b.status = 502;
  const UsageRow rows[] = {a, b};
  s->append_usage(rows);

  const auto got = open_sqlite(db_path())->usage_rows({});
  ASSERT_EQ(got.size(), 2u);
  expect_usage_eq(got[0], a);
  expect_usage_eq(got[1], b);

  // [since, until): the bounds are inclusive, exclusive.
  EXPECT_EQ(s->usage_rows({a.time_ms, b.time_ms}).size(), 1u);
  EXPECT_EQ(s->usage_rows({b.time_ms, b.time_ms + 1})[0].request_id, "req_b");
  EXPECT_TRUE(s->usage_rows({b.time_ms + 1}).empty());
  s->append_usage({});
  EXPECT_EQ(s->usage_rows({}).size(), 2u);
}

TEST_F(SqliteStore, AppendsAThousandRowsInOneCall) {
  auto s = open_sqlite(db_path());
  std::vector<UsageRow> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back(usage("r" + std::to_string(i), i, "k", 0.001));
  s->append_usage(rows);
  s->append_usage(rows);  // the cached statement is reusable
  EXPECT_EQ(s->usage_rows({}).size(), 2000u);
  EXPECT_NEAR(s->spend_since(SpendScope::Org, "", 0), 2.0, 1e-9);
}

// 107 rows: a 64-row insert, two of 16, two of 4 and three single ones. Every column of every
// row comes back as written, in order (a parameter offset off by one would shift columns
// between rows, a wrong usage_dims id would swap who and what between them).
TEST_F(SqliteStore, ManyRowInsertsKeepEveryColumnOfEveryRow) {
  auto s = open_sqlite(db_path());
  std::vector<UsageRow> rows;
  for (int i = 0; i < 107; ++i) {
    UsageRow r =
        usage("req" + std::to_string(i), 1000 + i, "key" + std::to_string(i % 3), 0.001 * (i + 1));
    r.user = "user" + std::to_string(i);
    r.served_model = "model" + std::to_string(i % 5);
    r.input_tokens = 100 + i;
    r.output_tokens = 200 + i;
    r.reasoning_tokens = i;
    r.latency_ms = 10 * i;
    r.status = i % 7 == 0 ? 502 : 200;
    r.intent = i % 2 ? "edit" : "chat";
    r.tags = {"t" + std::to_string(i)};
    r.council_of = i == 36 ? "req0" : "";
    rows.push_back(std::move(r));
  }
  s->append_usage(rows);
  const auto got = open_sqlite(db_path())->usage_rows({});
  ASSERT_EQ(got.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    expect_usage_eq(got[i], rows[i]);
  }
}

// A row's who and what (key, user, team, project, wire, models, provider, route, intent,
// council) is kept once per distinct combination, also when two connections write the same
// one; the rows read back whole either way.
TEST_F(SqliteStore, RowsThatShareWhoAndWhatShareOneDimsRow) {
  std::vector<UsageRow> rows;
  for (int i = 0; i < 40; ++i) {
    UsageRow r = usage("req" + std::to_string(i), 1000 + i, "key" + std::to_string(i % 3), 0.01);
    r.served_model = i % 2 ? "gpt-5" : "claude";
    rows.push_back(std::move(r));
  }
  auto gateway = open_sqlite(db_path());
  auto other = open_sqlite(db_path());
  gateway->append_usage(std::span(rows).first(10));
  EXPECT_EQ(count(db_path(), "SELECT COUNT(*) FROM usage_dims"), 6);  // 3 keys x 2 models
  other->append_usage(std::span(rows).subspan(10, 20));               // knows none of the ids
  gateway->append_usage(std::span(rows).subspan(30));
  EXPECT_EQ(count(db_path(), "SELECT COUNT(*) FROM usage_dims"), 6);
  EXPECT_EQ(count(db_path(), "SELECT COUNT(*) FROM usage_rows"), 40);
  const auto got = gateway->usage_rows({});
  ASSERT_EQ(got.size(), rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    SCOPED_TRACE(i);
    expect_usage_eq(got[i], rows[i]);
  }
}

// A batch that fails after adding a new combination rolls the combination back with it; the
// writer must not keep its id, or the rows of the next batch would name a usage_dims row that
// does not exist and drop out of the usage view.
TEST_F(SqliteStore, AFailedBatchLeavesNoStaleDimsId) {
  auto s = open_sqlite(db_path());
  {
    sqlite::Db db(db_path());
    db.exec(
        "CREATE TRIGGER refuse_boom BEFORE INSERT ON usage_rows WHEN NEW.request_id = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END");
  }
  UsageRow failing = usage("boom", 1000, "newkey", 0.5);
  EXPECT_THROW(s->append_usage(std::span(&failing, 1)), StoreError);
  EXPECT_EQ(count(db_path(), "SELECT COUNT(*) FROM usage_dims"), 0);

  UsageRow next = usage("req_next", 1001, "newkey", 0.25);
  s->append_usage(std::span(&next, 1));
  const auto got = s->usage_rows({});
  ASSERT_EQ(got.size(), 1u);
  expect_usage_eq(got[0], next);
}

// A ledger written before version 7 (one wide usage table) reads back whole through the view.
TEST_F(SqliteStore, Version7MovesTheWideLedgerIntoRowsAndDims) {
  {
    sqlite::Db db(db_path());
    migrate_to(db, 6);
    for (int i = 0; i < 3; ++i) {
      const auto row = "INSERT INTO usage VALUES ('req" + std::to_string(i) + "', " +
                       std::to_string(10 + i) +
                       ", '1970-01-01', 'key_a', 'a', 'u', 't', 'pr', 'anthropic', 'm', 'm" +
                       std::to_string(i % 2) +
                       "', 'p', 'r', 1, 2, 3, 4, 5, 0.5, 1, 10, 5, 200, 1, 'edit', 0.25, 7, "
                       "'x,y', 'email=1', '')";
      db.exec(row.c_str());
    }
  }
  auto s = open_sqlite(db_path());
  EXPECT_EQ(count(db_path(), "SELECT COUNT(*) FROM usage_dims"), 2);
  const auto rows = s->usage_rows({});
  ASSERT_EQ(rows.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    const auto& r = rows[static_cast<std::size_t>(i)];
    EXPECT_EQ(r.request_id, "req" + std::to_string(i));
    EXPECT_EQ(r.time_ms, 10 + i);
    EXPECT_EQ(r.day, "1970-01-01");
    EXPECT_EQ(r.key_id, "key_a");
    EXPECT_EQ(r.team, "t");
    EXPECT_EQ(r.served_model, "m" + std::to_string(i % 2));
    EXPECT_EQ(r.cache_write_tokens, 4);
    EXPECT_EQ(r.reasoning_tokens, 5);
    EXPECT_TRUE(r.estimated);
    EXPECT_EQ(r.intent, "edit");
    EXPECT_EQ(r.risk, 0.25);
    EXPECT_EQ(r.blast_radius, 7);
    EXPECT_EQ(r.tags, (std::vector<std::string>{"x", "y"}));
    EXPECT_EQ(r.findings, (std::vector<std::string>{"email=1"}));
  }
  // Not on an hour: the raw rows answer, through the view.
  EXPECT_NEAR(s->spend_since(SpendScope::Team, "t", 1), 1.5, 1e-12);
}

// Six rows over two days; the expected sums below are worked out by hand.
std::vector<UsageRow> ledger() {
  std::vector<UsageRow> rows;
  auto add = [&](std::string key, std::string user, std::string team, std::string project,
                 std::string model, std::int64_t t, double cost, int status, bool estimated) {
    UsageRow r = usage("req" + std::to_string(rows.size()), t, std::move(key), cost);
    r.user = std::move(user);
    r.team = std::move(team);
    r.project = std::move(project);
    r.served_model = std::move(model);
    r.input_tokens = 100;
    r.output_tokens = 10;
    r.cached_tokens = 1;
    r.reasoning_tokens = 2;
    r.status = status;
    r.estimated = estimated;
    rows.push_back(std::move(r));
  };
  add("ci", "alice", "pay", "web", "gpt-5", 0, 0.1, 200, false);
  add("ci", "alice", "pay", "web", "gpt-5", 100, 0.2, 429, true);
  add("ops", "bob", "pay", "", "claude", 200, 1.0, 200, false);
  add("ops", "bob", "infra", "", "claude", 1000, 0.05, 500, false);
  add("", "", "", "", "", 1100, 0.0, 401, false);
  add("ci", "carol", "infra", "api", "gpt-5", 1200, 0.25, 200, true);
  return rows;
}

TEST_F(SqliteStore, UsageTotalsByEveryGroup) {
  auto s = open_sqlite(db_path());
  s->append_usage(ledger());

  auto by_key = s->usage_totals(UsageGroup::Key, {});
  ASSERT_EQ(by_key.size(), 3u);
  EXPECT_EQ(by_key[0].group, "ops");  // largest cost first
  EXPECT_NEAR(by_key[0].cost_usd, 1.05, 1e-12);
  EXPECT_EQ(by_key[0].errors, 1);
  EXPECT_EQ(by_key[1].group, "ci");
  EXPECT_NEAR(by_key[1].cost_usd, 0.1 + 0.2 + 0.25, 1e-12);
  EXPECT_EQ(by_key[1].requests, 3);
  EXPECT_EQ(by_key[1].input_tokens, 300);
  EXPECT_EQ(by_key[1].output_tokens, 30);
  EXPECT_EQ(by_key[1].cached_tokens, 3);
  EXPECT_EQ(by_key[1].reasoning_tokens, 6);
  EXPECT_EQ(by_key[1].estimated, 2);
  EXPECT_EQ(by_key[1].errors, 1);
  EXPECT_EQ(by_key[2].group, "(none)");
  EXPECT_EQ(by_key[2].requests, 1);
  EXPECT_EQ(by_key[2].errors, 1);
  EXPECT_EQ(by_key[2].cost_usd, 0);

  auto by_user = s->usage_totals(UsageGroup::User, {});
  ASSERT_EQ(by_user.size(), 4u);
  EXPECT_EQ(by_user[0].group, "bob");
  EXPECT_EQ(by_user[1].group, "alice");
  EXPECT_NEAR(by_user[1].cost_usd, 0.3, 1e-12);
  EXPECT_EQ(by_user[2].group, "carol");
  EXPECT_EQ(by_user[3].group, "(none)");

  auto by_team = s->usage_totals(UsageGroup::Team, {});
  ASSERT_EQ(by_team.size(), 3u);
  EXPECT_EQ(by_team[0].group, "pay");
  EXPECT_NEAR(by_team[0].cost_usd, 1.3, 1e-12);
  EXPECT_EQ(by_team[0].requests, 3);
  EXPECT_EQ(by_team[1].group, "infra");
  EXPECT_NEAR(by_team[1].cost_usd, 0.3, 1e-12);

  auto by_project = s->usage_totals(UsageGroup::Project, {});
  ASSERT_EQ(by_project.size(), 3u);
  EXPECT_EQ(by_project[0].group, "(none)");  // bob's rows and the anonymous one
  EXPECT_EQ(by_project[0].requests, 3);
  EXPECT_NEAR(by_project[0].cost_usd, 1.05, 1e-12);
  EXPECT_EQ(by_project[1].group, "web");
  EXPECT_NEAR(by_project[1].cost_usd, 0.3, 1e-12);
  EXPECT_EQ(by_project[2].group, "api");
  EXPECT_NEAR(by_project[2].cost_usd, 0.25, 1e-12);

  auto by_model = s->usage_totals(UsageGroup::Model, {});
  ASSERT_EQ(by_model.size(), 3u);
  EXPECT_EQ(by_model[0].group, "claude");
  EXPECT_EQ(by_model[1].group, "gpt-5");
  EXPECT_NEAR(by_model[1].cost_usd, 0.55, 1e-12);
  EXPECT_EQ(by_model[2].group, "(none)");

  auto by_day = s->usage_totals(UsageGroup::Day, {});
  ASSERT_EQ(by_day.size(), 2u);
  EXPECT_EQ(by_day[0].group, "2025-01-01");
  EXPECT_NEAR(by_day[0].cost_usd, 1.3, 1e-12);
  EXPECT_EQ(by_day[0].requests, 3);
  EXPECT_EQ(by_day[1].group, "2025-01-02");
  EXPECT_NEAR(by_day[1].cost_usd, 0.3, 1e-12);
  EXPECT_EQ(by_day[1].errors, 2);

  // The window applies before grouping.
  auto late = s->usage_totals(UsageGroup::Key, {1000, 1200});
  ASSERT_EQ(late.size(), 2u);
  EXPECT_EQ(late[0].group, "ops");
  EXPECT_EQ(late[0].requests, 1);
  EXPECT_EQ(late[1].group, "(none)");
}

// What policy, the guardrails and the classifier said, per request: finance and security ask
// "what did high-stakes work cost", "which tag", "how many requests carried a secret".
TEST_F(SqliteStore, UsageTotalsByIntentTagAndFinding) {
  auto s = open_sqlite(db_path());
  auto row = [](std::string id, double cost, std::string intent, std::vector<std::string> tags,
                std::vector<std::string> findings, int status = 200) {
    UsageRow r = usage(std::move(id), 100, "ci", cost);
    r.intent = std::move(intent);
    r.risk = r.intent.empty() ? -1 : 0.5;
    r.tags = std::move(tags);
    r.findings = std::move(findings);
    r.status = status;
    return r;
  };
  s->append_usage(std::vector<UsageRow>{
      row("a", 1.0, "high_stakes", {"payments", "council"}, {"email=2"}),
      row("b", 0.5, "high_stakes", {"payments"}, {"email=1", "aws_access_key=1"}, 500),
      row("c", 0.25, "trivial_edit", {}, {}), row("d", 0.125, "", {"council"}, {})});

  const auto by_intent = s->usage_totals(UsageGroup::Intent, {});
  ASSERT_EQ(by_intent.size(), 3u);
  EXPECT_EQ(by_intent[0].group, "high_stakes");
  EXPECT_EQ(by_intent[0].requests, 2);
  EXPECT_NEAR(by_intent[0].cost_usd, 1.5, 1e-12);
  EXPECT_EQ(by_intent[0].errors, 1);
  EXPECT_EQ(by_intent[1].group, "trivial_edit");
  EXPECT_EQ(by_intent[2].group, "(none)");  // not classified

  // A row counts under each of its tags; rows without tags are not listed.
  const auto by_tag = s->usage_totals(UsageGroup::Tag, {});
  ASSERT_EQ(by_tag.size(), 2u);
  EXPECT_EQ(by_tag[0].group, "payments");
  EXPECT_EQ(by_tag[0].requests, 2);
  EXPECT_NEAR(by_tag[0].cost_usd, 1.5, 1e-12);
  EXPECT_EQ(by_tag[1].group, "council");
  EXPECT_NEAR(by_tag[1].cost_usd, 1.125, 1e-12);

  // Findings group by kind: requests that carried it (the row keeps the counts).
  const auto by_finding = s->usage_totals(UsageGroup::Finding, {});
  ASSERT_EQ(by_finding.size(), 2u);
  EXPECT_EQ(by_finding[0].group, "email");
  EXPECT_EQ(by_finding[0].requests, 2);
  EXPECT_EQ(by_finding[1].group, "aws_access_key");
  EXPECT_EQ(by_finding[1].requests, 1);
  EXPECT_EQ(s->usage_totals(UsageGroup::Finding, {200, 300}).size(), 0u);  // the window applies
}

TEST_F(SqliteStore, SpendSinceEachScope) {
  auto s = open_sqlite(db_path());
  s->append_usage(ledger());
  EXPECT_NEAR(s->spend_since(SpendScope::Key, "key_ci", 0), 0.55, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Key, "key_ci", 100), 0.45, 1e-12);  // inclusive
  EXPECT_NEAR(s->spend_since(SpendScope::Key, "key_ci", 101), 0.25, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::User, "bob", 0), 1.05, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::User, "bob", 500), 0.05, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Team, "pay", 0), 1.3, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Team, "infra", 1100), 0.25, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Project, "web", 0), 0.3, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Org, "ignored", 0), 1.6, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Org, "", 1000), 0.3, 1e-12);
  EXPECT_EQ(s->spend_since(SpendScope::Team, "nobody", 0), 0);
  EXPECT_EQ(s->spend_since(SpendScope::Org, "", 5000), 0);
}

TEST_F(SqliteStore, EventsRoundTrip) {
  auto s = open_sqlite(db_path());
  s->append_event({200, "budget_exhausted", "team:payments", "spent $10.02 of $10"});
  s->append_event({100, "key_created", "key:key_0123", "name ci"});
  s->append_event({300, "key_revoked", "org", ""});
  const auto all = s->events(0);
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].time_ms, 100);  // oldest first
  EXPECT_EQ(all[0].kind, "key_created");
  EXPECT_EQ(all[0].scope, "key:key_0123");
  EXPECT_EQ(all[0].detail, "name ci");
  EXPECT_EQ(all[1].detail, "spent $10.02 of $10");
  EXPECT_EQ(all[2].scope, "org");
  EXPECT_EQ(all[2].detail, "");
  const auto recent = s->events(200);
  ASSERT_EQ(recent.size(), 2u);
  EXPECT_EQ(recent[0].kind, "budget_exhausted");
}

TEST_F(SqliteStore, ProvidersRoundTripReplaceAndRemove) {
  auto s = open_sqlite(db_path());
  s->put_provider({"openai", "openai", "", "sealed:v1:abc", 10});
  s->put_provider({"local", "openai", "http://127.0.0.1:11434/v1", "sealed:v1:def", 20});
  auto all = s->stored_providers();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "local");
  EXPECT_EQ(all[0].type, "openai");
  EXPECT_EQ(all[0].base_url, "http://127.0.0.1:11434/v1");
  EXPECT_EQ(all[0].sealed_key, "sealed:v1:def");
  EXPECT_EQ(all[0].created_ms, 20);
  EXPECT_EQ(all[1].base_url, "");

  s->put_provider({"openai", "anthropic", "https://x", "sealed:v1:new", 30});
  all = s->stored_providers();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1].type, "anthropic");
  EXPECT_EQ(all[1].base_url, "https://x");
  EXPECT_EQ(all[1].sealed_key, "sealed:v1:new");
  EXPECT_EQ(all[1].created_ms, 30);

  EXPECT_TRUE(s->remove_provider("openai"));
  EXPECT_FALSE(s->remove_provider("openai"));
  EXPECT_FALSE(s->remove_provider("unknown"));
  ASSERT_EQ(s->stored_providers().size(), 1u);
  EXPECT_EQ(s->stored_providers()[0].name, "local");
}

}  // namespace
}  // namespace sluice::store

namespace sluice::store {
namespace {

class SqliteRollup : public test_support::TempDirTest {};

// Whole-hour ranges are answered from usage_hourly, others from the raw rows: both must agree,
// across several batches that add to the same hour.
TEST_F(SqliteRollup, HourlyAndRawAnswersAgree) {
  constexpr std::int64_t kHour = 3'600'000;
  constexpr std::int64_t kBase = 1'795'000'000'000 / kHour * kHour;  // a whole hour
  auto s = open_sqlite(db_path());
  auto row = [](std::string id, std::int64_t t, std::string key, std::string team, double cost,
                int status) {
    UsageRow r;
    r.request_id = std::move(id);
    r.time_ms = t;
    r.day = t < kBase + 2 * kHour ? "2026-11-18" : "2026-11-19";
    r.key_id = "key_" + key;
    r.key_name = std::move(key);
    r.team = std::move(team);
    r.served_model = "gpt-fake";
    r.input_tokens = 10;
    r.output_tokens = 5;
    r.cost_usd = cost;
    r.status = status;
    return r;
  };
  s->append_usage(std::vector<UsageRow>{row("a", kBase + 5, "ci", "pay", 0.10, 200),
                                        row("b", kBase + kHour - 1, "ci", "pay", 0.20, 500)});
  s->append_usage(std::vector<UsageRow>{row("c", kBase + 10, "ci", "pay", 0.40, 200),
                                        row("d", kBase + kHour, "ops", "infra", 0.80, 200),
                                        row("e", kBase + 3 * kHour, "ci", "pay", 1.60, 200)});
  // Whole hours (rollup) vs the same rows through a range cut inside an empty hour (raw).
  EXPECT_NEAR(s->spend_since(SpendScope::Team, "pay", kBase), 2.30, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Team, "pay", kBase - 1), 2.30, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Key, "key_ci", kBase + kHour), 1.60, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Key, "key_ci", kBase + kHour - 1), 1.80, 1e-12);
  EXPECT_NEAR(s->spend_since(SpendScope::Org, "", kBase), 3.10, 1e-12);
  for (auto by : {UsageGroup::Key, UsageGroup::Team, UsageGroup::Model, UsageGroup::Day}) {
    const auto hourly = s->usage_totals(by, {kBase, kBase + 2 * kHour});
    const auto raw = s->usage_totals(by, {kBase - 1, kBase + 2 * kHour - 1});
    ASSERT_EQ(hourly.size(), raw.size());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      EXPECT_EQ(hourly[i].group, raw[i].group);
      EXPECT_EQ(hourly[i].requests, raw[i].requests);
      EXPECT_EQ(hourly[i].input_tokens, raw[i].input_tokens);
      EXPECT_NEAR(hourly[i].cost_usd, raw[i].cost_usd, 1e-12);
      EXPECT_EQ(hourly[i].errors, raw[i].errors);
    }
  }
  const auto by_key = s->usage_totals(UsageGroup::Key, {kBase, kBase + kHour});
  ASSERT_EQ(by_key.size(), 1u);
  EXPECT_EQ(by_key[0].requests, 3);
  EXPECT_EQ(by_key[0].errors, 1);
  EXPECT_NEAR(by_key[0].cost_usd, 0.70, 1e-12);
}

}  // namespace
}  // namespace sluice::store
