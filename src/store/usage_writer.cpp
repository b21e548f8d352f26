// The batching writer's thread (see usage_writer.hpp). Request threads only push under a short
// lock; the thread swaps the vectors out and writes with the lock released, so a slow disk or a
// busy database delays the ledger, never a response.

#include "store/usage_writer.hpp"

#include <algorithm>
#include <exception>
#include <span>
#include <utility>

#include "core/log.hpp"

namespace sluice::store {
namespace {

using namespace std::chrono_literals;

// One retry rides out a lock held past the busy timeout (a long CLI export, a checkpoint);
// a database that is still failing after that is broken, and the rows are counted as lost.
constexpr auto kRetryDelay = 100ms;

template <class F>
bool with_retry(std::size_t n, const char* what, F&& write) {
  for (int attempt = 0;; ++attempt) {
    try {
      write();
      return true;
    } catch (const std::exception& e) {
      if (attempt > 0) {
        log::error("usage writer: {} {} lost: {}", n, what, e.what());
        return false;
      }
      log::warn("usage writer: writing {} {} failed, retrying: {}", n, what, e.what());
    }
    std::this_thread::sleep_for(kRetryDelay);
  }
}

}  // namespace

UsageWriter::UsageWriter(std::unique_ptr<Store> store, Options opt)
    : store_(std::move(store)), opt_(opt) {
  opt_.max_batch = std::max<std::size_t>(opt_.max_batch, 1);
  rows_.reserve(opt_.max_batch);
  thread_ = std::thread([this] { run(); });
}

UsageWriter::~UsageWriter() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void UsageWriter::submit(UsageRow row) {
  bool full;
  {
    std::lock_guard lk(mu_);
    rows_.push_back(std::move(row));
    ++submitted_;
    // Only the submit that fills a batch signals; the thread's wait predicate catches a batch
    // that filled while it was busy writing.
    full = rows_.size() + events_.size() == opt_.max_batch;
  }
  if (full) wake_.notify_one();
}

void UsageWriter::submit(EventRow event) {
  bool full;
  {
    std::lock_guard lk(mu_);
    events_.push_back(std::move(event));
    ++submitted_;
    full = rows_.size() + events_.size() == opt_.max_batch;
  }
  if (full) wake_.notify_one();
}

void UsageWriter::flush() {
  std::unique_lock lk(mu_);
  const auto target = submitted_;
  if (committed_ >= target) return;
  flush_to_ = std::max(flush_to_, target);
  wake_.notify_one();
  done_.wait(lk, [&] { return committed_ >= target; });
}

std::uint64_t UsageWriter::written() const {
  std::lock_guard lk(mu_);
  return written_;
}

std::uint64_t UsageWriter::failed() const {
  std::lock_guard lk(mu_);
  return failed_;
}

void UsageWriter::run() {
  // Swapped with the shared vectors, so both keep their capacity and submit() rarely
  // allocates.
  std::vector<UsageRow> rows;
  std::vector<EventRow> events;
  rows.reserve(opt_.max_batch);

  std::unique_lock lk(mu_);
  for (;;) {
    wake_.wait_for(lk, opt_.interval, [&] {
      return stop_ || flush_to_ > committed_ || rows_.size() + events_.size() >= opt_.max_batch;
    });
    if (rows_.empty() && events_.empty()) {
      if (stop_) return;
      continue;
    }
    rows.swap(rows_);
    events.swap(events_);
    lk.unlock();

    // Written in transactions of at most max_batch rows, each counted as soon as it is
    // durable, so a flush() waiting on an early part returns early.
    auto publish = [this](std::uint64_t n, bool ok) {
      std::lock_guard g(mu_);
      committed_ += n;
      (ok ? written_ : failed_) += n;
      done_.notify_all();
    };
    for (std::size_t i = 0; i < rows.size(); i += opt_.max_batch) {
      std::span<const UsageRow> part(rows.data() + i, std::min(opt_.max_batch, rows.size() - i));
      publish(part.size(),
              with_retry(part.size(), "usage rows", [&] { store_->append_usage(part); }));
      // Between transactions, let an event loop that shares this core run: one transaction
      // is the longest a request waits behind the ledger, not a whole backlog.
      if (i + opt_.max_batch < rows.size()) std::this_thread::yield();
    }
    // Events are rare (budget crossings, key changes): one autocommit insert each.
    for (const EventRow& e : events) {
      publish(1, with_retry(1, "event", [&] { store_->append_event(e); }));
    }
    rows.clear();
    events.clear();
    lk.lock();
  }
}

}  // namespace sluice::store
