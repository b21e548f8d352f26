// audit: one hash-chained record per request (docs/audit.md). The record is built when the
// request completes, from what the other stages left on the Exchange, and handed to the
// batching writer, which links it into the chain inside its transaction. Prompts and answers
// appear only as SHA-256 hashes unless audit.store_content seals them under the master key.
// With durability: strict, the pipeline holds the end of each response until the writer says
// the record is on disk (wait_audit_durable).

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/parse.hpp>

#include <cassert>
#include <cstdio>

#include "audit/prompt_hash.hpp"
#include "core/canonical_json.hpp"
#include "core/log.hpp"
#include "governance/credentials.hpp"
#include "governance/period.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

bool auditing(const Exchange& ex) {
  return ex.governance && ex.snapshot && ex.snapshot->config.audit.enabled;
}

const http::Header* header(const Exchange& ex, std::string_view name) {
  for (const auto& h : ex.governance_headers) {
    if (h.name == name) return &h;
  }
  return nullptr;
}

/// What governance decided, in one word, for the filter column; the record has the details.
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

void write_decisions(core::CanonicalWriter& w, const Exchange& ex) {
  w.key("decisions").begin_array();
  for (const auto& h : ex.governance_headers) {
    if (h.name == "x-sluice-budget-warning") w.string("budget_warning: " + h.value);
    if (h.name == "x-sluice-capped") w.string("capped: " + h.value);
  }
  if (ex.fallback_reason == "budget") w.string("budget_fallback: cheaper target chosen");
  for (const auto& d : ex.decisions) w.string(d);
  w.end_array();
}

void write_attempts(core::CanonicalWriter& w, const Exchange& ex) {
  w.key("attempts").begin_array();
  for (const auto& a : ex.attempt_log) {
    // An attempt still open when the record is written (strict durability) is the answer.
    const bool open = a.outcome.empty();
    w.begin_object()
        .member("ms", a.ms)
        .member("outcome", open ? std::string_view(ex.status < 400 ? "ok" : "error")
                                : std::string_view(a.outcome))
        .member("status", open ? ex.status : a.status)
        .member("target", a.target)
        .end_object();
  }
  w.end_array();
}

/// Which rules matched and what they decided: ids and names, never the rules' text.
void write_policy(core::CanonicalWriter& w, const policy::Decision& d) {
  const auto list = [&w](std::string_view name, const auto& items) {
    w.key(name).begin_array();
    for (const auto& i : items) w.string(i);
    w.end_array();
  };
  w.key("policy").begin_object();
  if (d.council) {
    w.key("council").begin_object().member("k", d.council->k).member("mode", d.council->mode);
    w.end_object();
  }
  if (!d.decided_by.empty()) w.member("decided_by", d.decided_by);
  if (!d.route.empty()) w.member("route", d.route);
  list("rules", d.matched);
  std::vector<std::string_view> skills;
  for (const auto* s : d.skills) skills.push_back(s->name);
  list("skills", skills);
  list("tags", d.tags);
  w.member("verdict", d.denied() ? "deny" : d.verdict == policy::Verdict::Allow ? "allow" : "none");
  w.end_object();
}

std::string_view budget_state(const Exchange& ex, std::string_view decision) {
  if (const auto* w = header(ex, "x-sluice-budget-warning")) {
    return w->value.find("throttled") != std::string::npos ? "exhausted" : "warned";
  }
  return decision == "budget_blocked" ? "exhausted" : "ok";
}

/// The record as canonical JSON, written directly: keys in sorted order at every level (a
/// debug build checks it against core::canonical_json). This runs for every request.
store::AuditRow record_of(Exchange& ex) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto age = duration_cast<milliseconds>(Clock::now() - ex.start).count();
  store::AuditRow row;
  row.kind = "request";
  row.time_ms = governance::now_ms() - age;
  row.request_id = ex.request_id;
  row.status = ex.status;
  row.decision = decision_of(ex);
  if (ex.key) {
    row.key_id = ex.key->record.id;
    row.user = ex.key->record.user;
    row.team = ex.key->record.team;
  }
  if (ex.target) {
    row.model = ex.target->model;
    row.provider = ex.target->provider->config.name;
  } else {
    row.model = ex.requested_model;
  }
  const ir::Usage u = ex.usage.value_or(ir::Usage{});
  const auto answer = ex.tap.body_sha256();

  auto& out = row.record;
  out.reserve(1024);
  core::CanonicalWriter w(out);
  w.begin_object();
  write_attempts(w, ex);
  w.member("budget_state", budget_state(ex, row.decision));
  w.member("config_version", ex.snapshot->config.version);
  if (ex.snapshot->config.audit.store_content) {
    if (auto key = ex.governance->content_key()) {
      // Bound to the request id: a sealed prompt copied into another record does not open.
      w.key("content")
          .begin_object()
          .member("prompt", governance::seal(*key, ex.request.body, "audit:" + ex.request_id))
          .member("response",
                  governance::seal(*key, ex.tap.body(), "audit-response:" + ex.request_id))
          .end_object();
    }
  }
  w.member("cost_estimated", ex.cost_estimated);
  // A decimal string, not a JSON number: exact, and the same bytes after any parser's round
  // trip (the chain hashes these bytes).
  char cost[32];
  const int len = std::snprintf(cost, sizeof cost, "%.9f", ex.cost_usd);
  w.member("cost_usd", std::string_view(cost, static_cast<std::size_t>(len)));
  w.member("decision", row.decision);
  write_decisions(w, ex);
  if (ex.error) {
    w.key("error")
        .begin_object()
        .member("code", ex.error->code)
        .member("message", ex.error->message)
        .member("status", ex.error->status())
        .end_object();
  }
  if (!ex.fallback_reason.empty()) w.member("fallback_reason", ex.fallback_reason);
  if (!ex.guard_findings.empty()) {
    // Kinds and counts only (the map is sorted by kind, as canonical JSON wants).
    w.key("guardrails").begin_object();
    for (const auto& [kind, n] : ex.guard_findings) w.member(kind, static_cast<std::int64_t>(n));
    w.end_object();
  }
  w.key("key");
  if (ex.key) {
    const auto& k = ex.key->record;
    w.begin_object()
        .member("id", k.id)
        .member("name", k.name)
        .member("project", k.project)
        .member("team", k.team)
        .member("user", k.user)
        .end_object();
  } else {
    w.null();
  }
  w.member("kind", row.kind);
  w.member("latency_ms", age);
  w.key("model");
  ex.target ? w.string(ex.target->model) : w.null();
  if (ex.policy && !ex.policy->matched.empty()) write_policy(w, *ex.policy);
  w.member("prompt_sha256", audit::prompt_sha256(ex.endpoint, ex.request.body));
  w.member("provider", row.provider);
  w.member("request_id", ex.request_id);
  w.member("requested_model", ex.requested_model);
  w.key("response_sha256");
  answer.empty() ? w.null() : w.string(answer);
  w.key("route");
  if (ex.resolution && ex.resolution->route) {
    w.string(ex.resolution->model);
  } else if (ex.target) {
    w.string(ex.target->label());
  } else {
    w.null();
  }
  w.member("status", ex.status);
  w.member("stream", ex.stream);
  w.member("time_ms", row.time_ms);
  w.member("ttfb_ms", ex.first_byte ? duration_cast<milliseconds>(*ex.first_byte - ex.start).count()
                                    : std::int64_t{-1});
  w.key("usage")
      .begin_object()
      .member("cache_read", u.cache_read)
      .member("cache_write", u.cache_write)
      .member("input", u.input)
      .member("output", u.output)
      .member("reasoning", u.reasoning)
      .end_object();
  w.member("wire", protocol::wire_name(ex.endpoint));
  w.end_object();
  assert(core::canonical_json(boost::json::parse(out)) == out);
  return row;
}

class AuditStage final : public Stage {
 public:
  std::string_view name() const override { return "audit"; }

  boost::asio::awaitable<Verdict> on_request(Exchange& ex) override {
    if (auditing(ex)) ex.tap.hash_body(ex.snapshot->config.audit.store_content);
    co_return Verdict::Continue;
  }

  void on_complete(Exchange& ex) noexcept override {
    if (!auditing(ex) || ex.request_id.empty()) return;
    try {
      ex.audit_ticket = ex.governance->ledger().submit(record_of(ex));
    } catch (const std::exception& e) {
      log::error("request {}: audit record not written: {}", ex.request_id, e.what());
    }
  }
};

}  // namespace

bool audit_is_strict(const Exchange& ex) {
  return auditing(ex) && ex.snapshot->config.audit.strict;
}

boost::asio::awaitable<void> wait_audit_durable(Exchange& ex) {
  if (!ex.audit_ticket || !ex.governance) co_return;
  // The writer calls back on its own thread; the wake-up is posted to this request's executor,
  // where `done` and the timer are touched. The timer bounds the wait if the disk hangs.
  struct Wait {
    explicit Wait(boost::asio::any_io_executor e) : timer(e) {}
    boost::asio::steady_timer timer;
    bool done = false;
  };
  auto exec = co_await boost::asio::this_coro::executor;
  auto wait = std::make_shared<Wait>(exec);
  wait->timer.expires_after(std::chrono::seconds(30));
  ex.governance->ledger().when_durable(ex.audit_ticket, [wait, exec] {
    boost::asio::post(exec, [wait] {
      wait->done = true;
      wait->timer.cancel();
    });
  });
  if (wait->done) co_return;
  boost::system::error_code ec;
  co_await wait->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (!wait->done) log::error("request {}: audit record not durable after 30 s", ex.request_id);
}

StagePtr make_audit_stage() {
  return std::make_unique<AuditStage>();
}

}  // namespace sluice::pipeline
