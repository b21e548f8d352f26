// Passthrough: the client's bytes go to a provider of the same wire with only the model span and
// the credentials rewritten, and the provider's bytes come back as they arrive.

#include "core/log.hpp"
#include "http/sse.hpp"
#include "pipeline/execute.hpp"
#include "protocol/errors.hpp"
#include "providers/forwarding.hpp"

namespace sluice::pipeline {

boost::asio::awaitable<void> forward_passthrough(Exchange& ex, const providers::Provider& p) {
  const auto& res = *ex.resolution;
  http::UpstreamRequest up;
  up.method = "POST";
  up.target =
      providers::upstream_target(p, ex.endpoint, ex.request.path(), ex.request.query(), res.model);
  up.headers = providers::upstream_headers(p, ex.request.headers);
  const bool rewrite = protocol::family_of(ex.endpoint) != protocol::Family::Gemini &&
                       res.model != ex.requested_model;
  up.body =
      rewrite ? protocol::rewrite_model(ex.request.body, ex.probe, res.model) : ex.request.body;

  auto r = co_await http::send_upstream(p.origin, std::move(up), timeouts_of(ex.snapshot->config));
  if (auto* e = std::get_if<http::UpstreamError>(&r)) {
    ex.upstream_error = e->message;
    co_await respond_error(ex, from_upstream(*e, p.config.name));
    co_return;
  }
  auto& resp = std::get<http::UpstreamResponse>(r);
  ex.status = resp.status();
  http::Headers headers = providers::client_headers(resp.headers());
  add_sluice_headers(ex, headers);
  if (!is_event_stream(resp.headers())) {
    auto body = co_await read_body_or_respond(ex, resp, p);
    if (!body) co_return;
    ex.first_byte = Clock::now();
    co_await ex.writer.send(resp.status(), std::move(headers), std::move(*body));
    co_return;
  }

  const bool started = co_await ex.writer.start_stream(resp.status(), std::move(headers));
  if (!started) co_return;
  ex.first_byte = Clock::now();
  std::string chunk;
  chunk.reserve(16 * 1024);
  // The reader only observes the relayed bytes (event count now; usage and guardrails later).
  http::SseReader sse;
  const auto count_event = [&ex](const http::SseEvent&) { ++ex.stream_events; };
  for (;;) {
    chunk.clear();
    const bool more = co_await resp.read_some(chunk);
    if (!chunk.empty()) {
      ex.upstream_bytes += chunk.size();
      sse.feed(chunk, count_event);
      const bool written = co_await ex.writer.write_chunk(chunk);
      if (!written) co_return;  // client gone
    }
    if (!more) break;
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
  }
  co_await ex.writer.end_stream();
}

}  // namespace sluice::pipeline
