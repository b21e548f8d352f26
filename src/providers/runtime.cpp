#include "providers/runtime.hpp"

#include <algorithm>

#include "routing/auto_table.hpp"
#include "routing/health.hpp"
#include "routing/routes.hpp"

namespace sluice::providers {

std::size_t Provider::account_index(std::string_view name) const {
  for (std::size_t i = 0; i < accounts.size(); ++i) {
    if (accounts[i].name == name) return i;
  }
  return accounts.size();
}

const Provider* Snapshot::find(std::string_view name) const {
  for (const auto& p : providers) {
    if (p.config.name == name) return &p;
  }
  return nullptr;
}

const Provider* Snapshot::default_for(protocol::Family family) const {
  const auto* cfg = config.default_for(family);
  return cfg ? find(cfg->name) : nullptr;
}

SnapshotPtr make_snapshot(
    core::Config config,
    const std::vector<std::pair<std::string, std::vector<std::string>>>& discovered,
    std::uint64_t generation, std::shared_ptr<routing::HealthRegistry> health,
    std::shared_ptr<const intel::Runtime> intel) {
  auto snap = std::make_shared<Snapshot>();
  snap->intel = std::move(intel);
  snap->generation = generation;
  snap->health = health ? std::move(health) : std::make_shared<routing::HealthRegistry>();
  snap->catalog = Catalog(config.catalog);
  if (config.guardrails) snap->guard = std::make_shared<const guard::Guard>(*config.guardrails);
  for (const auto& pc : config.providers) {
    Provider p;
    p.config = pc;
    p.origin = *http::Origin::parse(pc.base_url);  // validated at load time
    p.accounts = pc.accounts;
    if (p.accounts.empty()) p.accounts.push_back({"default", pc.api_key, pc.api_key_source});
    const auto records = [&](const std::string& model) {
      std::vector<routing::TargetHealth*> out;
      for (const auto& a : p.accounts) out.push_back(&snap->health->get(pc.name, a.name, model));
      return out;
    };
    const auto add = [&](const std::string& m) {
      if (p.listed_health.contains(m)) return;
      p.models.push_back(m);
      p.listed_health.emplace(m, records(m));
    };
    for (const auto& m : pc.models) add(m);
    for (const auto& [name, models] : discovered) {
      if (name != pc.name) continue;
      for (const auto& m : models) add(m);
    }
    p.unlisted_health = records("*");
    snap->providers.push_back(std::move(p));
  }
  snap->config = std::move(config);
  snap->routes = routing::build_routes(*snap);
  snap->autos = routing::build_auto(*snap);
  return snap;
}

std::variant<Resolution, core::GatewayError> resolve_model(const Snapshot& snap,
                                                           protocol::Family client_family,
                                                           std::string_view requested) {
  if (requested.empty()) {
    return core::GatewayError{core::ErrorKind::InvalidRequest,
                              "the request has no \"model\"; name one (GET /v1/models lists them)",
                              "model", "missing_model"};
  }
  std::string name(requested);
  std::string via = "listed";
  // Alias chains were checked for cycles at load time.
  for (auto it = snap.config.aliases.find(name); it != snap.config.aliases.end();
       it = snap.config.aliases.find(name)) {
    name = it->second;
    via = "alias";
  }
  if (snap.routes) {
    if (const auto* route = snap.routes->find(name))
      return Resolution{nullptr, name, "route", route};
  }
  if (auto slash = name.find('/'); slash != std::string::npos) {
    if (const auto* p = snap.find(std::string_view(name).substr(0, slash))) {
      return Resolution{p, name.substr(slash + 1), via == "alias" ? via : "provider-prefix"};
    }
  }
  // A listed model: prefer the client's family (no translation needed), then any.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& p : snap.providers) {
      if ((pass == 0) != (p.config.type == client_family)) continue;
      if (p.serves(name)) return Resolution{&p, name, via};
    }
  }
  if (const auto* p = snap.default_for(client_family)) {
    return Resolution{p, name, "default"};
  }
  std::string msg = "model '" + std::string(requested) + "' is not served by this gateway";
  if (snap.providers.empty()) {
    msg +=
        ": no providers are configured (set a provider key such as ANTHROPIC_API_KEY or run "
        "`sluice init` to write a config)";
  } else {
    msg +=
        "; GET /v1/models lists the models, and `provider/model` addresses a configured "
        "provider directly";
  }
  return core::GatewayError{core::ErrorKind::NotFound, msg, "model", "model_not_found"};
}

}  // namespace sluice::providers
