#pragma once
// The graphs a gateway serves from: every repository in the graph database, loaded at start and
// reloaded when `sluice index` has run since (a repository's generation changed). get() is what
// the classify stage calls per request (the repository named by the key's project or an
// x-sluice-repo header); it never touches the database. load_all() and refresh() do, so they
// run at start and on the reload timer, off the request path.

#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "intel/graph/graph.hpp"
#include "intel/graph/zones.hpp"

namespace sluice::intel::graph {

class GraphRegistry {
 public:
  explicit GraphRegistry(GraphConfig config);

  /// Loads every repository of the database; returns how many. Throws store::StoreError when
  /// the database cannot be read (a missing file is not an error: there is nothing to load).
  std::size_t load_all();
  /// Reloads the repositories whose generation changed and loads new ones; returns how many.
  std::size_t refresh();

  /// The loaded graph of `repo`, or null. Safe from any thread.
  CodeGraphPtr get(std::string_view repo) const;

  /// The blast radius of a request in `repo`, or nullopt when that repository has no graph.
  std::optional<BlastReport> blast_radius(std::string_view repo,
                                          const RequestSignals& signals) const;

  const GraphConfig& config() const { return config_; }
  Bounds bounds() const { return {config_.max_depth, config_.max_dependents}; }

 private:
  std::string db_path() const;

  GraphConfig config_;
  SensitiveZones zones_;
  mutable std::mutex mutex_;  // guards graphs_ (held only to copy a pointer)
  std::map<std::string, CodeGraphPtr, std::less<>> graphs_;
};

}  // namespace sluice::intel::graph
