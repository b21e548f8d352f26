#include "council/settings.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/config.hpp"
#include "core/yaml_check.hpp"
#include "council/templates_data.hpp"

namespace sluice::council {
namespace {

Delivery delivery(const YAML::Node& n, std::string_view what, bool allow_pass) {
  const auto v = core::scalar(n, what);
  if (v == "notice") return Delivery::Notice;
  if (v == "refuse") return Delivery::Refuse;
  if (allow_pass && v == "pass") return Delivery::Pass;
  core::fail(n, std::string(what) + " must be " +
                    (allow_pass ? "pass, notice or refuse" : "notice or refuse"));
}

/// A reviewer must name something a request could name: a route, an alias or provider/model
/// with a configured provider (a typo must fail at load, not in the middle of a council).
bool known_name(const core::Config& cfg, const std::string& name) {
  if (cfg.find_route(name) || cfg.aliases.count(name)) return true;
  const auto slash = name.find('/');
  return slash != std::string::npos && slash + 1 < name.size() &&
         cfg.find_provider(std::string_view(name).substr(0, slash));
}

std::string read_file(const YAML::Node& at, const std::filesystem::path& p) {
  std::ifstream in(p);
  if (!in) core::fail(at, "council.templates: cannot read " + p.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string_view to_string(Mode m) {
  return m == Mode::Gate ? "gate" : "async";
}

std::string_view to_string(Rule r) {
  switch (r) {
    case Rule::Any:
      return "any";
    case Rule::Unanimous:
      return "unanimous";
    default:
      return "majority";
  }
}

std::string_view to_string(Delivery d) {
  switch (d) {
    case Delivery::Pass:
      return "pass";
    case Delivery::Refuse:
      return "refuse";
    default:
      return "notice";
  }
}

std::optional<Mode> mode_from(std::string_view s) {
  if (s == "async") return Mode::Async;
  if (s == "gate") return Mode::Gate;
  return std::nullopt;
}

std::optional<Rule> rule_from(std::string_view s) {
  if (s == "majority") return Rule::Majority;
  if (s == "any") return Rule::Any;
  if (s == "unanimous") return Rule::Unanimous;
  return std::nullopt;
}

Templates shipped_templates() {
  return {kShippedSystem, kShippedUser, kShippedNotice};
}

Settings read_council_config(const YAML::Node& node, const core::Config& cfg) {
  if (!node.IsMap()) core::fail(node, "council must be a mapping (reviewers, k, mode, ...)");
  core::check_keys(node, "council",
                   {"reviewers", "k", "mode", "decide", "risk_threshold", "on_reject", "on_timeout",
                    "max_tokens", "timeout", "templates"});
  Settings s;
  const auto& list = node["reviewers"];
  if (!list || !list.IsSequence() || list.size() == 0) {
    core::fail(list ? list : node,
               "council.reviewers must be a non-empty list of model or route names");
  }
  for (const auto& r : list) {
    std::string name;
    if (r.IsMap()) {
      core::check_keys(r, "a council reviewer", {"model"});
      if (!r["model"]) core::fail(r, "a council reviewer needs a model");
      name = core::scalar(r["model"], "council reviewer model");
    } else {
      name = core::scalar(r, "council reviewer");
    }
    if (!known_name(cfg, name)) {
      core::fail(r, "council reviewer '" + name +
                        "' is not a route, an alias or provider/model with a configured provider");
    }
    s.reviewers.push_back(std::move(name));
  }
  if (node["k"]) s.k = static_cast<int>(core::whole(node["k"], "council.k", 1, 16));
  if (const auto& m = node["mode"]) {
    auto v = mode_from(core::scalar(m, "council.mode"));
    if (!v) core::fail(m, "council.mode must be async or gate");
    s.mode = *v;
  }
  if (const auto& d = node["decide"]) {
    auto v = rule_from(core::scalar(d, "council.decide"));
    if (!v) core::fail(d, "council.decide must be majority, any or unanimous");
    s.rule = *v;
  }
  if (node["risk_threshold"]) {
    s.risk_threshold = core::number(node["risk_threshold"], "council.risk_threshold", 0, 1);
  }
  if (node["on_reject"]) s.on_reject = delivery(node["on_reject"], "council.on_reject", false);
  if (node["on_timeout"]) s.on_timeout = delivery(node["on_timeout"], "council.on_timeout", true);
  if (node["max_tokens"]) {
    s.max_tokens = core::whole(node["max_tokens"], "council.max_tokens", 16, 32768);
  }
  if (node["timeout"]) {
    s.timeout = core::duration(node["timeout"], "council.timeout");
    if (s.timeout < std::chrono::milliseconds(100) || s.timeout > std::chrono::minutes(10)) {
      core::fail(node["timeout"], "council.timeout must be between 100ms and 10m");
    }
  }
  s.templates = shipped_templates();
  if (const auto& t = node["templates"]) {
    std::filesystem::path dir = core::scalar(t, "council.templates");
    if (dir.is_relative()) dir = std::filesystem::path(cfg.source).parent_path() / dir;
    s.templates_dir = dir.string();
    // Each file is optional: a directory with only user.md keeps the shipped system prompt.
    const std::pair<const char*, std::string*> files[] = {{"system.md", &s.templates.system},
                                                          {"user.md", &s.templates.user},
                                                          {"notice.md", &s.templates.notice}};
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      core::fail(t, "council.templates: " + dir.string() + " is not a directory");
    }
    for (const auto& [name, text] : files) {
      if (std::filesystem::exists(dir / name, ec)) *text = read_file(t, dir / name);
    }
  }
  return s;
}

}  // namespace sluice::council
