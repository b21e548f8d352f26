#pragma once
// The upstream side: HTTP/1.1 client with a keep-alive pool per event loop, TLS with certificate
// verification against the system CAs, a DNS cache, and deadlines for connect, first byte, the
// gap between body chunks, and the whole exchange. The body is read incrementally so streams
// are relayed as they arrive.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "http/message.hpp"

namespace sluice::http {

using std::chrono::milliseconds;

/// Where requests go: parsed once from a provider's base_url.
struct Origin {
  bool tls = false;
  std::string host;       // name or address, no brackets
  std::string port;       // "443"
  std::string base_path;  // "/v1" or ""; never ends with '/'
  std::string host_header;
  /// "p|host|port" or "s|host|port": connections are pooled by it. Made once by parse(), not
  /// for every request.
  std::string pool_key;

  /// Parses "https://api.openai.com/v1". Returns nullopt for anything else.
  static std::optional<Origin> parse(std::string_view url);
};

struct ClientTimeouts {
  milliseconds connect{10'000};
  milliseconds first_byte{600'000};
  milliseconds idle{300'000};
  milliseconds total{3'600'000};
};

struct UpstreamError {
  enum class Kind {
    Connect,    // DNS, refused, TLS handshake or certificate: the upstream was never reached
    Timeout,    // a deadline passed (message says which)
    Protocol,   // the upstream sent something that is not HTTP
    Closed,     // the connection broke after the exchange had begun
    Cancelled,  // our side gave up (client went away)
  };
  Kind kind = Kind::Connect;
  std::string message;  // safe to show: names host and step, never headers or keys
};

/// One exchange in flight. Move-only; destroying it before the body is fully read closes the
/// connection (so an abandoned stream cancels the upstream request), otherwise the connection
/// returns to the pool.
class UpstreamResponse {
 public:
  struct Impl;
  explicit UpstreamResponse(std::unique_ptr<Impl> impl);
  UpstreamResponse(UpstreamResponse&&) noexcept;
  UpstreamResponse& operator=(UpstreamResponse&&) noexcept;
  ~UpstreamResponse();

  int status() const;
  const Headers& headers() const;
  /// Moves the headers out (headers() is empty after): for a caller that forwards them.
  Headers take_headers();
  /// Appends the next piece of body to `out` as soon as any arrives. Returns true while more may
  /// follow, false at the end of the body or on error (then error() is set).
  boost::asio::awaitable<bool> read_some(std::string& out);
  /// read_some() that waits at most `within` (not the idle timeout): used while a stream's
  /// first content event is due, which the first-byte timeout bounds.
  boost::asio::awaitable<bool> read_some_within(std::string& out, milliseconds within);
  /// Appends the body bytes that have already arrived to `out`, without waiting. True when that
  /// completed the body (most non-stream answers come in one read with their head); false when
  /// more is due (read_all reads it) or on error (error() is set).
  bool read_buffered(std::string& out);
  /// Reads the rest of the body into `out` (bounded by `limit`, else a Protocol error).
  boost::asio::awaitable<bool> read_all(std::string& out, std::size_t limit);
  const std::optional<UpstreamError>& error() const;
  /// Microseconds from send() until the response headers arrived.
  long long header_latency_us() const;

 private:
  std::unique_ptr<Impl> impl_;
};

struct UpstreamRequest {
  std::string method = "POST";
  std::string target;  // full path with base_path and query
  Headers headers;     // final headers; Host and Content-Length are set by the client
  std::string body;
  /// When set, sent instead of `body`, which stays empty: a body the caller holds unchanged
  /// (a passthrough request's own) until send_upstream returns, sent without a copy.
  const std::string* borrowed_body = nullptr;

  const std::string& body_to_send() const { return borrowed_body ? *borrowed_body : body; }
};

/// Sends `req` to `origin` and waits for the response headers. Taken by value: pass an rvalue
/// and the body is moved into the wire message, never copied. Connections are pooled per
/// event loop (io_context), so the request path takes no locks.
boost::asio::awaitable<std::variant<UpstreamResponse, UpstreamError>> send_upstream(
    const Origin& origin, UpstreamRequest req, const ClientTimeouts& timeouts);

/// Pool statistics of an event loop (for tests and metrics).
struct PoolStats {
  std::size_t idle = 0;
  std::size_t created = 0;
  std::size_t reused = 0;
};
PoolStats pool_stats(const boost::asio::any_io_executor& ex);

}  // namespace sluice::http
