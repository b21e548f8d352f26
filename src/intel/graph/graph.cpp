#include "intel/graph/graph.hpp"

#include <algorithm>
#include <tuple>

namespace sluice::intel::graph {
namespace {

// Scratch for walks on the request path: a visit stamp per file instead of clearing a bitmap
// per call, and a reusable queue. One per thread, grown to the largest graph seen.
struct Scratch {
  std::vector<std::uint32_t> stamp;
  std::uint32_t epoch = 0;
  std::vector<std::uint32_t> queue;

  void begin(std::size_t n) {
    if (stamp.size() < n) stamp.resize(n, 0);
    if (++epoch == 0) {
      std::fill(stamp.begin(), stamp.end(), 0);
      epoch = 1;
    }
    queue.clear();
  }
  bool visit(std::uint32_t i) {
    if (stamp[i] == epoch) return false;
    stamp[i] = epoch;
    return true;
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

// A touched name is one definition or a few overloads; a name defined everywhere ("get",
// "init") says nothing about where the change is.
constexpr std::size_t kMaxDefinitionsPerName = 16;

std::string_view strip_dot_slash(std::string_view p) {
  while (p.starts_with("./")) p.remove_prefix(2);
  while (p.ends_with('/')) p.remove_suffix(1);
  return p;
}

}  // namespace

CodeGraph::Csr CodeGraph::make_csr(std::size_t n,
                                   std::vector<std::pair<std::uint32_t, std::uint32_t>>& pairs) {
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  Csr c;
  c.offsets.assign(n + 1, 0);
  for (const auto& [from, to] : pairs) ++c.offsets[from + 1];
  for (std::size_t i = 0; i < n; ++i) c.offsets[i + 1] += c.offsets[i];
  c.targets.reserve(pairs.size());
  for (const auto& p : pairs) c.targets.push_back(p.second);
  return c;
}

std::shared_ptr<const CodeGraph> CodeGraph::build(GraphRows rows, SensitiveZones zones) {
  auto g = std::shared_ptr<CodeGraph>(new CodeGraph());
  g->repo_ = std::move(rows.repo);
  g->zones_ = std::move(zones);
  std::unordered_map<std::int64_t, std::uint32_t> file_index, symbol_index;
  g->files_.reserve(rows.files.size());
  for (auto& f : rows.files) {
    file_index.emplace(f.id, static_cast<std::uint32_t>(g->files_.size()));
    const auto z = g->zones_.path_zones(f.path);
    g->files_.push_back({std::move(f.path), f.lang, f.lines, z});
  }
  g->symbols_.reserve(rows.symbols.size());
  for (auto& s : rows.symbols) {
    const auto file = file_index.find(s.file_id);
    if (file == file_index.end()) continue;
    symbol_index.emplace(s.id, static_cast<std::uint32_t>(g->symbols_.size()));
    const auto z = g->zones_.symbol_zones(s.name, s.qualified);
    g->symbols_.push_back(
        {std::move(s.name), std::move(s.qualified), file->second, s.kind, s.line, z});
  }
  const auto nf = g->files_.size();
  const auto ns = g->symbols_.size();

  // Edges, with their kinds: sorted by (src, dst) so the CSR order and the kind order agree.
  std::vector<std::tuple<std::uint32_t, std::uint32_t, EdgeKind>> edges;
  for (const auto& e : rows.edges) {
    const auto s = file_index.find(e.src), d = file_index.find(e.dst);
    if (s != file_index.end() && d != file_index.end() && s->second != d->second) {
      edges.emplace_back(s->second, d->second, e.kind);
    }
  }
  std::sort(edges.begin(), edges.end());
  std::vector<std::pair<std::uint32_t, std::uint32_t>> fwd, rev;
  for (const auto& [s, d, k] : edges) {
    if (!fwd.empty() && fwd.back() == std::pair(s, d)) continue;
    fwd.emplace_back(s, d);
    g->fwd_kinds_.push_back(k);
    ++g->kind_counts_[static_cast<std::size_t>(k)];
  }
  // The reverse kinds follow the reverse order: (dst, src).
  std::vector<std::tuple<std::uint32_t, std::uint32_t, EdgeKind>> backward;
  for (std::size_t i = 0; i < fwd.size(); ++i) {
    backward.emplace_back(fwd[i].second, fwd[i].first, g->fwd_kinds_[i]);
  }
  std::sort(backward.begin(), backward.end());
  for (const auto& [d, s, k] : backward) {
    rev.emplace_back(d, s);
    g->rev_kinds_.push_back(k);
  }
  g->fwd_ = make_csr(nf, fwd);
  g->rev_ = make_csr(nf, rev);

  std::vector<std::pair<std::uint32_t, std::uint32_t>> users, user_symbols, uses;
  for (const auto& e : rows.symbol_edges) {
    const auto src = file_index.find(e.src_file);
    const auto dst = symbol_index.find(e.dst_symbol);
    if (src == file_index.end() || dst == symbol_index.end()) continue;
    ++g->symbol_edges_;
    users.emplace_back(dst->second, src->second);
    if (e.src_symbol == 0) continue;
    const auto from = symbol_index.find(e.src_symbol);
    if (from == symbol_index.end()) continue;
    user_symbols.emplace_back(dst->second, from->second);
    uses.emplace_back(from->second, dst->second);
  }
  g->sym_users_ = make_csr(ns, users);
  g->sym_user_symbols_ = make_csr(ns, user_symbols);
  g->sym_uses_ = make_csr(ns, uses);

  for (std::uint32_t i = 0; i < nf; ++i) {
    std::string_view p = g->files_[i].path;
    g->by_path_.emplace(p, i);
    // Every tail at a '/' boundary, for paths named relative to another folder.
    for (auto slash = p.find('/'); slash != std::string_view::npos; slash = p.find('/')) {
      p.remove_prefix(slash + 1);
      auto [it, fresh] = g->by_suffix_.emplace(p, static_cast<std::int64_t>(i));
      if (!fresh && it->second != i) it->second = -1;
    }
  }
  for (std::uint32_t i = 0; i < ns; ++i) {
    g->by_name_[g->symbols_[i].name].push_back(i);
    g->by_qualified_[g->symbols_[i].qualified].push_back(i);
  }
  return g;
}

std::optional<std::uint32_t> CodeGraph::lookup(std::string_view rel) const {
  if (const auto it = by_path_.find(rel); it != by_path_.end()) return it->second;
  return std::nullopt;
}

std::optional<std::uint32_t> CodeGraph::find_file(std::string_view path) const {
  path = strip_dot_slash(path);
  const std::string_view root = repo_.root;
  if (!root.empty() && path.starts_with(root) && path.size() > root.size() &&
      path[root.size()] == '/') {
    path.remove_prefix(root.size() + 1);
  }
  while (path.starts_with('/')) path.remove_prefix(1);
  if (path.empty()) return std::nullopt;
  // Longest tail first: an exact path, or a tail only one file has.
  for (std::string_view tail = path;;) {
    if (const auto f = lookup(tail)) return f;
    if (const auto it = by_suffix_.find(tail); it != by_suffix_.end()) {
      if (it->second < 0) return std::nullopt;  // shorter tails are ambiguous too
      return static_cast<std::uint32_t>(it->second);
    }
    const auto slash = tail.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    tail.remove_prefix(slash + 1);
  }
}

std::span<const std::uint32_t> CodeGraph::find_symbols(std::string_view name) const {
  std::string dotted;
  if (name.find("::") != std::string_view::npos) {
    for (std::size_t i = 0; i < name.size(); ++i) {
      if (name.compare(i, 2, "::") == 0) {
        dotted += '.';
        ++i;
      } else {
        dotted += name[i];
      }
    }
    name = dotted;
  }
  if (const auto it = by_qualified_.find(name); it != by_qualified_.end()) return it->second;
  if (const auto it = by_name_.find(name); it != by_name_.end()) return it->second;
  return {};
}

namespace {

// Breadth-first from `first` (depth 1, already marked), over `adj`, until `b` is reached.
template <class Adj, class Kinds>
void walk_levels(std::vector<DepEntry>& out, std::vector<bool>& seen, const Adj& adj,
                 const Kinds& kinds, Bounds b, bool& truncated) {
  std::size_t level_start = 0;
  for (std::uint32_t depth = 2; depth <= b.max_depth; ++depth) {
    const auto level_end = out.size();
    if (level_start == level_end) break;
    for (std::size_t i = level_start; i < level_end; ++i) {
      const auto targets = adj(out[i].file);
      const auto ks = kinds(out[i].file);
      for (std::size_t t = 0; t < targets.size(); ++t) {
        if (seen[targets[t]]) continue;
        if (out.size() >= b.max_dependents) {
          truncated = true;
          return;
        }
        seen[targets[t]] = true;
        out.push_back({targets[t], depth, ks[t], {}});
      }
    }
    level_start = level_end;
  }
}

}  // namespace

DepsResult CodeGraph::deps_of_file(std::uint32_t file, bool reverse, Bounds b) const {
  DepsResult r;
  std::vector<bool> seen(files_.size(), false);
  seen[file] = true;
  const auto& adj = reverse ? rev_ : fwd_;
  const auto& kinds = reverse ? rev_kinds_ : fwd_kinds_;
  auto targets = [&](std::uint32_t f) { return adj.of(f); };
  auto kinds_of = [&](std::uint32_t f) {
    return std::span<const EdgeKind>(kinds.data() + adj.offsets[f],
                                     kinds.data() + adj.offsets[f + 1]);
  };
  if (b.max_depth >= 1) {
    const auto first = targets(file);
    const auto ks = kinds_of(file);
    for (std::size_t t = 0; t < first.size(); ++t) {
      if (r.files.size() >= b.max_dependents) {
        r.truncated = true;
        break;
      }
      seen[first[t]] = true;
      r.files.push_back({first[t], 1, ks[t], {}});
    }
  }
  if (!r.truncated) walk_levels(r.files, seen, targets, kinds_of, b, r.truncated);
  std::stable_sort(r.files.begin(), r.files.end(), [&](const DepEntry& x, const DepEntry& y) {
    return x.depth != y.depth ? x.depth < y.depth : files_[x.file].path < files_[y.file].path;
  });
  return r;
}

DepsResult CodeGraph::deps_of_symbols(std::span<const std::uint32_t> symbols, bool reverse,
                                      Bounds b) const {
  DepsResult r;
  std::vector<bool> seen(files_.size(), false);
  for (const auto s : symbols) seen[symbols_[s].file] = true;
  // Depth 1: by symbol edges, each file listing the symbols that link it.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> first;  // (file, via symbol or none)
  constexpr auto kNone = static_cast<std::uint32_t>(-1);
  for (const auto s : symbols) {
    if (reverse) {
      for (const auto f : sym_users_.of(s)) first.emplace_back(f, kNone);
      for (const auto u : sym_user_symbols_.of(s)) first.emplace_back(symbols_[u].file, u);
    } else {
      for (const auto d : sym_uses_.of(s)) first.emplace_back(symbols_[d].file, d);
    }
  }
  std::sort(first.begin(), first.end());
  for (const auto& [f, via] : first) {
    if (!r.files.empty() && r.files.back().file == f) {
      if (via != kNone && (r.files.back().via.empty() || r.files.back().via.back() != via)) {
        r.files.back().via.push_back(via);
      }
      continue;
    }
    if (seen[f]) continue;
    if (r.files.size() >= b.max_dependents) {
      r.truncated = true;
      break;
    }
    seen[f] = true;
    r.files.push_back({f, 1, EdgeKind::Ref, {}});
    if (via != kNone) r.files.back().via.push_back(via);
  }
  const auto& adj = reverse ? rev_ : fwd_;
  const auto& kinds = reverse ? rev_kinds_ : fwd_kinds_;
  auto targets = [&](std::uint32_t f) { return adj.of(f); };
  auto kinds_of = [&](std::uint32_t f) {
    return std::span<const EdgeKind>(kinds.data() + adj.offsets[f],
                                     kinds.data() + adj.offsets[f + 1]);
  };
  if (!r.truncated && b.max_depth >= 1)
    walk_levels(r.files, seen, targets, kinds_of, b, r.truncated);
  if (b.max_depth == 0) r.files.clear();
  std::stable_sort(r.files.begin(), r.files.end(), [&](const DepEntry& x, const DepEntry& y) {
    return x.depth != y.depth ? x.depth < y.depth : files_[x.file].path < files_[y.file].path;
  });
  return r;
}

BlastReport CodeGraph::blast_radius(std::span<const std::string> paths,
                                    std::span<const std::string> symbols, Bounds b) const {
  BlastReport r;
  auto& s = scratch();
  s.begin(files_.size());
  // The touched files: marked, never counted.
  std::vector<std::uint32_t> touched;
  for (const auto& p : paths) {
    if (const auto f = find_file(p)) {
      r.zones |= files_[*f].zones;
      if (s.visit(*f)) touched.push_back(*f);
    } else {
      r.zones |= zones_.path_zones(strip_dot_slash(p));
    }
  }
  r.files_matched = static_cast<std::uint32_t>(touched.size());
  std::uint32_t count = 0;
  auto add = [&](std::uint32_t f) {
    if (s.stamp[f] == s.epoch) return true;
    if (count >= b.max_dependents) {
      r.truncated = true;
      return false;
    }
    s.visit(f);
    ++count;
    s.queue.push_back(f);
    return true;
  };
  if (b.max_depth >= 1) {
    for (const auto f : touched) {
      for (const auto d : rev_.of(f)) {
        if (!add(d)) break;
      }
    }
    for (const auto& name : symbols) {
      const auto defs = find_symbols(name);
      if (defs.empty() || defs.size() > kMaxDefinitionsPerName) continue;
      for (const auto sym : defs) {
        ++r.symbols_matched;
        r.zones |= symbols_[sym].zones;
        for (const auto user : sym_users_.of(sym)) {
          if (!add(user)) break;
        }
      }
    }
  }
  r.radius.fan_in = count;
  // Deeper levels: the queue holds each level after the previous one.
  std::size_t level_start = 0;
  for (std::uint32_t depth = 2; depth <= b.max_depth && !r.truncated; ++depth) {
    const auto level_end = s.queue.size();
    if (level_start == level_end) break;
    for (std::size_t i = level_start; i < level_end && !r.truncated; ++i) {
      for (const auto d : rev_.of(s.queue[i])) {
        if (!add(d)) break;
      }
    }
    level_start = level_end;
  }
  r.radius.dependents = count;
  r.radius.sensitive_zone = r.zones != 0;
  return r;
}

BlastReport CodeGraph::blast_radius(const RequestSignals& signals, Bounds b) const {
  std::vector<std::string> paths;
  auto collect = [&](auto&& pick) {
    for (const auto& f : signals.files) {
      if (pick(f)) paths.push_back(f.path);
    }
  };
  collect([](const TouchedFile& f) { return f.edited; });
  if (paths.empty()) collect([](const TouchedFile& f) { return f.current; });
  if (paths.empty()) collect([](const TouchedFile&) { return true; });
  return blast_radius(paths, signals.symbols, b);
}

}  // namespace sluice::intel::graph
