#pragma once
// The ordered list of stages a model request runs through, assembled once per config generation.

#include <vector>

#include "pipeline/stage.hpp"

namespace sluice::pipeline {

class Pipeline {
 public:
  explicit Pipeline(std::vector<StagePtr> stages) : stages_(std::move(stages)) {}
  /// Runs on_request of each stage until one responds, then on_complete of all, in reverse.
  boost::asio::awaitable<void> run(Exchange& ex) const;
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

}  // namespace sluice::pipeline
