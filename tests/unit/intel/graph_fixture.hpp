#pragma once
// The multi-language fixture repository (tests/fixtures/graph_repo) copied into a fresh folder
// per test, indexed into a database beside it; and the hand-written expectations of its graph.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "intel/graph/graph.hpp"
#include "intel/graph/indexer.hpp"
#include "intel/graph/store.hpp"
#include "support/temp_dir.hpp"

namespace sluice::intel::graph::test {

inline std::filesystem::path fixture_dir() {
  return std::filesystem::path(SLUICE_SOURCE_DIR) / "tests/fixtures/graph_repo";
}

class GraphFixtureTest : public test_support::TempDirTest {
 protected:
  void SetUp() override {
    TempDirTest::SetUp();
    repo_ = dir_ / "graph_repo";
    std::filesystem::copy(fixture_dir(), repo_, std::filesystem::copy_options::recursive);
    store_ = std::make_unique<GraphStore>((dir_ / "graph.db").string());
  }

  IndexReport index() {
    IndexOptions o;
    o.root = repo_.string();
    o.repo = "fixture";
    o.jobs = 2;
    return index_repo(*store_, o);
  }

  CodeGraphPtr graph(SensitiveZones zones = SensitiveZones()) {
    auto rows = store_->load_graph("fixture");
    EXPECT_TRUE(rows.has_value());
    return rows ? CodeGraph::build(std::move(*rows), std::move(zones)) : nullptr;
  }

  void write(const std::string& rel, const std::string& text) {
    const auto p = repo_ / rel;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }

  std::filesystem::path repo_;
  std::unique_ptr<GraphStore> store_;
};

/// The graph as lines in the expected file's format ("def ...", "file ...", "symbol ...").
inline std::set<std::string> describe(const CodeGraph& g) {
  std::set<std::string> out;
  const auto files = g.files();
  const auto symbols = g.symbols();
  for (const auto& s : symbols) {
    out.insert("def " + files[s.file].path + " " + s.qualified + " " +
               std::string(symbol_kind_name(s.kind)) + " " + std::to_string(s.line));
  }
  for (std::uint32_t f = 0; f < files.size(); ++f) {
    for (const auto& e : g.deps_of_file(f, false, {1, 100000}).files) {
      out.insert("file " + files[f].path + " -> " + files[e.file].path + " " +
                 std::string(edge_kind_name(e.kind)));
    }
  }
  for (std::uint32_t s = 0; s < symbols.size(); ++s) {
    const std::uint32_t one[] = {s};
    for (const auto& e : g.deps_of_symbols(one, true, {1, 100000}).files) {
      const std::string dst = files[symbols[s].file].path + ":" + symbols[s].qualified;
      if (e.via.empty()) out.insert("symbol " + files[e.file].path + ":- -> " + dst);
      for (const auto v : e.via) {
        out.insert("symbol " + files[e.file].path + ":" + symbols[v].qualified + " -> " + dst);
      }
    }
  }
  return out;
}

/// The expected file's graph lines (comments, blanks and the imports line left out).
inline std::set<std::string> expected_lines(std::string* imports_line = nullptr) {
  std::ifstream in(std::filesystem::path(SLUICE_SOURCE_DIR) / "tests/fixtures/graph_repo.expected");
  std::set<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.front() == '#') continue;
    if (line.starts_with("imports ")) {
      if (imports_line) *imports_line = line;
      continue;
    }
    out.insert(line);
  }
  return out;
}

}  // namespace sluice::intel::graph::test
