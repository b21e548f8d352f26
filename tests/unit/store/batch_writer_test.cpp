// The batching writer: nothing handed over is lost (flush, destructor, many threads), batches
// respect max_batch, and a failing database is retried once, then counted, never waited on
// forever.

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/batch_writer.hpp"
#include "store/store.hpp"
#include "support/temp_dir.hpp"

namespace sluice::store {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class BatchWriterTest : public test_support::TempDirTest {};

UsageRow row(std::string id) {
  UsageRow r;
  r.request_id = std::move(id);
  r.time_ms = 1000;
  r.cost_usd = 0.001;
  r.status = 200;
  return r;
}

// A Store that records batch sizes and fails the first `failures` writes.
struct FakeState {
  std::mutex mu;
  std::vector<std::size_t> batches;  // sizes of append_usage calls that succeeded
  int calls = 0;
  int failures = 0;
  bool open = true;  // false: append_usage waits (a stalled disk) until it is true again
  std::condition_variable opened;
};

class FakeStore final : public Store {
 public:
  explicit FakeStore(std::shared_ptr<FakeState> st) : st_(std::move(st)) {}
  void put_key(const KeyRecord&) override {}
  std::vector<KeyRecord> keys() override { return {}; }
  std::optional<KeyRecord> find_key(std::string_view) override { return std::nullopt; }
  std::int64_t keys_generation() override { return 0; }
  void append_usage(std::span<const UsageRow> rows) override {
    std::unique_lock lk(st_->mu);
    st_->opened.wait(lk, [&] { return st_->open; });
    ++st_->calls;
    if (st_->failures > 0) {
      --st_->failures;
      throw StoreError("sqlite fake.db: database is locked");
    }
    st_->batches.push_back(rows.size());
  }
  std::vector<UsageRow> usage_rows(const UsageQuery&) override { return {}; }
  std::vector<UsageTotal> usage_totals(UsageGroup, const UsageQuery&) override { return {}; }
  double spend_since(SpendScope, std::string_view, std::int64_t) override { return 0; }
  void append_event(const EventRow&) override {}
  std::vector<EventRow> events(std::int64_t) override { return {}; }
  void append_council(const CouncilRow&) override {}
  std::optional<CouncilRow> find_council(std::string_view) override { return std::nullopt; }
  void put_provider(const StoredProvider&) override {}
  std::vector<StoredProvider> stored_providers() override { return {}; }
  bool remove_provider(std::string_view) override { return false; }
  void sync_every_commit() override {}
  void append_audit(std::span<AuditRow>) override {}
  AuditTail audit_tail() override { return {}; }
  void append_checkpoint(const AuditCheckpoint&) override {}
  std::optional<AuditCheckpoint> last_checkpoint() override { return std::nullopt; }
  std::vector<AuditRow> audit_rows(const AuditQuery&) override { return {}; }
  void scan_audit(std::int64_t, std::int64_t,
                  const std::function<bool(const AuditRow&)>&) override {}
  std::vector<AuditCheckpoint> audit_checkpoints(std::int64_t, std::int64_t) override { return {}; }
  std::int64_t audit_seq_at(std::int64_t) override { return 0; }

 private:
  std::shared_ptr<FakeState> st_;
};

TEST_F(BatchWriterTest, TenThousandRowsFromFourThreadsAllCommitOnFlush) {
  BatchWriter w(open_sqlite(db_path()), {.interval = 20ms, .max_batch = 256});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&w, t] {
      for (int i = 0; i < 2500; ++i) w.submit(row(std::to_string(t) + "-" + std::to_string(i)));
    });
  }
  for (auto& t : threads) t.join();
  w.flush();
  EXPECT_EQ(w.written(), 10000u);
  EXPECT_EQ(w.failed(), 0u);

  const auto rows = open_sqlite(db_path())->usage_rows({});
  std::set<std::string> ids;
  for (const auto& r : rows) ids.insert(r.request_id);
  EXPECT_EQ(rows.size(), 10000u);
  EXPECT_EQ(ids.size(), 10000u);
}

TEST_F(BatchWriterTest, DestructorCommitsEverythingWithoutFlush) {
  {
    // An interval far longer than the test: only the destructor can have written.
    BatchWriter w(open_sqlite(db_path()), {.interval = 1h, .max_batch = 100000});
    for (int i = 0; i < 3000; ++i) w.submit(row("r" + std::to_string(i)));
    w.submit(EventRow{5, "key_created", "key:key_1", "name ci"});
  }
  auto s = open_sqlite(db_path());
  EXPECT_EQ(s->usage_rows({}).size(), 3000u);
  ASSERT_EQ(s->events(0).size(), 1u);
  EXPECT_EQ(s->events(0)[0].kind, "key_created");
}

TEST_F(BatchWriterTest, RowsAreVisibleToAnotherStoreAfterFlush) {
  auto reader = open_sqlite(db_path());
  BatchWriter w(open_sqlite(db_path()), {.interval = 1h, .max_batch = 1024});
  w.submit(row("a"));
  w.submit(row("b"));
  w.submit(EventRow{7, "budget_warning", "org", "80%"});
  w.flush();  // must not wait for the hour-long interval
  EXPECT_EQ(reader->usage_rows({}).size(), 2u);
  EXPECT_NEAR(reader->spend_since(SpendScope::Org, "", 0), 0.002, 1e-12);
  EXPECT_EQ(reader->events(0).size(), 1u);
  EXPECT_EQ(w.written(), 3u);
  w.flush();  // nothing new: returns at once
}

TEST_F(BatchWriterTest, AFullBatchIsWrittenWithoutWaitingForTheInterval) {
  auto st = std::make_shared<FakeState>();
  BatchWriter w(std::make_unique<FakeStore>(st), {.interval = 1h, .max_batch = 10});
  for (int i = 0; i < 10; ++i) w.submit(row(std::to_string(i)));
  for (int i = 0; i < 500 && w.written() < 10; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(w.written(), 10u);
}

TEST_F(BatchWriterTest, TransactionsHoldAtMostMaxBatchRows) {
  auto st = std::make_shared<FakeState>();
  {
    BatchWriter w(std::make_unique<FakeStore>(st), {.interval = 1h, .max_batch = 7});
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&w] {
        for (int i = 0; i < 500; ++i) w.submit(row(std::to_string(i)));
      });
    }
    for (auto& t : threads) t.join();
    w.flush();
    EXPECT_EQ(w.written(), 1000u);
  }
  std::size_t total = 0;
  for (auto n : st->batches) {
    EXPECT_LE(n, 7u);
    total += n;
  }
  EXPECT_EQ(total, 1000u);
}

TEST_F(BatchWriterTest, RetriesAFailedBatchOnce) {
  auto st = std::make_shared<FakeState>();
  st->failures = 1;
  BatchWriter w(std::make_unique<FakeStore>(st), {.interval = 1h, .max_batch = 1024});
  for (int i = 0; i < 5; ++i) w.submit(row(std::to_string(i)));
  w.flush();
  EXPECT_EQ(w.written(), 5u);
  EXPECT_EQ(w.failed(), 0u);
  std::lock_guard lk(st->mu);
  EXPECT_EQ(st->calls, 2);
}

TEST_F(BatchWriterTest, GivesUpAfterTheRetryAndCountsTheRowsAsFailed) {
  auto st = std::make_shared<FakeState>();
  st->failures = 2;
  BatchWriter w(std::make_unique<FakeStore>(st), {.interval = 1h, .max_batch = 1024});
  for (int i = 0; i < 5; ++i) w.submit(row(std::to_string(i)));
  w.flush();  // returns although nothing was written
  EXPECT_EQ(w.written(), 0u);
  EXPECT_EQ(w.failed(), 5u);
  w.submit(row("later"));  // the database recovered
  w.flush();
  EXPECT_EQ(w.written(), 1u);
  std::lock_guard lk(st->mu);
  EXPECT_EQ(st->calls, 3);
}

}  // namespace
}  // namespace sluice::store

namespace sluice::store {
namespace {

// A stalled disk: once max_backlog rows wait, the next submit waits too, instead of the
// backlog (and memory) growing without end; it goes on as soon as the disk takes rows again.
TEST_F(BatchWriterTest, ASubmitPastTheBacklogWaitsForTheDisk) {
  auto st = std::make_shared<FakeState>();
  st->open = false;
  BatchWriter::Options opt;
  opt.interval = std::chrono::milliseconds(1);
  opt.max_batch = 10;
  opt.max_backlog = 100;
  BatchWriter w(std::make_unique<FakeStore>(st), opt);
  for (int i = 0; i < 100; ++i) w.submit(row("r" + std::to_string(i)));
  std::atomic<bool> submitted{false};
  std::thread late([&] {
    w.submit(row("late"));
    submitted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(submitted) << "a submit past the backlog went through while the disk was stalled";
  {
    std::lock_guard lk(st->mu);
    st->open = true;
  }
  st->opened.notify_all();
  late.join();
  EXPECT_TRUE(submitted);
  w.flush();
  EXPECT_EQ(w.written(), 101u);
}

}  // namespace
}  // namespace sluice::store
