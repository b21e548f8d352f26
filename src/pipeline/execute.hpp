#pragma once
// The two paths through execute (DESIGN.md): passthrough when the client and the provider speak
// the same wire, translation through the IR when they do not. Each call is one attempt against
// one target; the execute stage runs attempts until one answers the client. Internal to
// pipeline/.

#include <boost/asio/awaitable.hpp>

#include <optional>

#include "http/client.hpp"
#include "pipeline/stage.hpp"
#include "routing/health.hpp"

namespace sluice::pipeline {

/// An answer held back because another attempt may still do better; sent if none does.
struct HeldAnswer {
  int status = 0;
  http::Headers headers;
  std::string body;                         // raw, in the client's wire, when `error` is unset
  std::optional<core::GatewayError> error;  // else rendered in the client's error shape
};

/// What one attempt came to.
struct Attempt {
  routing::Failure failure = routing::Failure::None;
  bool answered = true;  // the client has its answer (or part of it); no further attempt
  int status = 0;        // upstream status, 0 if none arrived
  std::optional<routing::Clock::duration> retry_after;
  std::optional<double> headroom;
  std::optional<routing::Clock::time_point> first_content;  // for the latency EWMA
  HeldAnswer held;  // when !answered: what the client gets if no other attempt answers
};

/// `may_retry`: a retryable failure is returned unanswered (held) instead of sent, and a stream's
/// headers wait for its first content event.
boost::asio::awaitable<Attempt> forward_passthrough(Exchange& ex, const routing::Target& t,
                                                    bool may_retry);
boost::asio::awaitable<Attempt> forward_translated(Exchange& ex, const routing::Target& t,
                                                   bool may_retry);
/// count_tokens against a provider of another wire: a documented estimate, never a silent zero.
boost::asio::awaitable<void> answer_token_estimate(Exchange& ex);

/// An upstream transport failure as the client will see it (502 unreachable, 504 timeout).
core::GatewayError from_upstream(const http::UpstreamError& e, const std::string& provider);
/// The failure class of a transport error.
routing::Failure failure_of(const http::UpstreamError& e);
http::ClientTimeouts timeouts_of(const core::Config& c);
/// True when the upstream answered with a server-sent event stream.
bool is_event_stream(const http::Headers& upstream);
/// Reads a whole (non-stream) upstream body, after the part already in `body`; nullopt (with
/// ex.upstream_error set) on failure.
boost::asio::awaitable<std::optional<std::string>> read_body(Exchange& ex,
                                                             http::UpstreamResponse& resp,
                                                             std::string body = {});
/// A transport failure: held when another attempt may follow, else answered at once.
boost::asio::awaitable<Attempt> transport_failure(Exchange& ex, const routing::Target& t,
                                                  const http::UpstreamError& e, bool may_retry);
/// Sends (or, when `may_retry`, holds) an upstream error that another target may not repeat.
boost::asio::awaitable<void> answer_held(Exchange& ex, HeldAnswer held);
constexpr std::size_t kMaxUpstreamBody = 256 * 1024 * 1024;
constexpr std::size_t kMaxHeldStream = 1024 * 1024;  // held stream bytes before committing

}  // namespace sluice::pipeline
