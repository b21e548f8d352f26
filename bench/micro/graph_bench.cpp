// The code graph on the request path: the blast-radius lookup on a repository-sized graph, and
// classification plus lookup on a 100 KB Claude-Code-shaped request (issue 8: < 50 us median
// together). Indexing throughput is measured with `sluice index` on a real repository
// (docs/performance.md, "Code graph").

#include <benchmark/benchmark.h>

#include <random>
#include <string>
#include <variant>

#include "claude_code_request.hpp"
#include "intel/classifier.hpp"
#include "intel/classifier_risk.hpp"
#include "intel/features.hpp"
#include "intel/graph/graph.hpp"

namespace {

namespace si = sluice::intel;
namespace ig = sluice::intel::graph;

constexpr std::uint32_t kFiles = 20000;
constexpr std::uint32_t kSymbolsPerFile = 8;

// A TypeScript code base of kFiles files: each imports 1-12 (mean ~6.5) earlier files, earlier
// ones far more often (u^2 skews towards index 0), so fan-in is heavy-tailed as in real code:
// a few utilities everyone imports, most files imported by a handful. The request's files
// (src/api/orders*.ts) sit in the middle. Each import also uses one or two symbols.
ig::GraphRows synthetic_repo() {
  std::mt19937 rng(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::uniform_int_distribution<int> fan(1, 12);
  const char* areas[] = {"api", "ui", "core", "lib", "services", "models", "hooks", "store"};
  ig::GraphRows rows;
  rows.repo.name = "shop";
  rows.repo.root = "/home/dev/shop";
  for (std::uint32_t i = 0; i < kFiles; ++i) {
    std::string path = "src/" + std::string(areas[i % 8]) + "/m" + std::to_string(i / 64) + "/f" +
                       std::to_string(i) + ".ts";
    if (i == kFiles / 2) path = "src/api/orders.ts";
    if (i > kFiles / 2 && i <= kFiles / 2 + 6) {
      path = "src/api/orders" + std::to_string(i - kFiles / 2 - 1) + ".ts";
    }
    const std::int64_t id = i + 1;
    rows.files.push_back({id, path, ig::Lang::TypeScript, 120});
    for (std::uint32_t s = 0; s < kSymbolsPerFile; ++s) {
      rows.symbols.push_back({id * 16 + s, id, "sym" + std::to_string(i) + "_" + std::to_string(s),
                              "sym" + std::to_string(i) + "_" + std::to_string(s),
                              ig::SymbolKind::Function, 10 * s + 1});
    }
    if (i == 0) continue;
    const int k = fan(rng);
    for (int e = 0; e < k; ++e) {
      const auto target = static_cast<std::int64_t>(i * u(rng) * u(rng)) + 1;
      if (target == id) continue;
      rows.edges.push_back({id, target, ig::EdgeKind::Import});
      rows.symbol_edges.push_back(
          {id, id * 16, target * 16 + static_cast<std::int64_t>(rng() % kSymbolsPerFile)});
    }
  }
  return rows;
}

const ig::CodeGraph& graph() {
  static const auto g = ig::CodeGraph::build(synthetic_repo());
  return *g;
}

const std::string& body() {
  static const std::string b = sluice::bench::claude_code_request();
  return b;
}

const si::RequestSignals& signals() {
  static const auto s = std::get<si::RequestSignals>(
      si::extract_signals(sluice::protocol::Endpoint::Messages, body()));
  return s;
}

const si::Model& model() {
  static const si::Model m = [] {
    auto loaded = si::Model::load(si::default_model_path());
    return std::holds_alternative<si::Model>(loaded) ? std::get<si::Model>(std::move(loaded))
                                                     : si::Model();
  }();
  return m;
}

void report(benchmark::State& state, const ig::BlastReport& r) {
  state.counters["dependents"] = r.radius.dependents;
  state.counters["fan_in"] = r.radius.fan_in;
  state.counters["files_matched"] = r.files_matched;
}

// The files the 100 KB request edits (src/api/orders.ts), as the gateway looks them up.
void BM_BlastRadiusRequestFiles(benchmark::State& state) {
  const auto& g = graph();
  const auto& s = signals();
  ig::BlastReport r;
  for (auto _ : state) benchmark::DoNotOptimize(r = g.blast_radius(s, ig::Bounds{}));
  report(state, r);
}
BENCHMARK(BM_BlastRadiusRequestFiles)->Repetitions(9)->ReportAggregatesOnly(true);

// The worst case: the most imported file, whose dependents reach the 10,000 bound.
void BM_BlastRadiusCoreUtility(benchmark::State& state) {
  const auto& g = graph();
  const std::vector<std::string> paths{g.files()[0].path};
  ig::BlastReport r;
  for (auto _ : state) benchmark::DoNotOptimize(r = g.blast_radius(paths, {}, ig::Bounds{}));
  report(state, r);
}
BENCHMARK(BM_BlastRadiusCoreUtility)->Repetitions(9)->ReportAggregatesOnly(true);

// Files by how much of the code base depends on them: the lower the index, the more (files 20
// and 200 reach the 10,000 bound through deeper levels than the core utility does; file 2000
// has dozens of dependents, file 8000 a handful).
void BM_BlastRadiusByFile(benchmark::State& state) {
  const auto& g = graph();
  const std::vector<std::string> paths{g.files()[static_cast<std::size_t>(state.range(0))].path};
  ig::BlastReport r;
  for (auto _ : state) benchmark::DoNotOptimize(r = g.blast_radius(paths, {}, ig::Bounds{}));
  report(state, r);
}
BENCHMARK(BM_BlastRadiusByFile)->Arg(20)->Arg(200)->Arg(2000)->Arg(8000);

// What the classify stage adds per request: signals, the model, the lookup and the risk.
void BM_ClassifyPlusBlastRadius100KB(benchmark::State& state) {
  const auto& g = graph();
  const auto& m = model();
  const auto& b = body();
  ig::BlastReport r;
  for (auto _ : state) {
    auto extracted = si::extract_signals(sluice::protocol::Endpoint::Messages, b);
    const auto& s = std::get<si::RequestSignals>(extracted);
    const auto p = m.predict(s);
    r = g.blast_radius(s, ig::Bounds{});
    benchmark::DoNotOptimize(si::risk(p, s, r.radius));
  }
  report(state, r);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * b.size()));
}
BENCHMARK(BM_ClassifyPlusBlastRadius100KB)->Repetitions(9)->ReportAggregatesOnly(true);

// Building the in-memory graph from its rows, as a gateway does at start and on reload.
void BM_BuildGraph20kFiles(benchmark::State& state) {
  const auto rows = synthetic_repo();
  for (auto _ : state) {
    auto copy = rows;
    benchmark::DoNotOptimize(ig::CodeGraph::build(std::move(copy)));
  }
  state.counters["edges"] = static_cast<double>(graph().edge_count());
}
BENCHMARK(BM_BuildGraph20kFiles)->Unit(benchmark::kMillisecond)->Iterations(5);

}  // namespace
