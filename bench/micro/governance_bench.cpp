// Governance on the request path: key hashing, budget reservation and rate limiting. The issue
// asks for auth + scopes + budget reservation + ledger write under 10 us median together.
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "governance/budget_book.hpp"
#include "governance/keys.hpp"
#include "governance/rate_limiter.hpp"

namespace {

using namespace sluice::governance;
using sluice::store::SpendScope;

constexpr std::int64_t kNow = 1'795'000'000'000;  // November 2026

void BM_HashKey(benchmark::State& state) {
  const std::string key = generate_key();  // 53 characters
  for (auto _ : state) benchmark::DoNotOptimize(hash_key(key));
}
BENCHMARK(BM_HashKey);

BudgetRule rule(SpendScope scope, std::string id, double limit) {
  BudgetRule r;
  r.scope = scope;
  r.id = std::move(id);
  r.limit_usd = limit;
  r.period = *Period::parse("month");
  return r;
}

// A book like a deployment's: many keys and teams with budgets, and the org's.
BudgetBook& shared_book() {
  static BudgetBook book;
  static const bool configured = [] {
    std::vector<BudgetRule> rules;
    for (int i = 0; i < 1000; ++i) {
      rules.push_back(rule(SpendScope::Key, "key_" + std::to_string(i), 1e12));
    }
    for (int i = 0; i < 50; ++i) {
      rules.push_back(rule(SpendScope::Team, "team" + std::to_string(i), 1e12));
    }
    rules.push_back(rule(SpendScope::Org, "", 1e12));
    book.configure(std::move(rules), {}, kNow);
    return true;
  }();
  benchmark::DoNotOptimize(configured);
  return book;
}

void BM_ReserveSettle(benchmark::State& state) {
  auto& book = shared_book();
  const std::string key = "key_" + std::to_string(state.thread_index() * 7 + 1);
  const Subject s{key, "alice", "team3", ""};
  for (auto _ : state) {
    auto out = book.reserve(s, 0.05, kNow);
    book.settle(out.reservation, 0.01);
  }
}
BENCHMARK(BM_ReserveSettle);
BENCHMARK(BM_ReserveSettle)->Threads(2);

void BM_RateAcquire(benchmark::State& state) {
  RateLimiter rl;
  auto now = RateClock::now();
  for (auto _ : state) {
    now += std::chrono::seconds(1);  // enough refill that every request is allowed
    benchmark::DoNotOptimize(
        rl.acquire("key:key_ab12cd34ef56ab78", 1'000'000, 100'000'000, 500, now));
  }
}
BENCHMARK(BM_RateAcquire);

void BM_ModelAllowed(benchmark::State& state) {
  const std::vector<std::string> allow = {"claude-*", "gpt-5*", "gemini-2.5-*"};
  for (auto _ : state) {
    benchmark::DoNotOptimize(model_allowed(allow, "google/gemini-2.5-flash"));
  }
}
BENCHMARK(BM_ModelAllowed);

}  // namespace
