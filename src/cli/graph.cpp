// sluice index PATH | sluice graph deps TARGET | sluice graph stats: build a repository's code
// graph (tree-sitter, incremental by content hash) and query it from the command line.

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <unistd.h>
#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/graph_source.hpp"
#include "core/log.hpp"
#include "intel/graph/indexer.hpp"
#include "intel/graph/store.hpp"

namespace sluice::cli {
namespace {

namespace bj = boost::json;
namespace ig = intel::graph;

struct IndexCmd {
  std::string path;
  std::string repo;
  std::string db;
  unsigned jobs = 0;
  std::uintmax_t max_file_kb = 1024;
  bool no_gitignore = false;
  bool json = false;
};

struct DepsCmd {
  std::string target;
  std::string repo;
  std::string db;
  bool reverse = false;
  std::uint32_t depth = 8;
  std::uint32_t limit = 10000;
  bool json = false;
};

struct StatsCmd {
  std::string repo;
  std::string db;
  bool json = false;
};

/// 1234567 -> "1,234,567".
std::string grouped(std::uint64_t n) {
  auto s = std::to_string(n);
  for (auto i = static_cast<std::ptrdiff_t>(s.size()) - 3; i > 0; i -= 3) {
    s.insert(static_cast<std::size_t>(i), ",");
  }
  return s;
}

void draw_progress(const ig::IndexProgress& p) {
  constexpr std::size_t kWidth = 28;
  const double frac = p.files_total == 0
                          ? 1.0
                          : static_cast<double>(p.files_done) / static_cast<double>(p.files_total);
  const auto filled = static_cast<std::size_t>(frac * kWidth);
  const auto rate =
      p.seconds > 0 ? static_cast<std::uint64_t>(static_cast<double>(p.lines_parsed) / p.seconds)
                    : 0;
  std::fprintf(stderr, "\r[%s%s] %s/%s files  %s lines/s ", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, '.').c_str(), grouped(p.files_done).c_str(),
               grouped(p.files_total).c_str(), grouped(rate).c_str());
  std::fflush(stderr);
}

int run_index(const IndexCmd& cmd) {
  ig::IndexOptions o;
  o.root = cmd.path;
  o.repo = cmd.repo;
  o.jobs = cmd.jobs;
  o.walk.max_file_bytes = cmd.max_file_kb * 1024;
  o.walk.gitignore = !cmd.no_gitignore;
  const bool tty = isatty(STDERR_FILENO) != 0;
  if (tty) o.on_progress = draw_progress;
  const auto db = cmd.db.empty() ? ig::default_graph_db() : cmd.db;
  ig::IndexReport r;
  try {
    ig::GraphStore store(db);
    r = ig::index_repo(store, o);
  } catch (const std::exception& e) {
    if (tty) std::fputs("\r\033[K", stderr);
    log::error("sluice index: {}", e.what());
    return 1;
  }
  if (tty) std::fputs("\r\033[K", stderr);
  const double rate =
      r.parse_seconds > 0 ? static_cast<double>(r.lines_parsed) / r.parse_seconds : 0;
  if (cmd.json) {
    bj::object o_json{{"repo", r.repo},
                      {"root", r.root},
                      {"db", db},
                      {"files", r.files},
                      {"parsed", r.parsed},
                      {"unchanged", r.unchanged},
                      {"removed", r.removed},
                      {"timed_out", r.timed_out},
                      {"unreadable", r.unreadable},
                      {"skipped_large", r.skipped_large},
                      {"lines", r.lines},
                      {"lines_parsed", r.lines_parsed},
                      {"symbols", r.symbols},
                      {"edges", r.edges},
                      {"symbol_edges", r.symbol_edges},
                      {"imports", r.imports},
                      {"unresolved", r.unresolved},
                      {"seconds", r.seconds},
                      {"lines_per_second", static_cast<std::uint64_t>(rate)}};
    std::cout << bj::serialize(o_json) << "\n";
    return 0;
  }
  std::cout << fmt::format("indexed {} ({}) into {} in {:.2f} s\n", r.repo, r.root, db, r.seconds);
  std::cout << fmt::format("  files    {}: {} parsed, {} unchanged, {} removed", grouped(r.files),
                           grouped(r.parsed), grouped(r.unchanged), grouped(r.removed));
  if (r.skipped_large)
    std::cout << fmt::format(", {} over {} KB skipped", r.skipped_large, cmd.max_file_kb);
  if (r.timed_out) std::cout << fmt::format(", {} too slow to parse", r.timed_out);
  if (r.unreadable) std::cout << fmt::format(", {} unreadable", r.unreadable);
  std::cout << fmt::format("\n  lines    {} ({} parsed, {} lines/s)\n", grouped(r.lines),
                           grouped(r.lines_parsed), grouped(static_cast<std::uint64_t>(rate)));
  std::cout << fmt::format("  graph    {} symbols, {} file edges, {} symbol references\n",
                           grouped(r.symbols), grouped(r.edges), grouped(r.symbol_edges));
  std::cout << fmt::format("  imports  {} resolved of {}; {} external or not found\n",
                           grouped(r.imports - r.unresolved), grouped(r.imports),
                           grouped(r.unresolved));
  return 0;
}

bj::array via_names(const ig::CodeGraph& g, const ig::DepEntry& e) {
  bj::array a;
  for (const auto v : e.via) a.emplace_back(g.symbols()[v].qualified);
  return a;
}

int run_deps(const DepsCmd& cmd) {
  auto store = open_graph_store(cmd.db);
  if (!store) return 1;
  const auto repo = pick_repo(*store, cmd.repo);
  if (!repo) return 2;
  const auto graph = load_graph(*store, *repo);
  if (!graph) return 1;
  const ig::Bounds bounds{cmd.depth, cmd.limit};
  ig::DepsResult result;
  bj::object target;
  std::string title;
  if (const auto file = graph->find_file(cmd.target)) {
    const auto& f = graph->files()[*file];
    result = graph->deps_of_file(*file, cmd.reverse, bounds);
    target = {{"kind", "file"}, {"path", f.path}, {"lang", ig::lang_name(f.lang)}};
    title = f.path;
  } else if (const auto syms = graph->find_symbols(cmd.target); !syms.empty()) {
    result = graph->deps_of_symbols(syms, cmd.reverse, bounds);
    bj::array defs;
    for (const auto s : syms) {
      const auto& sym = graph->symbols()[s];
      const auto& f = graph->files()[sym.file];
      defs.push_back({{"qualified", sym.qualified},
                      {"kind", ig::symbol_kind_name(sym.kind)},
                      {"path", f.path},
                      {"line", sym.line}});
      title += fmt::format("{}{} ({} {}:{})", title.empty() ? "" : ", ", sym.qualified,
                           ig::symbol_kind_name(sym.kind), f.path, sym.line);
    }
    target = {{"kind", "symbol"}, {"name", cmd.target}, {"definitions", std::move(defs)}};
  } else {
    log::error("'{}' is neither a file nor a symbol of repository '{}' ({} files)", cmd.target,
               repo->name, graph->files().size());
    return 2;
  }
  if (cmd.json) {
    bj::array files;
    for (const auto& e : result.files) {
      bj::object o{{"path", graph->files()[e.file].path},
                   {"depth", e.depth},
                   {"kind", ig::edge_kind_name(e.kind)}};
      if (!e.via.empty()) o["via"] = via_names(*graph, e);
      files.push_back(std::move(o));
    }
    bj::object out{{"repo", repo->name},           {"target", std::move(target)},
                   {"reverse", cmd.reverse},       {"depth", cmd.depth},
                   {"count", result.files.size()}, {"truncated", result.truncated},
                   {"files", std::move(files)}};
    std::cout << bj::serialize(out) << "\n";
    return 0;
  }
  std::cout << fmt::format("{} {} {} (depth <= {}): {} file{}{}\n", title,
                           cmd.reverse ? "<-" : "->", cmd.reverse ? "dependents" : "dependencies",
                           cmd.depth, result.files.size(), result.files.size() == 1 ? "" : "s",
                           result.truncated ? " (stopped at --limit)" : "");
  for (const auto& e : result.files) {
    std::string via;
    for (const auto v : e.via)
      via += (via.empty() ? "  via " : ", ") + graph->symbols()[v].qualified;
    std::cout << fmt::format("  {:>2}  {:<50} {}{}\n", e.depth, graph->files()[e.file].path,
                             ig::edge_kind_name(e.kind), via);
  }
  return 0;
}

bj::object repo_stats(const ig::CodeGraph& g) {
  const auto& r = g.repo();
  std::array<std::pair<std::size_t, std::uint64_t>, ig::kLangs> by_lang{};
  std::uint64_t lines = 0;
  std::size_t sensitive_files = 0, sensitive_symbols = 0;
  for (const auto& f : g.files()) {
    auto& [files, l] = by_lang[static_cast<std::size_t>(f.lang)];
    ++files;
    l += f.lines;
    lines += f.lines;
    if (f.zones != 0) ++sensitive_files;
  }
  std::array<std::size_t, 3> by_kind{};
  for (const auto& s : g.symbols()) {
    ++by_kind[static_cast<std::size_t>(s.kind)];
    if (s.zones != 0) ++sensitive_symbols;
  }
  bj::object langs, kinds, edges;
  for (std::size_t i = 0; i < ig::kLangs; ++i) {
    if (by_lang[i].first == 0) continue;
    langs[ig::lang_name(static_cast<ig::Lang>(i))] =
        bj::object{{"files", by_lang[i].first}, {"lines", by_lang[i].second}};
  }
  for (std::size_t k = 0; k < 3; ++k) {
    kinds[ig::symbol_kind_name(static_cast<ig::SymbolKind>(k))] = by_kind[k];
    edges[ig::edge_kind_name(static_cast<ig::EdgeKind>(k))] =
        g.edge_count(static_cast<ig::EdgeKind>(k));
  }
  // The files most others depend on: where a change reaches furthest.
  std::vector<std::pair<std::size_t, std::uint32_t>> fan_in;
  for (std::uint32_t i = 0; i < g.files().size(); ++i) {
    const auto n = g.dependents(i).size();
    if (n > 0) fan_in.emplace_back(n, i);
  }
  std::sort(fan_in.begin(), fan_in.end(), [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first
                              : g.files()[a.second].path < g.files()[b.second].path;
  });
  bj::array top;
  for (std::size_t i = 0; i < std::min<std::size_t>(5, fan_in.size()); ++i) {
    top.push_back({{"path", g.files()[fan_in[i].second].path}, {"dependents", fan_in[i].first}});
  }
  return {{"repo", r.name},
          {"root", r.root},
          {"indexed_at_ms", r.indexed_at},
          {"generation", r.generation},
          {"files", g.files().size()},
          {"lines", lines},
          {"languages", std::move(langs)},
          {"symbols", g.symbols().size()},
          {"symbol_kinds", std::move(kinds)},
          {"edges", g.edge_count()},
          {"edge_kinds", std::move(edges)},
          {"symbol_edges", g.symbol_edge_count()},
          {"imports", r.imports},
          {"unresolved_imports", r.unresolved},
          {"sensitive_files", sensitive_files},
          {"sensitive_symbols", sensitive_symbols},
          {"most_depended_on", std::move(top)}};
}

std::string counts(const bj::object& o, const char* field = nullptr) {
  std::string out;
  for (const auto& kv : o) {
    const auto n = field ? kv.value().as_object().at(field).to_number<std::uint64_t>()
                         : kv.value().to_number<std::uint64_t>();
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", std::string(kv.key()), grouped(n));
  }
  return out;
}

void print_stats(const bj::object& s) {
  const auto n = [&](const char* k) { return grouped(s.at(k).to_number<std::uint64_t>()); };
  const auto when = static_cast<std::time_t>(s.at("indexed_at_ms").as_int64() / 1000);
  std::cout << fmt::format("{} ({}), indexed {:%Y-%m-%d %H:%M:%S} UTC, generation {}\n",
                           std::string(s.at("repo").as_string()),
                           std::string(s.at("root").as_string()), fmt::gmtime(when),
                           s.at("generation").as_int64());
  std::cout << fmt::format("  files      {} ({})\n", n("files"),
                           counts(s.at("languages").as_object(), "files"));
  std::cout << fmt::format("  lines      {} ({})\n", n("lines"),
                           counts(s.at("languages").as_object(), "lines"));
  std::cout << fmt::format("  symbols    {} ({})\n", n("symbols"),
                           counts(s.at("symbol_kinds").as_object()));
  std::cout << fmt::format("  edges      {} ({}); {} symbol references\n", n("edges"),
                           counts(s.at("edge_kinds").as_object()), n("symbol_edges"));
  const auto imports = s.at("imports").to_number<std::uint64_t>();
  const auto unresolved = s.at("unresolved_imports").to_number<std::uint64_t>();
  std::cout << fmt::format("  imports    {} resolved of {}; {} external or not found\n",
                           grouped(imports - unresolved), grouped(imports), grouped(unresolved));
  std::cout << fmt::format("  sensitive  {} files, {} symbols (default zones)\n",
                           n("sensitive_files"), n("sensitive_symbols"));
  std::string top;
  for (const auto& t : s.at("most_depended_on").as_array()) {
    top += fmt::format("{}{} ({})", top.empty() ? "" : ", ",
                       std::string(t.as_object().at("path").as_string()),
                       t.as_object().at("dependents").to_number<std::uint64_t>());
  }
  if (!top.empty()) std::cout << "  most depended on: " << top << "\n";
}

int run_stats(const StatsCmd& cmd) {
  auto store = open_graph_store(cmd.db);
  if (!store) return 1;
  std::vector<ig::RepoRow> repos;
  if (!cmd.repo.empty()) {
    const auto r = pick_repo(*store, cmd.repo);
    if (!r) return 2;
    repos.push_back(*r);
  } else {
    try {
      repos = store->repos();
    } catch (const std::exception& e) {
      log::error("{}", e.what());
      return 1;
    }
  }
  bj::array all;
  for (const auto& r : repos) {
    const auto g = load_graph(*store, r);
    if (!g) return 1;
    all.push_back(repo_stats(*g));
  }
  if (cmd.json) {
    std::cout << bj::serialize(bj::object{{"db", store->path()}, {"repos", std::move(all)}})
              << "\n";
    return 0;
  }
  if (all.empty()) std::cout << store->path() << " holds no repository yet\n";
  for (const auto& s : all) print_stats(s.as_object());
  return 0;
}

void fail_on(int rc) {
  if (rc != 0) throw CLI::RuntimeError(rc);
}

}  // namespace

void add_graph(CLI::App& app) {
  auto index = std::make_shared<IndexCmd>();
  auto* i = app.add_subcommand(
      "index", "Build or update a repository's code graph (files, symbols, imports, references)");
  i->add_option("path", index->path, "The repository's root folder")->required();
  i->add_option("--repo", index->repo, "Its name in the graph (default: the folder's name)");
  i->add_option("--db", index->db,
                "Graph database (default: $SLUICE_GRAPH_DB, else <data dir>/graph.db)");
  i->add_option("-j,--jobs", index->jobs, "Parser threads (default: one per core, at most 8)");
  i->add_option("--max-file-kb", index->max_file_kb, "Skip larger files (generated or vendored)")
      ->capture_default_str();
  i->add_flag("--no-gitignore", index->no_gitignore, "Index files that .gitignore excludes too");
  i->add_flag("--json", index->json, "Print the report as JSON");
  i->callback([index] { fail_on(run_index(*index)); });

  auto* graph = app.add_subcommand("graph", "Query the code graph: dependencies and statistics");
  graph->require_subcommand(1);

  auto deps = std::make_shared<DepsCmd>();
  auto* d = graph->add_subcommand(
      "deps", "What a file or symbol depends on (or, --reverse, what depends on it)");
  d->add_option("target", deps->target, "A file path or a symbol name (Class.method, Foo::bar)")
      ->required();
  d->add_flag("-r,--reverse", deps->reverse, "Dependents instead of dependencies");
  d->add_option("--depth", deps->depth, "Levels to follow")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  d->add_option("--limit", deps->limit, "Stop after this many files")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  d->add_option("--repo", deps->repo,
                "Repository (default: the only one, or the one holding the current folder)");
  d->add_option("--db", deps->db,
                "Graph database (default: $SLUICE_GRAPH_DB, else <data dir>/graph.db)");
  d->add_flag("--json", deps->json, "Print JSON");
  d->callback([deps] { fail_on(run_deps(*deps)); });

  auto stats = std::make_shared<StatsCmd>();
  auto* s = graph->add_subcommand("stats", "Files, lines, symbols and edges per language and kind");
  s->add_option("--repo", stats->repo, "One repository (default: all)");
  s->add_option("--db", stats->db,
                "Graph database (default: $SLUICE_GRAPH_DB, else <data dir>/graph.db)");
  s->add_flag("--json", stats->json, "Print JSON");
  s->callback([stats] { fail_on(run_stats(*stats)); });
}

}  // namespace sluice::cli
