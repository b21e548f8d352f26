#pragma once
// The ordered list of stages a model request runs through, assembled once per config generation.

#include <functional>
#include <string>
#include <vector>

#include "pipeline/stage.hpp"

namespace sluice::pipeline {

/// What a new exchange starts from: who it is and the config generation it runs under.
struct ExchangeStart {
  std::string request_id;
  protocol::Endpoint endpoint = protocol::Endpoint::ChatCompletions;
  providers::SnapshotPtr snapshot;
  governance::Governance* governance = nullptr;
  intel::Learner* learner = nullptr;
  governance::LiveKeyPtr key;  // a council member runs as the reviewed request's key
  std::string council_of;      // the request a council member reviews
  /// Sees the exchange once it has run (a council member reads its answer's model and cost).
  std::function<void(const Exchange&)> done;
};

class Pipeline {
 public:
  explicit Pipeline(std::vector<StagePtr> stages) : stages_(std::move(stages)) {}
  /// Makes the exchange of `req` in this coroutine's own frame (the caller needs none, so a
  /// request runs a coroutine level shallower), then runs on_request of each stage until one
  /// responds, then on_complete of all, in reverse. With audit durability: strict,
  /// on_complete runs just before the response's last bytes leave, and those wait until the
  /// audit record is durable.
  boost::asio::awaitable<void> serve(http::Request& req, http::ResponseWriter& w,
                                     ExchangeStart start) const;
  /// on_complete of every stage, in reverse; once per exchange.
  void complete(Exchange& ex) const;
  const std::vector<StagePtr>& stages() const { return stages_; }

 private:
  std::vector<StagePtr> stages_;
};

/// The stages of this build, in order: ingress -> auth -> route -> budget -> execute, with
/// account (cost, settlement, ledger) and the access log observing completion.
Pipeline make_default_pipeline();

// Factories, one per stage file.
StagePtr make_ingress_stage();
StagePtr make_auth_stage();
StagePtr make_budget_stage();
StagePtr make_account_stage();
StagePtr make_route_stage();
StagePtr make_execute_stage();
StagePtr make_access_log_stage();
StagePtr make_audit_stage();
StagePtr make_guard_stage();
StagePtr make_classify_stage();
StagePtr make_policy_stage();
StagePtr make_learn_stage();

/// The virtual key as each SDK sends it: OpenAI `Authorization: Bearer`, Anthropic `x-api-key`
/// (or a bearer token, as Claude Code sends ANTHROPIC_AUTH_TOKEN), Gemini `x-goog-api-key` or
/// `?key=`. "" when none is sent. A view into the request's headers, or into `decoded` for a
/// (percent-decoded) query parameter: no copy of the secret on the common path.
std::string_view presented_key(const http::Request& req, std::string& decoded);
StagePtr make_council_stage();

/// audit.enabled and durability: strict for this request.
bool audit_is_strict(const Exchange& ex);
/// Completes when the exchange's audit record is committed (at once if it has none).
boost::asio::awaitable<void> wait_audit_durable(Exchange& ex);

}  // namespace sluice::pipeline
