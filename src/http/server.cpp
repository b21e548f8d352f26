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
#include "http/reactor_hints.hpp"
#include "http/read_parsed.hpp"
#include "http/session_writer.hpp"
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

using session::Conn;
using session::io_error;
using session::send_rest;
using session::Sent;
using session::SessionWriter;
using session::unfinished;

struct Worker {
  // Declared before the io_context, so a session coroutine that the io_context destroys
  // (a stop past its drain deadline) still finds its Conn and its cancellation signal.
  std::list<Conn> conns;  // touched only on this worker's thread
  // One thread runs this context and only it touches the worker's sockets, so the per-socket
  // locks of the reactor are dropped (UNSAFE_IO); posting from other threads (stop(), timers)
  // stays locked.
  net::io_context ioc{BOOST_ASIO_CONCURRENCY_HINT_UNSAFE_IO};
  // Looked up once (use_service locks the context's registry): keep-alive reads take it.
  net::detail::reactor& reactor = net::use_service<net::detail::reactor>(ioc);
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> drain_timer;
  bool sweeping = false;  // the sweep runs while there are connections
};

class ServerImpl;

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
    // One Request for the connection's life, recycled between requests: a keep-alive
    // request's head and body then reuse the strings of the one before (about five
    // allocations a request fewer).
    Request req;
    Headers spare;
    req.headers.reserve(24);
    {
      error_code ec;
      auto ep = sock.remote_endpoint(ec);
      if (!ec) req.remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    }
    for (;;) {
      conn->busy = false;
      if (stopping_) break;
      if (buffer.size() == 0) {
        // Keep-alive idle: wait for the first byte of the next request. A short read marks the
        // socket drained, so this wait after the next answer is epoll's, not a recv that
        // returns EAGAIN (reactor_hints.hpp).
        conn->expire_after(opts_.idle_timeout);
        auto [ec, n] = co_await async_read_drained(w.reactor, sock, buffer.prepare(8192), kTuple);
        buffer.commit(n);
        if (ec) break;
      }
      conn->busy = true;
      req.recycle(spare);
      RequestParser parser(req, &spare);
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
