#include "intel/learner.hpp"

#include <functional>
#include <random>

#include "intel/outcome_store.hpp"

namespace sluice::intel {
namespace {

// Enough for every request of a busy hour; older feedback is looked up in the store.
constexpr std::size_t kMaxNotes = 100'000;

constexpr std::string_view kOutcomeNames[kOutcomes] = {
    "accepted", "rejected", "reverted", "tests_passed", "tests_failed", "retried", "tool_error"};

std::uint64_t mix(std::uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

}  // namespace

std::string_view outcome_name(Outcome o) {
  return kOutcomeNames[static_cast<std::size_t>(o)];
}

std::optional<Outcome> client_outcome(std::string_view name) {
  for (std::size_t i = 0; i <= static_cast<std::size_t>(Outcome::TestsFailed); ++i) {
    if (kOutcomeNames[i] == name) return static_cast<Outcome>(i);
  }
  return std::nullopt;
}

bool is_success(Outcome o) {
  return o == Outcome::Accepted || o == Outcome::TestsPassed;
}

std::uint64_t task_hash(std::string_view instruction) {
  // 0 means "no task": never produce it.
  return std::hash<std::string_view>{}(instruction) | 1;
}

Learner::Learner() : rng_(std::random_device{}() | (std::uint64_t{std::random_device{}()} << 32)) {}

Learner::Learner(const std::string& db_path) : Learner() {
  if (db_path.empty() || db_path == ":memory:") return;
  store_ = std::make_unique<OutcomeStore>(db_path);
  for (auto& a : store_->load_arms()) {
    arms_[arm_key(a.intent, a.model)] = {a.successes, a.failures, a.picks};
  }
}

Learner::~Learner() = default;

std::string Learner::arm_key(std::string_view intent, std::string_view model) {
  std::string k;
  k.reserve(intent.size() + 1 + model.size());
  k.append(intent);
  k.push_back('\0');
  k.append(model);
  return k;
}

std::uint64_t Learner::task_key(std::string_view key_id, std::uint64_t task) {
  return mix(std::hash<std::string_view>{}(key_id) ^ mix(task));
}

std::vector<ArmView> Learner::views(std::string_view intent,
                                    std::span<const std::string> models) const {
  std::vector<ArmView> out(models.size());
  for (std::size_t i = 0; i < models.size(); ++i) {
    if (auto it = arms_.find(arm_key(intent, models[i])); it != arms_.end()) {
      out[i].successes = it->second.successes;
      out[i].failures = it->second.failures;
    }
  }
  return out;
}

Draw Learner::choose(std::string_view intent, std::span<const std::string> models,
                     std::span<const double> direction, const core::AutoLearningConfig& cfg) {
  std::lock_guard lock(mu_);
  auto candidates = views(intent, models);
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    candidates[i].direction = i < direction.size() ? direction[i] : 1.0;
  }
  if (cfg.seed != 0 && cfg.seed != seeded_with_) {
    rng_ = Rng(cfg.seed);  // a fixed sequence from here on (tests)
    seeded_with_ = cfg.seed;
  }
  auto& state = explore_[std::string(intent)];
  return choose_arm(candidates, cfg, rng_, state);
}

std::vector<ArmView> Learner::arms(std::string_view intent,
                                   std::span<const std::string> models) const {
  std::lock_guard lock(mu_);
  return views(intent, models);
}

void Learner::remember(OutcomeNote note) {
  if (notes_.size() >= kMaxNotes && !note_order_.empty()) {
    notes_.erase(note_order_.front());
    note_order_.pop_front();
  }
  if (note.task_hash) tasks_[task_key(note.key_id, note.task_hash)] = note.request_id;
  note_order_.push_back(note.request_id);
  notes_[note.request_id] = std::move(note);
}

void Learner::record(OutcomeNote note) {
  std::lock_guard lock(mu_);
  if (note.auto_routed) {
    auto& arm = arms_[arm_key(note.intent, note.model)];
    ++arm.picks;
    if (store_) store_->put_arm({note.intent, note.model, arm.successes, arm.failures, arm.picks});
  }
  if (store_) store_->put_note(note);
  remember(std::move(note));
}

bool Learner::apply(OutcomeNote& note, Outcome o, double weight) {
  const std::uint32_t bit = 1u << static_cast<unsigned>(o);
  if (note.outcomes & bit) return false;
  note.outcomes |= bit;
  auto& arm = arms_[arm_key(note.intent, note.model)];
  (is_success(o) ? arm.successes : arm.failures) += weight;
  if (store_) {
    store_->put_outcomes(note.request_id, note.outcomes);
    store_->put_arm({note.intent, note.model, arm.successes, arm.failures, arm.picks});
  }
  return true;
}

Learner::FeedbackResult Learner::feedback(std::string_view request_id, std::string_view key_id,
                                          Outcome outcome, double weight) {
  const std::string id(request_id);
  std::unique_lock lock(mu_);
  auto it = notes_.find(id);
  if (it == notes_.end() && store_) {
    // Older than what memory holds (or from before a restart): one indexed read.
    lock.unlock();
    auto stored = store_->find_note(id);
    lock.lock();
    if (!stored) return {};
    it = notes_.find(id);  // another thread may have loaded it meanwhile
    if (it == notes_.end()) {
      remember(std::move(*stored));
      it = notes_.find(id);
    }
  }
  // Another key's request is answered exactly like an unknown one: no information leaks.
  if (it == notes_.end() || it->second.key_id != key_id) return {};
  FeedbackResult r;
  r.intent = it->second.intent;
  r.model = it->second.model;
  r.applied = apply(it->second, outcome, weight) ? Applied::Counted : Applied::Duplicate;
  return r;
}

std::optional<std::string> Learner::observe(std::string_view key_id, std::uint64_t task,
                                            std::uint32_t turns, bool tool_error,
                                            std::int64_t now_ms,
                                            const core::AutoLearningConfig& cfg) {
  if (!cfg.implicit || task == 0) return std::nullopt;
  std::lock_guard lock(mu_);
  const auto t = tasks_.find(task_key(key_id, task));
  if (t == tasks_.end()) return std::nullopt;
  const auto n = notes_.find(t->second);
  if (n == notes_.end() || n->second.key_id != key_id) return std::nullopt;
  OutcomeNote& prev = n->second;
  // The same conversation at the same length again, soon: the answer was not good enough.
  if (prev.turns == turns && now_ms - prev.time_ms <= cfg.retry_window.count()) {
    if (apply(prev, Outcome::Retried, 1.0)) return prev.request_id;
    return std::nullopt;
  }
  // A later turn of the task whose last tool result failed: the previous answer's tool call.
  if (tool_error && prev.turns < turns) {
    if (apply(prev, Outcome::ToolError, 1.0)) return prev.request_id;
  }
  return std::nullopt;
}

std::vector<ArmStats> Learner::stats() const {
  std::lock_guard lock(mu_);
  std::vector<ArmStats> out;
  out.reserve(arms_.size());
  for (const auto& [k, a] : arms_) {
    const auto zero = k.find('\0');
    out.push_back({k.substr(0, zero), k.substr(zero + 1), a.successes, a.failures, a.picks});
  }
  return out;
}

void Learner::flush() {
  if (store_) store_->flush();
}

}  // namespace sluice::intel
