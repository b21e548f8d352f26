#pragma once
// The ordered list of stages a model request runs through, assembled once per config generation.

#include <vector>

#include "pipeline/stage.hpp"

namespace sluice::pipeline {

class Pipeline {
 public:
  explicit Pipeline(std::vector<StagePtr> stages) : stages_(std::move(stages)) {}
  /// Runs on_request of each stage until one responds, then on_complete of all, in reverse.
  /// With audit durability: strict, on_complete runs just before the response's last bytes
  /// leave, and those wait until the audit record is durable.
  boost::asio::awaitable<void> run(Exchange& ex) const;
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
