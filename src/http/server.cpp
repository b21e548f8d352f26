// The only translation unit that instantiates Beast's server-side templates.

#include "http/server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "core/coarse_clock.hpp"
#include "core/log.hpp"
#include "http/decompress.hpp"
#include "http/parsers.hpp"
#include "http/read_parsed.hpp"
#include "http/write_now.hpp"

namespace sluice::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);

using Clock = std::chrono::steady_clock;

/// How often a worker looks at its connections' deadlines and pending client watches: the
/// slack of every client-side timeout, and the age at which an exchange starts watching for a
/// client that hangs up.
constexpr auto kSweepPeriod = std::chrono::milliseconds(100);

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
error_code io_error(const Conn& conn, error_code ec) {
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

struct Worker {
  // Declared before the io_context, so a session coroutine that the io_context destroys
  // (a stop past its drain deadline) still finds its Conn and its cancellation signal.
  std::list<Conn> conns;  // touched only on this worker's thread
  net::io_context ioc{1};
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> drain_timer;
  bool sweeping = false;  // the sweep runs while there are connections
};

class ServerImpl;

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
    const auto [ec, n] = r;
    bytes_ += n;
    finished_ = !ec;
    dead_ = static_cast<bool>(ec);
    co_return !ec;
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
    const auto [ec, n] = r;
    bytes_ += n;
    dead_ = static_cast<bool>(ec);
    co_return !ec;
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
    const auto [ec, n] = r;
    bytes_ += n;
    dead_ = static_cast<bool>(ec);
    co_return !ec;
  }

  net::awaitable<bool> end_stream() override {
    if (!streaming_ || dead_ || finished_) co_return false;
    const auto buf = net::buffer("0\r\n\r\n", 5);
    Sent r = write_now(sock_, buf);
    if (unfinished(r, buf)) r = co_await send_rest(conn_, buf, r, opts_.write_timeout);
    const auto [ec, n] = r;
    bytes_ += n;
    finished_ = !ec;
    dead_ = static_cast<bool>(ec);
    co_return !ec;
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

/// SO_REUSEPORT would let a second sluice join a port that another process already serves and
/// take half its connections; a plain bind first turns that into a clear "address in use".
void ensure_port_free(const net::ip::address& addr, std::uint16_t port) {
  net::io_context probe_ctx;
  tcp::acceptor probe(probe_ctx);
  tcp::endpoint ep{addr, port};
  probe.open(ep.protocol());
  probe.set_option(net::socket_base::reuse_address(true));
  probe.bind(ep);  // throws system_error(address_in_use)
}

class ServerImpl final : public Server {
 public:
  ServerImpl(ServerOptions options, Handler handler, LocalReplyFn local_reply)
      : opts_(std::move(options)),
        handler_(std::move(handler)),
        local_reply_(std::move(local_reply)) {
    int n =
        opts_.threads > 0 ? opts_.threads : static_cast<int>(std::thread::hardware_concurrency());
    if (n <= 0) n = 1;
    auto addr = net::ip::make_address(opts_.host);
    std::uint16_t port = opts_.port;
    if (port != 0) ensure_port_free(addr, port);
    for (int i = 0; i < n; ++i) {
      auto w = std::make_unique<Worker>();
      tcp::acceptor acc(w->ioc);
      tcp::endpoint ep{addr, port};
      acc.open(ep.protocol());
      acc.set_option(net::socket_base::reuse_address(true));
      // SO_REUSEPORT: the kernel spreads connections over one acceptor per event loop (nginx's
      // reuseport), so workers share nothing on the accept path.
      int one = 1;
      ::setsockopt(acc.native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
      acc.bind(ep);
      acc.listen(net::socket_base::max_listen_connections);
      port = acc.local_endpoint().port();
      w->acceptor.emplace(std::move(acc));
      workers_.push_back(std::move(w));
    }
    port_ = port;
  }

  std::uint16_t port() const override { return port_; }

  void run() override {
    for (auto& w : workers_) {
      net::co_spawn(w->ioc, accept_loop(*w), net::detached);
    }
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < workers_.size(); ++i) {
      threads.emplace_back([w = workers_[i].get()] { w->ioc.run(); });
    }
    workers_[0]->ioc.run();
    for (auto& t : threads) t.join();
  }

  void stop() override {
    if (stopping_.exchange(true)) return;
    for (auto& w : workers_) {
      net::post(w->ioc, [this, w = w.get()] {
        error_code ec;
        w->acceptor->close(ec);
        for (auto& c : w->conns) {
          if (!c.busy && c.sock) c.sock->close(ec);  // idle keep-alive: close now
        }
        w->drain_timer.emplace(w->ioc, opts_.drain_timeout);
        w->drain_timer->async_wait([w](error_code) {
          // Deadline passed: whatever is still in flight is cut off.
          error_code e;
          for (auto& c : w->conns) {
            if (c.sock) c.sock->close(e);
          }
          w->ioc.stop();
        });
        maybe_finish(*w);
      });
    }
  }

  std::size_t active_requests() const override { return active_.load(std::memory_order_relaxed); }

 private:
  void maybe_finish(Worker& w) {
    if (stopping_ && w.conns.empty()) w.ioc.stop();
  }

  net::awaitable<void> accept_loop(Worker& w) {
    for (;;) {
      auto [ec, sock] = co_await w.acceptor->async_accept(kTuple);
      if (ec) {
        if (stopping_ || ec == net::error::operation_aborted) co_return;
        // EMFILE and friends: back off briefly instead of spinning.
        log::warn("accept failed: {}", ec.message());
        net::steady_timer t(w.ioc, std::chrono::milliseconds(50));
        co_await t.async_wait(kTuple);
        continue;
      }
      sock.set_option(tcp::no_delay(true), ec);
      auto conn = w.conns.emplace(w.conns.end());
      // The Conn (and its signal, which holds the coroutine's cancellation state) goes when the
      // coroutine has ended, in its completion handler.
      net::co_spawn(w.ioc, session(w, *conn, std::move(sock)),
                    net::bind_cancellation_slot(conn->hang_up.slot(),
                                                [this, &w, conn](const std::exception_ptr&) {
                                                  w.conns.erase(conn);
                                                  maybe_finish(w);
                                                }));
    }
  }

  // Answers a protocol-level failure (limits, timeouts, malformed HTTP) and closes.
  net::awaitable<void> reply_and_close(Conn& conn, beast::flat_buffer& buffer,
                                       const Request& partial, int status, std::string_view msg) {
    conn.expire_never();
    SessionWriter w(conn, buffer, opts_, false, false);
    LocalReply r = local_reply_ ? local_reply_(partial, status, msg)
                                : LocalReply{{{"content-type", "text/plain"}}, std::string(msg)};
    co_await w.send(status, std::move(r.headers), std::move(r.body));
    error_code ec;
    conn.sock->shutdown(tcp::socket::shutdown_send, ec);
  }

  /// Every kSweepPeriod while the worker has connections: cancels the reads whose deadline has
  /// passed (the session turns the cancellation into its timeout) and arms the client watch of
  /// exchanges still running.
  net::awaitable<void> sweep(Worker& w) {
    net::steady_timer timer(w.ioc);
    while (!w.conns.empty()) {
      timer.expires_after(kSweepPeriod);
      co_await timer.async_wait(kTuple);
      const auto now = core::coarse_now();
      for (auto& c : w.conns) {
        if (c.deadline <= now && !c.timed_out && c.sock) {
          c.timed_out = true;
          error_code ec;
          c.sock->cancel(ec);
        }
        if (auto* writer = std::exchange(c.watch_pending, nullptr)) writer->arm_pending_watch();
      }
    }
    w.sweeping = false;
  }

  net::awaitable<void> session(Worker& w, Conn& conn_ref, tcp::socket sock) {
    Conn* const conn = &conn_ref;
    conn->sock = &sock;
    if (!w.sweeping) {
      w.sweeping = true;
      net::co_spawn(w.ioc, sweep(w), net::detached);
    }
    beast::flat_buffer buffer;
    std::string remote;
    {
      error_code ec;
      auto ep = sock.remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    for (;;) {
      conn->busy = false;
      if (stopping_) break;
      if (buffer.size() == 0) {
        // Keep-alive idle: wait for the first byte of the next request.
        conn->expire_after(opts_.idle_timeout);
        auto [ec, n] = co_await sock.async_read_some(buffer.prepare(8192), kTuple);
        buffer.commit(n);
        if (ec) break;
      }
      conn->busy = true;
      Request req;
      req.remote = remote;
      req.headers.reserve(24);
      RequestParser parser(req);
      parser.header_limit(static_cast<std::uint32_t>(opts_.max_header_bytes));
      parser.body_limit(opts_.max_body_bytes);

      const auto header_done = [](const RequestParser& p) { return p.is_header_done(); };
      error_code hec_raw;
      if (!parse_buffered(buffer, parser, header_done, hec_raw)) {
        conn->expire_after(opts_.header_timeout);
        hec_raw = co_await read_parsed(sock, buffer, parser, header_done);
      }
      const error_code hec = io_error(*conn, hec_raw);
      if (hec) {
        if (hec == bhttp::error::header_limit) {
          co_await reply_and_close(*conn, buffer, req, 431, "request headers are too large");
        } else if (hec == bhttp::error::body_limit) {
          // Beast checks Content-Length against the body limit while parsing the headers.
          co_await reply_and_close(*conn, buffer, req, 413,
                                   "request body exceeds the limit of " +
                                       std::to_string(opts_.max_body_bytes) + " bytes");
        } else if (hec == beast::error::timeout) {
          co_await reply_and_close(*conn, buffer, req, 408, "timed out reading request headers");
        } else if (hec != bhttp::error::end_of_stream && hec != net::error::eof &&
                   hec != net::error::connection_reset && hec != net::error::operation_aborted) {
          co_await reply_and_close(*conn, buffer, req, 400,
                                   "malformed HTTP request: " + hec.message());
        }
        break;
      }
      if (auto cl = parser.content_length(); cl && *cl > opts_.max_body_bytes) {
        co_await reply_and_close(*conn, buffer, req, 413,
                                 "request body of " + std::to_string(*cl) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(opts_.max_body_bytes) + " bytes");
        break;
      }
      if (auto* expect = find_header(req.headers, "expect");
          expect && beast::iequals(*expect, "100-continue") && !parser.is_done()) {
        static constexpr std::string_view k100 = "HTTP/1.1 100 Continue\r\n\r\n";
        conn->expire_never();
        const auto buf = net::buffer(k100);
        Sent r = write_now(sock, buf);
        if (unfinished(r, buf)) r = co_await send_rest(*conn, buf, r, opts_.write_timeout);
        if (r.first) break;
      }
      if (!parser.is_done()) {
        parser.eager(true);  // the whole body, as http::async_read parses it
        const auto done = [](const RequestParser& p) { return p.is_done(); };
        error_code bec_raw;
        if (!parse_buffered(buffer, parser, done, bec_raw)) {
          conn->expire_after(opts_.body_timeout);
          bec_raw = co_await read_parsed(sock, buffer, parser, done);
        }
        const error_code bec = io_error(*conn, bec_raw);
        if (bec) {
          if (bec == bhttp::error::body_limit) {
            co_await reply_and_close(*conn, buffer, req, 413,
                                     "request body exceeds the limit of " +
                                         std::to_string(opts_.max_body_bytes) + " bytes");
          } else if (bec == beast::error::timeout) {
            co_await reply_and_close(*conn, buffer, req, 408, "timed out reading request body");
          } else if (bec != net::error::eof && bec != bhttp::error::partial_message &&
                     bec != net::error::connection_reset && bec != net::error::operation_aborted) {
            co_await reply_and_close(*conn, buffer, req, 400,
                                     "malformed HTTP request body: " + bec.message());
          }
          break;
        }
      }
      conn->expire_never();
      const bool keep_alive = parser.keep_alive() && !stopping_;
      if (auto* enc = find_header(req.headers, "content-encoding"); enc && !req.body.empty()) {
        auto decoded = decode_body(*enc, req.body, opts_.max_body_bytes);
        if (decoded.status != DecodeStatus::Ok) {
          int status = decoded.status == DecodeStatus::TooLarge      ? 413
                       : decoded.status == DecodeStatus::Unsupported ? 415
                                                                     : 400;
          std::string msg = decoded.status == DecodeStatus::TooLarge
                                ? "decompressed request body exceeds the limit of " +
                                      std::to_string(opts_.max_body_bytes) + " bytes"
                            : decoded.status == DecodeStatus::Unsupported
                                ? "unsupported content-encoding '" + *enc +
                                      "' (gzip, deflate, br and zstd are accepted)"
                                : "request body is not valid " + *enc + " data";
          co_await reply_and_close(*conn, buffer, req, status, msg);
          break;
        }
        req.body = std::move(decoded.body);
        remove_header(req.headers, "content-encoding");
      }

      const bool head = req.method == "HEAD";
      SessionWriter writer(*conn, buffer, opts_, keep_alive, head);
      active_.fetch_add(1, std::memory_order_relaxed);
      std::string failure = "no response was produced";
      try {
        co_await handler_(req, writer);
      } catch (const std::exception& e) {
        // SLUICE_BUG territory: handlers report errors as values; a throw is a defect.
        log::error("handler threw on {} {}: {}", req.method, req.path(), e.what());
        failure = "internal error";
      }
      active_.fetch_sub(1, std::memory_order_relaxed);
      if (!writer.started()) {
        auto r = local_reply_ ? local_reply_(req, 500, failure) : LocalReply{{}, failure};
        co_await writer.send(500, std::move(r.headers), std::move(r.body));
      }
      if (!writer.finished()) {
        // A stream that was not ended cleanly cannot be reused: the client must see the cut.
        writer.reset_connection();
        break;
      }
      if (writer.dead() || !keep_alive) break;
    }
    error_code ec;
    sock.shutdown(tcp::socket::shutdown_send, ec);
    sock.close(ec);
    conn->sock = nullptr;  // the socket dies with this frame; the Conn lives until the handler
  }

  ServerOptions opts_;
  Handler handler_;
  LocalReplyFn local_reply_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> active_{0};
};

}  // namespace

std::unique_ptr<Server> Server::create(ServerOptions options, Handler handler,
                                       LocalReplyFn local_reply) {
  return std::make_unique<ServerImpl>(std::move(options), std::move(handler),
                                      std::move(local_reply));
}

}  // namespace sluice::http
