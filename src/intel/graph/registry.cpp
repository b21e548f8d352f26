#include "intel/graph/registry.hpp"

#include <filesystem>

namespace sluice::intel::graph {

GraphRegistry::GraphRegistry(GraphConfig config)
    : config_(std::move(config)), zones_(config_.zones) {}

std::string GraphRegistry::db_path() const {
  return config_.db.empty() ? default_graph_db() : config_.db;
}

std::size_t GraphRegistry::load_all() {
  return refresh();
}

std::size_t GraphRegistry::refresh() {
  const auto path = db_path();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return 0;
  GraphStore store(path);
  std::size_t loaded = 0;
  for (const auto& repo : store.repos()) {
    if (const auto current = get(repo.name);
        current && current->repo().generation == repo.generation) {
      continue;
    }
    auto rows = store.load_graph(repo.name);
    if (!rows) continue;  // removed between the two reads
    auto graph = CodeGraph::build(std::move(*rows), zones_);
    std::lock_guard lock(mutex_);
    graphs_[repo.name] = std::move(graph);
    ++loaded;
  }
  return loaded;
}

CodeGraphPtr GraphRegistry::get(std::string_view repo) const {
  std::lock_guard lock(mutex_);
  const auto it = graphs_.find(repo);
  return it == graphs_.end() ? nullptr : it->second;
}

std::optional<BlastReport> GraphRegistry::blast_radius(std::string_view repo,
                                                       const RequestSignals& signals) const {
  const auto graph = get(repo);
  if (!graph) return std::nullopt;
  return graph->blast_radius(signals, bounds());
}

}  // namespace sluice::intel::graph
