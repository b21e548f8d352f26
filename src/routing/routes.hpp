#pragma once
// Routes as the request path uses them: each configured route's targets expanded to one entry
// per (provider, account, model), with the catalog entry and the health record resolved once
// per snapshot so that planning a request does no lookups.

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "providers/runtime.hpp"
#include "routing/health.hpp"

namespace sluice::routing {

/// One place a request can be sent: a provider, one of its accounts, and the model name.
struct Target {
  const providers::Provider* provider = nullptr;
  std::string model;
  std::size_t account = 0;  // index into provider->accounts
  double weight = 1;
  int position = 0;  // the target's place in the route's list (tie-break, explanation)
  const core::ModelInfo* info = nullptr;  // null when the catalog does not know the model
  TargetHealth* health = nullptr;

  const core::AccountConfig& account_config() const { return provider->accounts[account]; }
  /// "provider/model" or "provider/model@account". Headers, the ledger, attempts and errors
  /// all name the target by it, several times a request: it is printed once, by name_it().
  const std::string& label() const { return label_; }
  /// Call once provider, model and account are set.
  void name_it();

 private:
  std::string label_;
};

struct Route {
  const core::RouteConfig* config = nullptr;
  std::vector<Target> targets;  // config order; a target with several accounts appears once each
  std::size_t positions = 0;    // number of configured targets
  mutable std::atomic<std::uint64_t> turn{0};  // round-robin and account balancing
};

class RouteTable {
 public:
  const Route* find(std::string_view name) const;
  const std::vector<std::unique_ptr<Route>>& routes() const { return routes_; }
  void add(std::unique_ptr<Route> r) { routes_.push_back(std::move(r)); }

 private:
  std::vector<std::unique_ptr<Route>> routes_;
};

/// Builds the table for a snapshot whose providers, catalog and health are already set.
std::shared_ptr<const RouteTable> build_routes(const providers::Snapshot& snap);

/// The targets for a name that is not a route: one per account of `p`, as a one-target route.
/// A model `p` does not list is recorded under the model name "*". `advance` moves the account
/// turn (false for explanations).
std::vector<Target> direct_targets(const providers::Snapshot& snap, const providers::Provider& p,
                                   const std::string& model, bool advance = true);

}  // namespace sluice::routing
