#pragma once
// Budgets that cannot be overspent. Before a request goes upstream its worst-case cost is
// reserved, all-or-nothing, against every budget it belongs to (its key, user, team, project
// and the org); after it completes the reservation is settled to the real cost. Spent plus
// reserved never passes a limit, so N concurrent requests overspend by at most one request's
// worst case (the one whose real cost exceeded its estimate). One mutex guards the book: a
// reservation touches at most five entries and holds the lock for well under a microsecond.

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/string_hash.hpp"
#include "governance/period.hpp"
#include "store/records.hpp"

namespace sluice::governance {

enum class BudgetAction { Block, Fallback, Throttle };
std::string_view to_string(BudgetAction a);
std::optional<BudgetAction> budget_action_from(std::string_view s);

struct BudgetRule {
  store::SpendScope scope = store::SpendScope::Org;
  std::string id;     // key id, user, team or project; "" for the org
  std::string label;  // for people: "key 'alice-laptop'", "team 'payments'", "the org"
  double limit_usd = 0;
  Period period;
  double warn = 0.8;  // fraction of the limit at which responses carry a warning
  BudgetAction action = BudgetAction::Block;
  std::int64_t throttle_rpm = 0;  // Throttle: the rate allowed once the budget is spent
};

/// Who a request is charged to. Empty fields match no budget of that scope.
struct Subject {
  std::string_view key_id;
  std::string_view user;
  std::string_view team;
  std::string_view project;
};

struct BudgetEntry;  // one budget's window, spend and reservations (budget_book.cpp)
class BudgetBook;

/// Money held for one request. Settle (or release) it exactly once; the destructor releases a
/// reservation that was never settled, so an abandoned request frees what it held.
class Reservation {
 public:
  Reservation() = default;
  Reservation(Reservation&&) noexcept;
  Reservation& operator=(Reservation&&) noexcept;
  ~Reservation();
  bool active() const { return !holds_.empty(); }
  double amount() const { return amount_; }

 private:
  friend class BudgetBook;
  // shared_ptr: a configure() that drops a budget must not free what a request still holds.
  std::vector<std::shared_ptr<BudgetEntry>> holds_;
  double amount_ = 0;
  BudgetBook* book_ = nullptr;  // the book must outlive its reservations
};

/// A budget as reported to people (admin API, CLI, warning header).
struct BudgetState {
  BudgetRule rule;
  Window window;
  double spent_usd = 0;
  double reserved_usd = 0;
};

struct ReserveOutcome {
  bool ok = false;
  Reservation reservation;  // when ok
  // Budgets at or past their warning threshold after this reservation, for the
  // x-sluice-budget-warning header: "team 'payments' at 84% of $500.00 (month, resets ...)".
  std::vector<std::string> warnings;
  // Budgets that crossed their warning threshold with this reservation (record an event once).
  std::vector<BudgetState> newly_warned;
  // When !ok: the first budget that could not hold `worst_usd`.
  std::optional<BudgetState> refused;
  double worst_usd = 0;  // what was asked for
  /// "team 'payments' budget is spent: $499.20 of $500.00 used this month; it resets at
  /// 2026-12-01T00:00:00Z" (spent counts reservations in flight). When more than a cent is
  /// left but not the request's worst case, it says so instead. Empty when ok.
  std::string message() const;
};

class BudgetBook {
 public:
  /// Reads what a budget's scope has spent since `since_ms` (the store's spend_since).
  using SpendLoader = std::function<double(const BudgetRule&, std::int64_t since_ms)>;

  /// Replaces the rules. A budget with the same scope, id and period as before keeps its spend
  /// and reservations; a new one loads its spend for the current window from `load` (called
  /// without the book's lock held, so reservations go on meanwhile). A new budget already past
  /// its warning threshold does not warn again in this window (a restart must not repeat it).
  void configure(std::vector<BudgetRule> rules, const SpendLoader& load, std::int64_t now_ms);

  /// Reserves `worst_usd` on every budget of `s`, or on none. Windows that have ended roll over
  /// (spend restarts at zero) first.
  ReserveOutcome reserve(const Subject& s, double worst_usd, std::int64_t now_ms);
  /// Reserves without checking limits (a throttled budget lets a request through).
  Reservation reserve_unchecked(const Subject& s, double worst_usd, std::int64_t now_ms);
  /// Replaces the reservation with the real cost. Spend lands in the entry's current window.
  /// A second settle, or one of an inactive reservation, does nothing.
  void settle(Reservation& r, double actual_usd) noexcept;
  /// Adds spend without a reservation (usage recorded for a request that bypassed reserve).
  void record(const Subject& s, double usd, std::int64_t now_ms);

  /// The smallest (limit - spent - reserved) / limit over the budgets of `s`, in [0, 1];
  /// 1 when `s` has no budget. Feeds the budget-remaining routing policy.
  double remaining_fraction(const Subject& s, std::int64_t now_ms) const;
  /// The smallest limit - spent - reserved in USD over the budgets of `s`; +inf without one.
  double remaining_usd(const Subject& s, std::int64_t now_ms) const;

  /// Where the budgets of `s` stand, the worst of them: exhausted once one has nothing left,
  /// warned once one is at or past its warning threshold (spend in flight counts). For policy
  /// rules that match on budget state.
  enum class Standing { Ok, Warned, Exhausted };
  Standing standing(const Subject& s, std::int64_t now_ms) const;

  std::vector<BudgetState> states(std::int64_t now_ms) const;
  bool empty() const;

 private:
  using Entries = std::vector<std::shared_ptr<BudgetEntry>>;
  // The entry lists of `s`, one per scope that has budgets for it; returns how many (<= 5).
  std::size_t lists_of(const Subject& s, std::array<const Entries*, 5>& out) const;  // under mu_
  Entries holds_of(const Subject& s, std::int64_t now_ms);  // under mu_; rolls windows over

  mutable std::mutex mu_;
  std::mutex configure_mu_;  // one configure() at a time; never taken by the request path
  // Per scope (indexed by SpendScope): id -> its entries (several periods may apply to one
  // subject). Looked up by string_view, so a reservation builds no key strings. The org's
  // entries are under "".
  std::array<core::StringMap<Entries>, 5> by_scope_;
  Entries all_;
  // all_.size(), readable without mu_: every request asks empty() first, most of them of a
  // book with no budgets.
  std::atomic<std::size_t> count_{0};
};

}  // namespace sluice::governance
