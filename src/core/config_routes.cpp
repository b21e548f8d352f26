// The routing half of the config: routes, retry and health settings, catalog overrides and the
// admin token. Same rules as the rest of the loader: every mistake is reported where it is.

#include <yaml-cpp/yaml.h>

#include <set>

#include "core/config_sections.hpp"
#include "core/yaml_check.hpp"

namespace sluice::core {
namespace {

constexpr int kMaxAttempts = 20;

RouteTarget load_target(const YAML::Node& n, const Config& cfg, const std::string& route) {
  RouteTarget t;
  t.line = n.Mark().line + 1;
  // Not a YAML::Node variable re-pointed at the target: yaml-cpp's Node::operator= writes into
  // the node it refers to.
  const bool short_form = n.IsScalar();
  if (!short_form) {
    check_keys(n, "a route target", {"target", "weight", "account"});
    if (!n["target"]) fail(n, "route target needs target: provider/model");
    if (n["weight"]) t.weight = number(n["weight"], "weight", 0, 1e6);
    if (n["account"]) t.account = scalar(n["account"], "account");
  }
  const YAML::Node spec_node = short_form ? n : n["target"];
  const std::string spec = scalar(spec_node, "route target");
  auto slash = spec.find('/');
  const ProviderConfig* p =
      slash == std::string::npos ? nullptr : cfg.find_provider(spec.substr(0, slash));
  if (!p || slash + 1 >= spec.size()) {
    fail(spec_node, "route '" + route + "' target '" + spec +
                        "' must be provider/model with a configured provider");
  }
  t.provider = p->name;
  t.model = spec.substr(slash + 1);
  if (!t.account.empty()) {
    bool found = t.account == "default" && p->accounts.empty();
    for (const auto& a : p->accounts) found = found || a.name == t.account;
    if (!found) {
      fail(n["account"], "provider '" + p->name + "' has no account '" + t.account + "'");
    }
  }
  return t;
}

void load_weights(const YAML::Node& n, ScoreWeights& w) {
  check_keys(n, "weights",
             {"cheapest", "health", "latency", "capability", "context", "budget", "ratelimit",
              "fairness"});
  const std::pair<const char*, double*> fields[] = {
      {"cheapest", &w.cheapest},     {"health", &w.health},    {"latency", &w.latency},
      {"capability", &w.capability}, {"context", &w.context},  {"budget", &w.budget},
      {"ratelimit", &w.ratelimit},   {"fairness", &w.fairness}};
  for (const auto& [key, field] : fields) {
    if (n[key]) *field = number(n[key], std::string("weights.") + key, 0, 1000);
  }
}

}  // namespace

void load_routes(const YAML::Node& routes, Config& cfg) {
  if (!routes.IsMap()) fail(routes, "routes must be a mapping of name: {strategy, targets}");
  for (const auto& kv : routes) {
    RouteConfig r;
    r.name = scalar(kv.first, "route name");
    r.line = kv.first.Mark().line + 1;
    if (r.name.empty() || r.name.find('/') != std::string::npos) {
      fail(kv.first, "route name '" + r.name + "' must be non-empty with no '/'");
    }
    if (cfg.find_route(r.name)) fail(kv.first, "route '" + r.name + "' is defined twice");
    if (reserved_model_name(r.name)) {
      fail(kv.first, "'" + r.name + "' is reserved for auto routing; name the route otherwise");
    }
    const YAML::Node& n = kv.second;
    check_keys(
        n, "route '" + r.name + "'",
        {"strategy", "targets", "weights", "max_attempts", "deadline", "retry_on_content_filter"});
    if (n["strategy"]) {
      auto s = strategy_from_string(scalar(n["strategy"], "strategy"));
      if (!s) {
        fail(n["strategy"],
             "strategy must be fallback, weighted, round-robin, least-latency, "
             "cheapest or scored");
      }
      r.strategy = *s;
    }
    if (!n["targets"] || !n["targets"].IsSequence() || n["targets"].size() == 0) {
      fail(n, "route '" + r.name + "' needs targets: a non-empty list of provider/model");
    }
    for (const auto& t : n["targets"]) r.targets.push_back(load_target(t, cfg, r.name));
    if (r.strategy == Strategy::Weighted) {
      double total = 0;
      for (const auto& t : r.targets) total += t.weight;
      if (total <= 0) fail(n["targets"], "a weighted route needs at least one weight above 0");
    }
    if (n["weights"]) load_weights(n["weights"], r.weights);
    if (n["max_attempts"]) {
      r.max_attempts = static_cast<int>(whole(n["max_attempts"], "max_attempts", 1, kMaxAttempts));
    }
    if (n["deadline"]) r.deadline = duration(n["deadline"], "deadline");
    if (n["retry_on_content_filter"]) {
      r.retry_on_content_filter = boolean(n["retry_on_content_filter"], "retry_on_content_filter");
    }
    cfg.routes.push_back(std::move(r));
  }
}

void load_routing(const YAML::Node& n, RoutingConfig& r) {
  check_keys(n, "routing",
             {"max_attempts", "deadline", "backoff", "backoff_max", "retry_after_max",
              "retry_on_content_filter", "health"});
  if (n["max_attempts"]) {
    r.max_attempts = static_cast<int>(whole(n["max_attempts"], "max_attempts", 1, kMaxAttempts));
  }
  if (n["deadline"]) r.deadline = duration(n["deadline"], "routing.deadline");
  if (n["backoff"]) r.backoff = duration(n["backoff"], "routing.backoff");
  if (n["backoff_max"]) r.backoff_max = duration(n["backoff_max"], "routing.backoff_max");
  if (n["retry_after_max"]) {
    r.retry_after_max = duration(n["retry_after_max"], "routing.retry_after_max");
  }
  if (n["retry_on_content_filter"]) {
    r.retry_on_content_filter = boolean(n["retry_on_content_filter"], "retry_on_content_filter");
  }
  if (const auto h = n["health"]) {
    check_keys(h, "routing.health",
               {"window", "failure_threshold", "error_rate", "min_requests", "open_for"});
    auto& c = r.health;
    if (h["window"]) c.window = duration(h["window"], "health.window");
    if (h["failure_threshold"]) {
      c.failure_threshold =
          static_cast<int>(whole(h["failure_threshold"], "health.failure_threshold", 1, 1000));
    }
    if (h["error_rate"]) c.error_rate = number(h["error_rate"], "health.error_rate", 0.01, 1);
    if (h["min_requests"]) {
      c.min_requests = static_cast<int>(whole(h["min_requests"], "health.min_requests", 1, 100000));
    }
    if (h["open_for"]) c.open_for = duration(h["open_for"], "health.open_for");
  }
}

void load_catalog_overrides(const YAML::Node& n, Config& cfg, const std::string& file) {
  if (!n.IsSequence()) fail(n, "catalog must be a list of model entries");
  std::set<std::string> seen;
  for (const auto& e : n) {
    const ModelInfo* base = nullptr;
    if (e.IsMap() && e["id"] && e["id"].IsScalar()) {
      base = find_shipped_model(e["id"].as<std::string>());
    }
    ModelInfo m = parse_model_info(e, base);
    if (!seen.insert(m.id).second) fail(e["id"], "catalog entry '" + m.id + "' is defined twice");
    m.origin = file + ":" + std::to_string(e.Mark().line + 1);
    cfg.catalog.push_back(std::move(m));
  }
}

void load_accounts(const YAML::Node& n, ProviderConfig& p,
                   const std::function<std::string(const YAML::Node&, std::string*)>& secret) {
  if (!n.IsSequence() || n.size() == 0) {
    fail(n, "accounts must be a non-empty list of {name, api_key}");
  }
  if (!p.api_key_source.empty()) {
    fail(n, "provider '" + p.name + "' has both api_key and accounts; put every key in accounts");
  }
  for (const auto& a : n) {
    check_keys(a, "an account", {"name", "api_key"});
    AccountConfig acc;
    if (!a["name"] || !a["api_key"]) fail(a, "an account needs a name and an api_key");
    acc.name = scalar(a["name"], "account name");
    for (const auto& other : p.accounts) {
      if (other.name == acc.name) fail(a["name"], "account '" + acc.name + "' is defined twice");
    }
    acc.api_key = secret(a["api_key"], &acc.api_key_source);
    p.accounts.push_back(std::move(acc));
  }
}

}  // namespace sluice::core
