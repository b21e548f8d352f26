// Guardrail cost on the request path. The issue asks for policy evaluation (100 rules) plus the
// guardrail scan of a 32 KB prompt under 50 us median together; the scan's share should stay
// well under 35 us (about 1 GB/s). The prompt is real code and prose from the clean corpus
// (tests/guard_corpus/clean), with or without a couple of findings.
#include <benchmark/benchmark.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "guard/guard.hpp"
#include "guard/request.hpp"
#include "guard/stream_scanner.hpp"

namespace {

namespace sg = sluice::guard;
namespace bj = boost::json;

constexpr std::size_t kPromptBytes = 32 * 1024;

/// 32 KB of the clean corpus, files in name order, repeated as needed.
std::string clean_prompt() {
  const auto dir = std::filesystem::path(SLUICE_SOURCE_DIR) / "tests" / "guard_corpus" / "clean";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string out;
  while (out.size() < kPromptBytes && !files.empty()) {
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out += "\n\n// " + f.filename().string() + "\n" + ss.str();
      if (out.size() >= kPromptBytes) break;
    }
  }
  out.resize(kPromptBytes);
  return out;
}

/// The same prompt with an email address and an AWS key id pasted in.
std::string dirty_prompt() {
  auto p = clean_prompt();
  p.insert(p.size() / 3, "\nPlease cc jane.doe@acme-corp.io on the fix.\n");
  p.insert(2 * p.size() / 3, std::string("\naws_access_key_id = AKIA") + "Q7RZ2K4M8N3P5T6V\n");
  p.resize(kPromptBytes);
  return p;
}

std::string anthropic_body(const std::string& prompt) {
  bj::object o{{"model", "claude-opus-4-8"},
               {"max_tokens", 4096},
               {"system", "You are a careful senior engineer."},
               {"messages", bj::array{bj::object{{"role", "user"}, {"content", prompt}}}}};
  return bj::serialize(o);
}

const sg::Guard& default_guard() {
  static const sg::Guard g(sg::GuardConfig{});  // every kind on, action log
  return g;
}

void BM_GuardScanPrompt(benchmark::State& state, bool dirty) {
  const auto prompt = dirty ? dirty_prompt() : clean_prompt();
  const auto& g = default_guard();
  std::size_t findings = 0;
  for (auto _ : state) {
    auto found = g.scan(prompt);
    findings = found.size();
    benchmark::DoNotOptimize(found);
  }
  state.counters["findings"] = static_cast<double>(findings);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * prompt.size()));
}
BENCHMARK_CAPTURE(BM_GuardScanPrompt, clean_32k, false)->Repetitions(5)->DisplayAggregatesOnly();
BENCHMARK_CAPTURE(BM_GuardScanPrompt, dirty_32k, true)->Repetitions(5)->DisplayAggregatesOnly();

// The whole request step: raw-body pass, and for the dirty body a decode, a scan per text and a
// re-serialisation with the findings redacted.
void BM_GuardScanRequest(benchmark::State& state, bool dirty) {
  const auto body = anthropic_body(dirty ? dirty_prompt() : clean_prompt());
  static const sg::Guard redacting([] {
    sg::GuardConfig c;
    c.category_actions = {sg::Action::Redact, sg::Action::Redact, sg::Action::Redact};
    return c;
  }());
  for (auto _ : state) {
    auto r = sg::scan_request(sluice::protocol::Endpoint::Messages, body, redacting);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK_CAPTURE(BM_GuardScanRequest, clean_32k, false)->Repetitions(5)->DisplayAggregatesOnly();
BENCHMARK_CAPTURE(BM_GuardScanRequest, dirty_32k, true)->Repetitions(5)->DisplayAggregatesOnly();

// A response streamed in 50-byte deltas through the hold-back scanner (look-behind 256).
void BM_GuardStream50(benchmark::State& state) {
  const auto text = dirty_prompt();
  const auto& g = default_guard();
  for (auto _ : state) {
    sg::StreamScanner s(g);
    std::size_t out = 0;
    for (std::size_t i = 0; i < text.size(); i += 50) {
      out += s.feed(std::string_view(text).substr(i, 50)).release.size();
    }
    out += s.finish().release.size();
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_GuardStream50)->Repetitions(5)->DisplayAggregatesOnly();

// A custom pattern has no literal prefix to skip by, so RE2 reads every byte once.
void BM_GuardScanCustomPattern(benchmark::State& state) {
  const auto prompt = dirty_prompt();
  static const sg::Guard g([] {
    sg::GuardConfig c;
    c.custom.push_back({"ticket", R"([A-Z]{3}-\d{6})", std::nullopt});
    return c;
  }());
  for (auto _ : state) benchmark::DoNotOptimize(g.scan(prompt));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * prompt.size()));
}
BENCHMARK(BM_GuardScanCustomPattern)->Repetitions(5)->DisplayAggregatesOnly();

}  // namespace
