// execute: call the provider and relay its answer, by passthrough when client and provider
// speak the same wire and by translation through the IR when they do not. The call races the
// client hanging up, so an abandoned request releases its upstream connection at once.

#include <boost/asio/experimental/awaitable_operators.hpp>

#include "pipeline/execute.hpp"
#include "pipeline/pipeline.hpp"
#include "protocol/codec.hpp"

namespace sluice::pipeline {
namespace {

using namespace boost::asio::experimental::awaitable_operators;

class ExecuteStage final : public Stage {
 public:
  std::string_view name() const override { return "execute"; }

  boost::asio::awaitable<Verdict> on_request(Exchange& ex) override {
    const auto& p = *ex.resolution->provider;
    const bool same_wire = p.config.type == protocol::family_of(ex.endpoint);
    if (same_wire) {
      co_await (forward_passthrough(ex, p) || ex.writer.wait_client_gone());
    } else if (ex.endpoint == protocol::Endpoint::CountTokens ||
               ex.endpoint == protocol::Endpoint::GeminiCountTokens) {
      co_await answer_token_estimate(ex);
    } else if (protocol::codec_for(ex.endpoint) == nullptr) {
      // Named, not a braced temporary in the co_await operand: GCC 12 destroys those early.
      core::GatewayError err{core::ErrorKind::InvalidRequest,
                             "model '" + ex.requested_model + "' resolves to provider '" +
                                 p.config.name + "' (" +
                                 std::string(protocol::to_string(p.config.type)) + " wire), but " +
                                 std::string(protocol::wire_name(ex.endpoint)) +
                                 " requests are only passed through to providers of the same wire",
                             "model", "translation_unavailable"};
      co_return co_await respond_error(ex, std::move(err));
    } else {
      co_await (forward_translated(ex, p) || ex.writer.wait_client_gone());
    }
    if (ex.status == 0) ex.status = 499;  // nginx's "client closed request"
    co_return Verdict::Respond;
  }
};

}  // namespace

core::GatewayError from_upstream(const http::UpstreamError& e, const std::string& provider) {
  const bool timeout = e.kind == http::UpstreamError::Kind::Timeout;
  return {timeout ? core::ErrorKind::UpstreamTimeout : core::ErrorKind::UpstreamUnreachable,
          "provider '" + provider + "': " + e.message, "",
          timeout ? "upstream_timeout" : "upstream_unreachable"};
}

http::ClientTimeouts timeouts_of(const core::Config& c) {
  return {c.timeouts.connect, c.timeouts.first_byte, c.timeouts.idle, c.timeouts.total};
}

bool is_event_stream(const http::Headers& upstream) {
  const std::string* ctype = http::find_header(upstream, "content-type");
  return ctype && ctype->find("text/event-stream") != std::string::npos;
}

boost::asio::awaitable<std::optional<std::string>> read_body_or_respond(
    Exchange& ex, http::UpstreamResponse& resp, const providers::Provider& p) {
  std::string body;
  const bool complete = co_await resp.read_all(body, kMaxUpstreamBody);
  if (!complete) {
    ex.upstream_error = resp.error()->message;
    auto err = from_upstream(*resp.error(), p.config.name);
    co_await respond_error(ex, std::move(err));
    co_return std::nullopt;
  }
  ex.upstream_bytes = body.size();
  co_return body;
}

StagePtr make_execute_stage() {
  return std::make_unique<ExecuteStage>();
}

}  // namespace sluice::pipeline
