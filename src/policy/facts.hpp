#pragma once
// What the policy engine knows about one request. The pipeline fills it once per request from
// what earlier stages already hold (the key, the probe, the headers, the guard's findings); every
// field is a view or a span over storage the caller keeps alive for the evaluation. Nothing here
// allocates, so building facts costs a few stores.

#include <chrono>
#include <optional>
#include <span>
#include <string_view>

#include "http/message.hpp"
#include "protocol/wire.hpp"

namespace sluice::policy {

/// Where the caller's budgets stand: `warned` once a budget passed its warning threshold,
/// `exhausted` once one has no room left (the budget stage may still let it through, e.g. to a
/// fallback route).
enum class BudgetState { Ok, Warned, Exhausted };

/// One `metadata` field of the request body (string values only; others are not offered).
struct MetaField {
  std::string_view name;
  std::string_view value;
};

struct RequestFacts {
  // Identity, from the virtual key ("" when auth is off or the key has none).
  std::string_view key_id;
  std::string_view user;
  std::string_view team;
  std::string_view project;
  std::string_view role;

  std::string_view model;  // as the client requested it
  std::string_view route;  // the route the model named, "" when it named none
  protocol::Endpoint endpoint = protocol::Endpoint::ChatCompletions;  // the client's wire

  std::string_view prompt;  // every text of the prompt (system, messages), for `content`
  std::string_view latest;  // the latest user instruction, for `content_latest`

  std::span<const std::string_view> tools;      // names of the tools offered
  std::span<const http::Header> headers;        // names lower-case, as http::Request keeps them
  std::span<const MetaField> metadata;          // the body's `metadata` string fields
  std::chrono::system_clock::time_point now{};  // the time windows are checked against
  BudgetState budget = BudgetState::Ok;
  std::string_view region;                     // the deployment's (or request's) region tag
  std::span<const std::string_view> findings;  // guardrail finding kinds on the request

  std::optional<std::string_view> intent;  // from the classifier, once it exists
  std::optional<double> risk;              // 0..1, from the classifier
};

}  // namespace sluice::policy
