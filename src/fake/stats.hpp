#pragma once
// What the fake upstream has seen, for tests: counters (GET /_fake/stats) and the last requests
// verbatim (GET /_fake/requests). Counters are atomics; the history ring and the per-path counts
// share one mutex, taken once per request (to move the request in) and by the introspection
// endpoints.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace sluice::fake {

class Recorder {
 public:
  static constexpr std::size_t kHistory = 50;

  /// Counts one request and keeps it in the history ring. Its method, target, headers and body
  /// are moved out of `req`. Thread-safe.
  void record(http::Request& req);
  /// Counts the status a request was answered with. Thread-safe.
  void count_status(int status);
  /// Adds a generated answer's tokens to its model's totals. Thread-safe.
  void count_usage(std::string_view model, std::int64_t input, std::int64_t cached,
                   std::int64_t cache_write, std::int64_t output, std::int64_t reasoning);

  /// {"requests", "by_path", "by_status", "streams_started", "streams_completed",
  ///  "streams_aborted", "streams_reset", "streams_errored", "requests_abandoned",
  ///  "active_requests", "usage": {model: {requests, input, cached, cache_write, output,
  ///  reasoning}}}.
  std::string stats_json(std::int64_t active_requests) const;
  /// The last `n` requests (at most kHistory), oldest first, as a JSON array of
  /// {method, path, query, headers, body}.
  std::string requests_json(std::size_t n) const;
  /// Clears counters and history.
  void reset();

  // Stream outcomes; each started stream ends as exactly one of the other four.
  std::atomic<std::uint64_t> streams_started{0};
  std::atomic<std::uint64_t> streams_completed{0};
  std::atomic<std::uint64_t> streams_aborted{0};     // the client went away mid-stream
  std::atomic<std::uint64_t> streams_reset{0};       // x-fake-reset-after
  std::atomic<std::uint64_t> streams_errored{0};     // x-fake-error-after: error event sent
  std::atomic<std::uint64_t> requests_abandoned{0};  // the client left before any response byte

 private:
  struct Entry {
    std::string method;
    std::string target;
    http::Headers headers;
    std::string body;
  };

  mutable std::mutex mutex_;
  std::array<Entry, kHistory> ring_;
  std::size_t next_ = 0;    // slot the next request goes to
  std::size_t stored_ = 0;  // entries in use, up to kHistory
  std::uint64_t requests_ = 0;
  std::map<std::string, std::uint64_t, std::less<>> by_path_;
  struct UsageTotals {
    std::int64_t requests = 0, input = 0, cached = 0, cache_write = 0, output = 0, reasoning = 0;
  };
  std::map<std::string, UsageTotals, std::less<>> usage_;
  std::array<std::atomic<std::uint64_t>, 600> by_status_{};
};

}  // namespace sluice::fake
