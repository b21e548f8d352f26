#include "pipeline/pipeline.hpp"

#include <algorithm>
#include <charconv>

#include <boost/asio/this_coro.hpp>
#include <boost/system/system_error.hpp>

#include "core/log.hpp"
#include "governance/cost.hpp"
#include "protocol/errors.hpp"

namespace sluice::pipeline {

boost::asio::awaitable<void> Pipeline::serve(http::Request& req, http::ResponseWriter& w,
                                             ExchangeStart start) const {
  Exchange ex(req, w);
  ex.request_id = std::move(start.request_id);
  ex.endpoint = start.endpoint;
  ex.snapshot = std::move(start.snapshot);
  ex.governance = start.governance;
  ex.learner = start.learner;
  ex.key = std::move(start.key);
  ex.council_of = std::move(start.council_of);
  if (audit_is_strict(ex)) {
    ex.tap.before_finish([this, &ex]() -> boost::asio::awaitable<void> {
      complete(ex);
      co_await wait_audit_durable(ex);
    });
  }
  for (const auto& stage : stages_) {
    // Never co_await inside a condition: GCC 12 miscompiles it (see docs/architecture.md).
    Verdict verdict = Verdict::Continue;
    if (stage->waits()) {
      try {
        verdict = co_await stage->on_request(ex);
      } catch (const boost::system::system_error&) {
        // A stage cancelled because its client hung up (ex.client_left) may end by throwing
        // operation_aborted from its next await. Anything else, or a throw with the client
        // still there, is the session's to see.
        if (!ex.client_left) throw;
        verdict = Verdict::Respond;
      }
      if (ex.client_left) {
        // The cancellation stays on the session's coroutine: cleared, so that what follows
        // (accounting, the audit record) may still await.
        co_await boost::asio::this_coro::reset_cancellation_state();
      }
      // Answered with nothing written: the client went away first.
      if (verdict == Verdict::Respond && ex.status == 0) ex.status = 499;  // nginx's code
    } else {
      Decision d = stage->decide(ex);
      if (d.error) {
        verdict = co_await respond_error(ex, std::move(*d.error), d.status, std::move(d.extra));
      }
    }
    if (verdict == Verdict::Respond) break;
  }
  complete(ex);
  if (start.done) start.done(ex);
}

boost::asio::awaitable<Verdict> Stage::on_request(Exchange& ex) {
  Decision d = decide(ex);
  if (!d.error) co_return Verdict::Continue;
  co_return co_await respond_error(ex, std::move(*d.error), d.status, std::move(d.extra));
}

void Pipeline::complete(Exchange& ex) const {
  if (ex.completed) return;
  ex.completed = true;
  for (auto it = stages_.rbegin(); it != stages_.rend(); ++it) (*it)->on_complete(ex);
}

Pipeline make_default_pipeline() {
  std::vector<StagePtr> stages;
  // on_complete runs in reverse: account (cost, settle, ledger) after every other stage, then
  // audit (the record needs the cost), then the access log line.
  stages.push_back(make_access_log_stage());
  stages.push_back(make_audit_stage());
  stages.push_back(make_account_stage());
  stages.push_back(make_ingress_stage());
  stages.push_back(make_auth_stage());
  stages.push_back(make_guard_stage());
  stages.push_back(make_classify_stage());
  stages.push_back(make_learn_stage());
  stages.push_back(make_policy_stage());
  stages.push_back(make_route_stage());
  stages.push_back(make_budget_stage());
  stages.push_back(make_council_stage());
  stages.push_back(make_execute_stage());
  return Pipeline(std::move(stages));
}

void add_sluice_headers(const Exchange& ex, http::Headers& headers) {
  // Rendered as lines into one string: thirteen Header pairs (most names past the small-string
  // size) were ~8k instructions of a governed request, an eighth of it.
  http::HeaderLines lines;
  lines.add_printed("x-sluice-request-id", ex.request_id);
  if (ex.target) {
    // A direct target's model is the client's text: checked like any value from a request.
    lines.add("x-sluice-model", ex.target->model);
    lines.add("x-sluice-provider", ex.target->provider->config.name);
  }
  if (ex.resolution && ex.resolution->route) {
    lines.add("x-sluice-route", ex.resolution->model);
  } else if (ex.target) {
    lines.add("x-sluice-route", ex.target->label());
  }
  char number[48];
  if (ex.attempts > 0) {
    lines.add_printed(
        "x-sluice-attempts",
        std::string_view(number, std::to_chars(number, number + sizeof number, ex.attempts).ptr));
  }
  if (!ex.fallback_reason.empty()) lines.add("x-sluice-fallback-reason", ex.fallback_reason);
  if (ex.usage && ex.target && ex.target->info) {
    // to_chars, not fmt::format: printf's "%.6f" at a fifth of the instructions.
    // A cost past 10^40 dollars does not fit and is not sent.
    const auto [end, ec] = std::to_chars(number, number + sizeof number,
                                         governance::cost_usd(*ex.target->info, *ex.usage),
                                         std::chars_format::fixed, 6);
    if (ec == std::errc()) lines.add_printed("x-sluice-cost-usd", std::string_view(number, end));
  }
  // The key's own limits replace the provider's: those describe sluice's account, not the
  // caller's allowance. (A rate refusal brings its bucket's headers in `headers` and has no
  // key_rate: refuse_rate drops it.)
  if (ex.key_rate) {
    std::erase_if(headers,
                  [](const http::Header& h) { return h.name.starts_with("x-ratelimit-"); });
    governance::add_rate_lines(*ex.key_rate, lines);
  }
  headers.reserve(headers.size() + 1 + ex.governance_headers.size());
  headers.push_back(lines.take());
  headers.insert(headers.end(), ex.governance_headers.begin(), ex.governance_headers.end());
}

boost::asio::awaitable<Verdict> respond_error(Exchange& ex, core::GatewayError err, int status,
                                              http::Headers extra) {
  if (status == 0) status = err.status();
  ex.status = status;
  const auto family = protocol::family_of(ex.endpoint);
  if (ex.writer.started()) {
    // The stream has begun: the client's own error event is the only honest ending.
    co_await ex.writer.write_chunk(protocol::stream_error_event(ex.endpoint, err, ex.request_id));
    co_await ex.writer.end_stream();
  } else {
    http::Headers h = std::move(extra);
    h.push_back({"content-type", "application/json"});
    add_sluice_headers(ex, h);
    if (err.kind == core::ErrorKind::UpstreamUnreachable ||
        err.kind == core::ErrorKind::Unavailable) {
      h.push_back({"x-should-retry", "true"});
    }
    co_await ex.writer.send(status, std::move(h), protocol::error_body(family, err, ex.request_id));
  }
  ex.error = std::move(err);
  co_return Verdict::Respond;
}

}  // namespace sluice::pipeline
