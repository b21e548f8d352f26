#pragma once
// Sensitive zones of a code base, and the config that sets them and the graph's bounds:
//
//   intel:
//     graph:
//       db: sluice-data/graph.db   # default: $SLUICE_GRAPH_DB, else <data dir>/graph.db
//       max_dependents: 10000      # a blast radius stops counting here (1..1000000)
//       max_depth: 8               # and follows reverse dependencies this deep (1..64)
//     sensitive_zones:
//       defaults: true             # the classifier's zone words on path and symbol words
//       paths: ["src/ledger/*", "*/secrets.*"]      # globs on repository-relative paths
//       symbols: ["*Password*", "Billing.*"]        # globs on names and qualified names
//
// The defaults are the classifier's vocabulary (classifier_sensitive.hpp: auth, payments and
// billing, crypto, secrets, data and migrations, infrastructure), matched against the words of a
// path's folders and file name and of a symbol's name (camelCase and snake_case split), so the
// classifier and the graph agree on what is sensitive; in paths, infra/, deploy/ and the like
// count as infrastructure too. Globs add to them: '*' is any run of
// characters ('/' included), '?' one character, case-sensitive (core/glob.hpp).

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "intel/classifier_sensitive.hpp"

namespace YAML {
class Node;
}
namespace sluice::core {
struct ConfigError;
}

namespace sluice::intel::graph {

/// The ZoneMask bit of a configured glob (the vocabulary's zones use bits 0..kZones-1).
inline constexpr ZoneMask kConfiguredZone = 0x80;

struct SensitiveZoneConfig {
  bool defaults = true;
  std::vector<std::string> paths;
  std::vector<std::string> symbols;
};

class SensitiveZones {
 public:
  explicit SensitiveZones(SensitiveZoneConfig config = {});

  /// The zones `path` lies in; 0 when none.
  ZoneMask path_zones(std::string_view path) const;
  /// The zones of a symbol, by its name and its qualified name ("Billing.charge").
  ZoneMask symbol_zones(std::string_view name, std::string_view qualified) const;

  const SensitiveZoneConfig& config() const { return config_; }

 private:
  SensitiveZoneConfig config_;
};

/// "auth", "payments", ..., and "configured" for kConfiguredZone.
std::vector<std::string> zone_names(ZoneMask mask);

struct GraphConfig {
  std::string db;  // empty: default_graph_db()
  std::uint32_t max_dependents = 10000;
  std::uint32_t max_depth = 8;
  SensitiveZoneConfig zones;
};

/// Reads `graph` and `sensitive_zones` from an `intel:` node (null or absent: the defaults);
/// other keys of `intel` are the caller's to check. Throws core::YamlFail at the offending
/// node for unknown keys, out-of-range numbers and empty or non-string globs.
GraphConfig read_graph_config(const YAML::Node& intel);

/// The same for callers outside the config loader: "file:line:column: reason" on failure.
std::variant<GraphConfig, core::ConfigError> parse_graph_config(const YAML::Node& intel,
                                                                std::string_view file);

}  // namespace sluice::intel::graph
