#include "intel/features.hpp"

#include "intel/features_collect.hpp"
#include "protocol/json_probe.hpp"

namespace sluice::intel {
namespace {

core::GatewayError invalid(std::string message) {
  core::GatewayError e;
  e.kind = core::ErrorKind::InvalidRequest;
  e.message = std::move(message);
  return e;
}

std::optional<detail::Wire> wire_of(protocol::Endpoint endpoint) {
  using protocol::Endpoint;
  switch (endpoint) {
    case Endpoint::Messages:
    case Endpoint::CountTokens:
      return detail::Wire::Anthropic;
    case Endpoint::ChatCompletions:
      return detail::Wire::OpenAIChat;
    case Endpoint::Responses:
      return detail::Wire::OpenAIResponses;
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
    case Endpoint::GeminiCountTokens:
      return detail::Wire::Gemini;
    case Endpoint::Embeddings:
    case Endpoint::GeminiEmbed:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

SignalsResult extract_signals(protocol::Endpoint endpoint, std::string_view body) {
  const auto wire = wire_of(endpoint);
  if (!wire) {
    return invalid("intent classification needs a conversation; " +
                   std::string(protocol::wire_name(endpoint)) + " requests have none");
  }
  RequestSignals out;
  JsonSkim s(body);
  if (s.peek() != JsonSkim::Kind::Object) {
    return invalid("the request body must be a JSON object");
  }
  s.enter_object();
  detail::Collector collector(out);
  detail::walk(*wire, s, collector);
  if (!s.ok()) {
    // The skim only knows the byte; Boost.JSON's own parser says where, in human terms.
    const auto probe = protocol::probe_json(body);
    return invalid("malformed JSON: " + (probe.valid ? s.error() : probe.error));
  }
  collector.finish();
  return out;
}

std::optional<protocol::Endpoint> endpoint_for_wire(std::string_view wire) {
  using protocol::Endpoint;
  if (wire == "anthropic") return Endpoint::Messages;
  if (wire == "openai_chat") return Endpoint::ChatCompletions;
  if (wire == "openai_responses") return Endpoint::Responses;
  if (wire == "gemini") return Endpoint::GenerateContent;
  return std::nullopt;
}

}  // namespace sluice::intel
