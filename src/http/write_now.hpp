#pragma once
// A write that tries the socket first and only then the event loop. An asynchronous write costs
// a coroutine, a trip through the scheduler even when it completes at once, and on a tcp_stream a
// timer. A response of a few KB, a stream's chunk or an upstream request head almost always fits
// in the socket's send buffer: one non-blocking sendmsg finishes it, and only a remainder (a full
// buffer: a slow reader) takes the asynchronous path under the caller's deadline. Included only
// by the Beast translation units (http/server.cpp, http/client.cpp).

#include <boost/asio/ip/tcp.hpp>

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

}  // namespace sluice::http
