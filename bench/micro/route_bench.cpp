// Routing cost per request: planning a route of 10 candidates (health views, exclusions, every
// policy's score, ordering by strategy), and the plain-name path every non-route request takes.
// Target (issue 4): < 5 us per request with 10 candidates.

#include <benchmark/benchmark.h>

#include "core/config.hpp"
#include "routing/plan.hpp"

namespace {

namespace sr = sluice::routing;

sluice::providers::SnapshotPtr snapshot() {
  // Ten targets over five providers, all in the catalog, some with two accounts.
  std::string yaml = "providers:\n";
  for (int p = 0; p < 5; ++p) {
    yaml += "  - {name: p" + std::to_string(p) + ", type: openai, base_url: \"http://p" +
            std::to_string(p) + "/v1\"";
    if (p % 2 == 0) yaml += ", accounts: [{name: a, api_key: x}, {name: b, api_key: y}]";
    yaml += "}\n";
  }
  const char* models[] = {"gpt-5", "gpt-5-mini", "claude-sonnet-4-5", "gemini-2.5-pro",
                          "gemini-2.5-flash"};
  yaml += "routes:\n";
  for (const char* strategy :
       {"fallback", "weighted", "round-robin", "least-latency", "cheapest", "scored"}) {
    yaml += std::string("  ") + strategy + ":\n    strategy: " + strategy + "\n    targets: [";
    for (int i = 0; i < 10; ++i) {
      if (i) yaml += ", ";
      yaml += "{target: p" + std::to_string(i % 5) + "/" + models[i % 5] +
              ", account: " + (i % 5 % 2 == 0 ? (i < 5 ? "a" : "b") : "default") + "}";
    }
    yaml += "]\n";
  }
  auto cfg = sluice::core::parse_config(yaml, "bench.yaml");
  if (auto* e = std::get_if<sluice::core::ConfigError>(&cfg)) {
    std::fprintf(stderr, "%s\n", e->to_string().c_str());
    std::abort();
  }
  auto snap = sluice::providers::make_snapshot(std::get<sluice::core::Config>(std::move(cfg)));
  // Give every target some history so health and latency policies have work to do.
  const auto now = sr::Clock::now();
  for (const auto& route : snap->routes->routes()) {
    int i = 0;
    for (const auto& t : route->targets) {
      for (int k = 0; k < 20; ++k) {
        if ((k + i) % 7 == 0) {
          t.health->record_failure(now, snap->config.routing.health, sr::Failure::ServerError);
        } else {
          t.health->record_success(now, snap->config.routing.health,
                                   std::chrono::milliseconds(100 + 10 * i),
                                   std::chrono::milliseconds(900));
        }
      }
      ++i;
    }
  }
  return snap;
}

void BM_PlanRoute(benchmark::State& state, const char* strategy) {
  static const auto snap = snapshot();
  const auto* route = snap->routes->find(strategy);
  sr::RequestTraits traits;
  traits.needs = sluice::core::kTools;
  traits.prompt_tokens = 12'000;
  traits.max_output = 4096;
  std::uint64_t seed = 1;
  for (auto _ : state) {
    sr::PlanOptions opts;
    opts.seed = ++seed;
    auto plan = sr::plan_route(*route, traits, snap->config.routing, opts);
    benchmark::DoNotOptimize(plan);
  }
  state.counters["candidates"] = static_cast<double>(route->targets.size());
}
BENCHMARK_CAPTURE(BM_PlanRoute, fallback, "fallback");
BENCHMARK_CAPTURE(BM_PlanRoute, weighted, "weighted");
BENCHMARK_CAPTURE(BM_PlanRoute, round_robin, "round-robin");
BENCHMARK_CAPTURE(BM_PlanRoute, least_latency, "least-latency");
BENCHMARK_CAPTURE(BM_PlanRoute, cheapest, "cheapest");
BENCHMARK_CAPTURE(BM_PlanRoute, scored, "scored");

// A name that is not a route: catalog lookup, health record per account, a one-entry plan.
void BM_PlanDirect(benchmark::State& state) {
  static const auto snap = snapshot();
  const auto* p = snap->find("p0");
  const std::string model = "gpt-5";
  for (auto _ : state) {
    auto targets = sr::direct_targets(*snap, *p, model);
    auto plan = sr::plan_direct(targets, snap->config.routing);
    benchmark::DoNotOptimize(plan);
  }
}
BENCHMARK(BM_PlanDirect);

}  // namespace
