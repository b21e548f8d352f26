// The usage ledger's two costs: what a request thread pays to hand a row over (target: a few
// hundred ns, never a disk write) and what the writer thread pays to commit a batch of 1,000
// rows to SQLite in WAL mode (target: a few ms). Both use a real file in the temp directory.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "store/store.hpp"
#include "store/batch_writer.hpp"

namespace {

namespace fs = std::filesystem;
namespace ss = sluice::store;

struct TempDb {
  TempDb()
      : dir(fs::temp_directory_path() /
            ("sluice-store-bench-" + std::to_string(std::random_device{}()))) {}
  ~TempDb() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::string path() const { return (dir / "sluice.db").string(); }
  fs::path dir;
};

// A typical row: ids and names past the small-string buffer, as in production.
ss::UsageRow typical_row(int i) {
  ss::UsageRow r;
  r.request_id = "req_01JD8Z3K6Q2W9X4V7B5N" + std::to_string(i);
  r.time_ms = 1'700'000'000'000 + i;
  r.day = "2023-11-14";
  r.key_id = "key_0123456789abcdef";
  r.key_name = "payments-ci";
  r.user = "alice@example.com";
  r.team = "payments";
  r.project = "checkout";
  r.wire = "openai_chat";
  r.requested_model = "claude-sonnet-4-5";
  r.served_model = "claude-sonnet-4-5-20250929";
  r.provider = "anthropic";
  r.route = "smart";
  r.input_tokens = 1200;
  r.output_tokens = 350;
  r.cached_tokens = 800;
  r.reasoning_tokens = 120;
  r.cost_usd = 0.00843;
  r.latency_ms = 1830;
  r.ttfb_ms = 410;
  r.status = 200;
  r.attempts = 1;
  return r;
}

// The baseline for the next one: building a row's strings costs as much as handing it over.
void BM_UsageRowCopy(benchmark::State& state) {
  const ss::UsageRow proto = typical_row(0);
  for (auto _ : state) {
    ss::UsageRow r(proto);
    benchmark::DoNotOptimize(r);
  }
}
BENCHMARK(BM_UsageRowCopy);

// Includes copying the row, as a request thread building its row would. Each 1,000 rows the
// clock stops while the writer catches up: a gateway submits thousands of rows a second, not
// the millions this loop can, and a writer that never catches up measures a growing vector.
void BM_BatchWriterSubmit(benchmark::State& state) {
  TempDb tmp;
  {
    ss::BatchWriter writer(ss::open_sqlite(tmp.path()));
    const ss::UsageRow proto = typical_row(0);
    int n = 0;
    for (auto _ : state) {
      writer.submit(ss::UsageRow(proto));
      if (++n == 1000) {
        state.PauseTiming();
        writer.flush();
        n = 0;
        state.ResumeTiming();
      }
    }
    state.SetItemsProcessed(state.iterations());
  }
}
BENCHMARK(BM_BatchWriterSubmit);

void BM_AppendUsage1000(benchmark::State& state) {
  TempDb tmp;
  auto store = ss::open_sqlite(tmp.path());
  std::vector<ss::UsageRow> rows;
  for (int i = 0; i < 1000; ++i) rows.push_back(typical_row(i));
  for (auto _ : state) store->append_usage(rows);
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_AppendUsage1000)->Unit(benchmark::kMillisecond);

}  // namespace
