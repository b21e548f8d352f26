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
#include <boost/json/object.hpp>

#include <fmt/format.h>

#include "audit/prompt_hash.hpp"
#include "core/canonical_json.hpp"
#include "core/log.hpp"
#include "governance/credentials.hpp"
#include "governance/period.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

namespace bj = boost::json;

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

bj::array governance_decisions(const Exchange& ex) {
  bj::array out;
  for (const auto& h : ex.governance_headers) {
    if (h.name == "x-sluice-budget-warning")
      out.push_back(bj::string("budget_warning: " + h.value));
    if (h.name == "x-sluice-capped") out.push_back(bj::string("capped: " + h.value));
  }
  if (ex.fallback_reason == "budget") out.push_back("budget_fallback: cheaper target chosen");
  for (const auto& d : ex.decisions) out.push_back(bj::string(d));
  return out;
}

bj::array attempts_of(const Exchange& ex) {
  bj::array out;
  for (const auto& a : ex.attempt_log) {
    bj::object o;
    o["target"] = a.target;
    // An attempt still open when the record is written (strict durability) is the answer.
    o["outcome"] = a.outcome.empty() ? (ex.status < 400 ? "ok" : "error") : a.outcome;
    o["status"] = a.outcome.empty() ? ex.status : a.status;
    o["ms"] = a.ms;
    out.push_back(std::move(o));
  }
  return out;
}

store::AuditRow record_of(Exchange& ex) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  const auto age = duration_cast<milliseconds>(Clock::now() - ex.start).count();
  bj::object o;
  store::AuditRow row;
  row.kind = "request";
  row.time_ms = governance::now_ms() - age;
  row.request_id = ex.request_id;
  o["kind"] = row.kind;
  o["time_ms"] = row.time_ms;
  o["request_id"] = ex.request_id;
  if (ex.key) {
    const auto& k = ex.key->record;
    row.key_id = k.id;
    row.user = k.user;
    row.team = k.team;
    o["key"] = bj::object{
        {"id", k.id}, {"name", k.name}, {"user", k.user}, {"team", k.team}, {"project", k.project}};
  } else {
    o["key"] = nullptr;
  }
  o["wire"] = protocol::wire_name(ex.endpoint);
  o["stream"] = ex.stream;
  o["requested_model"] = ex.requested_model;
  if (ex.target) {
    row.model = ex.target->model;
    row.provider = ex.target->provider->config.name;
  } else {
    row.model = ex.requested_model;
  }
  o["model"] = ex.target ? bj::value(ex.target->model) : bj::value(nullptr);
  o["provider"] = row.provider;
  if (ex.resolution && ex.resolution->route) {
    o["route"] = ex.resolution->model;
  } else {
    o["route"] = ex.target ? bj::value(ex.target->label()) : bj::value(nullptr);
  }
  o["attempts"] = attempts_of(ex);
  if (!ex.fallback_reason.empty()) o["fallback_reason"] = ex.fallback_reason;
  row.status = ex.status;
  row.decision = decision_of(ex);
  o["status"] = ex.status;
  o["decision"] = row.decision;
  o["decisions"] = governance_decisions(ex);
  if (const auto* w = header(ex, "x-sluice-budget-warning")) {
    o["budget_state"] = w->value.find("throttled") != std::string::npos ? "exhausted" : "warned";
  } else {
    o["budget_state"] = row.decision == "budget_blocked" ? "exhausted" : "ok";
  }
  if (ex.error) {
    o["error"] = bj::object{
        {"status", ex.error->status()}, {"code", ex.error->code}, {"message", ex.error->message}};
  }
  const ir::Usage u = ex.usage.value_or(ir::Usage{});
  o["usage"] = bj::object{{"input", u.input},
                          {"output", u.output},
                          {"cache_read", u.cache_read},
                          {"cache_write", u.cache_write},
                          {"reasoning", u.reasoning}};
  // A decimal string, not a JSON number: exact, and the same bytes after any parser's round
  // trip (the chain hashes these bytes).
  o["cost_usd"] = fmt::format("{:.9f}", ex.cost_usd);
  o["cost_estimated"] = ex.cost_estimated;
  o["latency_ms"] = age;
  o["ttfb_ms"] =
      ex.first_byte ? duration_cast<milliseconds>(*ex.first_byte - ex.start).count() : -1;
  o["config_version"] = ex.snapshot->config.version;
  o["prompt_sha256"] = audit::prompt_sha256(ex.endpoint, ex.request.body);
  const auto answer = ex.tap.body_sha256();
  o["response_sha256"] = answer.empty() ? bj::value(nullptr) : bj::value(answer);
  if (ex.snapshot->config.audit.store_content) {
    if (auto key = ex.governance->content_key()) {
      // Bound to the request id: a sealed prompt copied into another record does not open.
      o["content"] = bj::object{
          {"prompt", governance::seal(*key, ex.request.body, "audit:" + ex.request_id)},
          {"response", governance::seal(*key, ex.tap.body(), "audit-response:" + ex.request_id)}};
    }
  }
  row.record = core::canonical_json(o);
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
