// The answer guardrails' cost on a stream: a 32 KB answer (code and prose from the clean
// corpus, with a key and an email pasted in) as chat and Anthropic SSE in token-sized deltas,
// through guard::SseGuard in 16 KB reads. Throughput is counted in SSE bytes (what the relay
// moves); `text_MBps` is the answer text alone. Baselines: the raw framing (SseSplitter) and
// the bare StreamScanner on the same deltas.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/json_escape.hpp"
#include "guard/guard.hpp"
#include "guard/sse_guard.hpp"
#include "guard/stream_scanner.hpp"
#include "http/sse.hpp"

namespace {

namespace sg = sluice::guard;
using sluice::protocol::Endpoint;

constexpr std::size_t kAnswerBytes = 32 * 1024;
constexpr std::size_t kRead = 16 * 1024;

std::string answer_text() {
  const auto dir = std::filesystem::path(SLUICE_SOURCE_DIR) / "tests" / "guard_corpus" / "clean";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::string out;
  while (out.size() < kAnswerBytes && !files.empty()) {
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      out += ss.str();
      if (out.size() >= kAnswerBytes) break;
    }
  }
  out.resize(kAnswerBytes);
  out.insert(out.size() / 3, "\nPlease cc jane.doe@acme-corp.io on the fix.\n");
  out.insert(2 * out.size() / 3, std::string("\naws_access_key_id = AKIA") + "Q7RZ2K4M8N3P5T6V\n");
  // Whole UTF-8 characters only, as a provider's deltas are.
  while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
  return out;
}

std::vector<std::string> deltas_of(const std::string& text, std::size_t size) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t end = std::min(i + size, text.size());
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) ++end;
    out.push_back(text.substr(i, end - i));
    i = end;
  }
  return out;
}

std::string stream_of(Endpoint e, const std::vector<std::string>& deltas) {
  std::string s;
  for (const auto& d : deltas) {
    std::string q;
    sluice::core::append_json_string(q, d);
    if (e == Endpoint::ChatCompletions) {
      s +=
          R"(data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"gpt-5","choices":[{"index":0,"delta":{"content":)" +
          q + R"(},"logprobs":null,"finish_reason":null}]})" + "\n\n";
    } else {
      s += "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
           "\"delta\":{\"type\":\"text_delta\",\"text\":" +
           q + "}}\n\n";
    }
  }
  s += e == Endpoint::ChatCompletions
           ? "data: [DONE]\n\n"
           : "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  return s;
}

const sg::Guard& redacting_guard() {
  static const sg::Guard g([] {
    sg::GuardConfig c;  // every kind on
    c.category_actions = {sg::Action::Redact, sg::Action::Redact, sg::Action::Redact};
    return c;
  }());
  return g;
}

void BM_SseGuard(benchmark::State& state, Endpoint e) {
  const auto text = answer_text();
  const auto bytes = stream_of(e, deltas_of(text, static_cast<std::size_t>(state.range(0))));
  const auto& g = redacting_guard();
  std::string out;
  for (auto _ : state) {
    sg::Counts counts;
    sg::SseGuard guard(g, e, counts);
    out.clear();
    for (std::size_t i = 0; i < bytes.size(); i += kRead) {
      guard.feed(std::string_view(bytes).substr(i, kRead), out);
    }
    guard.finish(out);
    benchmark::DoNotOptimize(out);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.counters["text_MBps"] = benchmark::Counter(
      static_cast<double>(text.size()) * static_cast<double>(state.iterations()) / 1e6,
      benchmark::Counter::kIsRate);
}
BENCHMARK_CAPTURE(BM_SseGuard, chat, Endpoint::ChatCompletions)->Arg(4)->Arg(16)->Arg(64);
BENCHMARK_CAPTURE(BM_SseGuard, anthropic, Endpoint::Messages)->Arg(4)->Arg(16)->Arg(64);

// The floor: framing alone, which a rewriting relay cannot avoid.
void BM_SseSplitOnly(benchmark::State& state) {
  const auto bytes = stream_of(Endpoint::ChatCompletions, deltas_of(answer_text(), 16));
  for (auto _ : state) {
    sluice::http::SseSplitter s;
    std::size_t n = 0;
    for (std::size_t i = 0; i < bytes.size(); i += kRead) {
      s.feed(std::string_view(bytes).substr(i, kRead),
             [&](std::string_view raw) { n += raw.size(); });
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
}
BENCHMARK(BM_SseSplitOnly);

// The scanner alone on the same deltas: what the SSE layer adds is the difference.
void BM_StreamScannerOnly(benchmark::State& state) {
  const auto text = answer_text();
  const auto deltas = deltas_of(text, static_cast<std::size_t>(state.range(0)));
  const auto& g = redacting_guard();
  for (auto _ : state) {
    sg::StreamScanner s(g);
    std::size_t n = 0;
    for (const auto& d : deltas) n += s.feed(d).release.size();
    n += s.finish().release.size();
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK(BM_StreamScannerOnly)->Arg(4)->Arg(16)->Arg(64);

}  // namespace
