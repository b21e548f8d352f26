// What the audit adds to a request, piece by piece: the prompt's canonical SHA-256 (parse,
// canonical JSON, hash), the response body's SHA-256, and the writer linking and committing
// records (a real SQLite file, WAL) — next to the ledger row it already writes. The full
// gateway's audit on/off cost is measured by bench/run.sh.

#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "audit/prompt_hash.hpp"
#include "audit/signer.hpp"
#include "core/sha256.hpp"
#include "store/store.hpp"

namespace {

namespace fs = std::filesystem;

// The ~1 KB chat request bench/run.sh sends.
std::string chat_body() {
  std::string text(900, 'x');
  for (std::size_t i = 0; i < text.size(); i += 7) text[i] = ' ';
  return R"({"model":"gpt-fake-mini","max_tokens":64,"messages":[{"role":"system","content":"You are terse."},{"role":"user","content":")" +
         text + R"("}]})";
}

void BM_PromptSha256(benchmark::State& state) {
  const auto body = chat_body();
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        sluice::audit::prompt_sha256(sluice::protocol::Endpoint::ChatCompletions, body));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_PromptSha256);

void BM_ResponseSha256(benchmark::State& state) {
  const std::string answer(800, 'a');
  for (auto _ : state) {
    sluice::core::Sha256 h;
    h.update(answer);
    benchmark::DoNotOptimize(h.finish());
  }
}
BENCHMARK(BM_ResponseSha256);

// A record as the gateway writes one: ~750 bytes of canonical JSON.
sluice::store::AuditRow typical_record(int i) {
  sluice::store::AuditRow r;
  r.kind = "request";
  r.time_ms = 1'795'000'000'000 + i;
  r.request_id = "req_c2ea6e7c58f14db8" + std::to_string(100000000 + i);
  r.key_id = "key_0123456789abcdef";
  r.user = "alice@example.com";
  r.team = "payments";
  r.model = "gpt-fake-mini";
  r.provider = "fake-openai";
  r.status = 200;
  r.decision = "served";
  r.record =
      R"({"attempts":[{"ms":5,"outcome":"ok","status":200,"target":"fake-openai/gpt-fake-mini"}],"budget_state":"ok","config_version":"884420420b024c67","cost_estimated":false,"cost_usd":"0.000128250","decision":"served","decisions":[],"key":{"id":"key_0123456789abcdef","name":"payments-ci","project":"checkout","team":"payments","user":"alice@example.com"},"kind":"request","latency_ms":5,"model":"gpt-fake-mini","prompt_sha256":"2246d2204493d55478d3729e322a08af375f02c796576fc455725d046d7968fc","provider":"fake-openai","request_id":")" +
      r.request_id +
      R"(","requested_model":"fast","response_sha256":"a381c4d525d41b686d89c2ddb531dbd31bbeb817d69d4a80b58eb747ecfe8272","route":"fake-openai/gpt-fake-mini","status":200,"stream":false,"time_ms":1795301845000,"ttfb_ms":5,"usage":{"cache_read":0,"cache_write":0,"input":9,"output":63,"reasoning":0},"wire":"openai_chat"})";
  return r;
}

// The writer's part: link and commit a batch of 256 records (its transaction size).
void BM_AuditAppend256(benchmark::State& state) {
  const auto dir =
      fs::temp_directory_path() / ("sluice-audit-bench-" + std::to_string(std::random_device{}()));
  auto db = sluice::store::open_sqlite((dir / "sluice.db").string());
  std::vector<sluice::store::AuditRow> rows;
  for (int i = 0; i < 256; ++i) rows.push_back(typical_record(i));
  // Request ids grow within a process, as the gateway's do (the index is appended to).
  std::int64_t next = 0;
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& r : rows) r.request_id = "req_c2ea6e7c58f14db8" + std::to_string(100000000 + next++);
    state.ResumeTiming();
    db->append_audit(rows);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * rows.size()));
  db.reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}
BENCHMARK(BM_AuditAppend256)->Unit(benchmark::kMicrosecond);

void BM_CheckpointSign(benchmark::State& state) {
  const auto dir =
      fs::temp_directory_path() / ("sluice-audit-key-" + std::to_string(std::random_device{}()));
  auto s = sluice::audit::Signer::load_or_create((dir / "audit.key").string());
  const auto& signer = std::get<sluice::audit::Signer>(s);
  const std::string hash(64, 'a');
  std::int64_t seq = 0;
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign(++seq, hash, 1'795'000'000'000));
  std::error_code ec;
  fs::remove_all(dir, ec);
}
BENCHMARK(BM_CheckpointSign);

}  // namespace
