// Translation: the client's request goes through the IR into the provider's wire, and the answer
// (whole, or event by event as it streams) comes back through the IR into the client's wire.

#include <chrono>

#include "core/log.hpp"
#include "pipeline/execute.hpp"
#include "protocol/codec.hpp"
#include "protocol/errors.hpp"
#include "protocol/events.hpp"
#include "protocol/json_probe.hpp"
#include "providers/forwarding.hpp"

namespace sluice::pipeline {
namespace {

constexpr std::size_t kMaxErrorBody = 1024 * 1024;

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& s : items) {
    if (out.find(s) != std::string::npos) continue;  // reported once
    if (!out.empty()) out += ", ";
    out += s;
  }
  return out;
}

std::int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

protocol::RequestContext context_of(const Exchange& ex) {
  return {ex.endpoint, ex.requested_model, ex.endpoint == protocol::Endpoint::StreamGenerate};
}

}  // namespace

boost::asio::awaitable<void> forward_translated(Exchange& ex, const providers::Provider& p) {
  const protocol::WireCodec& client = *protocol::codec_for(ex.endpoint);
  const protocol::WireCodec& provider = protocol::provider_codec(p.config.type);

  auto parsed = client.parse_request(ex.request.body, context_of(ex));
  if (auto* err = std::get_if<core::GatewayError>(&parsed)) {
    co_await respond_error(ex, std::move(*err));
    co_return;
  }
  ir::Request req = std::move(std::get<ir::Request>(parsed));
  if (req.n > 1 && p.config.type != protocol::Family::OpenAI) {
    // Named, not a braced temporary in the co_await operand: GCC 12 destroys those early.
    core::GatewayError err{
        core::ErrorKind::InvalidRequest,
        "n=" + std::to_string(req.n) + " asks for several choices, which provider '" +
            p.config.name + "' (" + std::string(protocol::to_string(p.config.type)) +
            " wire) cannot return in one call; send separate requests or use n=1",
        "n", "unsupported_parameter"};
    co_await respond_error(ex, std::move(err));
    co_return;
  }
  protocol::EncodeOptions opts;
  opts.model = ex.requested_model;
  opts.id = ex.request_id;
  opts.created = unix_now();
  opts.include_usage = req.stream_usage;
  opts.request = &req;  // outlives every encoder below
  req.model = ex.resolution->model;
  req.stream_usage = true;  // the gateway always wants usage; the encoder hides it unless asked

  http::UpstreamRequest up;
  up.method = "POST";
  up.body = provider.serialize_request(req);
  up.target = p.origin.base_path + provider.upstream_path(req);
  up.headers = providers::translated_headers(p, ex.request.headers);
  ex.dropped = join(req.dropped);
  if (!ex.dropped.empty() && p.config.strict) {
    core::GatewayError err{
        core::ErrorKind::InvalidRequest,
        "provider '" + p.config.name + "' is strict and its wire cannot express: " + ex.dropped, "",
        "untranslatable_fields"};
    co_await respond_error(ex, std::move(err));
    co_return;
  }

  auto r = co_await http::send_upstream(p.origin, std::move(up), timeouts_of(ex.snapshot->config));
  if (auto* e = std::get_if<http::UpstreamError>(&r)) {
    ex.upstream_error = e->message;
    co_await respond_error(ex, from_upstream(*e, p.config.name));
    co_return;
  }
  auto& resp = std::get<http::UpstreamResponse>(r);
  const int status = resp.status();

  if (status < 200 || status >= 300) {
    // The provider's error, in the client's shape, with its status and retry hints.
    std::string body;
    co_await resp.read_all(body, kMaxErrorBody);
    auto err = provider.parse_error(status, body);
    ex.upstream_error = err.message;
    co_await respond_error(ex, std::move(err), status,
                           providers::translated_response_headers(resp.headers()));
    co_return;
  }

  http::Headers headers = providers::translated_response_headers(resp.headers());
  add_sluice_headers(ex, headers);
  if (!ex.dropped.empty()) headers.push_back({"x-sluice-dropped", ex.dropped});
  if (!is_event_stream(resp.headers())) {
    auto body = co_await read_body_or_respond(ex, resp, p);
    if (!body) co_return;
    auto res = provider.parse_response(*body);
    if (auto* err = std::get_if<core::GatewayError>(&res)) {
      ex.upstream_error = err->message;
      core::GatewayError bad{
          core::ErrorKind::UpstreamUnreachable,
          "provider '" + p.config.name + "' sent a response sluice cannot read: " + err->message,
          "", "bad_upstream_response"};
      co_await respond_error(ex, std::move(bad));
      co_return;
    }
    ex.status = status;
    ex.first_byte = Clock::now();
    if (!ex.stream) {
      headers.push_back({"content-type", "application/json"});
      co_await ex.writer.send(status, std::move(headers),
                              client.serialize_response(std::get<ir::Response>(res), opts));
      co_return;
    }
    // A streaming client answered from a whole upstream response: replay it as events.
    headers.push_back({"content-type", "text/event-stream"});
    headers.push_back({"cache-control", "no-cache"});
    const bool started = co_await ex.writer.start_stream(status, std::move(headers));
    if (!started) co_return;
    auto encoder = client.encoder(opts);
    std::string out;
    for (const auto& ev : protocol::events_of(std::get<ir::Response>(res)))
      encoder->on_event(ev, out);
    const bool written = co_await ex.writer.write_chunk(out);
    if (written) co_await ex.writer.end_stream();
    co_return;
  }

  ex.status = status;
  headers.push_back({"content-type", "text/event-stream"});
  headers.push_back({"cache-control", "no-cache"});
  const bool started = co_await ex.writer.start_stream(status, std::move(headers));
  if (!started) co_return;
  ex.first_byte = Clock::now();

  auto decoder = provider.decoder();
  auto encoder = client.encoder(opts);
  http::SseReader sse;
  std::vector<ir::Event> events;
  std::string chunk, out;
  chunk.reserve(16 * 1024);
  const auto on_sse = [&](const http::SseEvent& e) {
    ++ex.stream_events;
    decoder->on_event(e, events);
  };
  for (;;) {
    chunk.clear();
    const bool more = co_await resp.read_some(chunk);
    if (!chunk.empty()) {
      ex.upstream_bytes += chunk.size();
      sse.feed(chunk, on_sse);
      out.clear();
      for (const auto& ev : events) encoder->on_event(ev, out);
      events.clear();
      // One client write per upstream read: events go out as soon as they are complete.
      if (!out.empty()) {
        const bool written = co_await ex.writer.write_chunk(out);
        if (!written) co_return;  // client gone
      }
    }
    if (!more) break;
  }
  out.clear();
  if (const auto& err = resp.error()) {
    // Past the first byte nothing can be retried: end with the client's own error event.
    ex.upstream_error = err->message;
    log::warn("request {}: upstream {} broke mid-stream: {}", ex.request_id, p.config.name,
              err->message);
    auto gerr = from_upstream(*err, p.config.name);
    ir::Event e;
    e.kind = ir::Event::Kind::Error;
    e.error_type = "api_error";
    e.text = gerr.message;
    encoder->on_event(e, out);
    ex.error = std::move(gerr);
  } else {
    decoder->on_end(events);
    for (const auto& ev : events) encoder->on_event(ev, out);
  }
  if (!out.empty()) {
    const bool written = co_await ex.writer.write_chunk(out);
    if (!written) co_return;
  }
  co_await ex.writer.end_stream();
}

boost::asio::awaitable<void> answer_token_estimate(Exchange& ex) {
  const bool gemini = ex.endpoint == protocol::Endpoint::GeminiCountTokens;
  const auto& codec = *protocol::codec_for(gemini ? protocol::Endpoint::GenerateContent
                                                  : protocol::Endpoint::Messages);
  auto parsed = codec.parse_request(ex.request.body, context_of(ex));
  if (auto* err = std::get_if<core::GatewayError>(&parsed)) {
    co_await respond_error(ex, std::move(*err));
    co_return;
  }
  const auto tokens = protocol::estimate_input_tokens(std::get<ir::Request>(parsed));
  http::Headers h{{"content-type", "application/json"}, {"x-sluice-estimated", "true"}};
  add_sluice_headers(ex, h);
  ex.status = 200;
  std::string body = gemini ? R"({"totalTokens":)" + std::to_string(tokens) + "}"
                            : R"({"input_tokens":)" + std::to_string(tokens) + "}";
  co_await ex.writer.send(200, std::move(h), std::move(body));
}

}  // namespace sluice::pipeline
