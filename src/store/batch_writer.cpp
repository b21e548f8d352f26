// The batching writer's thread (see batch_writer.hpp). Request threads only push under a short
// lock; the thread swaps the vectors out and writes with the lock released, so a slow disk or a
// busy database delays the ledger, never a response.

#include "store/batch_writer.hpp"

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <span>
#include <type_traits>
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

// A record that is already built.
class Built final : public AuditSource {
 public:
  explicit Built(AuditRow row) : row_(std::move(row)) {}
  AuditRow build() override { return std::move(row_); }

 private:
  AuditRow row_;
};

}  // namespace

BatchWriter::BatchWriter(std::unique_ptr<Store> store, Options opt)
    : store_(std::move(store)), opt_(opt) {
  opt_.max_batch = std::max<std::size_t>(opt_.max_batch, 1);
  rows_.reserve(opt_.max_batch);
  thread_ = std::thread([this] { run(); });
}

BatchWriter::~BatchWriter() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

template <class Row>
std::uint64_t BatchWriter::push(std::vector<Row>& queue, Row&& row) {
  bool full;
  std::uint64_t audit_ticket;
  {
    std::unique_lock lk(mu_);
    if (submitted_ - committed_ >= opt_.max_backlog && !stop_ &&
        std::this_thread::get_id() != thread_.get_id()) {
      // The writer is behind by a whole backlog (a slow or stalled disk): wait for it.
      if (waits_++ % 10000 == 0) {
        log::warn("usage writer: {} rows wait for the disk; requests wait with them",
                  submitted_ - committed_);
      }
      wake_.notify_one();
      done_.wait(lk, [&] { return submitted_ - committed_ < opt_.max_backlog || stop_; });
    }
    queue.push_back(std::move(row));
    ++submitted_;
    if constexpr (std::is_same_v<Row, std::unique_ptr<AuditSource>>) ++audit_submitted_;
    audit_ticket = audit_submitted_;
    // Only the submit that fills a transaction signals (the thread's wait predicate catches
    // one that filled while it was busy writing): at most one wake-up per max_batch requests,
    // each a context switch on a core the event loop may share.
    full = queue.size() == opt_.max_batch;
  }
  if (full) wake_.notify_one();
  return audit_ticket;
}

void BatchWriter::submit(UsageRow row) {
  push(rows_, std::move(row));
}

void BatchWriter::submit(EventRow event) {
  push(events_, std::move(event));
}

void BatchWriter::submit(CouncilRow council) {
  push(councils_, std::move(council));
}

std::uint64_t BatchWriter::submit(AuditRow row) {
  return submit(std::make_unique<Built>(std::move(row)));
}

std::uint64_t BatchWriter::submit(std::unique_ptr<AuditSource> source) {
  return push(audit_, std::move(source));
}

void BatchWriter::when_durable(std::uint64_t ticket, std::function<void()> done) {
  {
    std::lock_guard lk(mu_);
    if (audit_committed_ < ticket) {
      durable_waiters_.emplace_back(ticket, std::move(done));
      audit_flush_to_ = std::max(audit_flush_to_, ticket);
      done = nullptr;
    }
  }
  if (done) {
    done();
  } else {
    wake_.notify_one();
  }
}

void BatchWriter::flush() {
  std::unique_lock lk(mu_);
  const auto target = submitted_;
  if (committed_ >= target) return;
  flush_to_ = std::max(flush_to_, target);
  wake_.notify_one();
  done_.wait(lk, [&] { return committed_ >= target; });
}

std::uint64_t BatchWriter::written() const {
  std::lock_guard lk(mu_);
  return written_;
}

std::uint64_t BatchWriter::failed() const {
  std::lock_guard lk(mu_);
  return failed_;
}

void BatchWriter::run() {
  // Named, so that top -H and perf tell its CPU from the event loops'.
  pthread_setname_np(pthread_self(), "sluice-writer");
  // Swapped with the shared vectors, so both keep their capacity and submit() rarely
  // allocates.
  std::vector<UsageRow> rows;
  std::vector<EventRow> events;
  std::vector<CouncilRow> councils;
  std::vector<std::unique_ptr<AuditSource>> audit;
  std::vector<AuditRow> built;
  rows.reserve(opt_.max_batch);

  std::unique_lock lk(mu_);
  for (;;) {
    wake_.wait_for(lk, opt_.interval, [&] {
      return stop_ || flush_to_ > committed_ || audit_flush_to_ > audit_committed_ ||
             rows_.size() >= opt_.max_batch || events_.size() >= opt_.max_batch ||
             councils_.size() >= opt_.max_batch || audit_.size() >= opt_.max_batch;
    });
    if (rows_.empty() && events_.empty() && audit_.empty() && councils_.empty()) {
      if (stop_) return;
      continue;
    }
    rows.swap(rows_);
    events.swap(events_);
    councils.swap(councils_);
    audit.swap(audit_);
    lk.unlock();

    // Written in transactions of at most max_batch rows, each counted as soon as it is
    // durable, so a flush() waiting on an early part returns early.
    auto publish = [this](std::uint64_t n, bool ok) {
      std::lock_guard g(mu_);
      committed_ += n;
      (ok ? written_ : failed_) += n;
      done_.notify_all();
    };
    // Audit records first: a strict-durability response is waiting on them.
    for (std::size_t i = 0; i < audit.size(); i += opt_.max_batch) {
      const std::size_t n = std::min(opt_.max_batch, audit.size() - i);
      built.clear();
      for (std::size_t j = i; j < i + n; ++j) {
        try {
          built.push_back(audit[j]->build());
        } catch (const std::exception& e) {
          log::error("usage writer: an audit record could not be built: {}", e.what());
        }
        audit[j].reset();  // its request body and answer go now, not after the whole backlog
      }
      const bool ok =
          with_retry(built.size(), "audit records", [&] { store_->append_audit(built); });
      const std::size_t lost = n - built.size();
      std::vector<std::function<void()>> ready;
      {
        std::lock_guard g(mu_);
        audit_committed_ += n;
        std::erase_if(durable_waiters_, [&](auto& w) {
          if (w.first > audit_committed_) return false;
          ready.push_back(std::move(w.second));
          return true;
        });
      }
      if (lost > 0) publish(lost, false);
      publish(built.size(), ok);
      for (auto& fn : ready) fn();
      if (i + opt_.max_batch < audit.size()) std::this_thread::yield();
    }
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
    // Councils are rare too: one transaction each, the row with its audit record.
    for (const CouncilRow& c : councils) {
      publish(1, with_retry(1, "council", [&] { store_->append_council(c); }));
    }
    rows.clear();
    events.clear();
    councils.clear();
    audit.clear();
    lk.lock();
  }
}

}  // namespace sluice::store
