#pragma once
// What the request path reads about providers: an immutable snapshot of the config plus each
// provider's parsed origin and known models. Replaced whole on reload or model discovery.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"
#include "core/string_hash.hpp"
#include "guard/guard.hpp"
#include "http/client.hpp"
#include "providers/catalog.hpp"

namespace sluice::routing {
class HealthRegistry;
class RouteTable;
class AutoTable;
class TargetHealth;
struct Route;
}  // namespace sluice::routing

namespace sluice::intel {
class Runtime;
}

namespace sluice::providers {

struct Provider {
  core::ProviderConfig config;
  http::Origin origin;
  std::vector<std::string> models;            // configured first, then discovered (deduplicated)
  std::vector<core::AccountConfig> accounts;  // never empty: "default" holds api_key
  // Spreads requests over accounts; shared so that a Provider stays copyable.
  std::shared_ptr<std::atomic<std::uint64_t>> rotation =
      std::make_shared<std::atomic<std::uint64_t>>(0);
  // Health records for names that are not routes, resolved once per snapshot so a request
  // takes no registry lock: per listed model, one per account; names the provider does not
  // list share `unlisted_health` (one per account), so arbitrary names cannot grow memory.
  core::StringMap<std::vector<routing::TargetHealth*>> listed_health;
  std::vector<routing::TargetHealth*> unlisted_health;
  bool serves(std::string_view model) const { return listed_health.contains(model); }
  std::size_t account_index(std::string_view name) const;  // accounts.size() if none
};

struct Snapshot {
  core::Config config;
  std::vector<Provider> providers;
  Catalog catalog;
  std::shared_ptr<routing::HealthRegistry> health;  // outlives snapshots (kept across reloads)
  std::shared_ptr<const routing::RouteTable> routes;
  std::shared_ptr<const routing::AutoTable> autos;  // the candidates of auto, auto:TIER[:DIR]
  std::shared_ptr<const guard::Guard> guard;    // compiled guardrails; null without `guardrails:`
  std::shared_ptr<const intel::Runtime> intel;  // classifier and graphs; null without `intel:`
  std::uint64_t generation = 0;

  const Provider* find(std::string_view name) const;
  const Provider* default_for(protocol::Family family) const;
};
using SnapshotPtr = std::shared_ptr<const Snapshot>;

/// Builds a snapshot; `discovered` (provider name -> models) is merged into each provider's list.
/// Pass the previous snapshot's `health` so that a reload keeps what is known about upstreams.
SnapshotPtr make_snapshot(
    core::Config config,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& discovered = {},
    std::uint64_t generation = 0, std::shared_ptr<routing::HealthRegistry> health = nullptr,
    std::shared_ptr<const intel::Runtime> intel = nullptr);

/// How a requested model name was resolved.
struct Resolution {
  const Provider* provider = nullptr;  // null when `route` is set
  std::string model;                   // the name the provider will see
  std::string via;                     // "alias", "route", "provider-prefix", "listed", "default"
  const routing::Route* route = nullptr;
};

/// Resolution order: alias (chains allowed) -> route -> "provider/model" with a configured provider
/// -> a model some provider lists (the client's own family first) -> the family's default provider.
/// Names that match nothing and have no default provider are a 404 that says how to list models.
std::variant<Resolution, core::GatewayError> resolve_model(const Snapshot& snap,
                                                           protocol::Family client_family,
                                                           std::string_view requested);

/// The live snapshot, swapped atomically (readers never block writers for long).
class SnapshotHolder {
 public:
  SnapshotPtr get() const { return ptr_.load(std::memory_order_acquire); }
  void set(SnapshotPtr p) { ptr_.store(std::move(p), std::memory_order_release); }

 private:
  std::atomic<SnapshotPtr> ptr_;
};

}  // namespace sluice::providers
