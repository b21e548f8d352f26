// execute: call the provider and relay its answer. Passthrough only (client wire == provider
// wire): the client's bytes go up with the model name and credentials rewritten, and the
// provider's bytes come back as they arrive. Cross-wire requests need the translation layer.

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "core/log.hpp"
#include "http/sse.hpp"
#include "pipeline/pipeline.hpp"
#include "protocol/errors.hpp"
#include "providers/forwarding.hpp"

namespace sluice::pipeline {
namespace {

using namespace boost::asio::experimental::awaitable_operators;
constexpr std::size_t kMaxUpstreamBody = 256 * 1024 * 1024;

core::GatewayError from_upstream(const http::UpstreamError& e, const std::string& provider) {
  using K = http::UpstreamError::Kind;
  switch (e.kind) {
    case K::Timeout:
      return {core::ErrorKind::UpstreamTimeout, "provider '" + provider + "': " + e.message, "",
              "upstream_timeout"};
    case K::Connect:
    case K::Protocol:
    case K::Closed:
    case K::Cancelled:
      break;
  }
  return {core::ErrorKind::UpstreamUnreachable, "provider '" + provider + "': " + e.message, "",
          "upstream_unreachable"};
}

class ExecuteStage final : public Stage {
 public:
  std::string_view name() const override { return "execute"; }

  boost::asio::awaitable<Verdict> on_request(Exchange& ex) override {
    const auto& res = *ex.resolution;
    const auto& p = *res.provider;
    const auto client_family = protocol::family_of(ex.endpoint);
    if (p.config.type != client_family) {
      co_return co_await respond_error(
          ex, {core::ErrorKind::InvalidRequest,
               "model '" + ex.requested_model + "' resolves to provider '" + p.config.name +
                   "', which speaks the " + std::string(protocol::to_string(p.config.type)) +
                   " wire, but this request uses the " +
                   std::string(protocol::wire_name(ex.endpoint)) +
                   " wire; cross-protocol translation is not available in this build. Address a "
                   "provider of the same wire (GET /v1/models lists them).",
               "model", "translation_unavailable"});
    }
    http::UpstreamRequest up;
    up.method = "POST";
    up.target = providers::upstream_target(p, ex.endpoint, ex.request.path(), ex.request.query(),
                                           res.model);
    up.headers = providers::upstream_headers(p, ex.request.headers);
    const bool rewrite = client_family != protocol::Family::Gemini && res.model != ex.requested_model;
    up.body = rewrite ? protocol::rewrite_model(ex.request.body, ex.probe, res.model)
                      : ex.request.body;

    // Race the exchange against the client hanging up, so an abandoned request releases its
    // upstream connection at once instead of at the next write.
    co_await (forward(ex, p, up) || ex.writer.wait_client_gone());
    if (!ex.writer.started() || ex.status == 0) {
      if (ex.status == 0) ex.status = 499;  // nginx's "client closed request"
    }
    co_return Verdict::Respond;
  }

 private:
  static http::ClientTimeouts timeouts_of(const core::Config& c) {
    return {c.timeouts.connect, c.timeouts.first_byte, c.timeouts.idle, c.timeouts.total};
  }

  boost::asio::awaitable<void> forward(Exchange& ex, const providers::Provider& p,
                                       const http::UpstreamRequest& up) {
    auto r = co_await http::send_upstream(p.origin, up, timeouts_of(ex.snapshot->config));
    if (auto* e = std::get_if<http::UpstreamError>(&r)) {
      ex.upstream_error = e->message;
      co_await respond_error(ex, from_upstream(*e, p.config.name));
      co_return;
    }
    auto& resp = std::get<http::UpstreamResponse>(r);
    ex.status = resp.status();
    http::Headers headers = providers::client_headers(resp.headers());
    add_sluice_headers(ex, headers);
    const std::string* ctype = http::find_header(resp.headers(), "content-type");
    const bool is_sse = ctype && ctype->find("text/event-stream") != std::string::npos;

    if (!is_sse) {
      std::string body;
      if (!co_await resp.read_all(body, kMaxUpstreamBody)) {
        ex.upstream_error = resp.error()->message;
        co_await respond_error(ex, from_upstream(*resp.error(), p.config.name));
        co_return;
      }
      ex.upstream_bytes = body.size();
      ex.first_byte = Clock::now();
      co_await ex.writer.send(resp.status(), std::move(headers), std::move(body));
      co_return;
    }

    if (!co_await ex.writer.start_stream(resp.status(), std::move(headers))) co_return;
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
        if (!co_await ex.writer.write_chunk(chunk)) co_return;  // client gone
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
};

}  // namespace

StagePtr make_execute_stage() { return std::make_unique<ExecuteStage>(); }

}  // namespace sluice::pipeline
