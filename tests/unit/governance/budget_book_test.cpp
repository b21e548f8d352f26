#include "governance/budget_book.hpp"

#include <gtest/gtest.h>

#include <random>
#include <thread>

namespace sluice::governance {
namespace {

using store::SpendScope;
using namespace std::chrono;

std::int64_t at(int y, unsigned m, unsigned d) {
  return duration_cast<milliseconds>(sys_days{year{y} / month{m} / day{d}}.time_since_epoch())
      .count();
}

const std::int64_t kNov = at(2026, 11, 21);
const std::int64_t kDec = at(2026, 12, 1);

BudgetRule rule(SpendScope scope, std::string id, double limit, std::string_view period = "month",
                BudgetAction action = BudgetAction::Block) {
  BudgetRule r;
  r.scope = scope;
  r.id = std::move(id);
  r.limit_usd = limit;
  r.period = *Period::parse(period);
  r.action = action;
  return r;
}

const BudgetBook::SpendLoader kNoSpend = [](const BudgetRule&, std::int64_t) { return 0.0; };

Subject alice() {
  return Subject{"key_a", "alice", "payments", ""};
}

const BudgetState* find(const std::vector<BudgetState>& states, SpendScope scope) {
  for (const auto& st : states) {
    if (st.rule.scope == scope) return &st;
  }
  return nullptr;
}

TEST(BudgetBook, ConcurrentReservationsNeverOverspend) {
  BudgetBook book;
  book.configure({rule(SpendScope::Key, "key_a", 1.00), rule(SpendScope::Team, "payments", 50),
                  rule(SpendScope::Org, "", 100)},
                 kNoSpend, kNov);
  constexpr int kThreads = 8, kAttempts = 500;
  constexpr double kWorst = 0.03;
  std::vector<double> spent(kThreads, 0);
  std::vector<int> successes(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::mt19937 rng(static_cast<unsigned>(t) + 1);
      std::uniform_real_distribution<double> cost(0.01, kWorst);
      for (int i = 0; i < kAttempts; ++i) {
        auto out = book.reserve(alice(), kWorst, kNov);
        if (!out.ok) continue;
        const double actual = cost(rng);
        book.settle(out.reservation, actual);
        spent[static_cast<std::size_t>(t)] += actual;
        ++successes[static_cast<std::size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  double total = 0;
  int ok = 0;
  for (int t = 0; t < kThreads; ++t) {
    total += spent[static_cast<std::size_t>(t)];
    ok += successes[static_cast<std::size_t>(t)];
  }
  EXPECT_LE(total, 1.00 + kWorst);
  EXPECT_GE(ok, 30);
  const auto states = book.states(kNov);
  const auto* key = find(states, SpendScope::Key);
  ASSERT_NE(key, nullptr);
  EXPECT_NEAR(key->spent_usd, total, 1e-9);
  EXPECT_NEAR(key->reserved_usd, 0, 1e-9);
  // Refusals stop only when the next worst case no longer fits: the budget is nearly used.
  EXPECT_GT(key->spent_usd, 1.00 - kWorst - 1e-9);
  EXPECT_NEAR(find(states, SpendScope::Org)->spent_usd, total, 1e-9);
}

TEST(BudgetBook, OverlappingReservationsNeverPassTheLimit) {
  // Each thread holds three reservations at once, so spend alone would admit too much: only
  // counting what is reserved keeps the total under the limit.
  BudgetBook book;
  book.configure({rule(SpendScope::Org, "", 1.00)}, kNoSpend, kNov);
  std::vector<double> spent(4, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < spent.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        std::vector<ReserveOutcome> held;
        for (int j = 0; j < 3; ++j) held.push_back(book.reserve(alice(), 0.04, kNov));
        for (auto& out : held) {
          if (!out.ok) continue;
          book.settle(out.reservation, 0.04);
          spent[t] += 0.04;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  double total = 0;
  for (const double s : spent) total += s;
  EXPECT_LE(total, 1.00 + 1e-9);
  EXPECT_GT(total, 1.00 - 0.04 - 1e-9);
  EXPECT_NEAR(book.states(kNov)[0].spent_usd, total, 1e-9);
}

TEST(BudgetBook, RefusalReportsTheFirstBudgetThatDoesNotFitAndChangesNothing) {
  BudgetBook book;
  auto team = rule(SpendScope::Team, "payments", 500, "month", BudgetAction::Fallback);
  team.label = "team 'payments'";
  auto key = rule(SpendScope::Key, "key_a", 5, "month", BudgetAction::Throttle);
  key.throttle_rpm = 2;
  book.configure({team, key, rule(SpendScope::Org, "", 10'000)}, kNoSpend, kNov);

  auto out = book.reserve(alice(), 6, kNov);
  ASSERT_FALSE(out.ok);
  ASSERT_TRUE(out.refused.has_value());
  EXPECT_EQ(out.refused->rule.action, BudgetAction::Throttle);
  EXPECT_EQ(out.refused->rule.throttle_rpm, 2);
  EXPECT_EQ(out.refused->rule.label, "key 'key_a'");  // a default label when none is given
  EXPECT_FALSE(out.reservation.active());
  for (const auto& st : book.states(kNov)) EXPECT_EQ(st.reserved_usd, 0) << st.rule.label;

  book.record(Subject{"", "", "payments", ""}, 499.20, kNov);
  out = book.reserve(Subject{"key_b", "", "payments", ""}, 1, kNov);
  ASSERT_FALSE(out.ok);
  EXPECT_EQ(out.refused->rule.action, BudgetAction::Fallback);
  EXPECT_EQ(out.message(),
            "team 'payments' budget has $0.8000 of $500.00 left this month, less than this request "
            "may cost ($1.00); it resets at 2026-12-01T00:00:00Z");
  book.record(Subject{"", "", "payments", ""}, 0.797, kNov);
  out = book.reserve(Subject{"key_b", "", "payments", ""}, 1, kNov);
  EXPECT_EQ(out.message(),
            "team 'payments' budget is spent: $500.00 of $500.00 used this month; it resets at "
            "2026-12-01T00:00:00Z");
  EXPECT_TRUE(book.reserve(Subject{"key_b", "", "", ""}, 1, kNov).ok) << "not in the team";
}

TEST(BudgetBook, FixedPeriodsAreNamedInTheMessage) {
  BudgetBook book;
  book.configure({rule(SpendScope::Project, "x", 1, "7d")}, kNoSpend, kNov);
  const auto out = book.reserve(Subject{"", "", "", "x"}, 2, kNov);
  ASSERT_FALSE(out.ok);
  EXPECT_NE(out.message().find("this 7d period"), std::string::npos) << out.message();
  EXPECT_TRUE(book.reserve(Subject{"", "", "", "x"}, 0.5, kNov).message().empty());
}

TEST(BudgetBook, StandingIsTheWorstOfTheSubjectsBudgets) {
  BudgetBook book;
  book.configure({rule(SpendScope::Team, "payments", 10), rule(SpendScope::Org, "", 100)},
                 kNoSpend, kNov);
  EXPECT_EQ(book.standing(alice(), kNov), BudgetBook::Standing::Ok);
  book.record(alice(), 8.5, kNov);  // past the team's 80% warning threshold
  EXPECT_EQ(book.standing(alice(), kNov), BudgetBook::Standing::Warned);
  EXPECT_EQ(book.standing(Subject{"key_b", "bob", "infra", ""}, kNov),
            BudgetBook::Standing::Ok)
      << "another team's spend does not count";
  book.record(alice(), 1.5, kNov);
  EXPECT_EQ(book.standing(alice(), kNov), BudgetBook::Standing::Exhausted);
  EXPECT_EQ(book.standing(alice(), kDec), BudgetBook::Standing::Ok) << "a new window";
}

TEST(BudgetBook, WarningThresholdWarnsOncePerWindow) {
  BudgetBook book;
  auto team = rule(SpendScope::Team, "payments", 10);
  team.label = "team 'payments'";
  book.configure({team}, kNoSpend, kNov);
  auto out = book.reserve(alice(), 5, kNov);
  EXPECT_TRUE(out.warnings.empty());
  book.settle(out.reservation, 5);

  out = book.reserve(alice(), 3.4, kNov);
  ASSERT_TRUE(out.ok);
  ASSERT_EQ(out.warnings.size(), 1u);
  EXPECT_EQ(out.warnings[0],
            "team 'payments' at 84% of $10.00 (month, resets 2026-12-01T00:00:00Z)");
  ASSERT_EQ(out.newly_warned.size(), 1u);
  EXPECT_EQ(out.newly_warned[0].rule.label, "team 'payments'");
  book.settle(out.reservation, 3.4);

  out = book.reserve(alice(), 0.5, kNov);
  EXPECT_EQ(out.warnings.size(), 1u);     // still past the threshold
  EXPECT_TRUE(out.newly_warned.empty());  // but already reported in this window
  book.settle(out.reservation, 0.5);

  out = book.reserve(alice(), 9, kDec);  // a new window warns again
  ASSERT_TRUE(out.ok);
  EXPECT_EQ(out.newly_warned.size(), 1u);
  EXPECT_NE(out.warnings.at(0).find("resets 2027-01-01T00:00:00Z"), std::string::npos);
}

TEST(BudgetBook, WindowRolloverRestartsSpend) {
  BudgetBook book;
  book.configure({rule(SpendScope::Key, "key_a", 1)}, kNoSpend, kNov);
  auto out = book.reserve(alice(), 0.9, kNov);
  book.settle(out.reservation, 0.9);
  EXPECT_FALSE(book.reserve(alice(), 0.5, kNov).ok);
  EXPECT_NEAR(book.remaining_usd(alice(), kDec), 1.0, 1e-12);  // a report does not need a roll
  out = book.reserve(alice(), 0.5, kDec);
  ASSERT_TRUE(out.ok);
  book.settle(out.reservation, 0.25);
  const auto states = book.states(kDec);
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].window.start_ms, kDec);
  EXPECT_NEAR(states[0].spent_usd, 0.25, 1e-12);
}

TEST(BudgetBook, AHoldAcrossARolloverIsReleasedIntoTheNewWindow) {
  BudgetBook book;
  book.configure({rule(SpendScope::Key, "key_a", 1)}, kNoSpend, kNov);
  book.record(alice(), 0.5, kNov);
  auto held = book.reserve(alice(), 0.4, kNov);
  ASSERT_TRUE(held.ok);
  auto out = book.reserve(alice(), 0.5, kDec);  // rolls over: spend 0, the 0.4 still held
  ASSERT_TRUE(out.ok);
  EXPECT_FALSE(book.reserve(alice(), 0.2, kDec).ok);
  book.settle(held.reservation, 0.3);
  book.settle(out.reservation, 0.1);
  EXPECT_NEAR(book.states(kDec)[0].spent_usd, 0.4, 1e-12);
  EXPECT_NEAR(book.states(kDec)[0].reserved_usd, 0, 1e-12);
}

TEST(BudgetBook, ConfigureKeepsSpendOfUnchangedRulesAndLoadsNewOnes) {
  BudgetBook book;
  book.configure({rule(SpendScope::Key, "key_a", 10)}, kNoSpend, kNov);
  book.record(alice(), 4, kNov);
  auto held = book.reserve(alice(), 1, kNov);

  std::vector<std::pair<std::string, std::int64_t>> loads;
  const BudgetBook::SpendLoader loader = [&](const BudgetRule& r, std::int64_t since) {
    loads.emplace_back(r.id, since);
    return 2.5;
  };
  auto raised = rule(SpendScope::Key, "key_a", 20, "month", BudgetAction::Fallback);
  raised.label = "key 'alice-laptop'";
  book.configure({raised, rule(SpendScope::Team, "payments", 5, "week")}, loader, kNov);
  ASSERT_EQ(loads.size(), 1u);
  EXPECT_EQ(loads[0].first, "payments");
  EXPECT_EQ(loads[0].second, at(2026, 11, 16));  // the Monday that began the current week

  const auto states = book.states(kNov);
  const auto* key = find(states, SpendScope::Key);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->spent_usd, 4);
  EXPECT_EQ(key->reserved_usd, 1);
  EXPECT_EQ(key->rule.limit_usd, 20);
  EXPECT_EQ(key->rule.label, "key 'alice-laptop'");
  EXPECT_EQ(key->rule.action, BudgetAction::Fallback);
  EXPECT_EQ(find(states, SpendScope::Team)->spent_usd, 2.5);

  // A changed period is a new budget: its spend is loaded again.
  book.configure({rule(SpendScope::Key, "key_a", 20, "day")}, loader, kNov);
  EXPECT_EQ(loads.size(), 2u);
  EXPECT_EQ(book.states(kNov)[0].spent_usd, 2.5);
  book.settle(held.reservation, 1);  // the dropped entry is still alive for its holder
}

TEST(BudgetBook, AnUnsettledReservationReleasesItsHold) {
  BudgetBook book;
  book.configure({rule(SpendScope::Org, "", 1)}, kNoSpend, kNov);
  {
    auto out = book.reserve(alice(), 0.6, kNov);
    ASSERT_TRUE(out.ok);
    EXPECT_FALSE(book.reserve(alice(), 0.6, kNov).ok);
    Reservation moved = std::move(out.reservation);
    EXPECT_FALSE(out.reservation.active());
    EXPECT_TRUE(moved.active());
  }
  EXPECT_NEAR(book.states(kNov)[0].reserved_usd, 0, 1e-12);
  auto out = book.reserve(alice(), 0.6, kNov);
  ASSERT_TRUE(out.ok);
  book.settle(out.reservation, 0.5);
  book.settle(out.reservation, 0.5);  // a second settle does nothing
  EXPECT_NEAR(book.states(kNov)[0].spent_usd, 0.5, 1e-12);
}

TEST(BudgetBook, UncheckedReservationsAndRecordIgnoreTheLimit) {
  BudgetBook book;
  book.configure({rule(SpendScope::Key, "key_a", 1)}, kNoSpend, kNov);
  auto r = book.reserve_unchecked(alice(), 5, kNov);
  EXPECT_TRUE(r.active());
  EXPECT_EQ(book.remaining_usd(alice(), kNov), 0);
  book.settle(r, 2);
  book.record(alice(), 1, kNov);
  EXPECT_NEAR(book.states(kNov)[0].spent_usd, 3, 1e-12);
}

TEST(BudgetBook, RemainingFractionIsTheTightestBudget) {
  BudgetBook book;
  EXPECT_TRUE(book.empty());
  EXPECT_EQ(book.remaining_fraction(alice(), kNov), 1);
  book.configure({rule(SpendScope::Key, "key_a", 10), rule(SpendScope::Org, "", 100)}, kNoSpend,
                 kNov);
  EXPECT_FALSE(book.empty());
  EXPECT_EQ(book.remaining_fraction(alice(), kNov), 1);
  book.record(alice(), 5, kNov);
  EXPECT_NEAR(book.remaining_fraction(alice(), kNov), 0.5, 1e-12);
  auto held = book.reserve(alice(), 2.5, kNov);
  EXPECT_NEAR(book.remaining_fraction(alice(), kNov), 0.25, 1e-12);
  EXPECT_NEAR(book.remaining_usd(alice(), kNov), 2.5, 1e-12);
  // Another key sees only the org: 100 - 7.5 held or spent.
  EXPECT_NEAR(book.remaining_fraction(Subject{"key_b", "", "", ""}, kNov), 0.925, 1e-12);
  EXPECT_NEAR(book.remaining_fraction(alice(), kDec), 0.75, 1e-12);  // only the hold remains
}

TEST(BudgetBook, ActionNamesRoundTrip) {
  for (const auto a : {BudgetAction::Block, BudgetAction::Fallback, BudgetAction::Throttle}) {
    EXPECT_EQ(budget_action_from(to_string(a)), a);
  }
  EXPECT_FALSE(budget_action_from("warn").has_value());
}

}  // namespace
}  // namespace sluice::governance
