#pragma once
// Where the learner's state lives between runs: a note per answered request (for feedback that
// comes after a restart) and the per (intent, model) statistics, in the gateway's SQLite
// database (migration 5). Writes are queued and committed by a background thread every 100 ms;
// reads (start-up, feedback for a request no longer in memory) use their own connection.
// Notes older than kNoteRetention are deleted (hourly), so the table does not grow without end:
// feedback on a request that old answers 404.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "intel/learner.hpp"

namespace sluice::store::sqlite {
class Db;
}

namespace sluice::intel {

inline constexpr std::int64_t kNoteRetentionMs = 30LL * 24 * 3600 * 1000;  // 30 days

class OutcomeStore {
 public:
  /// Opens (creating, migrating) the database. Throws store::StoreError.
  explicit OutcomeStore(const std::string& path);
  ~OutcomeStore();  // commits what is queued

  void put_note(const OutcomeNote& n);  // insert (ignored if the request is already there)
  void put_outcomes(const std::string& request_id, std::uint32_t outcomes);
  void put_arm(const ArmStats& a);  // absolute values (the learner's memory is the truth)
  void flush();

  std::vector<ArmStats> load_arms();
  std::optional<OutcomeNote> find_note(const std::string& request_id);

 private:
  struct Write {
    enum Kind { Note, Outcomes, ArmRow } kind;
    OutcomeNote note;  // Note; Outcomes uses request_id and outcomes
    ArmStats arm;
  };
  void run();
  void commit(std::vector<Write>& batch);

  std::unique_ptr<store::sqlite::Db> writer_;
  std::unique_ptr<store::sqlite::Db> reader_;
  std::mutex read_mu_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Write> queue_;
  bool stop_ = false;
  bool flush_now_ = false;
  std::uint64_t flushed_ = 0;  // batches committed, for flush()
  std::uint64_t wanted_ = 0;
  std::int64_t pruned_ms_ = 0;  // when old notes were last deleted (writer thread only)
  std::condition_variable done_cv_;
  std::thread thread_;
};

/// Every (intent, model) row of the database at `path`, plus each model's share of the auto
/// picks per intent, for `sluice intel stats`. Throws store::StoreError.
std::vector<ArmStats> read_outcome_stats(const std::string& path);

}  // namespace sluice::intel
