// Policy evaluation on the request path: 100 rules of every condition kind against a request
// with a 32 KB prompt. The issue's budget is < 50 us for policy + guardrail scan together; the
// policy's share aims at <= 10 us.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include <string>
#include <vector>

#include <boost/json.hpp>

#include "guard/guard.hpp"
#include "guard/request.hpp"
#include "policy/inject.hpp"
#include "policy/policy_set.hpp"
#include "policy/sample.hpp"

namespace {

using namespace sluice::policy;

// Rule i of a realistic set: what an org writes (teams, models, metadata, time windows,
// regexes over the prompt, risk thresholds), all with continue so that every rule is evaluated.
std::string rule(int i, bool gated_content) {
  const auto id = fmt::format("- id: r{:03}\n", i);
  const auto then = fmt::format("  then: {{tag: [t{}]}}\n  continue: true\n", i % 7);
  switch (i % 10) {
    case 0:
      return id + fmt::format("  match: {{team: [team{}, team{}]}}\n", i, i + 1) + then;
    case 1:
      return id + fmt::format("  match: {{model: ['claude-*-{}', 'gpt-5*']}}\n", i) + then;
    case 2:
      return id + fmt::format("  match: {{user: 'user{}*', project: 'proj-*'}}\n", i) + then;
    case 3:
      return id + fmt::format("  match: {{metadata: {{repo: 'acme/svc-{}*'}}}}\n", i) + then;
    case 4:
      return id +
             fmt::format("  match: {{header: {{x-agent: 'tool{}/*'}}, wire: anthropic}}\n", i) +
             then;
    case 5:
      return id +
             "  match: {time: {days: [mon-fri], hours: '09:00-18:00', timezone: Europe/Berlin}, "
             "team: payments}\n" +
             then;
    case 6:
      return id + fmt::format("  match: {{risk: '>= 0.{}', intent: 'refactor*'}}\n", i % 9) + then;
    case 7:
      return id + fmt::format("  match: {{tools: ['mcp__svc{}__*'], finding: ['*_token']}}\n", i) +
             then;
    case 8:
      // Content conditions: half behind a team check; the rest (when not gated) stand alone.
      return id +
             (i % 20 == 8 || gated_content
                  ? fmt::format("  match: {{team: team{}, content: '(?i)\\bsecret{}\\b'}}\n", i, i)
                  : fmt::format("  match: {{content: '(?i)\\b(drop|alter)\\s+table\\s+t{}\\b'}}\n",
                                i)) +
             then;
    default:
      return id +
             fmt::format(
                 "  match: {{budget: exhausted, not: {{role: admin}}, content_latest: "
                 "'(?i)deploy{}'}}\n",
                 i) +
             then;
  }
}

PolicySetPtr make_set(bool gated_content) {
  std::string yaml;
  for (int i = 0; i < 100; ++i) yaml += rule(i, gated_content);
  std::vector<RuleSource> rules{{YAML::Load(yaml), "bench.yaml"}};
  auto r = PolicySet::compile(rules, {});
  if (auto* e = std::get_if<sluice::core::ConfigError>(&r)) {
    fmt::print(stderr, "{}\n", e->to_string());
    std::abort();
  }
  return std::get<PolicySetPtr>(r);
}

// A coding agent's turn: 32 KB of source and conversation, a short latest instruction.
SampleRequest& request() {
  static SampleRequest r = [] {
    SampleRequest s;
    s.endpoint = sluice::protocol::Endpoint::Messages;
    s.key_id = "key_0123456789ab";
    s.user = "alice";
    s.team = "payments";
    s.project = "proj-checkout";
    s.role = "engineer";
    s.model = "claude-opus-4-8";
    s.route = "coding";
    s.headers = {{"x-agent", "claude-code/2.1"},
                 {"user-agent", "claude-cli/2.1.197"},
                 {"anthropic-version", "2023-06-01"}};
    s.metadata = {{"repo", "acme/payments-api"}, {"branch", "main"}};
    s.tools = {"Bash", "Edit", "Read", "Write", "Grep", "Glob", "WebFetch", "TaskCreate"};
    s.now = *parse_timestamp("2026-11-24T10:30:00Z");
    s.intent = "refactor.extract";
    s.risk = 0.42;
    const std::string chunk =
        "  std::optional<Money> refund(const Order& order, Money amount) {\n"
        "    if (amount > order.captured()) return std::nullopt;  // never refund more\n"
        "    auto tx = ledger_.begin(order.id());\n"
        "    tx.debit(order.merchant(), amount);\n"
        "    return tx.commit();\n"
        "  }\n"
        "User: the refund path rounds half-cents down; make it use banker's rounding.\n";
    while (s.prompt.size() < 32 * 1024) s.prompt += chunk;
    s.latest = "Please fix the rounding in refund() and add a test for 0.005 EUR.";
    return s;
  }();
  return r;
}

void evaluate(benchmark::State& state, bool gated) {
  const auto set = make_set(gated);
  auto& r = request();
  const auto facts = r.facts();
  std::size_t matched = 0;
  int scans = 0;
  for (auto _ : state) {
    auto d = set->evaluate(facts);
    matched = d.matched.size();
    scans = d.scans;
    benchmark::DoNotOptimize(d);
  }
  state.counters["matched"] = static_cast<double>(matched);
  state.counters["scans"] = scans;
}

// Some content rules stand alone, so every request's prompt is scanned once (one RE2::Set pass).
void BM_Policy100Rules_Scan32K(benchmark::State& state) {
  evaluate(state, false);
}
BENCHMARK(BM_Policy100Rules_Scan32K)->Unit(benchmark::kMicrosecond);

// The content filter's worst case: the prompt holds the literals of every standalone content
// rule (but matches none), so each passes the filter and one RE2::Set pass runs after it.
void BM_Policy100Rules_Scan32K_AllLiterals(benchmark::State& state) {
  const auto set = make_set(false);
  auto r = request();
  r.prompt.resize(r.prompt.size() - 400);
  for (int i = 18; i < 100; i += 20) r.prompt += fmt::format("drop table, alter table t{}x; ", i);
  const auto facts = r.facts();
  int scans = 0;
  for (auto _ : state) {
    auto d = set->evaluate(facts);
    scans = d.scans;
    benchmark::DoNotOptimize(d);
  }
  state.counters["scans"] = scans;
}
BENCHMARK(BM_Policy100Rules_Scan32K_AllLiterals)->Unit(benchmark::kMicrosecond);

// Every content rule sits behind a cheaper condition this request fails: no scan at all.
void BM_Policy100Rules_Gated(benchmark::State& state) {
  evaluate(state, true);
}
BENCHMARK(BM_Policy100Rules_Gated)->Unit(benchmark::kMicrosecond);

// The issue's measure: what the guard and policy stages cost one request together, with 100
// rules and a 32 KB prompt. The guardrails scan the body (every kind on, redacting: the raw-body
// pass proves this clean prompt clean), then the rules are evaluated on the prompt's text.
void guard_and_policy(benchmark::State& state, bool gated) {
  const auto set = make_set(gated);
  auto& r = request();
  const auto facts = r.facts();
  boost::json::object body{{"model", "claude-opus-4-8"},
                           {"max_tokens", 4096},
                           {"messages", boost::json::array{boost::json::object{
                                            {"role", "user"}, {"content", r.prompt}}}}};
  const auto text = boost::json::serialize(body);
  sluice::guard::GuardConfig c;
  c.category_actions = {sluice::guard::Action::Redact, sluice::guard::Action::Redact,
                        sluice::guard::Action::Redact};
  const sluice::guard::Guard g(c);
  for (auto _ : state) {
    auto scan = sluice::guard::scan_request(sluice::protocol::Endpoint::Messages, text, g);
    auto d = set->evaluate(facts);
    benchmark::DoNotOptimize(scan);
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
void BM_GuardAndPolicy32K_Scan(benchmark::State& state) {
  guard_and_policy(state, false);
}
BENCHMARK(BM_GuardAndPolicy32K_Scan)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->DisplayAggregatesOnly();
void BM_GuardAndPolicy32K_Gated(benchmark::State& state) {
  guard_and_policy(state, true);
}
BENCHMARK(BM_GuardAndPolicy32K_Gated)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(5)
    ->DisplayAggregatesOnly();

// Splicing skills into a Claude Code-sized (80 KB) Anthropic body.
void BM_InjectSkillsAnthropic80K(benchmark::State& state) {
  std::string body =
      R"({"model":"claude-opus-4-8","max_tokens":64000,"system":[{"type":"text","text":"billing"},)"
      R"({"type":"text","text":"You are Claude.","cache_control":{"type":"ephemeral"}}],"messages":[)";
  for (int i = 0; body.size() < 80 * 1024; ++i) {
    body += (i ? "," : "") + std::string(R"({"role":"user","content":"line of conversation )") +
            std::to_string(i) + R"( with some \"quoted\" text and more words to pad it out"})";
  }
  body += "]}";
  const std::string text(1500, 'x');
  for (auto _ : state) {
    auto inj = inject_text(sluice::protocol::Endpoint::Messages, body, text);
    benchmark::DoNotOptimize(inj);
  }
}
BENCHMARK(BM_InjectSkillsAnthropic80K)->Unit(benchmark::kMicrosecond);

}  // namespace
