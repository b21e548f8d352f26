// Translation cost per direction: a whole request (client wire -> IR -> provider wire) and each
// stream event (provider SSE -> IR -> client SSE), on the golden fixtures with tools.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocol/codecs.hpp"

namespace {

namespace sp = sluice::protocol;

struct Wire {
  const char* name;
  sp::Endpoint endpoint;
  const char* request_case;  // a tool-carrying request in this wire
  const char* stream_case;   // a stream with text and a tool call in this wire
};
constexpr Wire kWires[] = {
    {"anthropic", sp::Endpoint::Messages, "anthropic-claude-code", "anthropic-tool-use"},
    {"openai_chat", sp::Endpoint::ChatCompletions, "openai_chat-agent-tools", "openai_chat-tool-calls"},
    {"openai_responses", sp::Endpoint::Responses, "openai_responses-codex", "openai_responses-tools"},
    {"gemini", sp::Endpoint::GenerateContent, "gemini-agent-tools", "gemini-tool-stream"},
};

std::string golden(const std::string& rel) {
  std::ifstream in(std::filesystem::path(SLUICE_SOURCE_DIR) / "tests" / "golden" / rel, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void BM_TranslateRequest(benchmark::State& state, const Wire& from, const Wire& to) {
  const std::string body =
      golden(std::string("requests/") + from.request_case + "/input." + from.name + ".json");
  const auto& in = *sp::codec_for(from.endpoint);
  const auto& out = *sp::codec_for(to.endpoint);
  sp::RequestContext ctx{from.endpoint, "target-model", false};
  for (auto _ : state) {
    auto parsed = in.parse_request(body, ctx);
    auto& req = std::get<sluice::ir::Request>(parsed);
    req.model = "target-model";
    auto wire = out.serialize_request(req);
    benchmark::DoNotOptimize(wire);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
  state.counters["request_bytes"] = static_cast<double>(body.size());
}

void BM_TranslateStream(benchmark::State& state, const Wire& from, const Wire& to) {
  const std::string text = golden(std::string("streams/") + from.stream_case + "/input." + from.name + ".sse");
  // Split once into SSE events; the loop measures decode + encode per event.
  std::vector<sluice::http::SseEvent> events;
  sluice::http::SseReader reader;
  reader.feed(text, [&](const sluice::http::SseEvent& e) { events.push_back(e); });
  const auto& in = *sp::codec_for(from.endpoint);
  const auto& out = *sp::codec_for(to.endpoint);
  sp::EncodeOptions opt{"client-model", "gen_bench", true, 1700000000};
  std::vector<sluice::ir::Event> ir;
  std::string bytes;
  std::size_t ir_events = 0;
  for (auto _ : state) {
    auto decoder = in.decoder();
    auto encoder = out.encoder(opt);
    bytes.clear();
    for (const auto& e : events) {
      ir.clear();
      decoder->on_event(e, ir);
      ir_events += ir.size();
      for (const auto& ev : ir) encoder->on_event(ev, bytes);
    }
    ir.clear();
    decoder->on_end(ir);
    ir_events += ir.size();
    for (const auto& ev : ir) encoder->on_event(ev, bytes);
    benchmark::DoNotOptimize(bytes);
  }
  // Per canonical event (one delta, start or stop: the unit every wire shares) and per upstream
  // SSE event (Gemini packs several parts into one, so its per-SSE cost is higher). The whole
  // stream's time also holds fixed per-stream work, such as Responses' final response object.
  state.counters["ns_per_ir_event"] = benchmark::Counter(
      static_cast<double>(ir_events), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["ns_per_sse_event"] = benchmark::Counter(
      static_cast<double>(state.iterations() * events.size()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["sse_events"] = static_cast<double>(events.size());
}

const int kRegistered = [] {
  for (const auto& from : kWires) {
    for (const auto& to : kWires) {
      if (&from == &to) continue;
      std::string dir = std::string(from.name) + "->" + to.name;
      benchmark::RegisterBenchmark(("request/" + dir).c_str(), BM_TranslateRequest, from, to)
          ->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark(("stream/" + dir).c_str(), BM_TranslateStream, from, to)
          ->Unit(benchmark::kMicrosecond);
    }
  }
  return 0;
}();

}  // namespace
