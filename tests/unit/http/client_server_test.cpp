// The server and the upstream client against each other in one process, over real sockets.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>

#include <zstd.h>
#include <atomic>
#include <future>
#include <thread>

#include "http/client.hpp"
#include "http/decompress.hpp"
#include "http/server.hpp"

namespace sluice::http {
namespace {

namespace net = boost::asio;
using namespace std::chrono_literals;

/// Runs a Server on its own thread for the duration of a test.
class TestServer {
 public:
  explicit TestServer(Handler h, ServerOptions o = {}) {
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 1;
    server_ = Server::create(o, std::move(h));
    thread_ = std::thread([this] { server_->run(); });
  }
  ~TestServer() {
    server_->stop();
    thread_.join();
  }
  Origin origin() const {
    return *Origin::parse("http://127.0.0.1:" + std::to_string(server_->port()));
  }

 private:
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

/// Runs `fn` as a coroutine on a fresh event loop and returns its result.
template <class T>
T run(std::function<net::awaitable<T>()> fn) {
  net::io_context ioc;
  auto fut = net::co_spawn(ioc, fn(), net::use_future);
  ioc.run();
  return fut.get();
}

// Braced header lists may not appear in a co_await operand (GCC 12 bug); build them here.
Headers content_type(const char* v) {
  return {{"content-type", v}};
}

net::awaitable<void> sleep_for(std::chrono::milliseconds d) {
  net::steady_timer t(co_await net::this_coro::executor, d);
  co_await t.async_wait(net::use_awaitable);
}

TEST(ClientServer, KeepAlivePoolReusesOneConnection) {
  TestServer srv([](Request& req, ResponseWriter& w) -> net::awaitable<void> {
    co_await w.send(200, content_type("text/plain"), "echo:" + req.body);
  });
  auto stats = run<PoolStats>([&]() -> net::awaitable<PoolStats> {
    for (int i = 0; i < 5; ++i) {
      UpstreamRequest r;
      r.target = "/x";
      r.body = std::to_string(i);
      auto res = co_await send_upstream(srv.origin(), r, {});
      auto& resp = std::get<UpstreamResponse>(res);
      std::string body;
      EXPECT_TRUE(co_await resp.read_all(body, 1024));
      EXPECT_EQ(body, "echo:" + std::to_string(i));
    }
    co_return pool_stats(co_await net::this_coro::executor);
  });
  EXPECT_EQ(stats.created, 1u);
  EXPECT_GE(stats.reused, 4u);
}

// The server recycles one Request per connection (Request::recycle): each request on a
// keep-alive connection must see its own head and body and nothing of the one before, whether
// it has fewer headers, more, or values and a body past what recycling keeps.
TEST(ClientServer, EachRequestOnAKeptAliveConnectionSeesOnlyItsOwnHeadAndBody) {
  TestServer srv([](Request& req, ResponseWriter& w) -> net::awaitable<void> {
    std::string seen = req.method + " " + req.target + " body=" + std::to_string(req.body.size());
    for (const auto& h : req.headers) {
      if (h.name.starts_with("x-")) seen += " " + h.name + "=" + std::to_string(h.value.size());
    }
    co_await w.send(200, content_type("text/plain"), std::move(seen));
  });
  struct Case {
    std::string target;
    Headers headers;
    std::size_t body;
    std::string expected;
  };
  std::vector<Case> cases;
  cases.push_back({"/a",
                   {{"x-one", "1"}, {"x-two", std::string(40, 'b')}, {"x-three", "3"}},
                   10,
                   "POST /a body=10 x-one=1 x-two=40 x-three=1"});
  cases.push_back({"/b", {{"x-four", "4"}}, 0, "POST /b body=0 x-four=1"});
  cases.push_back({"/c",
                   {{"x-big", std::string(6000, 'v')}, {"x-five", "5"}},
                   100 * 1024,
                   "POST /c body=102400 x-big=6000 x-five=1"});
  cases.push_back({"/d", {}, 3, "POST /d body=3"});
  cases.push_back(
      {"/e", {{"x-six", "6"}, {"x-seven", "7"}}, 20, "POST /e body=20 x-six=1 x-seven=1"});
  auto stats = run<PoolStats>([&]() -> net::awaitable<PoolStats> {
    for (const auto& c : cases) {
      UpstreamRequest r;
      r.target = c.target;
      r.headers = c.headers;
      r.body = std::string(c.body, 'x');
      auto res = co_await send_upstream(srv.origin(), std::move(r), {});
      auto& resp = std::get<UpstreamResponse>(res);
      std::string body;
      EXPECT_TRUE(co_await resp.read_all(body, 1024));
      EXPECT_EQ(body, c.expected);
    }
    co_return pool_stats(co_await net::this_coro::executor);
  });
  EXPECT_EQ(stats.created, 1u);
}

// An upstream that answers each connection once, keep-alive in words, and closes it at once:
// the FIN follows the answer so closely that both usually come in one readiness edge. The
// pool takes the connection back as reusable; the next request on it must fail fast (a RST)
// and be retried on a fresh connection, not wait for an edge that already came.
TEST(ClientServer, AnUpstreamThatClosesAfterEachAnswerCostsARetryNotAHang) {
  net::io_context server_ctx;
  net::ip::tcp::acceptor acceptor(server_ctx, {net::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  constexpr int kRequests = 4;
  std::atomic<bool> stop{false};
  std::thread server([&] {
    for (;;) {
      boost::system::error_code ec;
      net::ip::tcp::socket s(server_ctx);
      acceptor.accept(s, ec);
      if (ec || stop) return;
      std::string head;
      char b[1024];
      while (head.find("\r\n\r\n") == std::string::npos) {
        const auto n = s.read_some(net::buffer(b), ec);
        if (ec) break;
        head.append(b, n);
      }
      if (ec) continue;  // a retried connection that carried no request
      net::write(s, net::buffer(std::string_view("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")),
                 ec);
      s.close(ec);
    }
  });
  const auto origin = *Origin::parse("http://127.0.0.1:" + std::to_string(port));
  ClientTimeouts within;
  within.first_byte = 3s;  // a hang shows as a Timeout error, not a stuck test
  PoolStats stats;
  auto bodies = run<std::vector<std::string>>([&]() -> net::awaitable<std::vector<std::string>> {
    std::vector<std::string> out;
    for (int i = 0; i < kRequests; ++i) {
      UpstreamRequest r;
      r.target = "/once";
      auto res = co_await send_upstream(origin, r, within);
      if (auto* e = std::get_if<UpstreamError>(&res)) {
        out.push_back("error: " + e->message);
        continue;
      }
      std::string body;
      const bool read = co_await std::get<UpstreamResponse>(res).read_all(body, 1024);
      out.push_back(read ? body : "unread");
    }
    stats = pool_stats(co_await net::this_coro::executor);
    co_return out;
  });
  stop = true;
  {
    net::ip::tcp::socket wake(server_ctx);  // the server waits in accept()
    boost::system::error_code ec;
    wake.connect({net::ip::make_address("127.0.0.1"), port}, ec);
  }
  server.join();
  EXPECT_EQ(bodies, std::vector<std::string>(kRequests, "ok"));
  EXPECT_EQ(stats.reused, kRequests - 1u);  // each tried the closed connection first
  EXPECT_EQ(stats.created, kRequests + 0u);
}

// The server's keep-alive read marks a socket drained after a short read (reactor_hints.hpp):
// a request that arrives while the one before it is being answered must still be read, and
// one that came with its sender's half-close must still be answered.
TEST(ClientServer, ARequestSentDuringTheAnswerBeforeItAndAHalfClosedOneAreBothAnswered) {
  TestServer srv([](Request& req, ResponseWriter& w) -> net::awaitable<void> {
    if (req.target == "/slow") co_await sleep_for(100ms);
    co_await w.send(200, content_type("text/plain"), std::string(req.target));
  });
  const auto port = static_cast<net::ip::port_type>(std::stoi(srv.origin().port));
  net::io_context ctx;
  const auto read_answers = [&](net::ip::tcp::socket& s, std::size_t count) {
    std::string got;
    boost::system::error_code ec;
    char b[4096];
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      std::size_t answers = 0;
      for (auto at = got.find("HTTP/1.1 200"); at != std::string::npos;
           at = got.find("HTTP/1.1 200", at + 1)) {
        ++answers;
      }
      if (answers == count &&
          (got.ends_with("/slow") || got.ends_with("/next") || got.ends_with("/last"))) {
        break;
      }
      if (s.available(ec) == 0) {
        std::this_thread::sleep_for(5ms);
        continue;
      }
      got.append(b, s.read_some(net::buffer(b), ec));
      if (ec) break;
    }
    return got;
  };
  net::ip::tcp::socket s(ctx);
  s.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(s, net::buffer(std::string_view("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")));
  std::this_thread::sleep_for(30ms);  // the server is inside /slow's handler now
  net::write(s, net::buffer(std::string_view("GET /next HTTP/1.1\r\nHost: x\r\n\r\n")));
  const std::string both = read_answers(s, 2);
  EXPECT_NE(both.find("/slow"), std::string::npos) << both;
  EXPECT_TRUE(both.ends_with("/next")) << both;

  net::ip::tcp::socket h(ctx);
  h.connect({net::ip::make_address("127.0.0.1"), port});
  net::write(h, net::buffer(std::string_view("GET /last HTTP/1.1\r\nHost: x\r\n\r\n")));
  h.shutdown(net::ip::tcp::socket::shutdown_send);
  EXPECT_TRUE(read_answers(h, 1).ends_with("/last"));
}

// What came with the head is taken without a coroutine (read_buffered); the rest of a body
// larger than one read follows through read_all, byte for byte.
TEST(ClientServer, ABodyTakenPartlyFromTheBufferAndPartlyFromTheSocketArrivesWhole) {
  std::string big(300'000, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  TestServer srv([&big](Request&, ResponseWriter& w) -> net::awaitable<void> {
    co_await w.send(200, content_type("text/plain"), big);
  });
  auto got =
      run<std::pair<bool, std::string>>([&]() -> net::awaitable<std::pair<bool, std::string>> {
        UpstreamRequest r;
        r.target = "/big";
        auto res = co_await send_upstream(srv.origin(), r, {});
        auto& resp = std::get<UpstreamResponse>(res);
        std::string body;
        const bool whole_at_once = resp.read_buffered(body);
        const bool rest = whole_at_once || co_await resp.read_all(body, 1 << 20);
        EXPECT_TRUE(rest);
        co_return std::pair{whole_at_once, body};
      });
  EXPECT_FALSE(got.first);  // 300 kB do not come with the head
  EXPECT_EQ(got.second.size(), big.size());
  EXPECT_TRUE(got.second == big);
}

TEST(ClientServer, ChunksArriveAsTheyAreWritten) {
  TestServer srv([](Request&, ResponseWriter& w) -> net::awaitable<void> {
    co_await w.start_stream(200, content_type("text/event-stream"));
    for (int i = 0; i < 3; ++i) {
      co_await w.write_chunk("data: " + std::to_string(i) + "\n\n");
      co_await sleep_for(50ms);
    }
    co_await w.end_stream();
  });
  auto pieces = run<std::vector<std::string>>([&]() -> net::awaitable<std::vector<std::string>> {
    UpstreamRequest r;
    r.target = "/s";
    auto res = co_await send_upstream(srv.origin(), r, {});
    auto& resp = std::get<UpstreamResponse>(res);
    std::vector<std::string> got;
    for (;;) {
      std::string piece;
      const bool more = co_await resp.read_some(piece);
      if (!piece.empty()) got.push_back(piece);
      if (!more) break;
    }
    EXPECT_FALSE(resp.error());
    co_return got;
  });
  // Not coalesced into one read: each chunk was relayed while the server paused.
  ASSERT_EQ(pieces.size(), 3u);
  EXPECT_EQ(pieces[2], "data: 2\n\n");
}

// A fast stream's chunks come many to a read: read_some hands over all that arrived at once,
// and a chunk whose size line is cut off does not hold back what came before it.
TEST(ClientServer, ReadSomeHandsOverEveryBufferedChunkAndHoldsNothingBack) {
  net::io_context server_ctx;
  net::ip::tcp::acceptor acceptor(server_ctx, {net::ip::make_address("127.0.0.1"), 0});
  const auto port = acceptor.local_endpoint().port();
  std::promise<void> first_piece_read;
  std::thread server([&] {
    boost::system::error_code ec;
    net::ip::tcp::socket s(server_ctx);
    acceptor.accept(s, ec);
    std::string head;
    char b[1024];
    while (!ec && head.find("\r\n\r\n") == std::string::npos) {
      head.append(b, s.read_some(net::buffer(b), ec));
    }
    net::write(s,
               net::buffer(std::string_view("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                            "1\r\na\r\n1\r\nb\r\n1\r\nc\r\n3")),
               ec);
    // The rest only once the client has what came: a read_some that waited for it would not
    // return before this gives up.
    first_piece_read.get_future().wait_for(5s);
    net::write(s, net::buffer(std::string_view("\r\nxyz\r\n0\r\n\r\n")), ec);
  });
  const auto origin = *Origin::parse("http://127.0.0.1:" + std::to_string(port));
  auto pieces = run<std::vector<std::string>>([&]() -> net::awaitable<std::vector<std::string>> {
    UpstreamRequest r;
    r.target = "/chunks";
    auto res = co_await send_upstream(origin, r, {});
    auto& resp = std::get<UpstreamResponse>(res);
    std::vector<std::string> got;
    std::string piece;
    bool more = co_await resp.read_some(piece);
    got.push_back(piece);
    first_piece_read.set_value();
    while (more) {
      piece.clear();
      more = co_await resp.read_some(piece);
      if (!piece.empty()) got.push_back(piece);
    }
    EXPECT_FALSE(resp.error());
    co_return got;
  });
  server.join();
  EXPECT_EQ(pieces, (std::vector<std::string>{"abc", "xyz"}));
}

TEST(ClientServer, FirstByteAndIdleDeadlines) {
  TestServer srv([](Request& req, ResponseWriter& w) -> net::awaitable<void> {
    if (req.target == "/slow-head") {
      co_await sleep_for(600ms);
      co_await w.send(200, {}, "late");
      co_return;
    }
    co_await w.start_stream(200, {});
    co_await w.write_chunk("first");
    co_await sleep_for(600ms);
    co_await w.write_chunk("second");
    co_await w.end_stream();
  });
  ClientTimeouts t;
  t.first_byte = 150ms;
  t.idle = 150ms;
  auto kinds = run<std::pair<int, int>>([&]() -> net::awaitable<std::pair<int, int>> {
    UpstreamRequest r;
    r.target = "/slow-head";
    auto a = co_await send_upstream(srv.origin(), r, t);
    int first = std::holds_alternative<UpstreamError>(a)
                    ? static_cast<int>(std::get<UpstreamError>(a).kind)
                    : -1;
    r.target = "/gap";
    auto b = co_await send_upstream(srv.origin(), r, t);
    auto& resp = std::get<UpstreamResponse>(b);
    std::string body;
    co_await resp.read_all(body, 1024);
    EXPECT_EQ(body, "first");
    co_return std::pair{first, resp.error() ? static_cast<int>(resp.error()->kind) : -1};
  });
  EXPECT_EQ(kinds.first, static_cast<int>(UpstreamError::Kind::Timeout));
  EXPECT_EQ(kinds.second, static_cast<int>(UpstreamError::Kind::Timeout));
}

TEST(ClientServer, RefusedConnectionIsAConnectError) {
  auto kind = run<int>([]() -> net::awaitable<int> {
    UpstreamRequest r;
    r.target = "/";
    // Port 1 on loopback: nothing listens there.
    auto a = co_await send_upstream(*Origin::parse("http://127.0.0.1:1"), r, {});
    co_return static_cast<int>(std::get<UpstreamError>(a).kind);
  });
  EXPECT_EQ(kind, static_cast<int>(UpstreamError::Kind::Connect));
}

TEST(ClientServer, BodyLimitAnswers413WithoutReadingTheBody) {
  ServerOptions o;
  o.max_body_bytes = 1000;
  TestServer srv(
      [](Request&, ResponseWriter& w) -> net::awaitable<void> { co_await w.send(200, {}, "ok"); },
      o);
  auto status = run<int>([&]() -> net::awaitable<int> {
    UpstreamRequest r;
    r.target = "/";
    r.body.assign(5000, 'x');
    auto a = co_await send_upstream(srv.origin(), r, {});
    co_return std::get<UpstreamResponse>(a).status();
  });
  EXPECT_EQ(status, 413);
}

TEST(ClientServer, CompressedRequestBodyIsDecoded) {
  TestServer srv([](Request& req, ResponseWriter& w) -> net::awaitable<void> {
    co_await w.send(200, {}, req.body);
  });
  std::string plain(5000, 'z');
  std::string packed(ZSTD_compressBound(plain.size()), '\0');
  packed.resize(ZSTD_compress(packed.data(), packed.size(), plain.data(), plain.size(), 3));
  auto body = run<std::string>([&]() -> net::awaitable<std::string> {
    UpstreamRequest r;
    r.target = "/";
    r.headers.push_back({"content-encoding", "zstd"});
    r.body = packed;
    auto a = co_await send_upstream(srv.origin(), r, {});
    std::string out;
    co_await std::get<UpstreamResponse>(a).read_all(out, 1 << 20);
    co_return out;
  });
  EXPECT_EQ(body, plain);
}

TEST(Origin, ParsesBaseUrls) {
  auto o = *Origin::parse("https://api.openai.com/v1/");
  EXPECT_TRUE(o.tls);
  EXPECT_EQ(o.port, "443");
  EXPECT_EQ(o.base_path, "/v1");
  EXPECT_EQ(o.host_header, "api.openai.com");
  auto l = *Origin::parse("http://127.0.0.1:11434/v1");
  EXPECT_EQ(l.host_header, "127.0.0.1:11434");
  // The pool's key: TLS and plain connections to one host and port are never shared.
  EXPECT_EQ(o.pool_key, "s|api.openai.com|443");
  EXPECT_EQ(l.pool_key, "p|127.0.0.1|11434");
  EXPECT_NE(Origin::parse("http://api.openai.com:443")->pool_key, o.pool_key);
  EXPECT_FALSE(Origin::parse("ftp://x"));
}

}  // namespace
}  // namespace sluice::http
