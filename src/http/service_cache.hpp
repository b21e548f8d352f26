#pragma once
// net::use_service, kept per thread. use_service locks the context's service registry and
// searches it, and the client asks for its services several times an exchange; a worker thread
// runs one io_context, so the answer is kept. T counts its destructions in a static atomic
// `destroyed`: any destruction makes every thread look again, so a new context at a freed
// one's address is never taken for it.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution_context.hpp>

#include <atomic>
#include <cstdint>

namespace sluice::http {

template <class T>
T& cached_service(const boost::asio::any_io_executor& ex) {
  struct Cached {
    boost::asio::execution_context* ctx = nullptr;
    T* svc = nullptr;
    std::uint64_t destroyed = 0;
  };
  thread_local Cached cached;
  auto& ctx = boost::asio::query(ex, boost::asio::execution::context);
  const auto destroyed = T::destroyed.load(std::memory_order_relaxed);
  if (cached.ctx != &ctx || cached.destroyed != destroyed) {
    cached = {&ctx, &boost::asio::use_service<T>(ctx), destroyed};
  }
  return *cached.svc;
}

}  // namespace sluice::http
