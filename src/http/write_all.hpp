#pragma once
// A write that tries the socket first and only then the event loop. Beast's tcp_stream arms a
// timer for every asynchronous operation under a deadline (a timerfd_settime syscall whenever it
// is the process's earliest timer, 1.5 a chat request) and Asio hands even an immediately
// completed write back through the scheduler. A response of a few KB, a stream's chunk or an
// upstream request head almost always fits in the socket's send buffer: one non-blocking
// sendmsg finishes it, and only a remainder (a full buffer: a slow reader) takes the
// asynchronous path under the caller's deadline. Included only by the Beast translation units
// (http/server.cpp, http/client.cpp).

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <chrono>
#include <optional>
#include <utility>

namespace sluice::http {

/// What the kernel takes of `bufs` now, with one non-blocking send: the error (would_block is
/// none) and the bytes written. The caller writes the rest asynchronously under its deadline.
template <class Buffers>
std::pair<boost::system::error_code, std::size_t> write_now(boost::asio::ip::tcp::socket& sock,
                                                            const Buffers& bufs) {
  boost::system::error_code ec;
  // Once per connection (an ioctl): with the flag set, a synchronous send returns would_block
  // instead of polling until the socket is writable.
  if (!sock.non_blocking()) sock.non_blocking(true, ec);
  std::size_t n = ec ? 0 : sock.write_some(bufs, ec);
  if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) ec = {};
  return {ec, n};
}

/// Writes all of `bufs` to `stream`: what the kernel takes now (write_now), the rest
/// asynchronously under a deadline (beast::error::timeout past it): `timeout` from now, or with
/// nullopt the deadline the stream already has (a request's first-byte deadline that its
/// response head's read shares). Returns the error (none, or the first that stopped the write)
/// and the bytes written.
template <class Buffers>
boost::asio::awaitable<std::pair<boost::system::error_code, std::size_t>> write_all(
    boost::beast::tcp_stream& stream, const Buffers& bufs,
    std::optional<std::chrono::milliseconds> timeout) {
  auto [ec, n] = write_now(stream.socket(), bufs);
  if (ec || n == boost::asio::buffer_size(bufs)) co_return std::pair{ec, n};
  boost::beast::buffers_suffix<Buffers> rest(bufs);
  rest.consume(n);
  if (timeout) stream.expires_after(*timeout);
  auto [wec, m] = co_await boost::asio::async_write(
      stream, rest, boost::asio::as_tuple(boost::asio::use_awaitable));
  if (timeout) stream.expires_never();
  co_return std::pair{wec, n + m};
}

}  // namespace sluice::http
