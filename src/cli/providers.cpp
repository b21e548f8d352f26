// sluice providers: provider credentials kept in the store, sealed with AES-256-GCM under the
// master key (SLUICE_MASTER_KEY or store.master_key_file). `add` reads the API key from stdin so
// it never sits in shell history or the process list; nothing prints it back.

#include <unistd.h>
#include <CLI/CLI.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/config_source.hpp"
#include "core/log.hpp"
#include "governance/credentials.hpp"
#include "governance/period.hpp"
#include "store/store.hpp"

namespace sluice::cli {
namespace {

struct ProvidersOptions {
  std::string config_path;
  std::string name;
  std::string type;
  std::string base_url;
};

std::string default_base_url(std::string_view type) {
  if (type == "openai") return "https://api.openai.com/v1";
  if (type == "anthropic") return "https://api.anthropic.com";
  return "https://generativelanguage.googleapis.com";
}

std::variant<governance::MasterKey, std::string> master_key(const core::Config& cfg, bool create) {
  auto key = governance::load_master_key(cfg.store.master_key_file);
  if (std::holds_alternative<governance::MasterKey>(key) || !create) return key;
  const bool env_set = core::real_env("SLUICE_MASTER_KEY").has_value();
  if (env_set || std::filesystem::exists(cfg.store.master_key_file)) return key;
  auto made = governance::create_master_key_file(cfg.store.master_key_file);
  if (std::holds_alternative<governance::MasterKey>(made)) {
    std::cerr << "created the master key " << cfg.store.master_key_file
              << " (mode 0600); back it up: stored credentials cannot be read without it\n";
  }
  return made;
}

int add(const ProvidersOptions& o) {
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  if (o.type != "openai" && o.type != "anthropic" && o.type != "gemini") {
    std::cerr << "sluice providers: --type must be openai, anthropic or gemini\n";
    return 2;
  }
  if (o.name.empty() || o.name.find_first_of("/ \t") != std::string::npos) {
    std::cerr << "sluice providers: the name must be non-empty with no '/' or spaces\n";
    return 2;
  }
  store::StoredProvider p;
  p.name = o.name;
  p.type = o.type;
  p.base_url = o.base_url.empty() ? default_base_url(o.type) : o.base_url;
  auto url = boost::urls::parse_absolute_uri(p.base_url);
  if (!url || (url->scheme() != "http" && url->scheme() != "https")) {
    std::cerr << "sluice providers: --base-url must be an absolute http:// or https:// URL\n";
    return 2;
  }
  if (isatty(STDIN_FILENO)) std::cerr << "API key for " << o.name << " (input is not shown): ";
  std::string secret;
  std::getline(std::cin, secret);
  while (!secret.empty() && (secret.back() == '\r' || secret.back() == ' ')) secret.pop_back();
  if (secret.empty()) {
    std::cerr << "\nsluice providers: no API key on stdin (printf %s \"$KEY\" | sluice providers "
                 "add ...)\n";
    return 2;
  }
  auto key = master_key(*cfg, true);
  if (auto* err = std::get_if<std::string>(&key)) {
    std::cerr << "sluice providers: " << *err << "\n";
    return 2;
  }
  p.sealed_key = governance::seal(std::get<governance::MasterKey>(key), secret, p.name);
  p.created_ms = governance::now_ms();
  try {
    auto db = store::open_sqlite(cfg->store.path);
    db->put_provider(p);
    db->append_event({p.created_ms, "provider_added", "provider:" + p.name,
                      "provider '" + p.name + "' (" + p.type + ") stored"});
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 1;
  }
  std::cout << fmt::format("stored provider '{}' ({}, {}); its key is encrypted at rest\n", p.name,
                           p.type, p.base_url);
  if (cfg->find_provider(p.name)) {
    std::cout << "note: the config also defines '" << p.name << "'; the config's wins\n";
  }
  return 0;
}

int list(const ProvidersOptions& o) {
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  try {
    auto rows = store::open_sqlite(cfg->store.path)->stored_providers();
    std::cout << fmt::format("{:<20} {:<10} {:<45} {}\n", "NAME", "TYPE", "BASE URL", "ADDED");
    for (const auto& p : rows) {
      std::cout << fmt::format("{:<20} {:<10} {:<45} {}\n", p.name, p.type, p.base_url,
                               governance::iso8601(p.created_ms));
    }
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 1;
  }
  return 0;
}

int remove(const ProvidersOptions& o) {
  auto cfg = load_config(find_config(o.config_path));
  if (!cfg) return 2;
  try {
    auto db = store::open_sqlite(cfg->store.path);
    if (!db->remove_provider(o.name)) {
      std::cerr << "sluice providers: no stored provider '" << o.name << "'\n";
      return 2;
    }
    db->append_event({governance::now_ms(), "provider_removed", "provider:" + o.name,
                      "provider '" + o.name + "' removed"});
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return 1;
  }
  std::cout << "removed provider '" << o.name << "' (restart or SIGHUP the gateway)\n";
  return 0;
}

}  // namespace

void merge_stored_providers(core::Config& cfg) {
  if (cfg.store.path == ":memory:" || !std::filesystem::exists(cfg.store.path)) return;
  std::vector<store::StoredProvider> rows;
  try {
    rows = store::open_sqlite(cfg.store.path)->stored_providers();
  } catch (const std::exception& e) {
    log::warn("stored providers not loaded: {}", e.what());
    return;
  }
  if (rows.empty()) return;
  auto key = master_key(cfg, false);
  if (auto* err = std::get_if<std::string>(&key)) {
    log::error("{} stored provider(s) skipped: {}", rows.size(), *err);
    return;
  }
  for (const auto& row : rows) {
    if (cfg.find_provider(row.name)) {
      log::warn("stored provider '{}' is also in the config; using the config's", row.name);
      continue;
    }
    auto secret =
        governance::unseal(std::get<governance::MasterKey>(key), row.sealed_key, row.name);
    if (!secret) {
      log::error("stored provider '{}' skipped: its key does not open with this master key",
                 row.name);
      continue;
    }
    core::ProviderConfig p;
    p.name = row.name;
    p.type = protocol::family_from_string(row.type).value_or(protocol::Family::OpenAI);
    p.base_url = row.base_url;
    p.api_key = std::move(*secret);
    p.api_key_source = "store (encrypted)";
    cfg.providers.push_back(std::move(p));
  }
}

void add_providers(CLI::App& app) {
  auto opt = std::make_shared<ProvidersOptions>();
  auto* cmd = app.add_subcommand("providers", "Provider credentials stored encrypted");
  cmd->require_subcommand(1);
  auto config = [&](CLI::App* c) {
    c->add_option("-c,--config", opt->config_path,
                  "YAML config file naming the store (default: $SLUICE_CONFIG, ./sluice.yaml)");
  };
  auto* a = cmd->add_subcommand("add", "Store a provider; reads its API key from stdin");
  config(a);
  a->add_option("name", opt->name, "provider name (the prefix in name/model)")->required();
  a->add_option("--type", opt->type, "openai, anthropic or gemini")->required();
  a->add_option("--base-url", opt->base_url, "default: the type's public API");
  a->callback([opt] {
    if (int rc = add(*opt)) throw CLI::RuntimeError(rc);
  });
  auto* l = cmd->add_subcommand("list", "List stored providers (never their keys)");
  config(l);
  l->callback([opt] {
    if (int rc = list(*opt)) throw CLI::RuntimeError(rc);
  });
  auto* r = cmd->add_subcommand("remove", "Delete a stored provider");
  config(r);
  r->add_option("name", opt->name)->required();
  r->callback([opt] {
    if (int rc = remove(*opt)) throw CLI::RuntimeError(rc);
  });
}

}  // namespace sluice::cli
