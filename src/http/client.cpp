// The only translation unit that instantiates Beast's client-side templates.

#include "http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/url/parse.hpp>

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <unordered_map>
#include <variant>

#include "core/coarse_clock.hpp"
#include "core/log.hpp"
#include "http/parsers.hpp"
#include "http/reactor_hints.hpp"
#include "http/read_parsed.hpp"
#include "http/service_cache.hpp"
#include "http/upstream_deadlines.hpp"
#include "http/write_now.hpp"

namespace sluice::http {
namespace {

namespace net = boost::asio;
namespace ssl = net::ssl;
namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = net::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = net::as_tuple(net::use_awaitable);
constexpr auto kPoolIdleMax = std::chrono::seconds(30);  // providers close idle conns at ~60 s
constexpr auto kTrustIdle = std::chrono::seconds(1);     // younger idle conns skip looks_dead()
constexpr std::size_t kPoolPerOrigin = 256;
constexpr auto kDnsTtl = std::chrono::seconds(60);

ssl::context& tls_context() {
  static ssl::context ctx = [] {
    ssl::context c(ssl::context::tls_client);
    c.set_default_verify_paths();
    c.set_verify_mode(ssl::verify_peer);
    c.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
    return c;
  }();
  return ctx;
}

struct Connection {
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;
  Clock::time_point idle_since;
  bool reused = false;

  beast::tcp_stream& tcp() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
};
using ConnPtr = std::unique_ptr<Connection>;

struct DnsEntry {
  tcp::resolver::results_type results;
  Clock::time_point expires;
};

/// The idle connections and DNS answers of one event loop. An Asio service, so it lives exactly
/// as long as its io_context: pooled sockets are closed before their reactor goes away.
class PoolService final : public net::execution_context::service {
 public:
  using key_type = PoolService;
  static inline net::execution_context::id id;
  explicit PoolService(net::execution_context& ctx)
      : service(ctx), reactor(net::use_service<net::detail::reactor>(ctx)) {}
  ~PoolService() override { destroyed.fetch_add(1, std::memory_order_relaxed); }
  PoolService(const PoolService&) = delete;
  PoolService& operator=(const PoolService&) = delete;
  void shutdown() override {
    idle.clear();
    dns.clear();
  }

  std::unordered_map<std::string, std::deque<ConnPtr>> idle;
  std::unordered_map<std::string, DnsEntry> dns;
  PoolStats stats;
  net::detail::reactor& reactor;                          // for mark_drained
  static inline std::atomic<std::uint64_t> destroyed{0};  // see cached_service
};

PoolService& pool_of(const net::any_io_executor& ex) {
  return cached_service<PoolService>(ex);
}

/// True if the peer has closed (or sent unexpected bytes on) an idle pooled connection.
bool looks_dead(Connection& c) {
  char b;
  ssize_t r = ::recv(c.tcp().socket().native_handle(), &b, 1, MSG_PEEK | MSG_DONTWAIT);
  return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || r > 0;
}

ConnPtr take_pooled(PoolService& pool, const std::string& key) {
  auto it = pool.idle.find(key);
  if (it == pool.idle.end()) return nullptr;
  auto& q = it->second;
  auto now = core::coarse_now();
  while (!q.empty()) {
    ConnPtr c = std::move(q.back());  // most recently used: warmest, least likely closed
    q.pop_back();
    // A connection used within the last second is taken on trust: probing it costs a syscall
    // per request, and a close that raced us is caught by the retry on a reused connection.
    const auto idle = now - c->idle_since;
    if (idle < kPoolIdleMax && (idle < kTrustIdle || !looks_dead(*c))) {
      c->reused = true;
      ++pool.stats.reused;
      return c;
    }
  }
  return nullptr;
}

void give_back(const std::string& key, ConnPtr c) {
  auto& pool = pool_of(c->tcp().get_executor());
  auto& q = pool.idle[key];
  if (q.size() >= kPoolPerOrigin) return;  // dropping closes it
  c->idle_since = core::coarse_now();
  c->buffer.clear();
  // The response is complete: the next request's first read waits for the answer's edge
  // instead of a recv that returns EAGAIN (reactor_hints.hpp says why that is sound here). Not
  // under TLS, whose reads go through OpenSSL's buffer.
  if (!c->secure) mark_drained(pool.reactor, c->plain->socket());
  q.push_back(std::move(c));
}

std::string describe(const error_code& ec) {
  return ec.message();
}

/// "300 s", "1.5 s" or "250 ms": timeouts in messages as they were configured.
std::string format_ms(milliseconds d) {
  const auto ms = d.count();
  if (ms < 1000) return std::to_string(ms) + " ms";
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(ms / 1000) + "." + std::to_string((ms % 1000) / 100) + " s";
}

}  // namespace

std::optional<Origin> Origin::parse(std::string_view url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return std::nullopt;
  Origin o;
  if (u->scheme() == "https") {
    o.tls = true;
  } else if (u->scheme() != "http") {
    return std::nullopt;
  }
  o.host = std::string(u->host_address());
  if (o.host.empty()) return std::nullopt;
  o.port = u->has_port() ? std::string(u->port()) : (o.tls ? "443" : "80");
  o.base_path = std::string(u->encoded_path());
  while (!o.base_path.empty() && o.base_path.back() == '/') o.base_path.pop_back();
  bool default_port = (o.tls && o.port == "443") || (!o.tls && o.port == "80");
  std::string host_literal = std::string(u->encoded_host());
  o.host_header = default_port ? host_literal : host_literal + ":" + o.port;
  o.pool_key = (o.tls ? "s|" : "p|") + o.host + "|" + o.port;
  return o;
}

struct UpstreamResponse::Impl {
  std::string pool_key;
  ConnPtr conn;
  Headers headers;  // filled by the parser, so declared before it
  ResponseParser parser{headers};
  ClientTimeouts timeouts;
  Clock::time_point deadline;
  int status = 0;
  std::optional<UpstreamError> error;
  long long header_latency_us = 0;
  bool keep_alive = false;
  bool done = false;
  std::string host;
  static constexpr std::size_t kPiece = 64 * 1024;
  std::unique_ptr<char[]> piece;  // body read buffer, allocated on the first body read

  Clock::duration step(milliseconds want) const {
    auto left = deadline - core::coarse_now();
    return std::min<Clock::duration>(want, std::max<Clock::duration>(left, Clock::duration(0)));
  }

  /// Parses into the piece (set_buffer) all the body that is buffered, without reading. A fast
  /// stream's events come many to a read, and a read_some per event was ~2k instructions.
  error_code put_buffered() {
    error_code ec;
    while (conn->buffer.size() != 0 && parser.room() != 0 && !parser.is_done()) {
      const std::size_t used = parser.put(conn->buffer.data(), ec);
      conn->buffer.consume(used);
      if (ec == bhttp::error::need_more) return {};  // a chunk's size line is cut: read on
      if (ec || used == 0) break;
    }
    return ec == bhttp::error::need_buffer ? error_code() : ec;
  }

  template <class Stream>
  net::awaitable<error_code> read_piece(Stream& s, std::size_t cap, std::size_t& got) {
    // The piece is set (set_buffer). One parse of what came (http::async_read_some): a stream's
    // events go on as they arrive.
    error_code ec =
        co_await read_parsed(s, conn->buffer, parser, [](const ResponseParser&) { return true; });
    if (ec == bhttp::error::need_buffer) ec = {};
    if (!ec) ec = put_buffered();  // the rest of that read
    got = cap - parser.room();
    co_return ec;
  }

  ~Impl() {
    if (conn && done && keep_alive && !error) {
      give_back(pool_key, std::move(conn));
    }
  }
};

UpstreamResponse::UpstreamResponse(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
UpstreamResponse::UpstreamResponse(UpstreamResponse&&) noexcept = default;
UpstreamResponse& UpstreamResponse::operator=(UpstreamResponse&&) noexcept = default;
UpstreamResponse::~UpstreamResponse() = default;
int UpstreamResponse::status() const {
  return impl_->status;
}
const Headers& UpstreamResponse::headers() const {
  return impl_->headers;
}

Headers UpstreamResponse::take_headers() {
  return std::move(impl_->headers);
}
const std::optional<UpstreamError>& UpstreamResponse::error() const {
  return impl_->error;
}
long long UpstreamResponse::header_latency_us() const {
  return impl_->header_latency_us;
}

net::awaitable<bool> UpstreamResponse::read_some(std::string& out) {
  return read_some_within(out, impl_->timeouts.idle);
}

net::awaitable<bool> UpstreamResponse::read_some_within(std::string& out, milliseconds within) {
  auto& im = *impl_;
  if (im.done || im.error) co_return false;
  // One uninitialised buffer per response (resizing `out` would zero 64 KiB on every read).
  if (!im.piece) im.piece = std::make_unique_for_overwrite<char[]>(Impl::kPiece);
  im.parser.set_buffer(im.piece.get(), Impl::kPiece);
  error_code ec = im.put_buffered();
  std::size_t got = Impl::kPiece - im.parser.room();
  bool timed_out = false;
  if (!ec && got == 0 && !im.parser.is_done()) {
    // Nothing buffered: wait for the network, within the deadline.
    auto& sock = im.conn->tcp().socket();
    upstream::Watch watch(upstream::Deadlines::of(sock.get_executor()), sock,
                          core::coarse_now() + im.step(within));
    // No co_await inside ?: — GCC 12 evaluates both arms.
    if (im.conn->secure) {
      ec = co_await im.read_piece(*im.conn->secure, Impl::kPiece, got);
    } else {
      ec = co_await im.read_piece(sock, Impl::kPiece, got);
    }
    timed_out = ec && watch.expired();
  }
  out.append(im.piece.get(), got);
  if (ec) {
    if (timed_out) {
      bool total = Clock::now() >= im.deadline;
      im.error = UpstreamError{UpstreamError::Kind::Timeout,
                               total ? "upstream " + im.host + " exceeded the total time limit"
                                     : "upstream " + im.host + " sent nothing for " +
                                           format_ms(within) + " in the middle of the response"};
    } else if (ec == net::error::operation_aborted) {
      im.error = UpstreamError{UpstreamError::Kind::Cancelled, "cancelled"};
    } else {
      im.error = UpstreamError{UpstreamError::Kind::Closed,
                               "upstream " + im.host + " broke off the response: " + describe(ec)};
    }
    co_return false;
  }
  if (im.parser.is_done()) {
    im.done = true;
    co_return false;
  }
  co_return true;
}

bool UpstreamResponse::read_buffered(std::string& out) {
  auto& im = *impl_;
  if (im.error) return false;
  if (im.done) return true;
  if (im.conn->buffer.size() == 0) return false;
  if (!im.piece) im.piece = std::make_unique_for_overwrite<char[]>(Impl::kPiece);
  for (;;) {
    im.parser.set_buffer(im.piece.get(), Impl::kPiece);
    const error_code ec = im.put_buffered();
    out.append(im.piece.get(), Impl::kPiece - im.parser.room());
    if (!ec && im.parser.room() == 0 && im.conn->buffer.size() != 0 && !im.parser.is_done()) {
      continue;  // the piece is full; the rest is buffered
    }
    if (ec) {
      im.error = UpstreamError{UpstreamError::Kind::Closed,
                               "upstream " + im.host + " broke off the response: " + describe(ec)};
      return false;
    }
    im.done = im.parser.is_done();
    return im.done;
  }
}

net::awaitable<bool> UpstreamResponse::read_all(std::string& out, std::size_t limit) {
  for (;;) {
    const bool more = co_await read_some(out);  // not in the loop condition: GCC 12 coroutine bug
    if (!more) break;
    if (out.size() > limit) {
      impl_->error = UpstreamError{UpstreamError::Kind::Protocol,
                                   "upstream response is larger than " + std::to_string(limit)};
      co_return false;
    }
  }
  co_return !impl_->error;
}

namespace {

net::awaitable<std::variant<ConnPtr, UpstreamError>> connect(const Origin& o,
                                                             Clock::duration budget) {
  auto ex = co_await net::this_coro::executor;
  auto& pool = pool_of(ex);
  const std::string dns_key = o.host + ":" + o.port;
  tcp::resolver::results_type results;
  auto now = core::coarse_now();
  if (auto it = pool.dns.find(dns_key); it != pool.dns.end() && it->second.expires > now) {
    results = it->second.results;
  } else {
    tcp::resolver resolver(ex);
    auto [ec, r] = co_await resolver.async_resolve(o.host, o.port, kTuple);
    if (ec) {
      co_return UpstreamError{UpstreamError::Kind::Connect,
                              "cannot resolve upstream host " + o.host + ": " + describe(ec)};
    }
    results = r;
    pool.dns[dns_key] = DnsEntry{r, now + kDnsTtl};
  }
  auto c = std::make_unique<Connection>();
  c->plain.emplace(ex);
  // Beast reads max(512, free capacity): without room up front every body read is 512 bytes.
  c->buffer.reserve(16 * 1024);
  c->plain->expires_after(budget);
  auto [ec, ep] = co_await c->plain->async_connect(results, kTuple);
  if (ec) {
    pool.dns.erase(dns_key);  // a stale address is a common cause; resolve again next time
    co_return UpstreamError{
        ec == beast::error::timeout ? UpstreamError::Kind::Timeout : UpstreamError::Kind::Connect,
        "cannot connect to upstream " + o.host + ":" + o.port + ": " +
            (ec == beast::error::timeout ? std::string("connect timed out") : describe(ec))};
  }
  c->plain->socket().set_option(tcp::no_delay(true));
  if (o.tls) {
    c->secure.emplace(std::move(*c->plain), tls_context());
    c->plain.reset();
    auto* ssl_handle = c->secure->native_handle();
    // SSL_set_tlsext_host_name is a macro with a C cast; call what it expands to.
    if (!SSL_ctrl(ssl_handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                  const_cast<char*>(o.host.c_str()))) {
      co_return UpstreamError{UpstreamError::Kind::Connect, "TLS: cannot set SNI for " + o.host};
    }
    c->secure->set_verify_callback(ssl::host_name_verification(o.host));
    auto [hec] = co_await c->secure->async_handshake(ssl::stream_base::client, kTuple);
    if (hec) {
      co_return UpstreamError{
          UpstreamError::Kind::Connect,
          "TLS handshake with upstream " + o.host + " failed: " + describe(hec)};
    }
  }
  c->tcp().expires_never();
  ++pool.stats.created;
  co_return c;
}

/// The request head written by hand (Beast's serializer iterated buffer sequences for a
/// visible share of each request's CPU). Framing is ours (append_header_lines).
std::string request_head(const UpstreamRequest& req, const Origin& origin) {
  std::size_t size = req.method.size() + req.target.size() + origin.host_header.size() + 64;
  for (const auto& h : req.headers) size += h.name.size() + h.value.size() + 4;
  std::string head;
  head.reserve(size);
  head += req.method;
  head += ' ';
  head += req.target;
  head += " HTTP/1.1\r\nHost: ";
  head += origin.host_header;
  head += "\r\n";
  append_header_lines(head, req.headers);
  if (!req.body_to_send().empty() || req.method == "POST" || req.method == "PUT") {
    head += "Content-Length: ";
    head += std::to_string(req.body_to_send().size());
    head += "\r\n";
  }
  head += "\r\n";
  return head;
}

template <class Stream>
net::awaitable<error_code> write_request(Stream& s, const std::string& head,
                                         const std::string& body) {
  const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(body)};
  auto [ec, n] = co_await net::async_write(s, bufs, kTuple);
  co_return ec;
}

/// Plain TCP: the rest of what write_now left, under the request's first-byte deadline.
net::awaitable<error_code> write_rest(beast::tcp_stream& s, const std::string& head,
                                      const std::string& body, std::size_t sent) {
  const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(body)};
  beast::buffers_suffix<std::array<net::const_buffer, 2>> rest(bufs);
  rest.consume(sent);
  auto [ec, n] = co_await net::async_write(s, rest, kTuple);
  co_return ec;
}

constexpr auto head_done = [](const ResponseParser& r) { return r.is_header_done(); };

}  // namespace

net::awaitable<std::variant<UpstreamResponse, UpstreamError>> send_upstream(
    const Origin& origin, UpstreamRequest req, const ClientTimeouts& timeouts) {
  const auto start = Clock::now();
  const auto deadline = start + timeouts.total;
  auto left = [&] {
    return std::max<Clock::duration>(deadline - core::coarse_now(), Clock::duration(0));
  };
  const std::string& key = origin.pool_key;

  const std::string head = request_head(req, origin);
  const std::string& body = req.body_to_send();

  // A pooled connection may have been closed by the upstream a moment ago; if it fails before
  // any response byte arrives, the request never reached the application, so one retry on a
  // fresh connection is safe.
  for (int attempt = 0; attempt < 2; ++attempt) {
    ConnPtr conn = take_pooled(pool_of(co_await net::this_coro::executor), key);
    if (!conn) {
      auto r = co_await connect(origin, std::min<Clock::duration>(timeouts.connect, left()));
      if (auto* e = std::get_if<UpstreamError>(&r)) co_return std::move(*e);
      conn = std::move(std::get<ConnPtr>(r));
    }
    const bool reused = conn->reused;
    auto impl = std::make_unique<UpstreamResponse::Impl>();
    impl->pool_key = key;
    impl->timeouts = timeouts;
    impl->deadline = deadline;
    impl->host = origin.host;
    impl->parser.body_limit(boost::none);  // streams are long; limits are the caller's business
    impl->headers.reserve(16);
    auto& sock = conn->tcp().socket();
    error_code ec;
    bool timed_out = false;
    {
      upstream::Watch watch(
          upstream::Deadlines::of(sock.get_executor()), sock,
          core::coarse_now() + std::min<Clock::duration>(timeouts.first_byte, left()));
      if (conn->secure) {
        ec = co_await write_request(*conn->secure, head, body);
        if (!ec) ec = co_await read_parsed(*conn->secure, conn->buffer, impl->parser, head_done);
      } else {
        // Straight into the socket when it takes it (write_now.hpp): no coroutine for a request
        // that fits the send buffer.
        const std::array<net::const_buffer, 2> bufs{net::buffer(head), net::buffer(body)};
        const auto [wec, sent] = write_now(sock, bufs);
        ec = wec;
        if (!ec && sent < head.size() + body.size()) {
          ec = co_await write_rest(*conn->plain, head, body, sent);
        }
        if (!ec) ec = co_await read_parsed(sock, conn->buffer, impl->parser, head_done);
      }
      timed_out = ec && watch.expired();
    }
    if (ec) {
      if (reused && attempt == 0 && !timed_out && ec != net::error::operation_aborted) {
        continue;
      }
      if (timed_out) {
        bool total = Clock::now() >= deadline;
        co_return UpstreamError{UpstreamError::Kind::Timeout,
                                total ? "upstream " + origin.host + " exceeded the total time limit"
                                      : "upstream " + origin.host +
                                            " sent no response headers within " +
                                            format_ms(timeouts.first_byte)};
      }
      if (ec == net::error::operation_aborted) {
        co_return UpstreamError{UpstreamError::Kind::Cancelled, "cancelled"};
      }
      bool garbage = ec.category() == bhttp::make_error_code(bhttp::error::bad_version).category();
      co_return UpstreamError{garbage ? UpstreamError::Kind::Protocol : UpstreamError::Kind::Closed,
                              "upstream " + origin.host + " " +
                                  (garbage ? "sent a malformed HTTP response: "
                                           : "closed the connection before responding: ") +
                                  describe(ec)};
    }
    impl->header_latency_us =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
    impl->status = impl->parser.status();
    impl->keep_alive = impl->parser.keep_alive();
    impl->done = impl->parser.is_done();
    // Not eager: with eager parsing Beast's read_some keeps reading the socket until its buffer
    // is full, which would hold a slow stream's events back (tests/e2e/transparency.test.js).
    impl->conn = std::move(conn);
    co_return UpstreamResponse(std::move(impl));
  }
  co_return UpstreamError{UpstreamError::Kind::Closed,
                          "upstream " + origin.host + " closed the connection"};
}

PoolStats pool_stats(const net::any_io_executor& ex) {
  auto& pool = pool_of(ex);
  PoolStats s = pool.stats;
  for (const auto& [k, q] : pool.idle) s.idle += q.size();
  return s;
}

}  // namespace sluice::http
