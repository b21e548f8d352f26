#include "pipeline/audit_record.hpp"

#include <boost/json/parse.hpp>

#include <cassert>
#include <charconv>

#include "audit/prompt_hash.hpp"
#include "core/canonical_json.hpp"
#include "core/json_escape.hpp"
#include "core/sha256.hpp"
#include "governance/period.hpp"

namespace sluice::pipeline {
namespace {

const http::Header* header(const Exchange& ex, std::string_view name) {
  for (const auto& h : ex.governance_headers) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

/// What governance decided, in one word, for the filter field; the record has the details.
std::string decision_of(const Exchange& ex) {
  if (ex.error) {
    if (ex.error->code == "budget_exceeded") return "budget_blocked";
    switch (ex.error->kind) {
      case core::ErrorKind::Unauthenticated:
      case core::ErrorKind::PermissionDenied:
        return "denied";
      case core::ErrorKind::RateLimited:
        return "rate_limited";
      default:
        return "error";
    }
  }
  if (ex.status >= 200 && ex.status < 300) return "served";
  if (ex.status == 0) return "abandoned";
  return "upstream_error";
}

std::string_view budget_state(const Exchange& ex, std::string_view decision) {
  if (const auto* w = header(ex, "x-sluice-budget-warning")) {
    return w->value.find("throttled") != std::string::npos ? "exhausted" : "warned";
  }
  return decision == "budget_blocked" ? "exhausted" : "ok";
}

std::vector<std::string> decisions_of(const Exchange& ex) {
  std::vector<std::string> out;
  for (const auto& h : ex.governance_headers) {
    if (h.name == "x-sluice-budget-warning") out.push_back("budget_warning: " + h.value);
    if (h.name == "x-sluice-capped") out.push_back("capped: " + h.value);
  }
  if (ex.fallback_reason == "budget") out.emplace_back("budget_fallback: cheaper target chosen");
  out.insert(out.end(), ex.decisions.begin(), ex.decisions.end());
  return out;
}

/// Appends JSON text: literal pieces as they are, strings escaped, integers, hex digests.
struct Json {
  std::string& out;
  void lit(std::string_view s) { out.append(s); }
  void str(std::string_view s) { core::append_json_string(out, s); }
  void num(std::int64_t v) {
    char buf[24];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, end);
  }
  void hex(const core::Digest& d) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (const auto b : d) {
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
};

}  // namespace

std::unique_ptr<AuditEntry> audit_entry(Exchange& ex) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  auto e = std::make_unique<AuditEntry>();
  e->request_id = ex.request_id;
  e->latency_ms = duration_cast<milliseconds>(Clock::now() - ex.start).count();
  e->time_ms = governance::now_ms() - e->latency_ms;
  if (ex.first_byte) e->ttfb_ms = duration_cast<milliseconds>(*ex.first_byte - ex.start).count();
  e->status = ex.status;
  e->decision = decision_of(ex);
  e->key = ex.key;
  if (ex.target) {
    e->model = ex.target->model;
    e->provider = ex.target->provider->config.name;
  }
  e->requested_model = ex.requested_model;
  if (ex.resolution && ex.resolution->route) {
    e->route = ex.resolution->model;
  } else if (ex.target) {
    e->route = ex.target->label();
  }
  e->attempts = ex.attempt_log;
  e->budget_state = budget_state(ex, e->decision);
  if (!ex.governance_headers.empty() || !ex.decisions.empty() || !ex.fallback_reason.empty()) {
    e->decisions = decisions_of(ex);
  }
  e->config_version = ex.snapshot->config.version;
  e->cost_estimated = ex.cost_estimated;
  e->cost_usd = ex.cost_usd;
  if (ex.error) e->error = AuditEntry::Error{ex.error->code, ex.error->message, ex.error->status()};
  e->fallback_reason = ex.fallback_reason;
  e->guard_findings = ex.guard_findings;
  if (ex.policy && !ex.policy->matched.empty()) {
    const auto& d = *ex.policy;
    auto& p = e->policy.emplace();
    p.rules.assign(d.matched.begin(), d.matched.end());
    for (const auto* s : d.skills) p.skills.push_back(s->name);
    p.tags.assign(d.tags.begin(), d.tags.end());
    p.decided_by = d.decided_by;
    p.route = d.route;
    p.verdict = d.denied() ? "deny" : d.verdict == policy::Verdict::Allow ? "allow" : "none";
    if (d.council) p.council.emplace(d.council->k, d.council->mode);
  }
  e->intel = ex.intel;
  e->usage = ex.usage.value_or(ir::Usage{});
  e->endpoint = ex.endpoint;
  e->stream = ex.stream;
  // Dead once the response is complete (or, with strict durability, fully computed).
  e->body = std::move(ex.request.body);
  e->answer = ex.tap.take_body();
  if (ex.snapshot->config.audit.store_content) e->content_key = ex.governance->content_key();
  return e;
}

namespace {

void list(Json& o, const std::vector<std::string>& items) {
  o.lit("[");
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) o.lit(",");
    o.str(items[i]);
  }
  o.lit("]");
}

/// `"name":value,` when `value` is not empty (canonical JSON omits what is not there).
void optional_member(Json& o, std::string_view quoted_name_colon, const std::string& value) {
  if (value.empty()) return;
  o.lit(quoted_name_colon);
  o.str(value);
  o.lit(",");
}

/// Which rules matched and what they decided: ids and names, never the rules' text.
void write_policy(Json& o, const AuditEntry::Policy& p) {
  o.lit(R"(,"policy":{)");
  if (p.council) {
    o.lit(R"("council":{"k":)");
    o.num(p.council->first);
    o.lit(R"(,"mode":)");
    o.str(p.council->second);
    o.lit("},");
  }
  optional_member(o, R"("decided_by":)", p.decided_by);
  optional_member(o, R"("route":)", p.route);
  o.lit(R"("rules":)");
  list(o, p.rules);
  o.lit(R"(,"skills":)");
  list(o, p.skills);
  o.lit(R"(,"tags":)");
  list(o, p.tags);
  o.lit(R"(,"verdict":)");
  o.str(p.verdict);
  o.lit("}");
}

/// Intent, risk (a decimal string, exact after any parser's round trip) and blast radius.
void write_intel(Json& o, const intel::Assessment& a) {
  o.lit(R"(,"intel":{)");
  if (a.blast) {
    o.lit(R"("blast_radius":{"dependents":)");
    o.num(a.blast->dependents);
    o.lit(R"(,"fan_in":)");
    o.num(a.blast->fan_in);
    o.lit(a.blast->sensitive_zone ? R"(,"sensitive_zone":true},)" : R"(,"sensitive_zone":false},)");
  }
  o.lit(R"("intent":)");
  o.str(intel::intent_name(a.intent));
  if (!a.repo.empty()) {
    o.lit(R"(,"repo":)");
    o.str(a.repo);
  }
  char risk[16];
  const auto [end, ec] =
      std::to_chars(risk, risk + sizeof risk, a.risk, std::chars_format::fixed, 3);
  o.lit(R"(,"risk":")");
  o.lit(std::string_view(risk, static_cast<std::size_t>(end - risk)));
  o.lit(R"("})");
}

}  // namespace

store::AuditRow AuditEntry::build() {
  store::AuditRow row;
  row.kind = "request";
  row.time_ms = time_ms;
  row.request_id = request_id;
  row.status = status;
  row.decision = decision;
  if (key) {
    row.key_id = key->record.id;
    row.user = key->record.user;
    row.team = key->record.team;
  }
  row.model = model.empty() ? requested_model : model;
  row.provider = provider;

  // Canonical JSON written as literal pieces between values, keys in sorted order at every
  // level: the writer does this for every request, and a generic writer escaping each key
  // cost a third more. A debug build checks the result against core::canonical_json.
  Json o{row.record};
  o.out.reserve(1024);
  o.lit(R"({"attempts":[)");
  for (std::size_t i = 0; i < attempts.size(); ++i) {
    const auto& a = attempts[i];
    // An attempt still open when the record is taken (strict durability) is the answer.
    const bool open = a.outcome.empty();
    o.lit(i ? R"(,{"ms":)" : R"({"ms":)");
    o.num(a.ms);
    o.lit(R"(,"outcome":)");
    o.str(open ? std::string_view(status < 400 ? "ok" : "error") : std::string_view(a.outcome));
    o.lit(R"(,"status":)");
    o.num(open ? status : a.status);
    o.lit(R"(,"target":)");
    o.str(a.target);
    o.lit("}");
  }
  o.lit(R"(],"budget_state":)");
  o.str(budget_state);
  o.lit(R"(,"config_version":)");
  o.str(config_version);
  if (content_key) {
    // Bound to the request id: a sealed prompt copied into another record does not open.
    o.lit(R"(,"content":{"prompt":)");
    o.str(governance::seal(*content_key, body, "audit:" + request_id));
    o.lit(R"(,"response":)");
    o.str(governance::seal(*content_key, answer.value_or(std::string()),
                           "audit-response:" + request_id));
    o.lit("}");
  }
  o.lit(cost_estimated ? R"(,"cost_estimated":true)" : R"(,"cost_estimated":false)");
  // A decimal string, not a JSON number: exact, and the same bytes after any parser's round
  // trip (the chain hashes these bytes). to_chars writes what printf("%.9f") does.
  char cost[48];
  const auto [cost_end, ec] =
      std::to_chars(cost, cost + sizeof cost, cost_usd, std::chars_format::fixed, 9);
  o.lit(R"(,"cost_usd":")");
  o.lit(std::string_view(cost, static_cast<std::size_t>(cost_end - cost)));
  o.lit(R"(","decision":)");
  o.str(decision);
  o.lit(R"(,"decisions":[)");
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (i) o.lit(",");
    o.str(decisions[i]);
  }
  o.lit("]");
  if (error) {
    o.lit(R"(,"error":{"code":)");
    o.str(error->code);
    o.lit(R"(,"message":)");
    o.str(error->message);
    o.lit(R"(,"status":)");
    o.num(error->status);
    o.lit("}");
  }
  if (!fallback_reason.empty()) {
    o.lit(R"(,"fallback_reason":)");
    o.str(fallback_reason);
  }
  if (!guard_findings.empty()) {
    // Kinds and counts only (the map is sorted by kind, as canonical JSON wants).
    o.lit(R"(,"guardrails":{)");
    bool first = true;
    for (const auto& [kind, n] : guard_findings) {
      if (!first) o.lit(",");
      first = false;
      o.str(kind);
      o.lit(":");
      o.num(n);
    }
    o.lit("}");
  }
  if (intel) write_intel(o, *intel);
  if (key) {
    const auto& k = key->record;
    o.lit(R"(,"key":{"id":)");
    o.str(k.id);
    o.lit(R"(,"name":)");
    o.str(k.name);
    o.lit(R"(,"project":)");
    o.str(k.project);
    if (!k.role.empty()) {
      o.lit(R"(,"role":)");
      o.str(k.role);
    }
    o.lit(R"(,"team":)");
    o.str(k.team);
    o.lit(R"(,"user":)");
    o.str(k.user);
    o.lit("}");
  } else {
    o.lit(R"(,"key":null)");
  }
  o.lit(R"(,"kind":"request","latency_ms":)");
  o.num(latency_ms);
  o.lit(R"(,"model":)");
  model.empty() ? o.lit("null") : o.str(model);
  if (policy) write_policy(o, *policy);
  o.lit(R"(,"prompt_sha256":")");
  o.hex(audit::prompt_digest(endpoint, body));
  o.lit(R"(","provider":)");
  o.str(provider);
  o.lit(R"(,"request_id":)");
  o.str(request_id);
  o.lit(R"(,"requested_model":)");
  o.str(requested_model);
  o.lit(R"(,"response_sha256":)");
  if (answer) {
    o.lit("\"");
    o.hex(core::sha256(*answer));
    o.lit("\"");
  } else {
    o.lit("null");
  }
  o.lit(R"(,"route":)");
  route ? o.str(*route) : o.lit("null");
  o.lit(R"(,"status":)");
  o.num(status);
  o.lit(stream ? R"(,"stream":true,"time_ms":)" : R"(,"stream":false,"time_ms":)");
  o.num(time_ms);
  o.lit(R"(,"ttfb_ms":)");
  o.num(ttfb_ms);
  o.lit(R"(,"usage":{"cache_read":)");
  o.num(usage.cache_read);
  o.lit(R"(,"cache_write":)");
  o.num(usage.cache_write);
  o.lit(R"(,"input":)");
  o.num(usage.input);
  o.lit(R"(,"output":)");
  o.num(usage.output);
  o.lit(R"(,"reasoning":)");
  o.num(usage.reasoning);
  o.lit(R"(},"wire":)");
  o.str(protocol::wire_name(endpoint));
  o.lit("}");
  assert(core::canonical_json(boost::json::parse(row.record)) == row.record);
  return row;
}

}  // namespace sluice::pipeline
