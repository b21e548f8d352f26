// Indexing the multi-language fixture: every symbol, file edge and symbol edge against the
// hand-written expectation (both missing and extra lines fail), then incremental re-indexing.
#include <gtest/gtest.h>

#include <filesystem>

#include "graph_fixture.hpp"
#include "intel/graph/registry.hpp"

namespace sluice::intel::graph::test {
namespace {

std::string diff(const std::set<std::string>& expected, const std::set<std::string>& actual) {
  std::string out;
  for (const auto& e : expected) {
    if (!actual.contains(e)) out += "  missing: " + e + "\n";
  }
  for (const auto& a : actual) {
    if (!expected.contains(a)) out += "  extra:   " + a + "\n";
  }
  return out;
}

using GraphIndexTest = GraphFixtureTest;

TEST_F(GraphIndexTest, FixtureGraphIsExactlyTheExpectedOne) {
  const auto report = index();
  EXPECT_EQ(report.files, 32u);
  EXPECT_EQ(report.parsed, 32u);
  EXPECT_EQ(report.timed_out, 0u);
  std::string imports_line;
  const auto expected = expected_lines(&imports_line);
  ASSERT_GT(expected.size(), 100u) << "the expected file was not read";
  const auto g = graph();
  ASSERT_TRUE(g);
  const auto actual = describe(*g);
  EXPECT_EQ(diff(expected, actual), "");
  EXPECT_EQ(imports_line, "imports " + std::to_string(report.imports - report.unresolved) + " of " +
                              std::to_string(report.imports));
  EXPECT_EQ(report.edges, g->edge_count());
  EXPECT_EQ(report.symbol_edges, g->symbol_edge_count());
}

TEST_F(GraphIndexTest, FilesCarryLanguageAndLines) {
  index();
  const auto g = graph();
  const auto f = g->find_file("py/app/models.py");
  ASSERT_TRUE(f);
  EXPECT_EQ(g->files()[*f].lang, Lang::Python);
  EXPECT_EQ(g->files()[*f].lines, 9u);
  // The repository has C++ sources, so its .h headers are parsed as C++.
  EXPECT_EQ(g->files()[*g->find_file("c/include/vec.h")].lang, Lang::Cpp);
  EXPECT_EQ(g->files()[*g->find_file("ts/src/components/Badge.tsx")].lang, Lang::Tsx);
}

TEST_F(GraphIndexTest, SkipsIgnoredVendoredAndOversizedFiles) {
  write(".gitignore", "generated/\n*.tmp.py\n!keep.tmp.py\n");
  write("generated/gen.py", "def generated():\n    pass\n");
  write("py/scratch.tmp.py", "def scratch():\n    pass\n");
  write("py/keep.tmp.py", "def kept():\n    pass\n");
  write("node_modules/left-pad/index.js", "module.exports = function leftPad() {};\n");
  write(".git/hooks/x.py", "def hook():\n    pass\n");
  write("js/vendor.min.js", "function a(){}\n");
  write("py/huge.py", std::string(1024 * 1024 + 1, '#'));
  const auto report = index();
  EXPECT_EQ(report.files, 33u);  // the fixture's 32 and keep.tmp.py
  EXPECT_EQ(report.skipped_large, 1u);
  const auto g = graph();
  std::set<std::string> paths;
  for (const auto& f : g->files()) paths.insert(f.path);
  EXPECT_TRUE(paths.contains("py/keep.tmp.py"));
  for (const auto* gone :
       {"generated/gen.py", "py/scratch.tmp.py", "node_modules/left-pad/index.js",
        ".git/hooks/x.py", "js/vendor.min.js", "py/huge.py"}) {
    EXPECT_FALSE(paths.contains(gone)) << gone;
  }
}

TEST_F(GraphIndexTest, ReindexParsesOnlyChangedFiles) {
  index();
  const auto generation = store_->find_repo("fixture")->generation;
  auto again = index();
  EXPECT_EQ(again.parsed, 0u);
  EXPECT_EQ(again.unchanged, 32u);
  EXPECT_EQ(store_->find_repo("fixture")->generation, generation + 1);
  EXPECT_EQ(diff(expected_lines(), describe(*graph())), "");

  // Touching a file without changing it parses nothing; changing one parses that one.
  std::filesystem::last_write_time(repo_ / "py/app/util.py",
                                   std::filesystem::file_time_type::clock::now());
  EXPECT_EQ(index().parsed, 0u);
  write("py/app/util.py",
        "import re\n\n\ndef slugify(text):\n    return text\n\n\ndef titlecase(name):\n"
        "    return name.title()\n");
  again = index();
  EXPECT_EQ(again.parsed, 1u);
  EXPECT_EQ(again.unchanged, 31u);
  const auto lines = describe(*graph());
  EXPECT_TRUE(lines.contains("def py/app/util.py titlecase function 8"));
  EXPECT_FALSE(lines.contains("def py/app/util.py normalize function 8"));
  // login.py still imports util, but normalize is gone: its symbol edge went with it.
  EXPECT_TRUE(lines.contains("file py/app/auth/login.py -> py/app/util.py import"));
  EXPECT_FALSE(lines.contains("symbol py/app/auth/login.py:login -> py/app/util.py:normalize"));
}

TEST_F(GraphIndexTest, DeletedFileTakesItsEdges) {
  index();
  std::filesystem::remove(repo_ / "go/internal/money/helper.go");
  const auto again = index();
  EXPECT_EQ(again.removed, 1u);
  EXPECT_EQ(again.parsed, 0u);
  const auto g = graph();
  EXPECT_FALSE(g->find_file("go/internal/money/helper.go"));
  const auto lines = describe(*g);
  for (const auto& l : lines) EXPECT_EQ(l.find("helper.go"), std::string::npos) << l;
  EXPECT_TRUE(lines.contains("file go/cmd/server/main.go -> go/internal/money/money.go import"));
}

TEST_F(GraphIndexTest, NewFileLinksUnchangedImporters) {
  // app.js imports ./api.js; without it the import is unresolved, with it the edge appears
  // although app.js itself is not parsed again.
  const auto api = repo_ / "js/api.js";
  const auto saved = repo_ / "api.js.saved";
  std::filesystem::rename(api, saved);
  auto first = index();
  EXPECT_FALSE(describe(*graph()).contains("file js/app.js -> js/api.js import"));
  std::filesystem::rename(saved, api);
  auto second = index();
  EXPECT_EQ(second.parsed, 1u);
  EXPECT_EQ(second.unresolved + 1, first.unresolved);
  EXPECT_EQ(diff(expected_lines(), describe(*graph())), "");
}

TEST_F(GraphIndexTest, TwoRepositoriesLiveSideBySide) {
  index();
  const auto other = dir_ / "other";
  std::filesystem::create_directories(other);
  std::ofstream(other / "a.py") << "import b\n";
  std::ofstream(other / "b.py") << "def f():\n    pass\n";
  IndexOptions o;
  o.root = other.string();
  const auto r = index_repo(*store_, o);
  EXPECT_EQ(r.repo, "other");
  EXPECT_EQ(r.edges, 1u);
  EXPECT_EQ(store_->repos().size(), 2u);
  EXPECT_EQ(diff(expected_lines(), describe(*graph())), "");
}

TEST_F(GraphIndexTest, RegistryLoadsAndReloadsChangedRepositories) {
  index();
  GraphConfig cfg;
  cfg.db = (dir_ / "graph.db").string();
  cfg.max_depth = 1;
  GraphRegistry registry(cfg);
  EXPECT_EQ(registry.get("fixture"), nullptr);
  EXPECT_EQ(registry.load_all(), 1u);
  const auto loaded = registry.get("fixture");
  ASSERT_TRUE(loaded);
  EXPECT_EQ(registry.refresh(), 0u);  // nothing changed
  EXPECT_EQ(registry.get("fixture"), loaded);

  RequestSignals s;
  s.files = {{"py/app/util.py", true, true}};
  const auto r = registry.blast_radius("fixture", s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->radius.dependents, 2u);  // max_depth 1: the direct importers only
  EXPECT_FALSE(registry.blast_radius("other", s));

  write("py/app/extra.py", "from .util import slugify\n");
  index();
  EXPECT_EQ(registry.refresh(), 1u);
  EXPECT_NE(registry.get("fixture"), loaded);
  EXPECT_EQ(registry.blast_radius("fixture", s)->radius.dependents, 3u);
  // A graph already handed out stays valid after the reload.
  EXPECT_EQ(loaded->files().size(), 32u);

  GraphConfig none;
  none.db = (dir_ / "absent.db").string();
  GraphRegistry empty(none);
  EXPECT_EQ(empty.load_all(), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "absent.db"));
}

TEST_F(GraphIndexTest, RootMustBeAFolder) {
  IndexOptions o;
  o.root = (dir_ / "missing").string();
  EXPECT_THROW(index_repo(*store_, o), std::runtime_error);
}

}  // namespace
}  // namespace sluice::intel::graph::test
