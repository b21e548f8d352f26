// Everything governance adds to one request, end to end and in the order the pipeline runs it:
// the key looked up by hash, revocation/expiry and the model allowlist checked, caps applied
// (a request under the caps, so the body is parsed but not rewritten), rpm/tpm taken, the
// worst case reserved on key + team + org budgets, the real cost settled, the usage read from
// the upstream's answer, and the ledger row handed to the batching writer. The issue's target
// is under 10 us median.
#include <benchmark/benchmark.h>

#include <string>

#include "governance/caps.hpp"
#include "governance/cost.hpp"
#include "governance/key_admin.hpp"
#include "governance/keys.hpp"
#include "governance/period.hpp"
#include "governance/runtime.hpp"
#include "protocol/usage_probe.hpp"

namespace {

using namespace sluice;

constexpr std::string_view kRequest =
    R"({"model":"gpt-fake","max_tokens":512,"reasoning_effort":"low","messages":[)"
    R"({"role":"system","content":"You are a careful coding assistant."},)"
    R"({"role":"user","content":"Rename the variable x to count in utils.py and run the tests."}]})";
constexpr std::string_view kAnswer =
    R"({"id":"chatcmpl-1","object":"chat.completion","created":1795295277,"model":"gpt-fake",)"
    R"("choices":[{"index":0,"message":{"role":"assistant","content":"Done: renamed x to count )"
    R"(in utils.py; the tests pass."},"finish_reason":"stop"}],"usage":{"prompt_tokens":41,)"
    R"("completion_tokens":14,"total_tokens":55,"prompt_tokens_details":{"cached_tokens":0},)"
    R"("completion_tokens_details":{"reasoning_tokens":0}}})";

struct Fixture {
  core::Config cfg;
  std::unique_ptr<governance::Governance> gov;
  std::string secret;
  core::ModelInfo model;

  Fixture() {
    cfg.store.path = ":memory:";
    cfg.governance.budgets.push_back(
        {core::BudgetScopeKind::Team, "payments", 1e9, "month", 0.8, "block", 0, 0});
    cfg.governance.budgets.push_back(
        {core::BudgetScopeKind::Org, "", 1e9, "month", 0.8, "block", 0, 0});
    gov = std::make_unique<governance::Governance>(cfg);
    governance::KeyOptions o;
    o.name = "bench";
    o.user = "alice";
    o.team = "payments";
    o.models = "gpt-fake*,claude-*";
    o.budget = "1000000/month";
    o.rpm = 1'000'000'000;
    o.tpm = 1'000'000'000'000;
    o.max_reasoning = "high";
    o.max_output_tokens = 8000;
    auto made = gov->with_store(
        [&](store::Store& s) { return governance::create_key(s, o, governance::now_ms()); });
    secret = std::get<governance::IssuedKey>(made).secret;
    gov->reload_keys();
    model.id = "gpt-fake";
    model.input = 2;
    model.output = 8;
    model.max_output = 16384;
  }
};

void BM_GovernedRequest(benchmark::State& state) {
  static Fixture f;
  std::uint64_t n = 0;
  for (auto _ : state) {
    // auth
    auto key = f.gov->keys().find(f.secret);
    const auto& rec = key->record;
    const auto now = governance::now_ms();
    bool ok = rec.revoked_ms == 0 && (rec.expires_ms == 0 || rec.expires_ms > now) &&
              governance::model_allowed(rec.models, "gpt-fake");
    auto capped = governance::apply_caps(protocol::Endpoint::ChatCompletions, kRequest, key->caps);
    ok = ok && !capped.body && !capped.refused;
    // rate limits and budget
    auto rate =
        f.gov->limits().acquire(rec.id, rec.rpm, rec.tpm, 600, governance::RateClock::now());
    const governance::Subject subject{rec.id, rec.user, rec.team, rec.project};
    const double worst = governance::worst_case_usd(
        f.model, governance::worst_case_input_tokens(kRequest.size()), 512);
    auto held = f.gov->budgets().reserve(subject, worst, now);
    ok = ok && rate.allowed && held.ok;
    // account
    const auto usage = protocol::usage_of_body(protocol::Endpoint::ChatCompletions, kAnswer);
    const double cost = governance::cost_usd(f.model, *usage);
    f.gov->budgets().settle(held.reservation, cost);
    store::UsageRow row;
    row.request_id = "req_bench" + std::to_string(++n);
    row.time_ms = now;
    row.day = governance::utc_day(now);
    row.key_id = rec.id;
    row.key_name = rec.name;
    row.user = rec.user;
    row.team = rec.team;
    row.wire = "openai_chat";
    row.requested_model = "gpt-fake";
    row.served_model = "gpt-fake";
    row.provider = "fake-openai";
    row.route = "fake-openai/gpt-fake";
    row.input_tokens = usage->input;
    row.output_tokens = usage->output;
    row.cost_usd = cost;
    row.status = 200;
    row.attempts = 1;
    f.gov->ledger().submit(std::move(row));
    if (!ok) state.SkipWithError("a governed request was refused");
  }
  f.gov->ledger().flush();
}
BENCHMARK(BM_GovernedRequest)->ComputeStatistics("median", [](const std::vector<double>& v) {
  auto c = v;
  std::nth_element(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(c.size() / 2), c.end());
  return c[c.size() / 2];
});

}  // namespace

namespace {

// The parts of BM_GovernedRequest that parse JSON, alone.
void BM_ApplyCapsUnderTheCaps(benchmark::State& state) {
  sluice::governance::Caps caps;
  caps.max_reasoning = sluice::ir::Effort::High;
  caps.max_output_tokens = 8000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(sluice::governance::apply_caps(
        sluice::protocol::Endpoint::ChatCompletions, kRequest, caps));
  }
}
BENCHMARK(BM_ApplyCapsUnderTheCaps);

void BM_UsageOfBody(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        sluice::protocol::usage_of_body(sluice::protocol::Endpoint::ChatCompletions, kAnswer));
  }
}
BENCHMARK(BM_UsageOfBody);

// OpenAI's answer as it is today: usage with both details objects filled (fake-upstream's too).
constexpr std::string_view kOpenAiAnswer =
    R"({"id":"chatcmpl-232f84ee42f0b23df0b2e88e","object":"chat.completion","created":1795355179,)"
    R"("model":"gpt-fake-mini","choices":[{"index":0,"message":{"role":"assistant","content":)"
    R"("This is fake-upstream answering gpt-fake-mini: hi.","refusal":null,"annotations":[]},)"
    R"("logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":40,)"
    R"("total_tokens":45,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},)"
    R"("completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,)"
    R"("accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},"service_tier":"default",)"
    R"("system_fingerprint":"fp_fake"})";

void BM_UsageOfBodyOpenAi(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        sluice::protocol::usage_of_body(sluice::protocol::Endpoint::ChatCompletions, kOpenAiAnswer));
  }
}
BENCHMARK(BM_UsageOfBodyOpenAi);

}  // namespace
