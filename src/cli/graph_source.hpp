#pragma once
// Which code graph a command reads: the database (--db, else $SLUICE_GRAPH_DB, else
// <data dir>/graph.db) and the repository in it (--repo, else the only one, else the one whose
// indexed root holds the current directory). Shared by `sluice graph` and `sluice intel
// classify --graph`. Failures are logged with what to do, and come back empty.

#include <memory>
#include <optional>
#include <string>

#include "intel/graph/graph.hpp"
#include "intel/graph/store.hpp"

namespace sluice::cli {

/// Opens an existing graph database; null (logged) when there is none at the path.
std::unique_ptr<intel::graph::GraphStore> open_graph_store(const std::string& db);

/// The repository to use; nullopt (logged, naming the indexed ones) when none fits.
std::optional<intel::graph::RepoRow> pick_repo(intel::graph::GraphStore& store,
                                               const std::string& named);

/// Loads `repo`'s graph with the default sensitive zones; null (logged) on failure.
intel::graph::CodeGraphPtr load_graph(intel::graph::GraphStore& store,
                                      const intel::graph::RepoRow& repo);

}  // namespace sluice::cli
