#pragma once
// Signs the audit chain's tail every N records or T seconds, whichever comes first, from its
// own thread and its own store connection: signing never waits on a request, and a request
// never waits on signing. stop() signs whatever the final flush appended, so a gateway that
// stopped cleanly leaves no unsigned tail.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "audit/signer.hpp"
#include "store/store.hpp"

namespace sluice::audit {

class Checkpointer {
 public:
  struct Options {
    std::int64_t every_records = 1000;
    std::chrono::milliseconds every{60'000};
    std::chrono::milliseconds poll{1'000};  // how often the tail is looked at
  };
  Checkpointer(std::unique_ptr<store::Store> store, Signer signer, Options opt);
  ~Checkpointer();  // stop()
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  void set_options(Options opt);
  /// Signs the tail now if it is not signed yet; returns the checkpoint's seq (0: nothing to
  /// sign). Thread-safe.
  std::int64_t checkpoint_now();
  /// A last checkpoint, then the thread ends. Idempotent.
  void stop();

 private:
  void run();
  /// Signs the tail when `due(records after the last checkpoint)`; under mu_.
  std::int64_t sign_if(const std::function<bool(std::int64_t)>& due);
  std::mutex mu_;  // guards store_, opt_, stop_
  std::condition_variable wake_;
  std::unique_ptr<store::Store> store_;
  Signer signer_;
  Options opt_;
  bool stop_ = false;
  std::chrono::steady_clock::time_point last_signed_ = std::chrono::steady_clock::now();
  std::thread thread_;
};

}  // namespace sluice::audit
