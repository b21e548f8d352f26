// The budget book: all-or-nothing reservations of a request's worst-case cost against every
// budget it belongs to, settled to the real cost afterwards, under one mutex. Everything done
// under the lock is arithmetic on at most a handful of entries; strings for people (warnings,
// refusals) are formatted after it is released.
#include "governance/budget_book.hpp"
#include "governance/cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace sluice::governance {

struct BudgetEntry {
  BudgetRule rule;
  Window window;
  double spent = 0;
  double reserved = 0;
  bool warned = false;  // crossed `warn` in this window already
};

namespace {

// Sums of doubles drift; a reservation that fits to a billionth of a dollar fits.
constexpr double kEpsilon = 1e-9;

std::size_t index_of(store::SpendScope s) {
  return static_cast<std::size_t>(s);
}

std::string default_label(const BudgetRule& r) {
  switch (r.scope) {
    case store::SpendScope::Key:
      return "key '" + r.id + "'";
    case store::SpendScope::User:
      return "user '" + r.id + "'";
    case store::SpendScope::Team:
      return "team '" + r.id + "'";
    case store::SpendScope::Project:
      return "project '" + r.id + "'";
    case store::SpendScope::Org:
      break;
  }
  return "the org";
}

// Budgets roll over lazily, when a request (or report) first sees a time past the window.
void roll(BudgetEntry& e, std::int64_t now_ms) {
  if (now_ms < e.window.end_ms) return;
  e.window = window_of(e.rule.period, now_ms);
  e.spent = 0;
  e.warned = false;
  // `reserved` stays: requests in flight release their holds against this entry as they end.
}

BudgetState state_at(const BudgetEntry& e, std::int64_t now_ms) {
  BudgetState st{e.rule, e.window, e.spent, e.reserved};
  if (now_ms >= e.window.end_ms) {
    st.window = window_of(e.rule.period, now_ms);
    st.spent_usd = 0;
  }
  return st;
}

bool at_warning(const BudgetEntry& e) {
  const auto& r = e.rule;
  return r.limit_usd > 0 && r.warn > 0 && e.spent + e.reserved >= r.warn * r.limit_usd - kEpsilon;
}

std::string this_period(const Period& p) {
  switch (p.kind) {
    case Period::Kind::Month:
      return "this month";
    case Period::Kind::Week:
      return "this week";
    case Period::Kind::Day:
      return "today";
    case Period::Kind::Fixed:
      break;
  }
  return "this " + p.to_string() + " period";
}

std::string warning_text(const BudgetState& st) {
  const double used = st.spent_usd + st.reserved_usd;
  const auto pct = static_cast<long long>(std::floor(100.0 * used / st.rule.limit_usd + kEpsilon));
  return fmt::format("{} at {}% of {} ({}, resets {})", st.rule.label, pct, usd(st.rule.limit_usd),
                     st.rule.period.to_string(), iso8601(st.window.end_ms));
}

std::string identity(const BudgetRule& r) {
  return fmt::format("{}\x1f{}\x1f{}", index_of(r.scope), r.id, r.period.to_string());
}

}  // namespace

std::string_view to_string(BudgetAction a) {
  switch (a) {
    case BudgetAction::Block:
      return "block";
    case BudgetAction::Fallback:
      return "fallback";
    case BudgetAction::Throttle:
      return "throttle";
  }
  return "block";
}

std::optional<BudgetAction> budget_action_from(std::string_view s) {
  if (s == "block") return BudgetAction::Block;
  if (s == "fallback") return BudgetAction::Fallback;
  if (s == "throttle") return BudgetAction::Throttle;
  return std::nullopt;
}

Reservation::Reservation(Reservation&& o) noexcept
    : holds_(std::move(o.holds_)), amount_(o.amount_), book_(o.book_) {
  o.holds_.clear();
  o.amount_ = 0;
  o.book_ = nullptr;
}

Reservation& Reservation::operator=(Reservation&& o) noexcept {
  if (this == &o) return *this;
  if (active() && book_ != nullptr) book_->settle(*this, 0);
  holds_ = std::move(o.holds_);
  amount_ = o.amount_;
  book_ = o.book_;
  o.holds_.clear();
  o.amount_ = 0;
  o.book_ = nullptr;
  return *this;
}

Reservation::~Reservation() {
  if (active() && book_ != nullptr) book_->settle(*this, 0);
}

std::string ReserveOutcome::message() const {
  if (ok || !refused) return {};
  const auto& st = *refused;
  const double used = st.spent_usd + st.reserved_usd;
  const double left = st.rule.limit_usd - used;
  const auto resets = iso8601(st.window.end_ms);
  if (left > 0 && left >= st.rule.limit_usd * 0.001) {
    return fmt::format(
        "{} budget has {} of {} left {}, less than this request may cost ({}); it resets at {}",
        st.rule.label, usd(left), usd(st.rule.limit_usd), this_period(st.rule.period),
        usd(worst_usd), resets);
  }
  return fmt::format("{} budget is spent: {} of {} used {}; it resets at {}", st.rule.label,
                     usd(used), usd(st.rule.limit_usd), this_period(st.rule.period), resets);
}

std::size_t BudgetBook::lists_of(const Subject& s, std::array<const Entries*, 5>& out) const {
  std::size_t n = 0;
  const auto look = [&](store::SpendScope scope, std::string_view id) {
    const auto& map = by_scope_[index_of(scope)];
    if (map.empty()) return;  // the common case for most scopes: no hashing at all
    if (const auto it = map.find(id); it != map.end()) out[n++] = &it->second;
  };
  if (!s.key_id.empty()) look(store::SpendScope::Key, s.key_id);
  if (!s.user.empty()) look(store::SpendScope::User, s.user);
  if (!s.team.empty()) look(store::SpendScope::Team, s.team);
  if (!s.project.empty()) look(store::SpendScope::Project, s.project);
  look(store::SpendScope::Org, "");
  return n;
}

BudgetBook::Entries BudgetBook::holds_of(const Subject& s, std::int64_t now_ms) {
  std::array<const Entries*, 5> lists{};
  const std::size_t n = lists_of(s, lists);
  std::size_t count = 0;
  for (std::size_t i = 0; i < n; ++i) count += lists[i]->size();
  Entries holds;
  holds.reserve(count);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& e : *lists[i]) {
      roll(*e, now_ms);
      holds.push_back(e);
    }
  }
  return holds;
}

void BudgetBook::configure(std::vector<BudgetRule> rules, const SpendLoader& load,
                           std::int64_t now_ms) {
  const std::lock_guard serial(configure_mu_);
  Entries old;
  {
    const std::lock_guard lock(mu_);
    old = all_;
  }
  // Only configure() changes scope, id and period, and configure_mu_ excludes other calls, so
  // the old entries' identities can be read without mu_.
  std::unordered_map<std::string, std::shared_ptr<BudgetEntry>> old_by_identity;
  for (const auto& e : old) old_by_identity.emplace(identity(e->rule), e);

  Entries next;
  next.reserve(rules.size());
  std::vector<std::pair<std::shared_ptr<BudgetEntry>, BudgetRule>> updates;
  for (auto& rule : rules) {
    if (rule.scope == store::SpendScope::Org) rule.id.clear();
    if (rule.label.empty()) rule.label = default_label(rule);
    const auto it = old_by_identity.find(identity(rule));
    if (it != old_by_identity.end()) {
      next.push_back(it->second);
      updates.emplace_back(it->second, std::move(rule));
      old_by_identity.erase(it);  // a duplicate rule gets an entry of its own
      continue;
    }
    auto e = std::make_shared<BudgetEntry>();
    e->window = window_of(rule.period, now_ms);
    // The store is read without mu_ held: requests keep reserving against the old rules.
    if (load) e->spent = std::max(0.0, load(rule, e->window.start_ms));
    e->rule = std::move(rule);
    e->warned = at_warning(*e);
    next.push_back(std::move(e));
  }

  std::array<core::StringMap<Entries>, 5> maps;
  for (const auto& e : next) maps[index_of(e->rule.scope)][e->rule.id].push_back(e);
  {
    const std::lock_guard lock(mu_);
    for (auto& [e, rule] : updates) e->rule = std::move(rule);
    by_scope_.swap(maps);
    all_.swap(next);
    count_.store(all_.size(), std::memory_order_relaxed);
  }
  // The old maps and entries are freed here, outside the lock.
}

ReserveOutcome BudgetBook::reserve(const Subject& s, double worst_usd, std::int64_t now_ms) {
  ReserveOutcome out;
  worst_usd = std::max(0.0, worst_usd);
  out.worst_usd = worst_usd;
  std::vector<BudgetState> at_warn;
  {
    const std::lock_guard lock(mu_);
    Entries holds = holds_of(s, now_ms);
    for (const auto& e : holds) {
      if (e->spent + e->reserved + worst_usd > e->rule.limit_usd + kEpsilon) {
        out.refused = BudgetState{e->rule, e->window, e->spent, e->reserved};
        return out;
      }
    }
    for (const auto& e : holds) {
      e->reserved += worst_usd;
      if (!at_warning(*e)) continue;
      at_warn.push_back(BudgetState{e->rule, e->window, e->spent, e->reserved});
      if (!e->warned) {
        e->warned = true;
        out.newly_warned.push_back(at_warn.back());
      }
    }
    if (!holds.empty()) {
      out.reservation.holds_ = std::move(holds);
      out.reservation.amount_ = worst_usd;
      out.reservation.book_ = this;
    }
  }
  out.ok = true;
  out.warnings.reserve(at_warn.size());
  for (const auto& st : at_warn) out.warnings.push_back(warning_text(st));
  return out;
}

Reservation BudgetBook::reserve_unchecked(const Subject& s, double worst_usd, std::int64_t now_ms) {
  Reservation r;
  worst_usd = std::max(0.0, worst_usd);
  const std::lock_guard lock(mu_);
  Entries holds = holds_of(s, now_ms);
  if (holds.empty()) return r;
  for (const auto& e : holds) e->reserved += worst_usd;
  r.holds_ = std::move(holds);
  r.amount_ = worst_usd;
  r.book_ = this;
  return r;
}

void BudgetBook::settle(Reservation& r, double actual_usd) noexcept {
  if (!r.active() || r.book_ == nullptr) return;
  // std::max(0.0, NaN) is 0.0: a NaN cost must not poison the book.
  const double actual = std::max(0.0, actual_usd);
  {
    const std::lock_guard lock(r.book_->mu_);
    for (const auto& e : r.holds_) {
      e->reserved = std::max(0.0, e->reserved - r.amount_);
      e->spent += actual;
    }
  }
  r.holds_.clear();  // may free entries a configure() dropped: outside the lock
  r.amount_ = 0;
  r.book_ = nullptr;
}

void BudgetBook::record(const Subject& s, double usd, std::int64_t now_ms) {
  const double add = std::max(0.0, usd);
  const std::lock_guard lock(mu_);
  std::array<const Entries*, 5> lists{};
  const std::size_t n = lists_of(s, lists);
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& e : *lists[i]) {
      roll(*e, now_ms);
      e->spent += add;
    }
  }
}

double BudgetBook::remaining_fraction(const Subject& s, std::int64_t now_ms) const {
  const std::lock_guard lock(mu_);
  std::array<const Entries*, 5> lists{};
  const std::size_t n = lists_of(s, lists);
  double fraction = 1;
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& e : *lists[i]) {
      const double spent = now_ms >= e->window.end_ms ? 0 : e->spent;
      const double limit = e->rule.limit_usd;
      const double left = std::max(0.0, limit - spent - e->reserved);
      fraction = std::min(fraction, limit > 0 ? left / limit : 0.0);
    }
  }
  return std::clamp(fraction, 0.0, 1.0);
}

double BudgetBook::remaining_usd(const Subject& s, std::int64_t now_ms) const {
  const std::lock_guard lock(mu_);
  std::array<const Entries*, 5> lists{};
  const std::size_t n = lists_of(s, lists);
  double remaining = std::numeric_limits<double>::infinity();
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& e : *lists[i]) {
      const double spent = now_ms >= e->window.end_ms ? 0 : e->spent;
      remaining = std::min(remaining, std::max(0.0, e->rule.limit_usd - spent - e->reserved));
    }
  }
  return remaining;
}

BudgetBook::Standing BudgetBook::standing(const Subject& s, std::int64_t now_ms) const {
  const std::lock_guard lock(mu_);
  std::array<const Entries*, 5> lists{};
  const std::size_t n = lists_of(s, lists);
  Standing worst = Standing::Ok;
  for (std::size_t i = 0; i < n; ++i) {
    for (const auto& e : *lists[i]) {
      const double used = (now_ms >= e->window.end_ms ? 0 : e->spent) + e->reserved;
      if (used >= e->rule.limit_usd) return Standing::Exhausted;
      if (used >= e->rule.warn * e->rule.limit_usd) worst = Standing::Warned;
    }
  }
  return worst;
}

std::vector<BudgetState> BudgetBook::states(std::int64_t now_ms) const {
  const std::lock_guard lock(mu_);
  std::vector<BudgetState> out;
  out.reserve(all_.size());
  for (const auto& e : all_) out.push_back(state_at(*e, now_ms));
  return out;
}

bool BudgetBook::empty() const {
  return count_.load(std::memory_order_relaxed) == 0;
}

}  // namespace sluice::governance
