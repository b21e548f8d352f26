#pragma once
// One council as sluice keeps it: who reviewed which answer, what each said, what it cost, and
// what the council decided. The same JSON is answered by GET /admin/council/{id}, stored in the
// `councils` table and printed by `sluice council show`; the audit chain gets a record with
// hashes in place of texts (audit_row).

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "council/settings.hpp"
#include "council/verdict.hpp"
#include "store/records.hpp"

namespace sluice::council {

struct ReviewRecord {
  std::string name;   // the configured reviewer
  std::string model;  // the model that answered ("" when none did)
  std::string provider;
  std::string request_id;          // the review call's own id, as in the usage ledger
  std::string status = "pending";  // pending, done, error, timeout
  std::optional<Verdict> verdict;  // set when status is done
  std::vector<std::string> reasons;
  std::string error;  // why the call failed (status error), never a secret
  double cost_usd = 0;
  std::int64_t latency_ms = 0;
  std::string prompt_sha256;  // of the review request body
  std::string reply_sha256;   // of the reviewer's text
};

struct CouncilRecord {
  std::string request_id;  // the reviewed request's
  std::int64_t time_ms = 0;
  std::int64_t decided_ms = 0;  // 0 while pending
  std::string key_id, key_name, user, team;
  std::string wire;
  Mode mode = Mode::Async;
  Rule rule = Rule::Majority;
  int k = 0;
  std::string trigger;  // "policy: rule-a,rule-b" or "risk 0.82 >= 0.70"
  std::string intent;
  std::optional<double> risk;
  std::string primary_model, primary_provider;
  std::string status = "pending";    // pending, decided, timeout
  std::optional<Decision> decision;  // set once not pending
  std::string delivered;  // gate: as_is, notice or refused; async: as_is (it went out at once)
  std::string answer_sha256;
  std::vector<ReviewRecord> reviews;

  double cost_usd() const;
};

/// The record as JSON (admin API, the councils table, the CLI).
std::string to_json(const CouncilRecord& c);
/// The audit chain's record of a decided council: kind "council", hashes of every text (the
/// answer, each review prompt, reply and its reasons), never the texts.
store::AuditRow audit_row(const CouncilRecord& c);
/// The row for the councils table, with its audit record.
store::CouncilRow council_row(const CouncilRecord& c);

/// Councils this process knows about, pending ones included, as JSON by request id: what
/// GET /admin/council/{id} reads before the store (a pending council is only here). Bounded:
/// the oldest decided ones are forgotten first (the store keeps them). Thread-safe.
class Registry {
 public:
  static Registry& instance();
  void put(const CouncilRecord& c);
  std::optional<std::string> find(const std::string& request_id) const;

 private:
  static constexpr std::size_t kKeep = 4096;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::string> json_;
  std::deque<std::string> order_;
};

}  // namespace sluice::council
