#pragma once
// Fault controls of the fake upstream: what one request should suffer (status, latency, resets,
// mid-stream errors, ...) or get (a chosen answer text, a chosen tool call), from a script of
// rules and from x-fake-* request headers.

#include <boost/system/result.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/glob.hpp"
#include "http/message.hpp"

namespace YAML {
class Node;
}

namespace sluice::fake {

/// A rejected script or control header; the message says where and what to fix.
struct ScenarioError {
  std::string message;
};
[[noreturn]] void throw_exception_from_error(const ScenarioError& e,
                                             const boost::source_location& loc);

template <class T>
using ScenarioResult = boost::system::result<T, ScenarioError>;

/// The faults for one request. Every field is optional so that header controls can override a
/// script rule field by field; unset means "behave normally".
struct Faults {
  std::optional<int> status;         // answer with this status (>= 400: wire-shaped error body)
  std::optional<int> retry_after;    // seconds, sent as retry-after and retry-after-ms
  std::optional<int> latency_ms;     // before the response headers
  std::optional<int> first_byte_ms;  // streams: after the headers, before the first event
  std::optional<int> chunks;         // content deltas in a stream
  std::optional<int> chunk_gap_ms;   // pause between content deltas
  std::optional<int> linger_ms;      // streams: after the last event, before the body ends
  std::optional<int> reset_after;    // streams: TCP reset after N deltas; else before any byte
  std::optional<int> error_after;    // streams: the wire's error event after N deltas
  std::optional<bool> malformed;     // invalid JSON body / garbage SSE line
  // Content controls: the answer text instead of the generated one, '|' marking where stream
  // deltas split (the marks are removed); and a tool to call, offered or not.
  std::optional<std::string> reply;
  std::optional<std::string> tool_call;

  /// Fields set in `over` replace those here.
  void merge(const Faults& over);
  bool error_status() const { return status && *status >= 400; }
};

/// Reads every `x-fake-*` header. An unknown control or a bad value is an error (a typo in a
/// test should fail loudly, not silently test nothing).
ScenarioResult<Faults> faults_from_headers(const http::Headers& headers);

/// The `--script` file: `rules:` tried in order; the first whose `match` fits the request and
/// that has `times` left applies. Thread-safe: rule countdowns are atomic.
class Script {
 public:
  struct Rule {
    std::string path = "*";   // glob on the request path (no query)
    std::string model = "*";  // glob on the requested model
    std::int64_t times = -1;  // `times` as written; -1: unlimited
    double chance = 1;        // applies to this fraction of matching requests (drawn each time)
    Faults faults;
    int line = 0;  // 1-based line of the rule in the file, for logs
  };

  /// Parses YAML text; `name` (usually the file path) prefixes error messages as name:line:col.
  static ScenarioResult<Script> parse(std::string_view yaml, std::string_view name);
  /// Reads and parses a file.
  static ScenarioResult<Script> load(const std::string& path);

  /// The faults of the first applicable rule (counting one use of it down), if any.
  std::optional<Faults> match(std::string_view path, std::string_view model) const;

  const std::vector<Rule>& rules() const { return rules_; }
  /// Uses left for rule `i`, or -1 if unlimited.
  std::int64_t remaining(std::size_t i) const;

 private:
  static ScenarioResult<Script> parse_script(const YAML::Node& root, std::string_view name);

  std::vector<Rule> rules_;
  // One countdown per rule; a unique_ptr so that Script stays movable.
  std::unique_ptr<std::atomic<std::int64_t>[]> remaining_;
};

}  // namespace sluice::fake
