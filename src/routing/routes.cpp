#include "routing/routes.hpp"

namespace sluice::routing {

void Target::name_it() {
  label_.clear();
  label_.append(provider->config.name).append("/").append(model);
  if (provider->accounts.size() > 1) label_.append("@").append(account_config().name);
}

const Route* RouteTable::find(std::string_view name) const {
  for (const auto& r : routes_) {
    if (r->config->name == name) return r.get();
  }
  return nullptr;
}

std::shared_ptr<const RouteTable> build_routes(const providers::Snapshot& snap) {
  auto table = std::make_shared<RouteTable>();
  for (const auto& rc : snap.config.routes) {
    auto route = std::make_unique<Route>();
    route->config = &rc;
    route->positions = rc.targets.size();
    int position = 0;
    for (const auto& t : rc.targets) {
      const auto* p = snap.find(t.provider);  // validated at load time
      for (std::size_t a = 0; a < p->accounts.size(); ++a) {
        if (!t.account.empty() && p->accounts[a].name != t.account) continue;
        Target target;
        target.provider = p;
        target.model = t.model;
        target.account = a;
        target.weight = t.weight;
        target.position = position;
        target.info = snap.catalog.find(t.model);
        target.health = &snap.health->get(p->config.name, p->accounts[a].name, t.model);
        target.name_it();
        route->targets.push_back(std::move(target));
      }
      ++position;
    }
    table->add(std::move(route));
  }
  return table;
}

std::vector<Target> direct_targets(const providers::Snapshot& snap, const providers::Provider& p,
                                   const std::string& model, bool advance) {
  std::vector<Target> out;
  out.reserve(p.accounts.size());
  const auto* info = snap.catalog.find(model);
  const auto listed = p.listed_health.find(model);
  const auto& records = listed != p.listed_health.end() ? listed->second : p.unlisted_health;
  // Start at a different account each time so that keys share the load.
  const std::size_t n = p.accounts.size();
  const std::uint64_t turn = advance ? p.rotation->fetch_add(1, std::memory_order_relaxed)
                                     : p.rotation->load(std::memory_order_relaxed);
  const std::size_t first = n > 1 ? turn % n : 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t a = (first + i) % n;
    Target t;
    t.provider = &p;
    t.model = model;
    t.account = a;
    t.info = info;
    t.health = records[a];
    t.name_it();
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace sluice::routing
