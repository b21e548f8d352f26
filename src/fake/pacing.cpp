#include "fake/pacing.hpp"

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <chrono>

namespace sluice::fake {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

/// Index of the segment at which an "after N content deltas" fault fires: the (N+1)-th content
/// delta, or right after the last one when the stream has N deltas or fewer.
std::size_t fault_segment(const StreamPlan& plan, int n) {
  int seen = 0;
  std::size_t after_last = 0;
  for (std::size_t i = 0; i < plan.segments.size(); ++i) {
    if (!plan.segments[i].content) {
      continue;
    }
    if (seen++ == n) {
      return i;
    }
    after_last = i + 1;
  }
  return after_last;
}

}  // namespace

asio::awaitable<bool> pause(http::ResponseWriter& writer, int ms) {
  if (ms <= 0) {
    co_return true;
  }
  asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(ms));
  auto done = co_await (timer.async_wait(asio::use_awaitable) || writer.wait_client_gone());
  co_return done.index() == 0;
}

// Note: every co_await here is a statement of its own. GCC 12.2 corrupted the coroutine frame
// for `if (!co_await ...)` and `co_await a && co_await b` (a crash on resume).
asio::awaitable<void> send_stream(const StreamPlan& plan, const Faults& faults,
                                  http::Headers headers, http::ResponseWriter& writer,
                                  Recorder& stats) {
  auto outcome = [](std::atomic<std::uint64_t>& counter) {
    counter.fetch_add(1, std::memory_order_relaxed);
  };
  stats.streams_started.fetch_add(1, std::memory_order_relaxed);
  bool ok = co_await writer.start_stream(200, std::move(headers));
  if (ok) {
    ok = co_await pause(writer, faults.first_byte_ms.value_or(0));
  }
  if (!ok) {
    outcome(stats.streams_aborted);
    co_return;
  }

  const std::size_t none = plan.segments.size() + 1;
  const std::size_t error_at = faults.error_after ? fault_segment(plan, *faults.error_after) : none;
  const std::size_t reset_at = faults.reset_after ? fault_segment(plan, *faults.reset_after) : none;
  const std::size_t garbage_at = faults.malformed.value_or(false) ? fault_segment(plan, 0) : none;
  const int gap = faults.chunk_gap_ms.value_or(0);
  const std::string_view bytes = plan.bytes;

  // Events are coalesced into one write until the next pause or fault.
  std::size_t sent = 0;   // bytes of `bytes` already written
  std::size_t begin = 0;  // start of segment i
  int deltas = 0;
  for (std::size_t i = 0; i <= plan.segments.size(); ++i) {
    if (i == error_at) {
      std::string tail(bytes.substr(sent, begin - sent));
      tail += plan.error_event_after(i);
      ok = co_await writer.write_chunk(tail);
      if (ok) {
        ok = co_await writer.end_stream();
      }
      outcome(ok ? stats.streams_errored : stats.streams_aborted);
      co_return;
    }
    if (i == reset_at) {
      ok = co_await writer.write_chunk(bytes.substr(sent, begin - sent));
      if (ok) {
        writer.reset_connection();
      }
      outcome(ok ? stats.streams_reset : stats.streams_aborted);
      co_return;
    }
    if (i == plan.segments.size()) {
      break;
    }
    if (i == garbage_at) {
      std::string chunk(bytes.substr(sent, begin - sent));
      chunk += plan.garbage;
      ok = co_await writer.write_chunk(chunk);
      sent = begin;
    }
    if (ok && plan.segments[i].content) {
      if (gap > 0 && deltas > 0) {
        ok = co_await writer.write_chunk(bytes.substr(sent, begin - sent));
        sent = begin;
        if (ok) {
          ok = co_await pause(writer, gap);
        }
      }
      ++deltas;
    }
    if (!ok) {
      outcome(stats.streams_aborted);
      co_return;
    }
    begin = plan.segments[i].end;
  }
  ok = co_await writer.write_chunk(bytes.substr(sent));
  if (ok) {
    ok = co_await pause(writer, faults.linger_ms.value_or(0));
  }
  if (ok) {
    ok = co_await writer.end_stream();
  }
  outcome(ok ? stats.streams_completed : stats.streams_aborted);
}

}  // namespace sluice::fake
