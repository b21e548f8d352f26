#include "cli/graph_source.hpp"

#include <filesystem>

#include "core/log.hpp"

namespace sluice::cli {
namespace fs = std::filesystem;

std::unique_ptr<intel::graph::GraphStore> open_graph_store(const std::string& db) {
  const auto path = db.empty() ? intel::graph::default_graph_db() : db;
  std::error_code ec;
  // Opening would create an empty database; a reader should say there is none instead.
  if (!fs::is_regular_file(path, ec)) {
    log::error("no code graph database at {} (run `sluice index PATH` first, or pass --db)", path);
    return nullptr;
  }
  try {
    return std::make_unique<intel::graph::GraphStore>(path);
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return nullptr;
  }
}

std::optional<intel::graph::RepoRow> pick_repo(intel::graph::GraphStore& store,
                                               const std::string& named) {
  std::vector<intel::graph::RepoRow> repos;
  try {
    repos = store.repos();
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return std::nullopt;
  }
  std::string names;
  for (const auto& r : repos) names += (names.empty() ? "" : ", ") + r.name;
  if (repos.empty()) {
    log::error("{} holds no repository yet (run `sluice index PATH`)", store.path());
    return std::nullopt;
  }
  if (!named.empty()) {
    for (const auto& r : repos) {
      if (r.name == named) return r;
    }
    log::error("no repository '{}' in {} (indexed: {})", named, store.path(), names);
    return std::nullopt;
  }
  if (repos.size() == 1) return repos.front();
  std::error_code ec;
  const auto cwd = fs::current_path(ec).string();
  for (const auto& r : repos) {
    if (!ec && (cwd == r.root || cwd.starts_with(r.root + "/"))) return r;
  }
  log::error("{} holds several repositories ({}); pass --repo NAME", store.path(), names);
  return std::nullopt;
}

intel::graph::CodeGraphPtr load_graph(intel::graph::GraphStore& store,
                                      const intel::graph::RepoRow& repo) {
  try {
    auto rows = store.load_graph(repo.name);
    if (!rows) {
      log::error("repository '{}' disappeared from {}", repo.name, store.path());
      return nullptr;
    }
    return intel::graph::CodeGraph::build(std::move(*rows));
  } catch (const std::exception& e) {
    log::error("{}", e.what());
    return nullptr;
  }
}

}  // namespace sluice::cli
