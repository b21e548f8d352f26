#pragma once
// A pipeline stage: one job, one file. Envoy's filter status and Pingora's phases, for model calls.

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <optional>
#include <string_view>

#include "pipeline/exchange.hpp"

namespace sluice::pipeline {

/// What the pipeline does after a stage's on_request.
enum class Verdict {
  Continue,  // run the next stage
  Respond,   // the stage has answered the client (an error, a cache hit, the upstream's answer)
};

/// A stage's decision about a request, taken without waiting: go on, or refuse it with an
/// error that the pipeline writes in the client's shape (respond_error's arguments).
struct Decision {
  std::optional<core::GatewayError> error;  // set: refuse
  int status = 0;
  http::Headers extra;

  static Decision next() { return {}; }
  static Decision refuse(core::GatewayError err, int status = 0, http::Headers extra = {}) {
    return {std::move(err), status, std::move(extra)};
  }
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  /// False for a stage whose request step never waits: the pipeline then calls decide() and
  /// writes its refusal itself, with no coroutine frame per stage per request.
  virtual bool waits() const { return false; }
  /// The request step of a stage that does not wait. Default: go on.
  virtual Decision decide(Exchange&) { return Decision::next(); }
  /// The request step of a stage that waits (the pipeline calls it only when waits() is true):
  /// runs once per request, in pipeline order. A stage that answers returns Respond; it must
  /// have written a complete response (or the client must be gone). Default: decide(), its
  /// refusal written, so either entry point gives the same answer for any stage.
  virtual boost::asio::awaitable<Verdict> on_request(Exchange& ex);
  /// Runs for every stage, in reverse order, after the response is complete or abandoned —
  /// including stages that never saw on_request because an earlier stage responded. Must not
  /// throw. May settle what the stage holds for the request (a budget reservation). Default:
  /// nothing.
  virtual void on_complete(Exchange&) noexcept {}
};
using StagePtr = std::unique_ptr<Stage>;

/// Answers the client with `err` in its protocol's error shape (or as a stream error event if
/// the response has begun). Records the error on the exchange. Always returns Respond.
/// `status` overrides err.status() (an upstream's own status, e.g. 529, translated to another
/// wire); `extra` headers are added (retry-after and rate-limit headers of the upstream).
boost::asio::awaitable<Verdict> respond_error(Exchange& ex, core::GatewayError err, int status = 0,
                                              http::Headers extra = {});

/// The x-sluice-* headers every response carries.
void add_sluice_headers(const Exchange& ex, http::Headers& headers);

}  // namespace sluice::pipeline
