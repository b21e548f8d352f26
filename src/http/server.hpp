#pragma once
// The listening side: an HTTP/1.1 server with one event loop per thread (SO_REUSEPORT), keep-alive,
// header/body limits, slow-client timeouts and graceful drain. Handlers are C++20 coroutines.

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sluice::http {

using std::chrono::milliseconds;

/// How a handler answers. Exactly one of: send() once, or start_stream() then write_chunk()* then
/// end_stream(). Each call returns false when the client has gone away (the handler should stop
/// its work and return; nothing further is written). Not thread-safe: one per request.
class ResponseWriter {
 public:
  virtual ~ResponseWriter() = default;
  /// A complete response with Content-Length.
  virtual boost::asio::awaitable<bool> send(int status, Headers headers, std::string body) = 0;
  /// Sends the status line and headers now; the body follows with chunked transfer encoding.
  virtual boost::asio::awaitable<bool> start_stream(int status, Headers headers) = 0;
  /// Sends one chunk as soon as possible (no buffering across calls). Empty data is a no-op.
  virtual boost::asio::awaitable<bool> write_chunk(std::string_view data) = 0;
  /// Terminates the chunked body; the connection stays usable for keep-alive.
  virtual boost::asio::awaitable<bool> end_stream() = 0;
  /// Aborts the connection with a TCP reset (used by the fake upstream to script faults, and by
  /// the gateway when a stream cannot be ended cleanly).
  virtual void reset_connection() = 0;
  /// True once the status line has been written (after that, only the body can change).
  virtual bool started() const = 0;
  /// Completes when the client closes its side of the connection (or the request's work is
  /// cancelled); lets a handler that waits on an upstream notice a disconnect promptly.
  virtual boost::asio::awaitable<void> wait_client_gone() = 0;
  /// The same watch without a coroutine of its own, for the gateway's race of an exchange
  /// against the client (pipeline/execute_stage.cpp): if the client disconnects before
  /// unwatch_client_gone(), calls `on_gone` on this writer's executor and then cancels
  /// (terminal) what the connection's coroutine awaits: the caller clears that cancellation
  /// afterwards (this_coro::reset_cancellation_state). False when the writer has no such watch;
  /// the caller then races wait_client_gone().
  virtual bool watch_client_gone(std::function<void()> on_gone) {
    (void)on_gone;
    return false;
  }
  /// Ends the watch; `on_gone` is not called after this returns.
  virtual void unwatch_client_gone() {}
  /// Bytes written so far for this response (headers and body).
  virtual std::uint64_t bytes_written() const = 0;
};

using Handler = std::function<boost::asio::awaitable<void>(Request&, ResponseWriter&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 4100;  // 0: pick a free port (see Server::port())
  int threads = 0;            // 0: one per core
  std::size_t max_header_bytes = 64 * 1024;
  std::size_t max_body_bytes = 32 * 1024 * 1024;  // after decompression too; 413 past it
  milliseconds header_timeout{30'000};  // to receive a request's headers once it has begun
  milliseconds body_timeout{120'000};   // to receive the whole body
  milliseconds idle_timeout{120'000};   // keep-alive connection with no request in flight
  milliseconds write_timeout{60'000};   // a client that accepts no bytes for this long is dropped
  milliseconds drain_timeout{30'000};   // graceful stop: how long in-flight requests may finish
};

/// The server's own answers (body limit, malformed HTTP, timeouts) are written by this hook so
/// that they take the client protocol's error shape. Arguments: request (headers may be partial),
/// status, message. Returns headers and body.
struct LocalReply {
  Headers headers;
  std::string body;
};
using LocalReplyFn =
    std::function<LocalReply(const Request&, int status, std::string_view message)>;

class Server {
 public:
  virtual ~Server() = default;
  /// Binds and listens on every thread's acceptor; throws std::system_error on failure (startup).
  static std::unique_ptr<Server> create(ServerOptions options, Handler handler,
                                        LocalReplyFn local_reply = {});
  /// The bound port (useful with port 0).
  virtual std::uint16_t port() const = 0;
  /// Runs the event loops on `threads` threads (the caller's among them) until stopped.
  virtual void run() = 0;
  /// Graceful stop: close the listeners, let in-flight requests finish within drain_timeout,
  /// close idle keep-alive connections, then return from run(). Safe from any thread.
  virtual void stop() = 0;
  /// Requests in flight right now, across threads.
  virtual std::size_t active_requests() const = 0;
};

}  // namespace sluice::http
