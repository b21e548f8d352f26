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
  return sign_if([](std::int64_t unsigned_records) { return unsigned_records > 0; });
}

std::int64_t Checkpointer::sign_if(const std::function<bool(std::int64_t)>& due) {
  try {
    const auto tail = store_->audit_tail();
    const auto last = store_->last_checkpoint();
    if (!due(tail.seq - (last ? last->seq : 0))) return 0;
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
  std::unique_lock lk(mu_);
  for (;;) {
    wake_.wait_for(lk, opt_.poll, [&] { return stop_; });
    if (stop_) return;
    sign_if([&](std::int64_t unsigned_records) {
      return unsigned_records >= opt_.every_records ||
             (unsigned_records > 0 &&
              std::chrono::steady_clock::now() - last_signed_ >= opt_.every);
    });
  }
}

}  // namespace sluice::audit
