#pragma once
// `sluice fake-upstream`: a fake LLM provider speaking the OpenAI (chat, responses, embeddings),
// Anthropic and Gemini wires over real HTTP, with scriptable faults and introspection endpoints
// for tests. See docs/fake-upstream.md for the endpoints and controls.

#include <boost/asio/awaitable.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "fake/scenario.hpp"
#include "fake/stats.hpp"
#include "http/message.hpp"
#include "http/server.hpp"

namespace sluice::fake {

struct Target;

struct FakeOptions {
  std::shared_ptr<const Script> script;  // may be null: faults only from headers
  std::string require_key;               // non-empty: every API request must carry exactly this key
  bool verbose = false;                  // one log line per request
};

/// The request handler (one instance shared by every server thread).
class FakeUpstream {
 public:
  explicit FakeUpstream(FakeOptions options);

  /// Answers one request; usable as an http::Handler. Thread-safe.
  boost::asio::awaitable<void> handle(http::Request& req, http::ResponseWriter& writer);
  /// The server's own errors (limits, malformed HTTP) in the error shape of the request's wire.
  http::LocalReply local_reply(const http::Request& req, int status,
                               std::string_view message) const;

  Recorder& recorder() { return recorder_; }

 private:
  struct Planned;

  Planned plan(const http::Request& req, const Target& target) const;
  boost::asio::awaitable<void> deliver(Planned& p, http::ResponseWriter& writer);
  boost::asio::awaitable<void> introspect(const http::Request& req, const Target& target,
                                          http::ResponseWriter& writer);

  FakeOptions options_;
  Recorder recorder_;
  std::atomic<std::int64_t> active_{0};
  mutable std::atomic<std::uint64_t> request_counter_{0};
};

}  // namespace sluice::fake
