#include "intel/outcome_store.hpp"

#include <chrono>

#include "core/log.hpp"
#include "store/migrations.hpp"
#include "store/sqlite_db.hpp"

namespace sluice::intel {

namespace sq = store::sqlite;

OutcomeStore::OutcomeStore(const std::string& path)
    : writer_(std::make_unique<sq::Db>(path)), reader_(std::make_unique<sq::Db>(path)) {
  store::migrate(*writer_);
  thread_ = std::thread([this] { run(); });
}

OutcomeStore::~OutcomeStore() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void OutcomeStore::put_note(const OutcomeNote& n) {
  std::lock_guard lock(mu_);
  queue_.push_back({Write::Note, n, {}});
}

void OutcomeStore::put_outcomes(const std::string& request_id, std::uint32_t outcomes) {
  Write w{Write::Outcomes, {}, {}};
  w.note.request_id = request_id;
  w.note.outcomes = outcomes;
  std::lock_guard lock(mu_);
  queue_.push_back(std::move(w));
}

void OutcomeStore::put_arm(const ArmStats& a) {
  std::lock_guard lock(mu_);
  // The latest absolute values win; earlier queued rows of the same arm are dropped.
  std::erase_if(queue_, [&a](const Write& w) {
    return w.kind == Write::ArmRow && w.arm.intent == a.intent && w.arm.model == a.model;
  });
  queue_.push_back({Write::ArmRow, {}, a});
}

void OutcomeStore::flush() {
  std::unique_lock lock(mu_);
  const auto target = ++wanted_;
  flush_now_ = true;
  cv_.notify_all();
  done_cv_.wait(lock, [&] { return flushed_ >= target || stop_; });
}

void OutcomeStore::run() {
  std::unique_lock lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return stop_ || flush_now_; });
    std::vector<Write> batch;
    batch.swap(queue_);
    const auto wanted = wanted_;
    flush_now_ = false;
    const bool stopping = stop_;
    lock.unlock();
    if (!batch.empty()) {
      try {
        commit(batch);
      } catch (const std::exception& e) {
        // A full disk must not take the gateway down; the statistics stay right in memory.
        log::warn("outcome store: {} rows not written: {}", batch.size(), e.what());
      }
    }
    lock.lock();
    flushed_ = wanted;
    done_cv_.notify_all();
    if (stopping && queue_.empty()) return;
  }
}

void OutcomeStore::commit(std::vector<Write>& batch) {
  sq::Transaction tx(*writer_);
  sq::Stmt note(*writer_,
                "INSERT OR IGNORE INTO outcome_requests (request_id, key_id, intent, model, "
                "time_ms, auto_routed, outcomes, task_hash, turns) VALUES (?, ?, ?, ?, ?, ?, ?, "
                "?, ?)");
  sq::Stmt outcomes(*writer_, "UPDATE outcome_requests SET outcomes = ? WHERE request_id = ?");
  sq::Stmt arm(*writer_,
               "INSERT INTO outcome_stats (intent, model, successes, failures, picks) VALUES (?, "
               "?, ?, ?, ?) ON CONFLICT (intent, model) DO UPDATE SET successes = "
               "excluded.successes, failures = excluded.failures, picks = excluded.picks");
  for (const auto& w : batch) {
    switch (w.kind) {
      case Write::Note: {
        const auto& n = w.note;
        sq::Stmt::Scope scope(note);
        note.bind_all(n.request_id, n.key_id, n.intent, n.model, n.time_ms, n.auto_routed ? 1 : 0,
                      static_cast<std::int64_t>(n.outcomes), static_cast<std::int64_t>(n.task_hash),
                      static_cast<std::int64_t>(n.turns));
        note.step();
        break;
      }
      case Write::Outcomes: {
        sq::Stmt::Scope scope(outcomes);
        outcomes.bind_all(static_cast<std::int64_t>(w.note.outcomes), w.note.request_id);
        outcomes.step();
        break;
      }
      case Write::ArmRow: {
        sq::Stmt::Scope scope(arm);
        arm.bind_all(w.arm.intent, w.arm.model, w.arm.successes, w.arm.failures, w.arm.picks);
        arm.step();
        break;
      }
    }
  }
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  if (now - pruned_ms_ >= 3'600'000) {
    sq::Stmt prune(*writer_, "DELETE FROM outcome_requests WHERE time_ms < ?");
    prune.bind(1, now - kNoteRetentionMs);
    prune.step();
    pruned_ms_ = now;
  }
  tx.commit();
}

std::vector<ArmStats> OutcomeStore::load_arms() {
  std::lock_guard lock(read_mu_);
  std::vector<ArmStats> out;
  sq::Stmt s(*reader_,
             "SELECT intent, model, successes, failures, picks FROM outcome_stats ORDER BY intent, "
             "model");
  sq::Stmt::Scope scope(s);
  while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2), s.real(3), s.int64(4)});
  return out;
}

std::optional<OutcomeNote> OutcomeStore::find_note(const std::string& request_id) {
  std::lock_guard lock(read_mu_);
  sq::Stmt s(*reader_,
             "SELECT key_id, intent, model, time_ms, auto_routed, outcomes, task_hash, turns FROM "
             "outcome_requests WHERE request_id = ?");
  sq::Stmt::Scope scope(s);
  s.bind(1, request_id);
  if (!s.step()) return std::nullopt;
  OutcomeNote n;
  n.request_id = request_id;
  n.key_id = s.text(0);
  n.intent = s.text(1);
  n.model = s.text(2);
  n.time_ms = s.int64(3);
  n.auto_routed = s.int64(4) != 0;
  n.outcomes = static_cast<std::uint32_t>(s.int64(5));
  n.task_hash = static_cast<std::uint64_t>(s.int64(6));
  n.turns = static_cast<std::uint32_t>(s.int64(7));
  return n;
}

std::vector<ArmStats> read_outcome_stats(const std::string& path) {
  sq::Db db(path);
  store::migrate(db);
  std::vector<ArmStats> out;
  sq::Stmt s(db,
             "SELECT intent, model, successes, failures, picks FROM outcome_stats ORDER BY intent, "
             "model");
  sq::Stmt::Scope scope(s);
  while (s.step()) out.push_back({s.text(0), s.text(1), s.real(2), s.real(3), s.int64(4)});
  return out;
}

}  // namespace sluice::intel
