#pragma once
// The single batching writer of the usage ledger and governance events: request threads hand
// rows over (a lock and a vector push, never a disk write) and one thread commits them in
// transactions of up to `max_batch` rows every `interval`. flush() and the destructor commit
// everything handed over before them, so a graceful stop loses no row.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "store/store.hpp"

namespace sluice::store {

class UsageWriter {
 public:
  struct Options {
    std::chrono::milliseconds interval{50};
    std::size_t max_batch = 256;  // rows per transaction: bounds how long one commit runs
  };
  UsageWriter(std::unique_ptr<Store> store, Options opt);
  explicit UsageWriter(std::unique_ptr<Store> store) : UsageWriter(std::move(store), Options{}) {}
  ~UsageWriter();  // flushes, then stops the thread
  UsageWriter(const UsageWriter&) = delete;
  UsageWriter& operator=(const UsageWriter&) = delete;

  void submit(UsageRow row);
  void submit(EventRow event);
  /// Blocks until every row submitted before this call is committed (or failed and logged).
  void flush();

  // Both count usage rows and events alike.
  std::uint64_t written() const;  // rows committed so far
  std::uint64_t failed() const;   // rows a failing database could not take (logged)

 private:
  void run();
  std::unique_ptr<Store> store_;
  Options opt_;
  mutable std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::vector<UsageRow> rows_;
  std::vector<EventRow> events_;
  std::uint64_t submitted_ = 0;
  std::uint64_t committed_ = 0;  // submitted rows that are durable or given up on
  std::uint64_t written_ = 0;
  std::uint64_t failed_ = 0;
  std::uint64_t flush_to_ = 0;  // the largest submitted_ a flush() waits for: write now
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace sluice::store
