#pragma once
// The single batching writer of the usage ledger, the audit chain and governance events:
// request threads hand rows over (a lock and a vector push, never a disk write) and one thread
// commits them in transactions of up to `max_batch` rows every `interval` (group commit).
// flush() and the destructor commit everything handed over before them, so a graceful stop
// loses no row. A request that must not finish before its audit record is durable (audit
// durability: strict) asks to be told when it is, and the writer commits at once.
//
// An audit record can be handed over unfinished (AuditSource): its hashing and JSON, a few
// microseconds per request, then run on this thread, off the event loops.
//
// The backlog is bounded: once `max_backlog` rows are handed over and not yet committed, a
// submit waits for the writer (back-pressure: requests slow down to what the disk takes)
// rather than growing memory without limit or dropping an audit record.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace sluice::store {

/// What an audit record is made of, turned into the record on the writer's thread.
class AuditSource {
 public:
  virtual ~AuditSource() = default;
  /// The record, with its filter fields (AuditRow). Called once, on the writer's thread; an
  /// exception loses the record (logged and counted as failed).
  virtual AuditRow build() = 0;
};

class BatchWriter {
 public:
  struct Options {
    std::chrono::milliseconds interval{50};
    std::size_t max_batch = 256;      // rows per transaction: bounds how long one commit runs
    std::size_t max_backlog = 65536;  // rows handed over and not committed before submit waits
  };
  BatchWriter(std::unique_ptr<Store> store, Options opt);
  explicit BatchWriter(std::unique_ptr<Store> store) : BatchWriter(std::move(store), Options{}) {}
  ~BatchWriter();  // flushes, then stops the thread
  BatchWriter(const BatchWriter&) = delete;
  BatchWriter& operator=(const BatchWriter&) = delete;

  void submit(UsageRow row);
  void submit(EventRow event);
  /// A council's row and its audit record (rare: one per reviewed request).
  void submit(CouncilRow council);
  /// Returns the record's ticket, for when_durable().
  std::uint64_t submit(AuditRow row);
  /// The same for a record built on the writer's thread.
  std::uint64_t submit(std::unique_ptr<AuditSource> source);
  /// Calls `done` once every audit record up to `ticket` is committed (or given up on and
  /// logged): at once if it already is, else on the writer's thread right after the commit.
  /// Wakes the writer, so the wait is one commit, not an interval.
  void when_durable(std::uint64_t ticket, std::function<void()> done);
  /// Blocks until every row submitted before this call is committed (or failed and logged).
  void flush();

  // Both count usage rows and events alike.
  std::uint64_t written() const;  // rows committed so far
  std::uint64_t failed() const;   // rows a failing database could not take (logged)

 private:
  void run();
  /// Queues a row; returns the audit ticket of the last audit record queued.
  template <class Row>
  std::uint64_t push(std::vector<Row>& queue, Row&& row);
  std::unique_ptr<Store> store_;
  Options opt_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<UsageRow> rows_;
  std::vector<EventRow> events_;
  std::vector<CouncilRow> councils_;
  std::vector<std::unique_ptr<AuditSource>> audit_;
  std::uint64_t audit_submitted_ = 0;
  std::uint64_t audit_committed_ = 0;
  std::uint64_t audit_flush_to_ = 0;
  std::vector<std::pair<std::uint64_t, std::function<void()>>> durable_waiters_;
  std::uint64_t submitted_ = 0;
  std::uint64_t committed_ = 0;  // submitted rows that are durable or given up on
  std::uint64_t written_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t flush_to_ = 0;  // the largest submitted_ a flush() waits for: write now
  std::uint64_t waits_ = 0;     // submits that waited for the backlog (logged now and then)
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sluice::store
