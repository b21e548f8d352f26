#pragma once
// A pipeline stage: one job, one file. Envoy's filter status and Pingora's phases, for model calls.

#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string_view>

#include "pipeline/exchange.hpp"

namespace sluice::pipeline {

/// What the pipeline does after a stage's on_request.
enum class Verdict {
  Continue,  // run the next stage
  Respond,   // the stage has answered the client (an error, a cache hit, the upstream's answer)
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual std::string_view name() const = 0;
  /// Runs once per request, in pipeline order. A stage that answers returns Respond; it must
  /// have written a complete response (or the client must be gone).
  virtual boost::asio::awaitable<Verdict> on_request(Exchange& ex) = 0;
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
