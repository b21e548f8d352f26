#pragma once
// Pacing a response in time: waits that notice a client leaving, and sending a rendered stream
// with its faults (first-byte delay, gaps, reset, error event, garbage) applied.

#include <boost/asio/awaitable.hpp>

#include "fake/scenario.hpp"
#include "fake/stats.hpp"
#include "fake/wire.hpp"
#include "http/server.hpp"

namespace sluice::fake {

/// Waits `ms` milliseconds unless the client goes away first; false if it did.
boost::asio::awaitable<bool> pause(http::ResponseWriter& writer, int ms);

/// Sends `plan` as a 200 SSE response with `faults` applied, and counts the stream's outcome
/// (completed, aborted, reset or errored) in `stats`.
boost::asio::awaitable<void> send_stream(const StreamPlan& plan, const Faults& faults,
                                         http::Headers headers, http::ResponseWriter& writer,
                                         Recorder& stats);

}  // namespace sluice::fake
