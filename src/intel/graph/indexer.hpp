#pragma once
// `sluice index`: walks a repository, parses the files whose content changed since the last run
// (SHA-256 per file) on several threads, drops the files that are gone, then resolves the whole
// repository's imports and references again and stores the edges. All of it is one
// transaction: a gateway reading the graph sees the previous run or this one, never a mix.

#include <cstdint>
#include <functional>
#include <string>

#include "intel/graph/walk.hpp"

namespace sluice::intel::graph {

class GraphStore;

struct IndexProgress {
  std::size_t files_done = 0;
  std::size_t files_total = 0;
  std::uint64_t lines_parsed = 0;  // lines of the files parsed so far (not the unchanged ones)
  double seconds = 0;
};

struct IndexOptions {
  std::string root;
  std::string repo;  // default: the root folder's name
  WalkOptions walk;
  unsigned jobs = 0;  // parser threads; 0: one per core, at most 8
  /// Called on the calling thread about ten times a second and once at the end.
  std::function<void(const IndexProgress&)> on_progress;
};

struct IndexReport {
  std::string repo;
  std::string root;            // absolute
  std::size_t files = 0;       // source files in the repository now
  std::size_t parsed = 0;      // new or changed, parsed this run
  std::size_t unchanged = 0;   // same content as last run: not parsed
  std::size_t removed = 0;     // gone since the last run
  std::size_t timed_out = 0;   // parsed too slowly: stored without facts
  std::size_t unreadable = 0;  // could not be read (permissions, vanished)
  std::size_t skipped_large = 0;
  std::uint64_t lines = 0;         // in all files
  std::uint64_t lines_parsed = 0;  // in the parsed ones
  std::size_t symbols = 0, edges = 0, symbol_edges = 0;
  std::size_t imports = 0, unresolved = 0;
  double seconds = 0;        // the whole run
  double parse_seconds = 0;  // reading, hashing, parsing and storing the files
};

/// Indexes `options.root` into `store`. Throws std::runtime_error for a root that is not a
/// folder and store::StoreError for database failures (nothing is committed then).
IndexReport index_repo(GraphStore& store, const IndexOptions& options);

}  // namespace sluice::intel::graph
