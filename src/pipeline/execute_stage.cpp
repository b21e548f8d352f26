// execute: call the provider and relay its answer, by passthrough when client and provider
// speak the same wire and by translation through the IR when they do not. Attempts follow the
// route's plan: a retryable failure before anything reached the client moves on to the next
// candidate (or, past the end of the list, round again after a jittered backoff), within the
// plan's attempt limit and deadline. The whole run races the client hanging up, so an abandoned
// request releases its upstream connection at once.

#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/container/small_vector.hpp>

#include "core/coarse_clock.hpp"
#include "core/log.hpp"
#include "pipeline/execute.hpp"
#include "pipeline/pipeline.hpp"
#include "protocol/codec.hpp"
#include "routing/retry.hpp"

namespace sluice::pipeline {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

std::string seconds_text(Clock::duration d) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count() +
                 (d % std::chrono::seconds(1) != Clock::duration::zero() ? 1 : 0);
  return std::to_string(std::max<long long>(s, 1));
}

void note_fallback(Exchange& ex, const routing::Target& t, const Attempt& a) {
  std::string why = t.label() + ": " + std::string(routing::to_string(a.failure));
  if (a.status) why += " " + std::to_string(a.status);
  if (!ex.fallback_reason.empty()) ex.fallback_reason += "; ";
  ex.fallback_reason += why;
}

void record(const Exchange& ex, const routing::Target& t, const Attempt& a, Clock::time_point began,
            Clock::time_point now) {
  const auto& cfg = ex.snapshot->config.routing.health;
  if (a.headroom) t.health->record_headroom(*a.headroom);
  if (a.failure == routing::Failure::None) {
    const auto ttfb = a.first_content.value_or(now) - began;
    t.health->record_success(now, cfg, ttfb, now - began);
  } else {
    t.health->record_failure(now, cfg, a.failure, a.retry_after);
  }
}

/// Every candidate is out of rotation (circuit open or rate-limited): say when to come back.
core::GatewayError unavailable(const Exchange& ex, http::Headers& headers) {
  std::optional<Clock::duration> soonest;
  for (const auto& s : ex.plan.order) {
    if (s.health.available_in && (!soonest || *s.health.available_in < *soonest)) {
      soonest = s.health.available_in;
    }
  }
  std::string msg = "every target of route '" + ex.resolution->model +
                    "' is unavailable (circuit open or rate-limited)";
  if (soonest) {
    headers.push_back({"retry-after", seconds_text(*soonest)});
    msg += "; retry in " + seconds_text(*soonest) + " s";
  }
  return {core::ErrorKind::Unavailable, msg, "model", "route_unavailable"};
}

class ExecuteStage final : public Stage {
 public:
  std::string_view name() const override { return "execute"; }
  bool waits() const override { return true; }

  /// Runs the exchange, cancelled (terminal) if the client disconnects first. The session
  /// writer watches the socket with a plain reactor operation, armed only once the exchange has
  /// outlived its worker's 100 ms sweep, and on a hang-up sets ex.client_left and cancels what
  /// the session's coroutine awaits, so the exchange needs no coroutine of its own (~5k
  /// instructions a request fewer than racing two coroutines with `||`, which the other writers
  /// still take, and ~4k fewer than a co_spawn per exchange). What a cancelled exchange leaves
  /// (an operation_aborted, the cancellation state, status 0) the pipeline clears
  /// (Pipeline::serve). Not a coroutine itself: it hands back the one that answers, a frame and
  /// a resume a request fewer.
  boost::asio::awaitable<Verdict> on_request(Exchange& ex) override {
    if (ex.endpoint == protocol::Endpoint::CountTokens ||
        ex.endpoint == protocol::Endpoint::GeminiCountTokens) {
      const auto* t = ex.plan.eligible ? ex.plan.order.front().target : nullptr;
      if (t && t->provider->config.type != protocol::family_of(ex.endpoint)) {
        ex.target = t;
        return estimate_tokens(ex);
      }
    }
    if (!ex.writer.watch_client_gone([&ex] { ex.client_left = true; })) return run_racing(ex);
    return run(ex, true);
  }

 private:
  static boost::asio::awaitable<Verdict> estimate_tokens(Exchange& ex) {
    co_await answer_token_estimate(ex);
    co_return Verdict::Respond;
  }

  /// Not a coroutine: it picks the coroutine that makes the attempt and hands it back, so a
  /// request pays for no frame of its own here (1.2 kB, past what Asio's allocator recycles).
  static boost::asio::awaitable<Attempt> attempt(Exchange& ex, const routing::Target& t,
                                                 bool may_retry) {
    if (t.provider->config.type == protocol::family_of(ex.endpoint)) {
      return forward_passthrough(ex, t, may_retry);
    }
    if (protocol::codec_for(ex.endpoint) == nullptr) return refuse_untranslatable(ex, t);
    return forward_translated(ex, t, may_retry);
  }

  static boost::asio::awaitable<Attempt> refuse_untranslatable(Exchange& ex,
                                                               const routing::Target& t) {
    HeldAnswer held;
    held.status = 400;
    held.error = core::GatewayError{
        core::ErrorKind::InvalidRequest,
        "model '" + ex.requested_model + "' resolves to provider '" + t.provider->config.name +
            "' (" + std::string(protocol::to_string(t.provider->config.type)) + " wire), but " +
            std::string(protocol::wire_name(ex.endpoint)) +
            " requests are only passed through to providers of the same wire",
        "model", "translation_unavailable"};
    co_await answer_held(ex, std::move(held));
    co_return Attempt{};
  }

  /// For a writer that cannot watch its client with a reactor operation.
  static boost::asio::awaitable<Verdict> run_racing(Exchange& ex) {
    co_await (run(ex, false) || ex.writer.wait_client_gone());
    co_return Verdict::Respond;
  }

  /// The attempts. `watched`: on_request armed the writer's watch of the client, which ends
  /// with this coroutine however it ends.
  static boost::asio::awaitable<Verdict> run(Exchange& ex, bool watched) {
    struct Unwatch {
      http::ResponseWriter& w;
      bool armed;
      ~Unwatch() {
        if (armed) w.unwatch_client_gone();
      }
    } unwatch{ex.writer, watched};
    const auto& plan = ex.plan;
    const auto& routing_cfg = ex.snapshot->config.routing;
    const bool is_route = ex.resolution && ex.resolution->route;
    const auto deadline = ex.start + plan.deadline;
    // Tries per eligible target; a chain rarely has more than eight (no allocation then).
    boost::container::small_vector<int, 8> tries(plan.eligible, 0);
    std::optional<HeldAnswer> held;
    std::size_t cursor = 0;
    // Made on the first wait: a timer's construction looks its service up under the context's
    // lock, and most requests never wait.
    std::optional<boost::asio::steady_timer> timer;

    while (ex.attempts < plan.max_attempts && plan.eligible > 0) {
      // The next candidate that may take a request now. A route skips open circuits and
      // running retry-afters (a due probe is claimed here); a target this request already tried
      // is waited for below instead, unless its circuit opened. A name that is not a route has
      // nowhere else to go and is always tried.
      std::size_t pick = plan.eligible;
      for (std::size_t n = 0; n < plan.eligible; ++n) {
        const std::size_t i = (cursor + n) % plan.eligible;
        const auto* t = plan.order[i].target;
        const bool ok =
            !is_route ||
            (tries[i] > 0 ? t->health->view(core::coarse_now(), routing_cfg.health).circuit ==
                                routing::Circuit::Closed
                          : t->health->admit(core::coarse_now(), routing_cfg.health));
        if (ok) {
          pick = i;
          break;
        }
      }
      if (pick == plan.eligible) break;
      cursor = pick + 1;
      const routing::Target& t = *plan.order[pick].target;
      if (tries[pick] > 0) {
        // Round again on a target this request already tried: wait its retry-after, or back off.
        auto wait = routing::backoff(tries[pick], routing_cfg, routing::random_seed());
        const auto view = t.health->view(core::coarse_now(), routing_cfg.health);
        if (view.available_in) {
          // The upstream asks for longer than sluice waits: the client gets its answer.
          if (*view.available_in > routing_cfg.retry_after_max) break;
          wait = std::max(wait, *view.available_in);
        }
        if (core::coarse_now() + wait >= deadline) break;
        if (!timer) {
          const auto executor =
              co_await boost::asio::this_coro::executor;  // not in an argument: GCC 12
          timer.emplace(executor);
        }
        timer->expires_after(wait);
        co_await timer->async_wait(boost::asio::use_awaitable);
      }
      const bool in_time = core::coarse_now() < deadline;
      if (!in_time && ex.attempts > 0) break;
      ++tries[pick];
      ++ex.attempts;
      ex.target = &t;
      const bool may_retry = ex.attempts < plan.max_attempts && in_time;
      const auto began = Clock::now();
      t.health->enter();
      // Noted before the attempt: a strict audit writes the record before the answer leaves,
      // which is before attempt() returns; an unfinished note reads as the final outcome.
      ex.attempt_log.push_back({t.label(), {}, 0, 0});
      Attempt a = co_await attempt(ex, t, may_retry);
      t.health->leave();
      const auto ended = Clock::now();
      record(ex, t, a, began, ended);
      auto& note = ex.attempt_log.back();
      note.outcome = a.failure == routing::Failure::None
                         ? std::string("ok")
                         : std::string(routing::to_string(a.failure));
      note.status = a.status;
      note.ms = std::chrono::duration_cast<std::chrono::milliseconds>(ended - began).count();
      if (a.answered) co_return Verdict::Respond;
      log::info("request {}: attempt {} on {} failed ({}{}); trying again", ex.request_id,
                ex.attempts, t.label(), routing::to_string(a.failure),
                a.status ? " " + std::to_string(a.status) : std::string());
      note_fallback(ex, t, a);
      held = std::move(a.held);
    }
    if (held) {
      co_await answer_held(ex, std::move(*held));
      co_return Verdict::Respond;
    }
    http::Headers extra;
    if (plan.eligible == 0 && is_route) {
      co_await respond_error(ex, no_fit(ex, extra), 0, std::move(extra));
      co_return Verdict::Respond;
    }
    auto err = unavailable(ex, extra);
    co_await respond_error(ex, std::move(err), 0, std::move(extra));
    co_return Verdict::Respond;
  }

  /// No candidate of the route is eligible: say why each was left out.
  static core::GatewayError no_fit(const Exchange& ex, http::Headers& headers) {
    bool health_only = true;
    std::string why;
    for (const auto& s : ex.plan.order) {
      if (s.excluded != routing::Exclusion::CircuitOpen &&
          s.excluded != routing::Exclusion::RateLimited) {
        health_only = false;
      }
      if (!why.empty()) why += "; ";
      why += s.target->label() + ": " + std::string(routing::to_string(s.excluded));
    }
    if (health_only) return unavailable(ex, headers);
    return {
        core::ErrorKind::InvalidRequest,
        "no target of route '" + ex.resolution->model + "' can serve this request (" + why + ")",
        "model", "no_capable_target"};
  }
};

}  // namespace

core::GatewayError from_upstream(const http::UpstreamError& e, const std::string& provider) {
  const bool timeout = e.kind == http::UpstreamError::Kind::Timeout;
  return {timeout ? core::ErrorKind::UpstreamTimeout : core::ErrorKind::UpstreamUnreachable,
          "provider '" + provider + "': " + e.message, "",
          timeout ? "upstream_timeout" : "upstream_unreachable"};
}

routing::Failure failure_of(const http::UpstreamError& e) {
  switch (e.kind) {
    case http::UpstreamError::Kind::Connect:
      return routing::Failure::Connect;
    case http::UpstreamError::Kind::Timeout:
      return routing::Failure::Timeout;
    default:
      return routing::Failure::StreamError;
  }
}

http::ClientTimeouts timeouts_of(const core::Config& c) {
  return {c.timeouts.connect, c.timeouts.first_byte, c.timeouts.idle, c.timeouts.total};
}

bool is_event_stream(const http::Headers& upstream) {
  const std::string* ctype = http::find_header(upstream, "content-type");
  return ctype && ctype->find("text/event-stream") != std::string::npos;
}

boost::asio::awaitable<std::optional<std::string>> read_body(Exchange& ex,
                                                             http::UpstreamResponse& resp,
                                                             std::string body) {
  const bool complete = co_await resp.read_all(body, kMaxUpstreamBody);
  if (!complete) {
    ex.upstream_error = resp.error()->message;
    co_return std::nullopt;
  }
  ex.upstream_bytes += body.size();
  co_return body;
}

boost::asio::awaitable<Attempt> transport_failure(Exchange& ex, const routing::Target& t,
                                                  const http::UpstreamError& e, bool may_retry) {
  ex.upstream_error = e.message;
  Attempt a;
  a.failure = failure_of(e);
  a.held.error = from_upstream(e, t.provider->config.name);
  if (e.kind == http::UpstreamError::Kind::Cancelled) {
    a.answered = true;  // our client left; nobody to answer
    a.failure = routing::Failure::None;
    co_return a;
  }
  a.answered = !may_retry;
  if (a.answered) co_await answer_held(ex, std::move(a.held));
  co_return a;
}

boost::asio::awaitable<void> answer_held(Exchange& ex, HeldAnswer held) {
  if (held.error) {
    co_await respond_error(ex, std::move(*held.error), held.status, std::move(held.headers));
    co_return;
  }
  ex.status = held.status;
  add_sluice_headers(ex, held.headers);
  co_await ex.writer.send(held.status, std::move(held.headers), std::move(held.body));
}

StagePtr make_execute_stage() {
  return std::make_unique<ExecuteStage>();
}

}  // namespace sluice::pipeline
