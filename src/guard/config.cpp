// The `guardrails:` section: every mistake is reported at its node (file:line:column) with what
// to write instead, through the same checked readers as the rest of the config.
#include "guard/config.hpp"

#include <re2/re2.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "core/config.hpp"
#include "core/yaml_check.hpp"

namespace sluice::guard {
namespace {

using core::fail;

constexpr long long kMinLookbehind = 32;
constexpr long long kMaxLookbehind = 65536;

std::string known_kinds() {
  std::string list = "pii, secret, custom";
  for (const auto& k : kKinds) {
    list += ", ";
    list += k.name;
  }
  return list;
}

Action read_action(const YAML::Node& node, std::string_view what) {
  const auto name = core::scalar(node, what);
  const auto a = action_from_name(name);
  if (!a) {
    fail(node, "unknown action '" + name + "' for " + std::string(what) +
                   " (known: off, log, redact, block)");
  }
  return *a;
}

void read_actions(const YAML::Node& node, GuardConfig& cfg) {
  if (!node.IsMap())
    fail(node, "guardrails.actions must be a mapping of kind or category to action");
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    const auto what = "guardrails.actions." + key;
    if (const auto c = category_from_name(key)) {
      cfg.category_actions[static_cast<std::size_t>(*c)] = read_action(kv.second, what);
    } else if (const auto k = kind_from_name(key)) {
      cfg.kind_actions[static_cast<std::size_t>(*k)] = read_action(kv.second, what);
    } else {
      fail(kv.first, "unknown kind '" + key + "' in guardrails.actions (known: " + known_kinds() +
                         "; custom patterns take their action in guardrails.custom)");
    }
  }
}

bool valid_custom_name(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

CustomPattern read_custom(const YAML::Node& node, const std::vector<CustomPattern>& seen) {
  core::check_keys(node, "a guardrails.custom entry", {"name", "pattern", "action"});
  if (!node["name"]) fail(node, "a guardrails.custom entry needs a name");
  if (!node["pattern"]) fail(node, "a guardrails.custom entry needs a pattern");
  CustomPattern p;
  p.name = core::scalar(node["name"], "guardrails.custom name");
  if (!valid_custom_name(p.name)) {
    fail(node["name"], "custom pattern name '" + p.name +
                           "' must be 1 to 64 characters of a-z, 0-9 and _ (it becomes the kind "
                           "custom:<name>)");
  }
  for (const auto& other : seen) {
    if (other.name == p.name) fail(node["name"], "duplicate custom pattern name '" + p.name + "'");
  }
  p.pattern = core::scalar(node["pattern"], "guardrails.custom pattern");
  RE2::Options o;
  o.set_log_errors(false);
  const RE2 re(p.pattern, o);
  if (!re.ok()) fail(node["pattern"], "invalid RE2 pattern for '" + p.name + "': " + re.error());
  if (RE2::FullMatch("", re)) {
    fail(node["pattern"], "pattern for '" + p.name + "' matches the empty string");
  }
  if (node["action"]) p.action = read_action(node["action"], "guardrails.custom action");
  return p;
}

std::vector<std::string> read_globs(const YAML::Node& node, std::string_view what) {
  if (!node.IsSequence()) fail(node, std::string(what) + " must be a list of tool name globs");
  std::vector<std::string> out;
  for (const auto& item : node) {
    auto glob = core::scalar(item, what);
    if (glob.empty()) fail(item, std::string(what) + " entries must not be empty");
    out.push_back(std::move(glob));
  }
  return out;
}

}  // namespace

Action GuardConfig::action_for(Kind k) const {
  const auto& own = kind_actions[static_cast<std::size_t>(k)];
  return own ? *own : category_actions[static_cast<std::size_t>(category_of(k))];
}

Action GuardConfig::action_for(const CustomPattern& p) const {
  return p.action ? *p.action : category_actions[static_cast<std::size_t>(Category::Custom)];
}

GuardConfig read_guard_config(const YAML::Node& node) {
  GuardConfig cfg;
  if (!node || node.IsNull()) return cfg;
  core::check_keys(node, "guardrails",
                   {"actions", "custom", "tools", "responses", "max_lookbehind", "generic_secret"});
  if (const auto a = node["actions"]) read_actions(a, cfg);
  if (const auto c = node["custom"]) {
    if (!c.IsSequence()) fail(c, "guardrails.custom must be a list of {name, pattern, action}");
    for (const auto& item : c) cfg.custom.push_back(read_custom(item, cfg.custom));
  }
  if (const auto t = node["tools"]) {
    core::check_keys(t, "guardrails.tools", {"allow", "deny"});
    if (const auto allow = t["allow"]) cfg.tool_allow = read_globs(allow, "guardrails.tools.allow");
    if (const auto deny = t["deny"]) cfg.tool_deny = read_globs(deny, "guardrails.tools.deny");
  }
  if (const auto r = node["responses"]) cfg.responses = core::boolean(r, "guardrails.responses");
  if (const auto l = node["max_lookbehind"]) {
    cfg.max_lookbehind = static_cast<std::size_t>(
        core::whole(l, "guardrails.max_lookbehind", kMinLookbehind, kMaxLookbehind));
  }
  if (const auto g = node["generic_secret"]) {
    core::check_keys(g, "guardrails.generic_secret", {"min_length", "min_entropy"});
    if (const auto m = g["min_length"]) {
      cfg.generic_min_length =
          static_cast<std::size_t>(core::whole(m, "guardrails.generic_secret.min_length", 6, 256));
    }
    if (const auto e = g["min_entropy"]) {
      cfg.generic_min_entropy = core::number(e, "guardrails.generic_secret.min_entropy", 0, 8);
    }
  }
  return cfg;
}

std::variant<GuardConfig, core::ConfigError> parse_guard_config(const YAML::Node& node,
                                                                std::string_view file) {
  try {
    return read_guard_config(node);
  } catch (const core::YamlFail& f) {
    return core::ConfigError{std::string(file), f.mark.line + 1, f.mark.column + 1, f.message};
  } catch (const YAML::Exception& e) {
    return core::ConfigError{std::string(file), e.mark.line + 1, e.mark.column + 1, e.msg};
  }
}

}  // namespace sluice::guard
