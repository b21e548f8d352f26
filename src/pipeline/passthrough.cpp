// Passthrough: the client's bytes go to a provider of the same wire with only the model span and
// the credentials rewritten, and the provider's bytes come back as they arrive. When another
// attempt may follow, a failed answer is held instead of relayed, and a stream's headers wait
// for its first content event, so that an upstream that opens its stream with an error can
// still be failed over. The last attempt relays as soon as bytes arrive.

#include "core/coarse_clock.hpp"
#include "core/log.hpp"
#include "http/sse.hpp"
#include "pipeline/execute.hpp"
#include "protocol/errors.hpp"
#include "protocol/stream_probe.hpp"
#include "protocol/usage_probe.hpp"
#include "providers/forwarding.hpp"
#include "routing/retry.hpp"

namespace sluice::pipeline {
namespace {

/// The wire of the upstream's stream (its events are the client's own).
protocol::Endpoint stream_wire(protocol::Endpoint e) {
  return e == protocol::Endpoint::GenerateContent ? protocol::Endpoint::StreamGenerate : e;
}

}  // namespace

boost::asio::awaitable<Attempt> forward_passthrough(Exchange& ex, const routing::Target& t,
                                                    bool may_retry) {
  const auto& p = *t.provider;
  http::UpstreamRequest up;
  up.method = "POST";
  up.target =
      providers::upstream_target(p, ex.endpoint, ex.request.path(), ex.request.query(), t.model);
  up.headers = providers::upstream_headers(p, t.account_config().api_key, ex.request.headers);
  const bool rewrite =
      protocol::family_of(ex.endpoint) != protocol::Family::Gemini && t.model != ex.requested_model;
  // The client's body as it came is sent from where it lies (nothing changes it while the
  // attempt runs); only a rewritten one is a new string.
  if (rewrite) {
    up.body = protocol::rewrite_model(ex.request.body, ex.probe, t.model);
  } else {
    up.borrowed_body = &ex.request.body;
  }
  // Accounting needs a chat stream's usage even when the client did not ask for it; the extra
  // chunk is then filtered out of what the client sees.
  std::optional<protocol::UsageChunkFilter> hide_usage;
  if (ex.stream && ex.endpoint == protocol::Endpoint::ChatCompletions && ex.governance) {
    if (auto with_usage = protocol::request_stream_usage(up.body_to_send())) {
      up.body = std::move(*with_usage);
      up.borrowed_body = nullptr;
      hide_usage.emplace();
    }
  }

  const auto sent = core::coarse_now();  // for the first-byte deadline only
  const auto timeouts = timeouts_of(ex.snapshot->config);
  auto r = co_await http::send_upstream(p.origin, std::move(up), timeouts);
  if (auto* e = std::get_if<http::UpstreamError>(&r)) {
    co_return co_await transport_failure(ex, t, *e, may_retry);
  }
  auto& resp = std::get<http::UpstreamResponse>(r);
  Attempt a;
  a.status = resp.status();
  a.failure = routing::failure_of_status(a.status);
  a.retry_after = routing::retry_after_of(resp.headers());
  a.headroom = routing::headroom_of(resp.headers());
  const bool event_stream = is_event_stream(resp.headers());
  http::Headers headers = providers::client_headers(resp.take_headers());

  if (!event_stream) {
    // Most answers came whole with their head: taken without a coroutine.
    std::string raw;
    std::optional<std::string> body;
    if (resp.read_buffered(raw)) {
      ex.upstream_bytes += raw.size();
      body = std::move(raw);
    } else {
      body = co_await read_body(ex, resp, std::move(raw));
    }
    if (!body) {
      co_return co_await transport_failure(ex, t, *resp.error(), may_retry);
    }
    if (a.failure == routing::Failure::None && may_retry && ex.plan.retry_on_content_filter &&
        protocol::is_content_filtered(ex.endpoint, *body)) {
      a.failure = routing::Failure::ContentFilter;
    }
    const auto answered = Clock::now();  // the body is whole: first content and first byte
    a.first_content = answered;
    if (a.failure != routing::Failure::None && may_retry) {
      a.answered = false;
      a.held = {a.status, std::move(headers), std::move(*body), std::nullopt};
      co_return a;
    }
    if (a.status >= 200 && a.status < 300) ex.usage = protocol::usage_of_body(ex.endpoint, *body);
    ex.status = a.status;
    ex.first_byte = answered;
    add_sluice_headers(ex, headers);
    co_await ex.writer.send(a.status, std::move(headers), std::move(*body));
    co_return a;
  }

  std::string chunk;
  chunk.reserve(16 * 1024);
  // The reader only observes the relayed bytes (event count now; usage and guardrails later).
  http::SseReader sse;
  protocol::StreamUsage usage(ex.endpoint);
  const auto count_event = [&ex, &usage](const http::SseEvent& e) {
    ++ex.stream_events;
    usage.on_event(e);
  };
  // What the client gets of a chunk: all of it, unless sluice asked for usage on its behalf.
  std::string visible;
  const auto client_bytes = [&](std::string_view raw) -> std::string_view {
    if (!hide_usage) return raw;
    return hide_usage->feed(raw, visible);
  };

  if (may_retry) {
    // Hold the client's headers until the stream says something decisive.
    auto signal = protocol::StreamSignal::Framing;
    const auto wire = stream_wire(ex.endpoint);
    const auto classify = [&](const http::SseEvent& e) {
      ++ex.stream_events;
      usage.on_event(e);
      if (signal == protocol::StreamSignal::Framing)
        signal = protocol::classify_stream_event(wire, e);
    };
    bool more = true;
    while (signal == protocol::StreamSignal::Framing && more && chunk.size() < kMaxHeldStream) {
      const auto left = timeouts.first_byte - std::chrono::duration_cast<std::chrono::milliseconds>(
                                                  core::coarse_now() - sent);
      const auto within = std::max(left, std::chrono::milliseconds(1));
      const std::size_t before = chunk.size();
      more = co_await resp.read_some_within(chunk, within);
      sse.feed(std::string_view(chunk).substr(before), classify);
    }
    ex.upstream_bytes += chunk.size();
    if (resp.error() && signal == protocol::StreamSignal::Framing) {
      co_return co_await transport_failure(ex, t, *resp.error(), may_retry);
    }
    if (signal == protocol::StreamSignal::Error ||
        (signal == protocol::StreamSignal::ContentFilter && ex.plan.retry_on_content_filter)) {
      a.failure = signal == protocol::StreamSignal::Error ? routing::Failure::StreamError
                                                          : routing::Failure::ContentFilter;
      a.answered = false;
      if (!sse.at_boundary()) chunk += "\n\n";
      a.held = {a.status, std::move(headers), std::move(chunk), std::nullopt};
      co_return a;
    }
    a.first_content = Clock::now();
    if (a.failure != routing::Failure::None) {  // an error status that still streamed
      a.answered = false;
      a.held = {a.status, std::move(headers), std::move(chunk), std::nullopt};
      co_return a;
    }
    // Decided: from here on this attempt is the answer.
    add_sluice_headers(ex, headers);
    ex.status = a.status;
    const bool started = co_await ex.writer.start_stream(a.status, std::move(headers));
    if (!started) co_return a;
    ex.first_byte = Clock::now();
    const auto first = client_bytes(chunk);
    if (!first.empty()) {
      const bool written = co_await ex.writer.write_chunk(first);
      if (!written) co_return a;
    }
    if (!more) {
      ex.usage = usage.usage();
      if (hide_usage && hide_usage->held()) {
        const std::string rest = hide_usage->take_rest();
        co_await ex.writer.write_chunk(rest);
      }
      co_await ex.writer.end_stream();
      co_return a;
    }
  } else {
    ex.status = a.status;
    add_sluice_headers(ex, headers);
    const bool started = co_await ex.writer.start_stream(a.status, std::move(headers));
    if (!started) co_return a;
    ex.first_byte = Clock::now();
  }

  for (;;) {
    chunk.clear();
    const bool more = co_await resp.read_some(chunk);
    if (!chunk.empty()) {
      if (!a.first_content) a.first_content = Clock::now();
      ex.upstream_bytes += chunk.size();
      sse.feed(chunk, count_event);
      ex.usage = usage.usage();
      const auto out = client_bytes(chunk);
      if (!out.empty()) {
        const bool written = co_await ex.writer.write_chunk(out);
        if (!written) co_return a;  // client gone
      }
    }
    if (!more) break;
  }
  if (hide_usage && hide_usage->held()) {
    const std::string rest = hide_usage->take_rest();
    const bool written = co_await ex.writer.write_chunk(rest);
    if (!written) co_return a;
  }
  if (const auto& err = resp.error()) {
    // Past the first byte nothing can be retried: end with the client's own error event.
    ex.upstream_error = err->message;
    log::warn("request {}: upstream {} broke mid-stream: {}", ex.request_id, p.config.name,
              err->message);
    if (!sse.at_boundary()) co_await ex.writer.write_chunk("\n\n");  // close the torn event
    auto gerr = from_upstream(*err, p.config.name);
    co_await ex.writer.write_chunk(protocol::stream_error_event(ex.endpoint, gerr, ex.request_id));
    ex.error = std::move(gerr);
    if (a.failure == routing::Failure::None) a.failure = routing::Failure::StreamError;
  }
  co_await ex.writer.end_stream();
  co_return a;
}

}  // namespace sluice::pipeline
