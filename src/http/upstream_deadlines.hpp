#pragma once
// Deadlines of upstream reads and writes, checked by one timer per event loop every 100 ms, as
// the server checks its own (nginx's approach). Beast's stream timer armed and cancelled a
// steady_timer around every read, and each cancelled wait then cost a trip through the
// scheduler: on a chat request that was as much as the rest of the upstream read. A timeout
// now fires up to one period late. Included by client.cpp only (Asio templates stay in its
// translation unit).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/execution_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>

#include "core/coarse_clock.hpp"
#include "http/service_cache.hpp"

namespace sluice::http::upstream {

namespace net = boost::asio;

class Deadlines;

/// One operation's deadline, on the caller's frame. While it is armed, the sweep cancels the
/// socket's operations once the deadline has passed and marks the watch expired, so the
/// caller can tell a timeout from other cancellations.
class Watch {
 public:
  Watch(Deadlines& owner, net::ip::tcp::socket& sock, std::chrono::steady_clock::time_point at);
  ~Watch();
  Watch(const Watch&) = delete;
  Watch& operator=(const Watch&) = delete;
  bool expired() const { return expired_; }

 private:
  friend class Deadlines;
  Deadlines* owner_;
  net::ip::tcp::socket* sock_;
  std::chrono::steady_clock::time_point at_;
  bool expired_ = false;
  Watch* prev_ = nullptr;
  Watch* next_ = nullptr;
};

/// The armed watches of one event loop: an Asio service, so it lives as long as its
/// io_context. Used from that context's thread only.
class Deadlines final : public net::execution_context::service {
 public:
  using key_type = Deadlines;
  static inline net::execution_context::id id;
  static constexpr auto kPeriod = std::chrono::milliseconds(100);

  explicit Deadlines(net::execution_context& ctx) : service(ctx) {}
  // Frames still holding watches are destroyed after this, in any order: unlinking stops here.
  void shutdown() override {
    shut_ = true;
    head_ = nullptr;
  }

  /// The service of the executor's context (cached_service), with an executor for its sweep.
  static Deadlines& of(const net::any_io_executor& ex) {
    auto& d = cached_service<Deadlines>(ex);
    if (!d.ex_) d.ex_ = ex;
    return d;
  }

  static inline std::atomic<std::uint64_t> destroyed{0};  // see cached_service
  ~Deadlines() override { destroyed.fetch_add(1, std::memory_order_relaxed); }
  Deadlines(const Deadlines&) = delete;
  Deadlines& operator=(const Deadlines&) = delete;

 private:
  friend class Watch;

  void link(Watch& w) {
    if (shut_) return;
    w.next_ = head_;
    if (head_) head_->prev_ = &w;
    head_ = &w;
    if (!sweeping_ && ex_) {
      sweeping_ = true;
      net::co_spawn(ex_, sweep(), net::detached);
    }
  }

  void unlink(Watch& w) {
    if (shut_) return;
    if (w.prev_) {
      w.prev_->next_ = w.next_;
    } else if (head_ == &w) {
      head_ = w.next_;
    }
    if (w.next_) w.next_->prev_ = w.prev_;
    w.prev_ = w.next_ = nullptr;
  }

  // Runs while any watch is armed; a loop with no upstream work has no timer.
  net::awaitable<void> sweep() {
    net::steady_timer timer(ex_);
    while (head_) {
      timer.expires_after(kPeriod);
      const auto [ec] = co_await timer.async_wait(net::as_tuple(net::use_awaitable));
      if (ec || shut_) co_return;  // the context is going away
      const auto now = core::coarse_now();
      for (Watch* w = head_; w; w = w->next_) {
        if (!w->expired_ && w->at_ <= now) {
          w->expired_ = true;
          boost::system::error_code ignored;
          w->sock_->cancel(ignored);
        }
      }
    }
    sweeping_ = false;
  }

  net::any_io_executor ex_;
  Watch* head_ = nullptr;
  bool sweeping_ = false;
  bool shut_ = false;
};

inline Watch::Watch(Deadlines& owner, net::ip::tcp::socket& sock,
                    std::chrono::steady_clock::time_point at)
    : owner_(&owner), sock_(&sock), at_(at) {
  owner_->link(*this);
}

inline Watch::~Watch() {
  owner_->unlink(*this);
}

}  // namespace sluice::http::upstream
