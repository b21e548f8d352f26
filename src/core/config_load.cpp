// YAML -> Config. Every value is checked here, at load time, with the node's position so that a
// mistake is reported as file:line:column; nothing on the request path re-validates config.

#include <yaml-cpp/yaml.h>

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/config.hpp"
#include "core/config_sections.hpp"
#include "core/sha256.hpp"
#include "core/yaml_check.hpp"
#include "council/settings.hpp"
#include "intel/settings.hpp"
#include "policy/policy_set.hpp"
#include "policy/sources.hpp"

namespace sluice::core {
namespace {

struct Loader {
  EnvLookup env;
  Config cfg;
  std::optional<policy::PolicyPaths> policy_paths;  // read after the rest (it reads files)

  std::string interpolated(const YAML::Node& node, std::string_view what,
                           std::string* source = nullptr) {
    auto raw = scalar(node, what);
    std::vector<std::string> missing;
    auto value = interpolate_env(raw, env, &missing);
    if (source) {
      *source = raw.find("${") != std::string::npos ? raw : (raw.empty() ? "" : "inline");
    }
    if (!missing.empty() && !source) {
      fail(node, std::string(what) + ": environment variable " + missing.front() +
                     " is not set (write ${" + missing.front() + ":-default} to allow that)");
    }
    return value;
  }

  void load_limits(const YAML::Node& n) {
    check_keys(n, "limits",
               {"max_body", "max_header", "header_timeout", "body_timeout", "idle_timeout",
                "write_timeout", "drain_timeout"});
    auto& l = cfg.limits;
    if (n["max_body"]) l.max_body_bytes = size(n["max_body"], "limits.max_body");
    if (n["max_header"]) l.max_header_bytes = size(n["max_header"], "limits.max_header");
    if (n["header_timeout"])
      l.header_timeout = duration(n["header_timeout"], "limits.header_timeout");
    if (n["body_timeout"]) l.body_timeout = duration(n["body_timeout"], "limits.body_timeout");
    if (n["idle_timeout"]) l.idle_timeout = duration(n["idle_timeout"], "limits.idle_timeout");
    if (n["write_timeout"]) l.write_timeout = duration(n["write_timeout"], "limits.write_timeout");
    if (n["drain_timeout"]) l.drain_timeout = duration(n["drain_timeout"], "limits.drain_timeout");
  }

  void load_timeouts(const YAML::Node& n) {
    check_keys(n, "timeouts", {"connect", "first_byte", "idle", "total"});
    auto& t = cfg.timeouts;
    if (n["connect"]) t.connect = duration(n["connect"], "timeouts.connect");
    if (n["first_byte"]) t.first_byte = duration(n["first_byte"], "timeouts.first_byte");
    if (n["idle"]) t.idle = duration(n["idle"], "timeouts.idle");
    if (n["total"]) t.total = duration(n["total"], "timeouts.total");
  }

  void load_provider(const YAML::Node& n) {
    check_keys(n, "a provider",
               {"name", "type", "base_url", "api_key", "models", "discover_models", "headers",
                "strict", "betas", "accounts"});
    ProviderConfig p;
    p.line = n.Mark().line + 1;
    if (!n["name"]) fail(n, "provider needs a name");
    p.name = scalar(n["name"], "provider name");
    if (p.name.empty() || p.name.find('/') != std::string::npos ||
        p.name.find_first_of(" \t") != std::string::npos) {
      fail(n["name"], "provider name '" + p.name + "' must be non-empty with no '/' or spaces");
    }
    if (cfg.find_provider(p.name)) fail(n["name"], "provider '" + p.name + "' is defined twice");
    if (!n["type"]) fail(n, "provider '" + p.name + "' needs a type (openai, anthropic or gemini)");
    auto type = protocol::family_from_string(scalar(n["type"], "type"));
    if (!type) {
      fail(n["type"],
           "provider type must be openai, anthropic or gemini (OpenAI-compatible servers "
           "such as Ollama, vLLM, Groq or Mistral use type: openai)");
    }
    p.type = *type;
    if (!n["base_url"]) fail(n, "provider '" + p.name + "' needs a base_url");
    p.base_url = interpolated(n["base_url"], "base_url");
    while (!p.base_url.empty() && p.base_url.back() == '/') p.base_url.pop_back();
    auto url = boost::urls::parse_absolute_uri(p.base_url);
    if (!url || (url->scheme() != "http" && url->scheme() != "https") || url->host().empty()) {
      fail(n["base_url"],
           "base_url '" + p.base_url + "' must be an absolute http:// or https:// URL");
    }
    if (n["api_key"]) p.api_key = interpolated(n["api_key"], "api_key", &p.api_key_source);
    if (n["accounts"]) {
      load_accounts(n["accounts"], p, [this](const YAML::Node& key, std::string* source) {
        return interpolated(key, "api_key", source);
      });
    }
    if (n["models"]) {
      if (!n["models"].IsSequence()) fail(n["models"], "models must be a list of model names");
      for (const auto& m : n["models"]) p.models.push_back(scalar(m, "model name"));
    }
    if (n["discover_models"]) p.discover_models = boolean(n["discover_models"], "discover_models");
    if (n["strict"]) p.strict = boolean(n["strict"], "strict");
    if (n["betas"]) {
      if (!n["betas"].IsSequence())
        fail(n["betas"], "betas must be a list of anthropic-beta values");
      p.betas.emplace();
      for (const auto& b : n["betas"]) p.betas->push_back(scalar(b, "beta"));
    }
    if (n["headers"]) {
      if (!n["headers"].IsMap()) fail(n["headers"], "headers must be a mapping of name: value");
      for (const auto& kv : n["headers"]) {
        auto name = kv.first.as<std::string>();
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        p.headers.emplace_back(name, interpolated(kv.second, "header value"));
      }
    }
    cfg.providers.push_back(std::move(p));
  }

  void load_intel(const YAML::Node& node) {
    check_keys(node, "intel", {"classify", "model", "graph", "sensitive_zones"});
    auto s = std::make_shared<intel::Settings>();
    if (node["classify"]) s->classify = boolean(node["classify"], "intel.classify");
    const auto beside_config = [this](std::string path) {
      if (path.empty() || std::filesystem::path(path).is_absolute()) return path;
      return (std::filesystem::path(cfg.source).parent_path() / path).string();
    };
    if (node["model"]) s->model_path = beside_config(scalar(node["model"], "intel.model"));
    s->graph = intel::graph::read_graph_config(node);
    s->graph.db = beside_config(s->graph.db);
    cfg.intel = std::move(s);
  }

  void load(const YAML::Node& root) {
    if (root.IsNull()) return;  // an empty file is the defaults
    check_keys(root, "the top level", {"listen",     "threads",     "log_level",
                                       "access_log", "limits",      "timeouts",
                                       "providers",  "aliases",     "default_provider",
                                       "routes",     "routing",     "catalog",
                                       "admin",      "store",       "auth",
                                       "budgets",    "rate_limits", "service_tiers",
                                       "audit",      "guardrails",  "policy",
                                       "reload",     "region",      "intel",
                                       "auto",       "council"});
    if (root["listen"]) cfg.listen = scalar(root["listen"], "listen");
    if (root["threads"]) {
      try {
        cfg.threads = root["threads"].as<int>();
      } catch (const YAML::Exception&) {
        fail(root["threads"], "threads must be a whole number (0: one per core)");
      }
      if (cfg.threads < 0 || cfg.threads > 256) fail(root["threads"], "threads must be 0..256");
    }
    if (root["log_level"]) {
      cfg.log_level = scalar(root["log_level"], "log_level");
      static const std::set<std::string> levels{"trace", "debug", "info", "warn", "error", "off"};
      if (!levels.count(cfg.log_level)) {
        fail(root["log_level"], "log_level must be one of trace, debug, info, warn, error, off");
      }
    }
    if (root["access_log"]) cfg.access_log = boolean(root["access_log"], "access_log");
    if (root["limits"]) load_limits(root["limits"]);
    if (root["timeouts"]) load_timeouts(root["timeouts"]);
    if (auto ps = root["providers"]) {
      if (!ps.IsSequence()) fail(ps, "providers must be a list");
      for (const auto& p : ps) load_provider(p);
    }
    if (root["routing"]) load_routing(root["routing"], cfg.routing);
    if (root["routes"]) load_routes(root["routes"], cfg);
    if (root["catalog"]) load_catalog_overrides(root["catalog"], cfg, cfg.source);
    if (root["store"]) {
      load_store(root["store"], cfg.store, [this](const YAML::Node& n, std::string_view what) {
        return interpolated(n, what);
      });
    }
    load_governance(root, cfg.governance);
    if (root["guardrails"]) cfg.guardrails = guard::read_guard_config(root["guardrails"]);
    if (const auto in = root["intel"]) load_intel(in);
    if (const auto au = root["auto"]) load_auto(au, cfg);
    if (root["region"]) cfg.region = scalar(root["region"], "region");
    if (root["policy"]) policy_paths = policy::parse_policy_section(root["policy"], cfg.source);
    if (const auto r = root["reload"]) {
      check_keys(r, "reload", {"watch", "interval"});
      if (r["watch"]) cfg.reload.watch = boolean(r["watch"], "reload.watch");
      if (r["interval"]) {
        cfg.reload.interval = duration(r["interval"], "reload.interval");
        if (cfg.reload.interval < std::chrono::milliseconds(250) ||
            cfg.reload.interval > std::chrono::seconds(60)) {
          fail(r["interval"], "reload.interval must be between 250ms and 60s");
        }
      }
    }
    if (root["audit"]) {
      load_audit(
          root["audit"], cfg.audit, cfg.store,
          [this](const YAML::Node& n, std::string_view what) { return interpolated(n, what); });
    }
    if (const auto admin = root["admin"]) {
      check_keys(admin, "admin", {"token"});
      if (admin["token"]) cfg.admin_token = interpolated(admin["token"], "admin.token");
    }
    if (const YAML::Node as = root["aliases"]) {
      if (!as.IsMap()) fail(as, "aliases must be a mapping of name: provider/model");
      for (const auto& kv : as) {
        auto name = scalar(kv.first, "alias name");
        auto target = scalar(kv.second, "alias target");
        if (cfg.aliases.count(name)) fail(kv.first, "alias '" + name + "' is defined twice");
        if (reserved_model_name(name)) {
          fail(kv.first, "'" + name + "' is reserved for auto routing; name the alias otherwise");
        }
        if (cfg.find_route(name)) {
          fail(kv.first, "'" + name + "' is both an alias and a route; rename one");
        }
        auto slash = target.find('/');
        bool ok = slash != std::string::npos && slash + 1 < target.size() &&
                  cfg.find_provider(target.substr(0, slash));
        if (!ok && !as[target] && !cfg.find_route(target)) {
          fail(kv.second, "alias '" + name + "' points to '" + target +
                              "', which is not provider/model with a configured provider, a "
                              "route, or another alias");
        }
        cfg.aliases.emplace(name, target);
      }
      // Alias chains must end; a cycle would loop on every request.
      for (const auto& [name, target] : cfg.aliases) {
        std::set<std::string> seen{name};
        std::string cur = target;
        while (cfg.aliases.count(cur)) {
          if (!seen.insert(cur).second) fail(as[name], "alias '" + name + "' is part of a cycle");
          cur = cfg.aliases.at(cur);
        }
      }
    }
    if (auto dp = root["default_provider"]) {
      check_keys(dp, "default_provider", {"openai", "anthropic", "gemini"});
      for (const auto& kv : dp) {
        auto fam = *protocol::family_from_string(kv.first.as<std::string>());
        auto name = scalar(kv.second, "default provider");
        if (name == "none") {
          cfg.default_provider[fam] = "";
          continue;
        }
        if (!cfg.find_provider(name)) {
          fail(kv.second, "default provider '" + name + "' is not a configured provider");
        }
        cfg.default_provider[fam] = name;
      }
    }
    // Last: reviewers name providers, routes and aliases, all read by now.
    if (const auto c = root["council"]) {
      auto s = council::read_council_config(c, cfg);
      if (!s.templates_dir.empty()) cfg.watched_dirs.push_back(s.templates_dir);
      cfg.council = std::make_shared<const council::Settings>(std::move(s));
    }
  }
};

/// Reads and compiles the policy the `policy:` section names. The version covers every file
/// read, so an edited rule file changes the config_version in the audit as an edited config does.
std::optional<ConfigError> load_policy_files(const policy::PolicyPaths& paths, Config& cfg,
                                             std::string& versioned) {
  policy::Sources sources;
  if (auto err = policy::add_paths(paths, sources)) return err;
  auto set = policy::PolicySet::compile(sources.rules, sources.skills);
  if (auto* err = std::get_if<ConfigError>(&set)) return *err;
  cfg.policy = std::get<policy::PolicySetPtr>(std::move(set));
  for (const auto& r : sources.rules) {
    if (r.file != paths.config_file) cfg.watched_files.push_back(r.file);
  }
  for (const auto& sk : sources.skills) cfg.watched_files.push_back(sk.file);
  for (const auto* dir : {&paths.rules_dir, &paths.skills_dir}) {
    if (!dir->empty()) cfg.watched_dirs.push_back(*dir);
  }
  for (const auto& f : cfg.watched_files) {
    versioned += '\0';
    versioned += f;
    versioned += '\0';
    versioned += policy::read_text(f).value_or("");
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> real_env(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return std::nullopt;
  return std::string(v);
}

std::variant<Config, ConfigError> parse_config(const std::string& text, const std::string& file,
                                               EnvLookup env) {
  Loader loader{env, {}, {}};
  loader.cfg.source = file;
  try {
    loader.load(YAML::Load(text));
  } catch (const YamlFail& f) {
    return ConfigError{file, f.mark.line + 1, f.mark.column + 1, f.message};
  } catch (const YAML::Exception& e) {
    return ConfigError{file, e.mark.line + 1, e.mark.column + 1, e.msg};
  }
  resolve_store_paths(loader.cfg.store, file, env);
  std::string versioned;
  if (loader.policy_paths) {
    if (auto err = load_policy_files(*loader.policy_paths, loader.cfg, versioned)) return *err;
  }
  loader.cfg.version = core::sha256_hex(versioned.empty() ? text : text + versioned).substr(0, 16);
  return std::move(loader.cfg);
}

std::variant<Config, ConfigError> load_config_file(const std::string& path, EnvLookup env) {
  std::ifstream in(path);
  if (!in) return ConfigError{path, 0, 0, "cannot read the file"};
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_config(ss.str(), path, env);
}

}  // namespace sluice::core
