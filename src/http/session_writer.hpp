#pragma once
// One connection as the server's worker sees it (Conn: its deadlines, its hang-up signal) and
// the ResponseWriter for one request on it (SessionWriter). Included only by http/server.cpp,
// the translation unit that instantiates Beast's server templates; a header of its own because
// the writer is one thing and the accept loop, session and sweep another.

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_suffix.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "core/coarse_clock.hpp"
#include "http/message.hpp"
#include "http/server.hpp"
#include "http/write_now.hpp"

namespace sluice::http::session {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
inline constexpr auto kTuple = net::as_tuple(net::use_awaitable);

class SessionWriter;

/// Per-connection state that the worker can see: a graceful stop closes idle connections, and
/// the worker's sweep enforces the read deadlines and arms the client watch of exchanges that
/// outlive a sweep period. nginx's approach: a deadline is a stored time point checked by one
/// coarse timer per worker, not a timer armed and cancelled around every read (each of those
/// cost an operation, a cancellation and, when it moved the earliest deadline, a syscall).
struct Conn {
  tcp::socket* sock = nullptr;
  /// The session coroutine's cancellation: emitted (terminal) when the client of a running
  /// exchange hangs up, which cancels whatever the exchange awaits (an upstream read, mostly).
  /// The session spawns no coroutine per exchange to get a cancellation scope of its own.
  net::cancellation_signal hang_up;
  bool busy = false;
  Clock::time_point deadline = Clock::time_point::max();  // of the read in progress
  bool timed_out = false;                  // the sweep cancelled that read: its error is a timeout
  SessionWriter* watch_pending = nullptr;  // an exchange whose client watch is not armed yet

  void expire_at(Clock::time_point t) {
    deadline = t;
    timed_out = false;
  }
  void expire_after(Clock::duration d) { expire_at(core::coarse_now() + d); }
  void expire_never() { expire_at(Clock::time_point::max()); }
};

/// An operation's error, with a cancellation by the sweep reported as the timeout it is.
inline error_code io_error(const Conn& conn, error_code ec) {
  return ec == net::error::operation_aborted && conn.timed_out ? error_code(beast::error::timeout)
                                                               : ec;
}

using Sent = std::pair<error_code, std::size_t>;  // a write's error and bytes written

/// True when write_now left part of `bufs` unsent (no error, a full socket buffer).
template <class Buffers>
bool unfinished(const Sent& r, const Buffers& bufs) {
  return !r.first && r.second < net::buffer_size(bufs);
}

/// The rest of a write that write_now began (`begun`): written asynchronously under a deadline
/// of `timeout` that the sweep enforces (beast::error::timeout past it). Callers write with
/// write_now first and come here only when unfinished(): most writes then cost no coroutine.
template <class Buffers>
net::awaitable<Sent> send_rest(Conn& conn, const Buffers& bufs, Sent begun,
                               Clock::duration timeout) {
  beast::buffers_suffix<Buffers> rest(bufs);
  rest.consume(begun.second);
  conn.expire_after(timeout);
  auto [wec, m] = co_await net::async_write(*conn.sock, rest, kTuple);
  const error_code err = io_error(conn, wec);
  conn.expire_never();
  co_return Sent{err, begun.second + m};
}

/// The ResponseWriter for one request on one connection.
class SessionWriter final : public ResponseWriter {
 public:
  SessionWriter(Conn& conn, beast::flat_buffer& buffer, const ServerOptions& opts, bool keep_alive,
                bool head)
      : conn_(conn),
        sock_(*conn.sock),
        buffer_(buffer),
        opts_(opts),
        keep_alive_(keep_alive),
        head_(head) {}

  net::awaitable<bool> send(int status, Headers headers, std::string body) override {
    if (started_ || dead_) co_return false;
    started_ = true;
    // The head is written by hand into one buffer and goes out with the body in one gather
    // write: Beast's serializer iterated its buffer sequences for ~7% of a chat request's CPU.
    std::string head = response_head(status, headers);
    head += "Content-Length: ";
    head += std::to_string(body.size());
    head += "\r\n\r\n";
    const std::array<net::const_buffer, 2> bufs{net::buffer(head),
                                                head_ ? net::const_buffer() : net::buffer(body)};
    Sent r = write_now(sock_, bufs);
    if (unfinished(r, bufs)) r = co_await send_rest(conn_, bufs, r, opts_.write_timeout);
    finished_ = settle(r);
    co_return finished_;
  }

  net::awaitable<bool> start_stream(int status, Headers headers) override {
    if (started_ || dead_) co_return false;
    started_ = true;
    streaming_ = true;
    std::string head = response_head(status, headers);
    head += "Transfer-Encoding: chunked\r\n\r\n";
    const auto buf = net::buffer(head);
    Sent r = write_now(sock_, buf);
    if (unfinished(r, buf)) r = co_await send_rest(conn_, buf, r, opts_.write_timeout);
    co_return settle(r);
  }

  net::awaitable<bool> write_chunk(std::string_view data) override {
    if (!streaming_ || dead_ || finished_) co_return false;
    if (data.empty()) co_return true;
    // "<hex size>\r\n" + data + "\r\n" as one gather write.
    // to_chars, not snprintf: ~1,500 instructions a chunk, and a stream has dozens.
    char size_line[24];
    char* end = std::to_chars(size_line, size_line + 16, data.size(), 16).ptr;
    *end++ = '\r';
    *end++ = '\n';
    const std::array<net::const_buffer, 3> bufs{
        net::buffer(size_line, static_cast<std::size_t>(end - size_line)), net::buffer(data),
        net::buffer("\r\n", 2)};
    Sent r = write_now(sock_, bufs);
    if (unfinished(r, bufs)) r = co_await send_rest(conn_, bufs, r, opts_.write_timeout);
    co_return settle(r);
  }

  net::awaitable<bool> end_stream() override {
    if (!streaming_ || dead_ || finished_) co_return false;
    const auto buf = net::buffer("0\r\n\r\n", 5);
    Sent r = write_now(sock_, buf);
    if (unfinished(r, buf)) r = co_await send_rest(conn_, buf, r, opts_.write_timeout);
    finished_ = settle(r);
    co_return finished_;
  }

  void reset_connection() override {
    error_code ec;
    sock_.set_option(net::socket_base::linger(true, 0), ec);
    sock_.close(ec);
    dead_ = true;
  }

  bool started() const override { return started_; }

  net::awaitable<void> wait_client_gone() override {
    // Waits for readability (no speculative read, which would cost an EAGAIN recv per
    // request) and never sets the connection's deadline: the sweep leaves it alone.
    for (;;) {
      if (buffer_.size() > opts_.max_header_bytes) {
        // Enough pipelined input buffered; stop reading and just wait to be cancelled.
        net::steady_timer forever(sock_.get_executor(), net::steady_timer::time_point::max());
        co_await forever.async_wait(kTuple);
        co_return;
      }
      auto [ec] = co_await sock_.async_wait(tcp::socket::wait_read, kTuple);
      if (ec) {
        if (ec != net::error::operation_aborted) client_gone_ = true;
        co_return;
      }
      if (!keep_readable()) co_return;
    }
  }

  /// The watch is armed by the worker's next sweep (arm_pending_watch): most exchanges end
  /// before it, and then never cost a reactor wait, its epoll_ctl and its cancellation.
  bool watch_client_gone(std::function<void()> on_gone) override {
    unwatch_client_gone();
    pending_ = std::move(on_gone);
    conn_.watch_pending = this;
    return true;
  }

  void unwatch_client_gone() override {
    if (conn_.watch_pending == this) conn_.watch_pending = nullptr;
    pending_ = nullptr;
    if (!watch_) return;
    *watch_ = nullptr;
    // The only operation on the client socket while an exchange is settled is the watch's
    // (its writes were awaited); cancel() drops it without a syscall.
    error_code ec;
    sock_.cancel(ec);
    watch_.reset();
  }

  /// Called by the sweep for the exchange still running.
  void arm_pending_watch() {
    if (!pending_) return;
    watch_ = std::make_shared<Watch>(std::exchange(pending_, nullptr));
    arm(watch_);
  }

  ~SessionWriter() override { unwatch_client_gone(); }

  std::uint64_t bytes_written() const override { return bytes_; }

  bool finished() const { return finished_; }
  bool dead() const { return dead_ || client_gone_; }

 private:
  /// Counts what a write sent and marks the connection dead on an error; true when all of it
  /// went out.
  bool settle(const Sent& r) {
    bytes_ += r.second;
    dead_ = static_cast<bool>(r.first);
    return !r.first;
  }

  /// "HTTP/1.1 <status> <reason>" and the headers (append_header_lines: the writer owns the
  /// framing headers), without the final CRLF.
  std::string response_head(int status, const Headers& headers) const {
    std::size_t size = 64;
    for (const auto& h : headers) size += h.name.size() + h.value.size() + 4;
    std::string head;
    head.reserve(size + 48);
    head += "HTTP/1.1 ";
    head += std::to_string(status);
    head += ' ';
    head += reason(status);
    head += "\r\n";
    append_header_lines(head, headers);
    if (!keep_alive_) head += "Connection: close\r\n";
    return head;
  }

  /// One watch_client_gone()'s on_gone, shared with its handler and emptied when the watch
  /// ends: the handler may run after that (a cancelled wait completes later, and one that
  /// completed may be queued), so it touches the writer only while the callback is set.
  using Watch = std::function<void()>;

  /// Waits for readability (as wait_client_gone does), reads what came, and calls on_gone
  /// once the client has closed or reset the connection.
  void arm(const std::shared_ptr<Watch>& w) {
    sock_.async_wait(tcp::socket::wait_read, [this, w](const error_code& ec) {
      if (!*w) return;
      if (ec) {
        if (ec != net::error::operation_aborted) gone(*w);
        return;
      }
      if (buffer_.size() > opts_.max_header_bytes) return;  // enough pipelined input: stop
      if (!keep_readable()) {
        gone(*w);
        return;
      }
      arm(w);
    });
  }

  /// After the client socket polled readable: keeps what arrived (a pipelined next request,
  /// for the session's next read) and returns false when the client has closed or reset the
  /// connection (client_gone_ is then set).
  bool keep_readable() {
    auto space = buffer_.prepare(4096);
    const ssize_t n = ::recv(sock_.native_handle(), space.data(), space.size(), MSG_DONTWAIT);
    if (n > 0) {
      buffer_.commit(static_cast<std::size_t>(n));
    } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
      client_gone_ = true;
      return false;
    }
    return true;
  }

  void gone(Watch& w) {
    client_gone_ = true;
    std::exchange(w, nullptr)();
    conn_.hang_up.emit(net::cancellation_type::terminal);
  }

  Conn& conn_;
  tcp::socket& sock_;
  beast::flat_buffer& buffer_;
  const ServerOptions& opts_;
  std::function<void()> pending_;  // a watch the sweep has not armed yet
  std::shared_ptr<Watch> watch_;   // an armed watch
  bool keep_alive_;
  bool head_;
  bool started_ = false;
  bool streaming_ = false;
  bool finished_ = false;
  bool dead_ = false;
  bool client_gone_ = false;
  std::uint64_t bytes_ = 0;
};

}  // namespace sluice::http::session
