#pragma once
// Routes that learn: per (intent, model) outcome statistics, fed by POST /v1/feedback and by
// implicit signals (a request retried at once; a tool error in the next turn), and the Thompson
// choice among an auto tier's candidates. One instance lives as long as `sluice serve` and is
// kept across config reloads; the statistics and each request's note are written to the store
// by a background thread (nothing on the request path waits for the disk) and read back at
// start.

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/auto_config.hpp"
#include "intel/thompson.hpp"

namespace sluice::intel {

class OutcomeStore;

/// What a client (or an implicit signal) says about a request's answer.
enum class Outcome : std::uint8_t {
  Accepted,
  Rejected,
  Reverted,
  TestsPassed,
  TestsFailed,
  Retried,    // implicit: the same request came again within the retry window
  ToolError,  // implicit: the next turn reported that the last tool call failed
};
inline constexpr std::size_t kOutcomes = 7;
std::string_view outcome_name(Outcome o);
/// The five a client may send: accepted, rejected, reverted, tests_passed, tests_failed.
std::optional<Outcome> client_outcome(std::string_view name);
bool is_success(Outcome o);

/// What is remembered about one answered request.
struct OutcomeNote {
  std::string request_id;
  std::string key_id;  // "" without a key (auth off)
  std::string intent;  // intel::intent_name, or "unclassified"
  std::string model;   // provider/model that answered
  std::int64_t time_ms = 0;
  bool auto_routed = false;
  std::uint32_t outcomes = 0;  // bit per Outcome already counted (feedback is idempotent)
  // Implicit signals (0: the request was not classified, so they are not looked for).
  std::uint64_t task_hash = 0;  // hash of the latest instruction: one task across tool turns
  std::uint32_t turns = 0;
};

struct ArmStats {
  std::string intent;
  std::string model;
  double successes = 0;
  double failures = 0;
  std::int64_t picks = 0;  // auto choices of this model for this intent
};

class Learner {
 public:
  /// In memory only (tests, `sluice route`).
  Learner();
  /// Persisted in the SQLite database at `db_path` (created and migrated if needed); loads the
  /// statistics. Throws store::StoreError.
  explicit Learner(const std::string& db_path);
  ~Learner();  // writes what is pending
  Learner(const Learner&) = delete;
  Learner& operator=(const Learner&) = delete;

  /// The auto choice among `models` (provider/model) for `intent`; `direction` holds each
  /// candidate's direction score relative to the best, in [0, 1]. Counts the pick.
  Draw choose(std::string_view intent, std::span<const std::string> models,
              std::span<const double> direction, const core::AutoLearningConfig& cfg);
  /// Each candidate's record, without choosing (explanations).
  std::vector<ArmView> arms(std::string_view intent, std::span<const std::string> models) const;

  /// Remembers an answered request, for feedback and implicit signals.
  void record(OutcomeNote note);

  enum class Applied { Counted, Duplicate, NotFound };
  struct FeedbackResult {
    Applied applied = Applied::NotFound;
    std::string intent;
    std::string model;
  };
  /// Counts `outcome` (weighted by `weight`, in (0, 1]) for the request, once per outcome; a
  /// request of another key is NotFound, as is an unknown one.
  FeedbackResult feedback(std::string_view request_id, std::string_view key_id, Outcome outcome,
                          double weight = 1.0);

  /// Implicit signals of a new request by `key_id` on the task `task_hash` at `turns`: the
  /// same task and turn count again within the retry window fails the earlier request
  /// (Retried); a failed last tool result fails the task's previous request (ToolError).
  /// Returns the request id marked failed, if any.
  std::optional<std::string> observe(std::string_view key_id, std::uint64_t task_hash,
                                     std::uint32_t turns, bool tool_error, std::int64_t now_ms,
                                     const core::AutoLearningConfig& cfg);

  std::vector<ArmStats> stats() const;
  /// Writes everything pending now (tests, shutdown).
  void flush();

 private:
  struct Arm {
    double successes = 0;
    double failures = 0;
    std::int64_t picks = 0;
  };
  static std::string arm_key(std::string_view intent, std::string_view model);
  /// Each model's counts for `intent` (under mu_).
  std::vector<ArmView> views(std::string_view intent, std::span<const std::string> models) const;
  static std::uint64_t task_key(std::string_view key_id, std::uint64_t task_hash);
  /// Under mu_: counts the outcome on the note's arm unless already counted.
  bool apply(OutcomeNote& note, Outcome o, double weight);
  void remember(OutcomeNote note);  // under mu_

  mutable std::mutex mu_;
  std::unordered_map<std::string, Arm> arms_;  // intent '\0' model
  std::unordered_map<std::string, ExploreState> explore_;
  std::unordered_map<std::string, OutcomeNote> notes_;
  std::deque<std::string> note_order_;                    // oldest first, bounded
  std::unordered_map<std::uint64_t, std::string> tasks_;  // (key, task) -> latest request id
  Rng rng_;
  std::uint64_t seeded_with_ = 0;
  std::unique_ptr<OutcomeStore> store_;  // null: in memory only
};

/// A hash of text for implicit-signal matching (not cryptographic; 64-bit FNV-1a folded).
std::uint64_t task_hash(std::string_view instruction);

}  // namespace sluice::intel
