#pragma once
// Loaders for config sections that live outside config_load.cpp. Internal to core/; each throws
// YamlFail with the offending node's position.

#include <functional>
#include <string>

#include "core/config.hpp"

namespace YAML {
class Node;
}

namespace sluice::core {

void load_routes(const YAML::Node& routes, Config& cfg);  // after providers
void load_routing(const YAML::Node& routing, RoutingConfig& r);
void load_catalog_overrides(const YAML::Node& catalog, Config& cfg, const std::string& file);
/// `secret` reads an api_key node (with ${ENV} interpolation) and records its source.
void load_accounts(const YAML::Node& accounts, ProviderConfig& p,
                   const std::function<std::string(const YAML::Node&, std::string*)>& secret);

void load_store(const YAML::Node& store, StoreConfig& s,
                const std::function<std::string(const YAML::Node&, std::string_view)>& text);
/// `audit:`; `text` reads the signing key path with ${ENV} interpolation.
void load_audit(const YAML::Node& audit, AuditConfig& a, StoreConfig& s,
                const std::function<std::string(const YAML::Node&, std::string_view)>& text);
/// auth, budgets, rate_limits and service_tiers (top-level keys).
void load_governance(const YAML::Node& root, GovernanceConfig& g);

/// `auto:` (after providers; `models` entries must name a configured provider).
void load_auto(const YAML::Node& node, Config& cfg);
/// `auto` and `auto:...` are the auto-routing model names: no route or alias may take them.
inline bool reserved_model_name(std::string_view name) {
  return name == "auto" || name.starts_with("auto:");
}

/// The shipped catalog (data/catalog.yaml, compiled in), parsed once.
const std::vector<ModelInfo>& shipped_catalog();
const ModelInfo* find_shipped_model(std::string_view id);

}  // namespace sluice::core
