// What the audit adds to a request, piece by piece: the prompt's canonical SHA-256 (the one-pass
// path and the DOM it is checked against), the response body's SHA-256, a whole record built
// on the writer's thread, and the writer linking, compressing and committing a block of
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
#include "governance/runtime.hpp"
#include "pipeline/audit_record.hpp"
#include "store/audit_block.hpp"
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

// The definition prompt_sha256's one-pass path is tested against: parse, DOM, canonical JSON.
void BM_PromptSha256Dom(benchmark::State& state) {
  const auto body = chat_body();
  for (auto _ : state) {
    benchmark::DoNotOptimize(sluice::core::sha256(
        sluice::audit::prompt_canonical_form(sluice::protocol::Endpoint::ChatCompletions, body)));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_PromptSha256Dom);

// The writer's part of a request: the whole record from what the event loop handed over
// (both hashes included), 64 at a time so that pausing the timer does not dominate.
void BM_AuditRecordBuild(benchmark::State& state) {
  auto key = std::make_shared<sluice::governance::LiveKey>();
  key->record.id = "key_0123456789abcdef";
  key->record.name = "payments-ci";
  key->record.user = "alice@example.com";
  key->record.team = "payments";
  key->record.project = "checkout";
  const auto body = chat_body();
  const std::string answer(800, 'a');
  constexpr int kBatch = 64;
  std::vector<sluice::pipeline::AuditEntry> entries(kBatch);
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& e : entries) {
      e.request_id = "req_c2ea6e7c58f14db800000a1f";
      e.time_ms = 1'795'301'845'000;
      e.latency_ms = 5;
      e.ttfb_ms = 5;
      e.status = 200;
      e.decision = "served";
      e.key = key;
      e.model = "gpt-fake-mini";
      e.provider = "fake-openai";
      e.requested_model = "fast";
      e.route = "fake-openai/gpt-fake-mini";
      e.attempts = {{"fake-openai/gpt-fake-mini", "", 0, 5}};
      e.budget_state = "ok";
      e.config_version = "884420420b024c67";
      e.cost_usd = 0.00012825;
      e.usage = {9, 63, 0, 0, 0};
      e.body = body;
      e.answer = answer;
    }
    state.ResumeTiming();
    for (auto& e : entries) benchmark::DoNotOptimize(e.build());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_AuditRecordBuild);

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
  // Distinct prompts and answers have digests that look random: they are most of what a block
  // does not compress.
  for (const char* field : {"\"prompt_sha256\":\"", "\"response_sha256\":\""}) {
    const auto at = r.record.find(field) + std::string_view(field).size();
    r.record.replace(at, 64, sluice::core::sha256_hex(field + std::to_string(i)));
  }
  return r;
}

// The writer's part: link and commit a batch of 256 records (its transaction size).
void BM_AuditAppend256(benchmark::State& state) {
  const auto dir =
      fs::temp_directory_path() / ("sluice-audit-bench-" + std::to_string(std::random_device{}()));
  auto db = sluice::store::open_sqlite((dir / "sluice.db").string());
  std::vector<sluice::store::AuditRow> rows;
  for (int i = 0; i < 256; ++i) rows.push_back(typical_record(i));
  // Request ids grow within a process, as the gateway's do: a block touches a bucket or two.
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

// The block's text compressed, as the writer stores it (part of BM_AuditAppend256).
void BM_AuditPackBlock256(benchmark::State& state) {
  std::string text;
  for (int i = 0; i < 256; ++i) {
    auto r = typical_record(i);
    r.seq = i + 1;
    r.hash = sluice::core::sha256_hex("chain" + std::to_string(i));
    sluice::store::append_block_line(text, r);
  }
  std::size_t packed = 0;
  for (auto _ : state) packed = sluice::store::pack_block(text).size();
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 256));
  state.counters["bytes_per_record"] = static_cast<double>(packed) / 256;
}
BENCHMARK(BM_AuditPackBlock256)->Unit(benchmark::kMicrosecond);

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
