#include "intel/graph/zones.hpp"

#include <yaml-cpp/yaml.h>

#include "core/config.hpp"
#include "core/glob.hpp"
#include "core/yaml_check.hpp"
#include "intel/features_text.hpp"

namespace sluice::intel::graph {
namespace {

std::vector<std::string> read_globs(const YAML::Node& node, std::string_view what) {
  if (!node.IsSequence()) core::fail(node, std::string(what) + " must be a list of globs");
  std::vector<std::string> out;
  for (const auto& item : node) {
    auto glob = core::scalar(item, what);
    if (glob.empty()) core::fail(item, std::string(what) + " entries must not be empty");
    out.push_back(std::move(glob));
  }
  return out;
}

// Folder names that mark infrastructure in a repository's layout, though in an instruction they
// are too vague for the classifier ("infra" alone says little about a request).
const SensitiveTerms& layout_terms() {
  static const SensitiveTerms terms({{"infra", Zone::Infra},
                                     {"infrastructure", Zone::Infra},
                                     {"deploy", Zone::Infra},
                                     {"deployment", Zone::Infra},
                                     {"devops", Zone::Infra}});
  return terms;
}

bool any_glob(const std::vector<std::string>& globs, std::string_view text) {
  for (const auto& g : globs) {
    if (core::glob_match(g, text)) return true;
  }
  return false;
}

}  // namespace

SensitiveZones::SensitiveZones(SensitiveZoneConfig config) : config_(std::move(config)) {}

ZoneMask SensitiveZones::path_zones(std::string_view path) const {
  ZoneMask mask = 0;
  if (config_.defaults) {
    std::string storage;
    const auto words = words_of(path, storage);
    mask |= SensitiveTerms::defaults().match_words_of_path(path, words);
    mask |= layout_terms().match(words);
  }
  if (any_glob(config_.paths, path)) mask |= kConfiguredZone;
  return mask;
}

ZoneMask SensitiveZones::symbol_zones(std::string_view name, std::string_view qualified) const {
  ZoneMask mask = 0;
  if (config_.defaults) {
    std::string storage;
    mask |= SensitiveTerms::defaults().match(words_of(name, storage));
  }
  if (any_glob(config_.symbols, name) || any_glob(config_.symbols, qualified)) {
    mask |= kConfiguredZone;
  }
  return mask;
}

std::vector<std::string> zone_names(ZoneMask mask) {
  std::vector<std::string> out;
  for (std::size_t z = 0; z < kZones; ++z) {
    if ((mask & zone_bit(static_cast<Zone>(z))) != 0) {
      out.emplace_back(zone_name(static_cast<Zone>(z)));
    }
  }
  if ((mask & kConfiguredZone) != 0) out.emplace_back("configured");
  return out;
}

GraphConfig read_graph_config(const YAML::Node& intel) {
  GraphConfig cfg;
  if (!intel || intel.IsNull()) return cfg;
  if (!intel.IsMap()) core::fail(intel, "intel must be a mapping");
  if (const auto g = intel["graph"]) {
    core::check_keys(g, "intel.graph", {"db", "max_dependents", "max_depth"});
    if (g["db"]) cfg.db = core::scalar(g["db"], "intel.graph.db");
    if (g["max_dependents"]) {
      cfg.max_dependents = static_cast<std::uint32_t>(
          core::whole(g["max_dependents"], "intel.graph.max_dependents", 1, 1000000));
    }
    if (g["max_depth"]) {
      cfg.max_depth =
          static_cast<std::uint32_t>(core::whole(g["max_depth"], "intel.graph.max_depth", 1, 64));
    }
  }
  if (const auto z = intel["sensitive_zones"]) {
    core::check_keys(z, "intel.sensitive_zones", {"defaults", "paths", "symbols"});
    if (z["defaults"]) {
      cfg.zones.defaults = core::boolean(z["defaults"], "intel.sensitive_zones.defaults");
    }
    if (z["paths"]) cfg.zones.paths = read_globs(z["paths"], "intel.sensitive_zones.paths");
    if (z["symbols"]) {
      cfg.zones.symbols = read_globs(z["symbols"], "intel.sensitive_zones.symbols");
    }
  }
  return cfg;
}

std::variant<GraphConfig, core::ConfigError> parse_graph_config(const YAML::Node& intel,
                                                                std::string_view file) {
  try {
    return read_graph_config(intel);
  } catch (const core::YamlFail& f) {
    return core::ConfigError{std::string(file), f.mark.line + 1, f.mark.column + 1, f.message};
  } catch (const YAML::Exception& e) {
    return core::ConfigError{std::string(file), e.mark.line + 1, e.mark.column + 1, e.msg};
  }
}

}  // namespace sluice::intel::graph
