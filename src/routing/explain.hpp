#pragma once
// Explaining a routing decision without making it: how a name resolves (alias, route, provider),
// every candidate with its policy scores, health and exclusions, and which one would be tried
// first and why. One JSON document feeds both `GET /admin/route` and `sluice route`.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "protocol/wire.hpp"
#include "providers/runtime.hpp"
#include "routing/plan.hpp"

namespace sluice::routing {

struct ExplainQuery {
  std::string model;
  protocol::Family wire = protocol::Family::OpenAI;  // the client's wire (affects resolution)
  RequestTraits traits;
};

/// Traits of a hypothetical request: `prompt` text, capability bits, requested max output.
RequestTraits traits_for(std::string_view prompt, std::uint8_t needs, std::uint64_t max_output);

/// The explanation as JSON; never calls an upstream and never changes routing state.
boost::json::object explain(const providers::Snapshot& snap, const ExplainQuery& q);
/// The same, as the table `sluice route` prints.
std::string explain_text(const boost::json::object& explanation);

/// Every known target's health (circuit, error rate, latency), for GET /admin/health.
boost::json::object health_report(const providers::Snapshot& snap);

}  // namespace sluice::routing
