// Blast radius and dependency walks: known edits of the fixture repository, and bounds on
// synthetic graphs.
#include <gtest/gtest.h>

#include "graph_fixture.hpp"

namespace sluice::intel::graph::test {
namespace {

using GraphBlastTest = GraphFixtureTest;

std::vector<std::string> paths_of(const CodeGraph& g, const DepsResult& r) {
  std::vector<std::string> out;
  for (const auto& e : r.files) out.push_back(g.files()[e.file].path);
  return out;
}

TEST_F(GraphBlastTest, CoreUtilityReachesEveryTransitiveImporter) {
  index();
  const auto g = graph();
  // util.py <- models.py, login.py (depth 1) <- main.py (depth 2).
  const std::vector<std::string> edit{"py/app/util.py"};
  const auto r = g->blast_radius(edit, {}, Bounds{});
  EXPECT_EQ(r.radius.dependents, 3u);
  EXPECT_EQ(r.radius.fan_in, 2u);
  EXPECT_FALSE(r.radius.sensitive_zone);
  EXPECT_EQ(r.files_matched, 1u);
  EXPECT_FALSE(r.truncated);
  // The depth bound: only the direct importers.
  EXPECT_EQ(g->blast_radius(edit, {}, Bounds{1, 100}).radius.dependents, 2u);
}

TEST_F(GraphBlastTest, AuthFileIsASensitiveZone) {
  index();
  const auto g = graph();
  const std::vector<std::string> edit{"py/app/auth/login.py"};
  const auto r = g->blast_radius(edit, {}, Bounds{});
  EXPECT_EQ(r.radius.dependents, 1u);  // main.py
  EXPECT_EQ(r.radius.fan_in, 1u);
  EXPECT_TRUE(r.radius.sensitive_zone);
  EXPECT_EQ(zone_names(r.zones), std::vector<std::string>{"auth"});
}

TEST_F(GraphBlastTest, SymbolEditReachesOnlyItsUsers) {
  index();
  const auto g = graph();
  // slugify is used by User.display (models.py); models.py is imported by login.py and main.py.
  const std::vector<std::string> symbols{"slugify"};
  const auto r = g->blast_radius({}, symbols, Bounds{});
  EXPECT_EQ(r.symbols_matched, 1u);
  EXPECT_EQ(r.radius.fan_in, 1u);
  EXPECT_EQ(r.radius.dependents, 3u);
  // normalize is used by login.py only, which main.py imports.
  const std::vector<std::string> normalize{"normalize"};
  EXPECT_EQ(g->blast_radius({}, normalize, Bounds{}).radius.dependents, 2u);
  // A billing symbol is a sensitive zone by its own name.
  const std::vector<std::string> charge{"chargeCustomer"};
  const auto c = g->blast_radius({}, charge, Bounds{});
  EXPECT_TRUE(c.radius.sensitive_zone);
  EXPECT_EQ(c.radius.dependents, 1u);  // Invoice.tsx
}

TEST_F(GraphBlastTest, HeaderAndImplementation) {
  index();
  const auto g = graph();
  // vec.h <- vec.c, main.c; vec.c <- vec.h (impl) <- main.c.
  const std::vector<std::string> header{"c/include/vec.h"};
  EXPECT_EQ(g->blast_radius(header, {}, Bounds{}).radius.dependents, 2u);
  const std::vector<std::string> source{"c/src/vec.c"};
  const auto r = g->blast_radius(source, {}, Bounds{});
  EXPECT_EQ(r.radius.fan_in, 1u);
  EXPECT_EQ(r.radius.dependents, 2u);
  // A Go package: helper.go <- money.go (same package), main.go (import).
  const std::vector<std::string> go{"go/internal/money/helper.go"};
  EXPECT_EQ(g->blast_radius(go, {}, Bounds{}).radius.dependents, 2u);
}

TEST_F(GraphBlastTest, PathsAsAgentsNameThem) {
  index();
  const auto g = graph();
  const auto models = g->find_file("py/app/models.py");
  ASSERT_TRUE(models);
  EXPECT_EQ(g->find_file("./py/app/models.py"), models);
  EXPECT_EQ(g->find_file((repo_ / "py/app/models.py").string()), models);   // absolute, in root
  EXPECT_EQ(g->find_file("/home/dev/elsewhere/py/app/models.py"), models);  // another checkout
  EXPECT_EQ(g->find_file("app/models.py"), models);                         // relative to py/
  EXPECT_EQ(g->find_file("models.py"), models);                             // the only one
  EXPECT_EQ(g->find_file("main.py"), g->find_file("py/main.py"));  // main.c, main.go differ
  EXPECT_FALSE(g->find_file("__init__.py"));                       // two of them: ambiguous
  EXPECT_FALSE(g->find_file("py/nothere.py"));
  // Unknown files still count for zones; they add no dependents.
  const std::vector<std::string> unknown{"infra/terraform/main.tf", "py/app/util.py"};
  const auto r = g->blast_radius(unknown, {}, Bounds{});
  EXPECT_TRUE(r.radius.sensitive_zone);
  EXPECT_EQ(r.files_matched, 1u);
  EXPECT_EQ(r.radius.dependents, 3u);
}

TEST_F(GraphBlastTest, ConfiguredZonesOnPathsAndSymbols) {
  index();
  SensitiveZoneConfig cfg;
  cfg.defaults = false;
  cfg.paths = {"go/internal/money/*"};
  cfg.symbols = {"Cart.*"};
  const auto g = graph(SensitiveZones(cfg));
  const std::vector<std::string> login{"py/app/auth/login.py"};
  EXPECT_FALSE(g->blast_radius(login, {}, Bounds{}).radius.sensitive_zone);  // defaults off
  const std::vector<std::string> money{"go/internal/money/money.go"};
  const auto r = g->blast_radius(money, {}, Bounds{});
  EXPECT_TRUE(r.radius.sensitive_zone);
  EXPECT_EQ(zone_names(r.zones), std::vector<std::string>{"configured"});
  const std::vector<std::string> add{"Cart::add"};
  EXPECT_TRUE(g->blast_radius({}, add, Bounds{}).radius.sensitive_zone);
}

TEST_F(GraphBlastTest, RequestSignalsPreferEditedFiles) {
  index();
  const auto g = graph();
  RequestSignals s;
  s.files = {{"py/app/util.py", false, true}, {"go/internal/money/helper.go", true, true}};
  const auto r = g->blast_radius(s, Bounds{});
  EXPECT_EQ(r.files_matched, 1u);
  EXPECT_EQ(r.radius.dependents, 2u);  // helper.go's, not util.py's
  s.files[1].edited = false;
  EXPECT_EQ(g->blast_radius(s, Bounds{}).radius.dependents, 5u);  // both: 3 + 2
}

TEST_F(GraphBlastTest, DepsOfFilesAndSymbols) {
  index();
  const auto g = graph();
  const auto util = *g->find_file("py/app/util.py");
  const auto rev = g->deps_of_file(util, true, Bounds{});
  EXPECT_EQ(paths_of(*g, rev),
            (std::vector<std::string>{"py/app/auth/login.py", "py/app/models.py", "py/main.py"}));
  EXPECT_EQ(rev.files[2].depth, 2u);
  const auto main = *g->find_file("py/main.py");
  EXPECT_EQ(
      paths_of(*g, g->deps_of_file(main, false, Bounds{1, 100})),
      (std::vector<std::string>{"py/app/__init__.py", "py/app/auth/login.py", "py/app/models.py"}));
  const auto verify = g->find_symbols("verify");
  ASSERT_EQ(verify.size(), 1u);
  const auto users = g->deps_of_symbols(verify, true, Bounds{1, 100});
  ASSERT_EQ(users.files.size(), 2u);
  EXPECT_EQ(g->files()[users.files[0].file].path, "rust/src/config.rs");
  ASSERT_EQ(users.files[0].via.size(), 1u);
  EXPECT_EQ(g->symbols()[users.files[0].via[0]].qualified, "Settings.load");
  EXPECT_EQ(g->find_symbols("Cart.add").size(), 2u);  // the declaration and the definition
  EXPECT_EQ(g->find_symbols("Cart::add").size(), 2u);
  EXPECT_TRUE(g->find_symbols("nothing_here").empty());
}

// A synthetic graph: file i imports file i+1 (a chain), and `fan` files import file 0.
std::shared_ptr<const CodeGraph> synthetic(std::uint32_t chain, std::uint32_t fan) {
  GraphRows rows;
  rows.repo.name = "synthetic";
  for (std::uint32_t i = 0; i < chain + fan; ++i) {
    rows.files.push_back({i + 1, "f" + std::to_string(i) + ".py", Lang::Python, 10});
  }
  for (std::uint32_t i = 0; i + 1 < chain; ++i)
    rows.edges.push_back({i + 1, i + 2, EdgeKind::Import});
  for (std::uint32_t i = 0; i < fan; ++i)
    rows.edges.push_back({chain + i + 1, 1, EdgeKind::Import});
  return CodeGraph::build(std::move(rows));
}

TEST(GraphBounds, DepthAndCountLimits) {
  const auto g = synthetic(20, 0);
  const std::vector<std::string> last{"f19.py"};
  EXPECT_EQ(g->blast_radius(last, {}, Bounds{8, 10000}).radius.dependents, 8u);
  EXPECT_EQ(g->blast_radius(last, {}, Bounds{64, 10000}).radius.dependents, 19u);
  const auto capped = g->blast_radius(last, {}, Bounds{64, 5});
  EXPECT_EQ(capped.radius.dependents, 5u);
  EXPECT_TRUE(capped.truncated);

  const auto star = synthetic(1, 500);
  const std::vector<std::string> hub{"f0.py"};
  const auto r = star->blast_radius(hub, {}, Bounds{8, 100});
  EXPECT_EQ(r.radius.dependents, 100u);
  EXPECT_EQ(r.radius.fan_in, 100u);
  EXPECT_TRUE(r.truncated);
  EXPECT_EQ(star->blast_radius(hub, {}, Bounds{}).radius.fan_in, 500u);
}

TEST(GraphBounds, CyclesEndAndTouchedFilesAreNotCounted) {
  GraphRows rows;
  rows.repo.name = "cycle";
  for (std::int64_t i = 1; i <= 3; ++i) {
    rows.files.push_back({i, "c" + std::to_string(i) + ".go", Lang::Go, 1});
  }
  rows.edges = {{1, 2, EdgeKind::Ref}, {2, 3, EdgeKind::Ref}, {3, 1, EdgeKind::Ref}};
  const auto g = CodeGraph::build(std::move(rows));
  const std::vector<std::string> one{"c1.go"}, two{"c1.go", "c2.go"};
  EXPECT_EQ(g->blast_radius(one, {}, Bounds{}).radius.dependents, 2u);
  EXPECT_EQ(g->blast_radius(two, {}, Bounds{}).radius.dependents, 1u);
  // Repeated calls reuse the thread's scratch without leaking marks between them.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(g->blast_radius(one, {}, Bounds{}).radius.dependents, 2u);
}

}  // namespace
}  // namespace sluice::intel::graph::test
