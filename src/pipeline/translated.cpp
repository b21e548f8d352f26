// Translation: the client's request goes through the IR into the provider's wire, and the answer
// (whole, or event by event as it streams) comes back through the IR into the client's wire.

#include <chrono>

#include "core/log.hpp"
#include "pipeline/execute.hpp"
#include "protocol/codec.hpp"
#include "protocol/errors.hpp"
#include "protocol/events.hpp"
#include "protocol/json_probe.hpp"
#include "protocol/stream_probe.hpp"
#include "providers/forwarding.hpp"
#include "routing/retry.hpp"

namespace sluice::pipeline {
namespace {

constexpr std::size_t kMaxErrorBody = 1024 * 1024;

/// Usage arrives in pieces (input at Start, cumulative counts later): keep the latest non-zero
/// value of each count.
void note_usage(Exchange& ex, const ir::Event& ev) {
  using K = ir::Event::Kind;
  if (ev.kind != K::Start && ev.kind != K::Usage && ev.kind != K::Finish) return;
  const auto& u = ev.usage;
  if (u.input == 0 && u.output == 0 && u.cache_read == 0 && u.cache_write == 0) return;
  auto& acc = ex.usage ? *ex.usage : ex.usage.emplace();
  if (u.input) acc.input = u.input;
  if (u.output) acc.output = u.output;
  if (u.cache_read) acc.cache_read = u.cache_read;
  if (u.cache_write) acc.cache_write = u.cache_write;
  if (u.reasoning) acc.reasoning = u.reasoning;
}

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

/// How a decoded event bears on whether this attempt is worth keeping.
protocol::StreamSignal signal_of(const ir::Event& ev) {
  using K = ir::Event::Kind;
  switch (ev.kind) {
    case K::Start:
    case K::PartStart:
    case K::Usage:
      return protocol::StreamSignal::Framing;
    case K::Error:
      return protocol::StreamSignal::Error;
    case K::Finish:
      return ev.stop == ir::StopReason::ContentFilter || ev.stop == ir::StopReason::Refusal
                 ? protocol::StreamSignal::ContentFilter
                 : protocol::StreamSignal::Content;
    default:
      return protocol::StreamSignal::Content;
  }
}

protocol::RequestContext context_of(const Exchange& ex) {
  return {ex.endpoint, ex.requested_model, ex.endpoint == protocol::Endpoint::StreamGenerate};
}

}  // namespace

boost::asio::awaitable<Attempt> forward_translated(Exchange& ex, const routing::Target& t,
                                                   bool may_retry) {
  const auto& p = *t.provider;
  const protocol::WireCodec& client = *protocol::codec_for(ex.endpoint);
  const protocol::WireCodec& provider = protocol::provider_codec(p.config.type);

  // Routing may have parsed the request already; each attempt gets its own copy to rewrite.
  ir::Request req;
  if (ex.parsed) {
    req = *ex.parsed;
  } else {
    auto parsed = client.parse_request(ex.request.body, context_of(ex));
    if (auto* err = std::get_if<core::GatewayError>(&parsed)) {
      co_await respond_error(ex, std::move(*err));
      co_return Attempt{};
    }
    req = std::move(std::get<ir::Request>(parsed));
  }
  if (req.n > 1 && p.config.type != protocol::Family::OpenAI) {
    // Named, not a braced temporary in the co_await operand: GCC 12 destroys those early.
    core::GatewayError err{
        core::ErrorKind::InvalidRequest,
        "n=" + std::to_string(req.n) + " asks for several choices, which provider '" +
            p.config.name + "' (" + std::string(protocol::to_string(p.config.type)) +
            " wire) cannot return in one call; send separate requests or use n=1",
        "n", "unsupported_parameter"};
    co_await respond_error(ex, std::move(err));
    co_return Attempt{};
  }
  protocol::EncodeOptions opts;
  opts.model = ex.requested_model;
  opts.id = ex.request_id;
  opts.created = unix_now();
  opts.include_usage = req.stream_usage;
  opts.request = &req;  // outlives every encoder below
  req.model = t.model;
  req.stream_usage = true;  // the gateway always wants usage; the encoder hides it unless asked

  http::UpstreamRequest up;
  up.method = "POST";
  up.body = provider.serialize_request(req);
  up.target = p.origin.base_path + provider.upstream_path(req);
  up.headers = providers::translated_headers(p, t.account_config().api_key, ex.request.headers);
  ex.dropped = join(req.dropped);
  if (!ex.dropped.empty() && p.config.strict) {
    core::GatewayError err{
        core::ErrorKind::InvalidRequest,
        "provider '" + p.config.name + "' is strict and its wire cannot express: " + ex.dropped, "",
        "untranslatable_fields"};
    co_await respond_error(ex, std::move(err));
    co_return Attempt{};
  }

  const auto sent = Clock::now();
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

  if (a.status < 200 || a.status >= 300) {
    // The provider's error, in the client's shape, with its status and retry hints.
    std::string body;
    co_await resp.read_all(body, kMaxErrorBody);
    auto err = provider.parse_error(a.status, body);
    ex.upstream_error = err.message;
    a.answered = !(may_retry && a.failure != routing::Failure::None);
    a.held = {a.status, providers::translated_response_headers(resp.headers()), {}, std::move(err)};
    if (a.answered) co_await answer_held(ex, std::move(a.held));
    co_return a;
  }

  http::Headers headers = providers::translated_response_headers(resp.headers());
  if (!ex.dropped.empty()) headers.push_back({"x-sluice-dropped", ex.dropped});
  if (!is_event_stream(resp.headers())) {
    auto body = co_await read_body(ex, resp);
    if (!body) co_return co_await transport_failure(ex, t, *resp.error(), may_retry);
    auto res = provider.parse_response(*body);
    if (auto* err = std::get_if<core::GatewayError>(&res)) {
      ex.upstream_error = err->message;
      core::GatewayError bad{
          core::ErrorKind::UpstreamUnreachable,
          "provider '" + p.config.name + "' sent a response sluice cannot read: " + err->message,
          "", "bad_upstream_response"};
      a.failure = routing::Failure::ServerError;
      a.answered = !may_retry;
      a.held = {0, {}, {}, std::move(bad)};
      if (a.answered) co_await answer_held(ex, std::move(a.held));
      co_return a;
    }
    const auto& answer = std::get<ir::Response>(res);
    ex.usage = answer.usage;
    a.first_content = Clock::now();
    const bool filtered =
        answer.stop == ir::StopReason::ContentFilter || answer.stop == ir::StopReason::Refusal;
    const bool hold = may_retry && ex.plan.retry_on_content_filter && filtered;
    if (hold) a.failure = routing::Failure::ContentFilter;
    if (!ex.stream) {
      headers.push_back({"content-type", "application/json"});
      std::string out = client.serialize_response(answer, opts);
      if (hold) {
        a.answered = false;
        a.held = {a.status, std::move(headers), std::move(out), std::nullopt};
        co_return a;
      }
      ex.status = a.status;
      ex.first_byte = Clock::now();
      add_sluice_headers(ex, headers);
      co_await ex.writer.send(a.status, std::move(headers), std::move(out));
      co_return a;
    }
    // A streaming client answered from a whole upstream response: replay it as events.
    headers.push_back({"content-type", "text/event-stream"});
    headers.push_back({"cache-control", "no-cache"});
    auto encoder = client.encoder(opts);
    std::string out;
    for (const auto& ev : protocol::events_of(answer)) encoder->on_event(ev, out);
    if (hold) {
      a.answered = false;
      a.held = {a.status, std::move(headers), std::move(out), std::nullopt};
      co_return a;
    }
    ex.status = a.status;
    add_sluice_headers(ex, headers);
    const bool started = co_await ex.writer.start_stream(a.status, std::move(headers));
    if (!started) co_return a;
    ex.first_byte = Clock::now();
    const bool written = co_await ex.writer.write_chunk(out);
    if (written) co_await ex.writer.end_stream();
    co_return a;
  }

  headers.push_back({"content-type", "text/event-stream"});
  headers.push_back({"cache-control", "no-cache"});
  auto decoder = provider.decoder();
  auto encoder = client.encoder(opts);
  http::SseReader sse;
  std::vector<ir::Event> events;
  std::string chunk, out;
  chunk.reserve(16 * 1024);
  const auto on_sse = [&](const http::SseEvent& e) {
    ++ex.stream_events;
    const auto before = events.size();
    decoder->on_event(e, events);
    for (auto i = before; i < events.size(); ++i) note_usage(ex, events[i]);
  };

  bool more = true;
  if (may_retry) {
    // Hold the client's headers until the first decoded content (or error) event.
    auto signal = protocol::StreamSignal::Framing;
    while (signal == protocol::StreamSignal::Framing && more && out.size() < kMaxHeldStream) {
      const auto left = timeouts.first_byte -
                        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent);
      chunk.clear();
      more = co_await resp.read_some_within(chunk, std::max(left, std::chrono::milliseconds(1)));
      ex.upstream_bytes += chunk.size();
      sse.feed(chunk, on_sse);
      for (const auto& ev : events) {
        if (signal == protocol::StreamSignal::Framing) signal = signal_of(ev);
        if (ev.kind != ir::Event::Kind::Error) encoder->on_event(ev, out);
      }
      events.clear();
    }
    if (resp.error() && signal == protocol::StreamSignal::Framing) {
      co_return co_await transport_failure(ex, t, *resp.error(), may_retry);
    }
    const bool failed =
        signal == protocol::StreamSignal::Error ||
        (signal == protocol::StreamSignal::ContentFilter && ex.plan.retry_on_content_filter);
    if (failed) {
      a.failure = signal == protocol::StreamSignal::Error ? routing::Failure::StreamError
                                                          : routing::Failure::ContentFilter;
      a.answered = false;
      core::GatewayError err{core::ErrorKind::Unavailable,
                             "provider '" + p.config.name + "' opened its stream with an error", "",
                             "upstream_stream_error"};
      a.held = {0, {}, {}, std::move(err)};
      co_return a;
    }
  }
  a.first_content = Clock::now();
  ex.status = a.status;
  add_sluice_headers(ex, headers);
  const bool started = co_await ex.writer.start_stream(a.status, std::move(headers));
  if (!started) co_return a;
  ex.first_byte = Clock::now();
  if (!out.empty()) {
    const bool written = co_await ex.writer.write_chunk(out);
    if (!written) co_return a;
  }
  while (more) {
    chunk.clear();
    more = co_await resp.read_some(chunk);
    if (!chunk.empty()) {
      ex.upstream_bytes += chunk.size();
      sse.feed(chunk, on_sse);
      out.clear();
      for (const auto& ev : events) encoder->on_event(ev, out);
      events.clear();
      // One client write per upstream read: events go out as soon as they are complete.
      if (!out.empty()) {
        const bool written = co_await ex.writer.write_chunk(out);
        if (!written) co_return a;  // client gone
      }
    }
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
    a.failure = routing::Failure::StreamError;
  } else {
    decoder->on_end(events);
    for (const auto& ev : events) {
      note_usage(ex, ev);
      encoder->on_event(ev, out);
    }
  }
  if (!out.empty()) {
    const bool written = co_await ex.writer.write_chunk(out);
    if (!written) co_return a;
  }
  co_await ex.writer.end_stream();
  co_return a;
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
