// sluice models: what this gateway can serve and at what price: every route and alias, then
// each provider's configured models, with the catalog's prices, context window and capabilities.
// Offline by default (configured models only); --discover also asks each provider for its list.

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json/serialize.hpp>

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "providers/model_discovery.hpp"
#include "providers/runtime.hpp"

namespace sluice::cli {
namespace {

struct ModelsOptions {
  std::string config_path;
  bool discover = false;
  bool json = false;
};

std::string price(double v) {
  return v == 0 ? "free" : fmt::format("{:.3f}", v);
}

int run_models(const ModelsOptions& o) {
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  std::vector<std::pair<std::string, std::vector<std::string>>> found;
  if (o.discover) {
    auto first = providers::make_snapshot(*cfg);
    boost::asio::io_context ioc;
    for (const auto& p : first->providers) {
      boost::asio::co_spawn(
          ioc,
          [&p, &found]() -> boost::asio::awaitable<void> {
            auto models = co_await providers::fetch_models(p);  // not in the if: GCC 12 bug
            if (models) found.emplace_back(p.config.name, std::move(*models));
          },
          boost::asio::detached);
    }
    ioc.run();
  }
  auto snap = providers::make_snapshot(std::move(*cfg), found);
  boost::json::array rows;
  const auto add = [&](const std::string& name, const std::string& kind, const std::string& serves,
                       const core::ModelInfo* m) {
    boost::json::object r;
    r["name"] = name;
    r["kind"] = kind;
    r["serves"] = serves;
    if (m) {
      r["input_per_mtok"] = m->input;
      r["output_per_mtok"] = m->output;
      r["cache_read_per_mtok"] = m->cache_read_price();
      r["context"] = m->context;
      r["max_output"] = m->max_output;
      r["capabilities"] = core::capability_names(m->caps);
      r["tier"] = m->tier;
    }
    rows.push_back(std::move(r));
  };
  for (const auto& r : snap->config.routes) {
    std::string targets;
    for (const auto& t : r.targets)
      targets += (targets.empty() ? "" : ", ") + t.provider + "/" + t.model;
    add(r.name, "route (" + std::string(core::to_string(r.strategy)) + ")", targets, nullptr);
  }
  for (const auto& [alias, target] : snap->config.aliases) {
    const auto slash = target.find('/');
    add(alias, "alias", target,
        slash == std::string::npos ? nullptr : snap->catalog.find(target.substr(slash + 1)));
  }
  for (const auto& p : snap->providers) {
    for (const auto& m : p.models)
      add(p.config.name + "/" + m, "model", p.config.name, snap->catalog.find(m));
  }
  if (o.json) {
    std::cout << boost::json::serialize(rows) << "\n";
    return 0;
  }
  std::cout << fmt::format("{:<40} {:<20} {:>9} {:>9} {:>9} {:>9}  {}\n", "name", "kind", "in $/M",
                           "out $/M", "context", "max out", "capabilities / serves");
  for (const auto& v : rows) {
    const auto& r = v.as_object();
    const bool priced = r.contains("input_per_mtok");
    std::cout << fmt::format(
        "{:<40} {:<20} {:>9} {:>9} {:>9} {:>9}  {}\n", std::string(r.at("name").as_string()),
        std::string(r.at("kind").as_string()),
        priced ? price(r.at("input_per_mtok").to_number<double>()) : "?",
        priced ? price(r.at("output_per_mtok").to_number<double>()) : "?",
        priced ? std::to_string(r.at("context").to_number<std::uint64_t>()) : "?",
        priced ? std::to_string(r.at("max_output").to_number<std::uint64_t>()) : "?",
        priced && r.at("kind") != "route" ? std::string(r.at("capabilities").as_string())
                                          : std::string(r.at("serves").as_string()));
  }
  if (snap->providers.empty()) {
    std::cout << "\nno providers configured: set a provider key or pass --config\n";
  }
  std::cout << "\nPrices are USD per million tokens from data/catalog.yaml (override under "
               "`catalog:`); '?' = not in the catalog.\n";
  return 0;
}

}  // namespace

void add_models(CLI::App& app) {
  auto opt = std::make_shared<ModelsOptions>();
  auto* cmd =
      app.add_subcommand("models", "List the routes and models this gateway serves, with prices");
  cmd->add_option("-c,--config", opt->config_path,
                  "Config file (default: $SLUICE_CONFIG, ./sluice.yaml, or the environment)");
  cmd->add_flag("--discover", opt->discover, "Also fetch each provider's model list");
  cmd->add_flag("--json", opt->json, "Print JSON");
  cmd->callback([opt] {
    const int rc = run_models(*opt);
    if (rc != 0) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice::cli
