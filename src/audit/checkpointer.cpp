#include "audit/checkpointer.hpp"

#include <chrono>

#include "core/log.hpp"
#include "governance/period.hpp"

namespace sluice::audit {

Checkpointer::Checkpointer(std::unique_ptr<store::Store> store, Signer signer, Options opt)
    : store_(std::move(store)), signer_(std::move(signer)), opt_(opt) {
  thread_ = std::thread([this] { run(); });
}

Checkpointer::~Checkpointer() {
  stop();
}

void Checkpointer::set_options(Options opt) {
  std::lock_guard lk(mu_);
  opt_ = opt;
}

std::int64_t Checkpointer::checkpoint_now() {
  std::lock_guard lk(mu_);
  try {
    const auto tail = store_->audit_tail();
    const auto last = store_->last_checkpoint();
    if (tail.seq == 0 || (last && last->seq >= tail.seq)) return 0;
    store_->append_checkpoint(signer_.sign(tail.seq, tail.hash, governance::now_ms()));
    last_signed_ = std::chrono::steady_clock::now();
    return tail.seq;
  } catch (const std::exception& e) {
    log::error("audit checkpoint failed: {}", e.what());
    return 0;
  }
}

void Checkpointer::stop() {
  {
    std::lock_guard lk(mu_);
    if (stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  checkpoint_now();
}

void Checkpointer::run() {
  for (;;) {
    bool due = false;
    {
      std::unique_lock lk(mu_);
      wake_.wait_for(lk, opt_.poll, [&] { return stop_; });
      if (stop_) return;
      try {
        const auto tail = store_->audit_tail();
        const auto last = store_->last_checkpoint();
        const std::int64_t signed_seq = last ? last->seq : 0;
        const auto unsigned_records = tail.seq - signed_seq;
        due =
            unsigned_records >= opt_.every_records ||
            (unsigned_records > 0 && std::chrono::steady_clock::now() - last_signed_ >= opt_.every);
      } catch (const std::exception& e) {
        log::warn("audit checkpointer: cannot read the chain's tail: {}", e.what());
      }
    }
    if (due) checkpoint_now();
  }
}

}  // namespace sluice::audit
