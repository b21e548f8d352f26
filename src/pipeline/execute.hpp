#pragma once
// The two paths through execute (DESIGN.md): passthrough when the client and the provider speak
// the same wire, translation through the IR when they do not. Internal to pipeline/.

#include <boost/asio/awaitable.hpp>

#include "http/client.hpp"
#include "pipeline/stage.hpp"

namespace sluice::pipeline {

/// Forwards the client's bytes (model span and credentials rewritten) and relays the answer.
boost::asio::awaitable<void> forward_passthrough(Exchange& ex, const providers::Provider& p);
/// Translates the request into the provider's wire, and the answer (or each stream event) back.
boost::asio::awaitable<void> forward_translated(Exchange& ex, const providers::Provider& p);
/// count_tokens against a provider of another wire: a documented estimate, never a silent zero.
boost::asio::awaitable<void> answer_token_estimate(Exchange& ex);

/// An upstream transport failure as the client will see it (502 unreachable, 504 timeout).
core::GatewayError from_upstream(const http::UpstreamError& e, const std::string& provider);
http::ClientTimeouts timeouts_of(const core::Config& c);
/// True when the upstream answered with a server-sent event stream.
bool is_event_stream(const http::Headers& upstream);
/// Reads a whole (non-stream) upstream body. On failure it records the cause, answers the
/// client in its error shape, and returns nullopt.
boost::asio::awaitable<std::optional<std::string>> read_body_or_respond(
    Exchange& ex, http::UpstreamResponse& resp, const providers::Provider& p);
constexpr std::size_t kMaxUpstreamBody = 256 * 1024 * 1024;

}  // namespace sluice::pipeline
