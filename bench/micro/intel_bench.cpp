// Intent classification on the request path: signal extraction plus the model, on a 100 KB
// Claude-Code-shaped request (long system prompt, 20 tool definitions, many turns with tool
// results) and on a small chat request. Issue 8 asks for < 50 us median for classification plus
// the blast-radius lookup that the code graph will add; classification alone should leave room.

#include <benchmark/benchmark.h>

#include <string>
#include <variant>

#include "claude_code_request.hpp"
#include "intel/classifier.hpp"
#include "intel/classifier_risk.hpp"
#include "intel/features.hpp"

namespace {

namespace si = sluice::intel;
using sluice::bench::claude_code_request;

const si::Model& model() {
  static const si::Model m = [] {
    auto loaded = si::Model::load(si::default_model_path());
    return std::holds_alternative<si::Model>(loaded) ? std::get<si::Model>(std::move(loaded))
                                                     : si::Model();
  }();
  return m;
}

void classify(benchmark::State& state, sluice::protocol::Endpoint endpoint,
              const std::string& body) {
  const auto& m = model();
  for (auto _ : state) {
    auto signals = si::extract_signals(endpoint, body);
    const auto& s = std::get<si::RequestSignals>(signals);
    const auto p = m.predict(s);
    benchmark::DoNotOptimize(si::risk(p, s));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}

void BM_ClassifyClaudeCode100KB(benchmark::State& state) {
  static const std::string body = claude_code_request();
  state.counters["body_bytes"] = static_cast<double>(body.size());
  classify(state, sluice::protocol::Endpoint::Messages, body);
}
BENCHMARK(BM_ClassifyClaudeCode100KB)->Repetitions(9)->ReportAggregatesOnly(true);

void BM_ClassifySmallChat(benchmark::State& state) {
  static const std::string body =
      R"({"model":"gpt-5","messages":[{"role":"system","content":"You are a helpful assistant."},)"
      R"({"role":"user","content":"Rename the variable tmp to retries in src/net/client.py"}]})";
  classify(state, sluice::protocol::Endpoint::ChatCompletions, body);
}
BENCHMARK(BM_ClassifySmallChat)->Repetitions(9)->ReportAggregatesOnly(true);

// The parts alone: extraction (the JSON walk) and the model (features + weights).
void BM_ExtractClaudeCode100KB(benchmark::State& state) {
  static const std::string body = claude_code_request();
  for (auto _ : state) {
    benchmark::DoNotOptimize(si::extract_signals(sluice::protocol::Endpoint::Messages, body));
  }
}
BENCHMARK(BM_ExtractClaudeCode100KB);

void BM_PredictClaudeCode100KB(benchmark::State& state) {
  static const std::string body = claude_code_request();
  const auto s =
      std::get<si::RequestSignals>(si::extract_signals(sluice::protocol::Endpoint::Messages, body));
  const auto& m = model();
  for (auto _ : state) benchmark::DoNotOptimize(m.predict(s));
}
BENCHMARK(BM_PredictClaudeCode100KB);

// Loading the shipped weights file, as `serve` does at start.
void BM_LoadModel(benchmark::State& state) {
  const auto path = si::default_model_path();
  for (auto _ : state) benchmark::DoNotOptimize(si::Model::load(path));
}
BENCHMARK(BM_LoadModel)->Unit(benchmark::kMillisecond);

}  // namespace
