// Import resolution per language, then references against the files each file can see. Every
// lookup is a hash probe of a candidate path: no file system access, so resolution is the same
// on a fresh index and an incremental one.
#include "intel/graph/resolve.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

namespace sluice::intel::graph {
namespace {

std::string_view dirname(std::string_view p) {
  const auto slash = p.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : p.substr(0, slash);
}

std::string_view basename(std::string_view p) {
  const auto slash = p.rfind('/');
  return slash == std::string_view::npos ? p : p.substr(slash + 1);
}

std::string_view stem(std::string_view p) {
  const auto name = basename(p);
  const auto dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? name : name.substr(0, dot);
}

std::string join(std::string_view a, std::string_view b) {
  if (a.empty()) return std::string(b);
  if (b.empty()) return std::string(a);
  std::string out(a);
  out += '/';
  out += b;
  return out;
}

// Resolves "." and ".." segments; nullopt when the path climbs out of the repository.
std::optional<std::string> normalize(std::string_view p) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto slash = p.find('/');
    const auto seg = p.substr(0, slash);
    if (seg == "..") {
      if (parts.empty()) return std::nullopt;
      parts.pop_back();
    } else if (!seg.empty() && seg != ".") {
      parts.push_back(seg);
    }
    if (slash == std::string_view::npos) break;
    p.remove_prefix(slash + 1);
  }
  std::string out;
  for (const auto part : parts) {
    if (!out.empty()) out += '/';
    out += part;
  }
  return out;
}

bool is_header(std::string_view path) {
  static constexpr std::array<std::string_view, 6> kExt{".h",   ".hpp", ".hh",
                                                        ".hxx", ".inl", ".ipp"};
  const auto name = basename(path);
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  return std::find(kExt.begin(), kExt.end(), name.substr(dot)) != kExt.end();
}

constexpr std::array<std::string_view, 8> kJsExtensions{".ts",  ".tsx", ".js",  ".jsx",
                                                        ".mjs", ".cjs", ".mts", ".cts"};

class Resolver {
 public:
  Resolver(std::span<const SourceFile> files, const RepoLayout& layout)
      : files_(files), layout_(layout) {
    for (std::uint32_t i = 0; i < files.size(); ++i) {
      const std::string_view path = files[i].path;
      by_path_.emplace(path, i);
      by_dir_[dirname(path)].push_back(i);
      const auto lang = files[i].lang;
      if (is_c_family(lang) || lang == Lang::Java) add_suffixes(i);
      if (is_c_family(lang)) add_include_dirs(path);
      if (lang == Lang::Java) add_java_dir(dirname(path));
    }
  }

  Resolution run() {
    Resolution r;
    std::vector<std::vector<std::uint32_t>> imported(files_.size());
    for (std::uint32_t f = 0; f < files_.size(); ++f) {
      for (const auto& imp : files_[f].facts.imports) {
        std::vector<std::uint32_t> targets;
        resolve_import(f, imp.spec, targets);
        if (!imp.optional) {
          ++r.imports;
          if (targets.empty()) ++r.unresolved;
        }
        for (const auto t : targets) {
          if (t != f) imported[f].push_back(t);
        }
      }
      auto& imp = imported[f];
      std::sort(imp.begin(), imp.end());
      imp.erase(std::unique(imp.begin(), imp.end()), imp.end());
      for (const auto t : imp) r.file_edges.push_back({f, t, EdgeKind::Import});
      add_impl_edges(f, imp, r);
    }
    resolve_refs(imported, r);
    std::sort(r.file_edges.begin(), r.file_edges.end(), [](const FileEdge& a, const FileEdge& b) {
      return std::tie(a.src, a.dst, a.kind) < std::tie(b.src, b.dst, b.kind);
    });
    r.file_edges.erase(std::unique(r.file_edges.begin(), r.file_edges.end(),
                                   [](const FileEdge& a, const FileEdge& b) {
                                     return a.src == b.src && a.dst == b.dst;
                                   }),
                       r.file_edges.end());
    return r;
  }

 private:
  std::optional<std::uint32_t> find(std::string_view path) const {
    const auto it = by_path_.find(path);
    return it == by_path_.end() ? std::nullopt : std::optional(it->second);
  }

  bool add_if(std::string_view path, std::vector<std::uint32_t>& out) const {
    const auto f = find(path);
    if (f) out.push_back(*f);
    return f.has_value();
  }

  // Every tail of the path at a '/' boundary ("a/b/c.h", "b/c.h", "c.h"), so that an include
  // or a Java class can be found under whatever source root the build uses. -1: ambiguous.
  void add_suffixes(std::uint32_t i) {
    std::string_view p = files_[i].path;
    while (true) {
      auto [it, fresh] = by_suffix_.emplace(std::string(p), static_cast<std::int64_t>(i));
      if (!fresh && it->second != i) it->second = -1;
      const auto slash = p.find('/');
      if (slash == std::string_view::npos) break;
      p.remove_prefix(slash + 1);
    }
  }

  std::optional<std::uint32_t> find_suffix(const std::string& suffix) const {
    const auto it = by_suffix_.find(suffix);
    if (it == by_suffix_.end() || it->second < 0) return std::nullopt;
    return static_cast<std::uint32_t>(it->second);
  }

  // Folders named include/ (at any depth) hold headers included by their path below it.
  void add_include_dirs(std::string_view path) {
    for (auto at = path.find("include/"); at != std::string_view::npos;
         at = path.find("include/", at + 1)) {
      if (at == 0 || path[at - 1] == '/') include_dirs_.insert(std::string(path.substr(0, at + 7)));
    }
  }

  void add_java_dir(std::string_view dir) {
    std::string_view d = dir;
    while (!d.empty()) {
      java_dirs_[std::string(d)].insert(std::string(dir));
      const auto slash = d.find('/');
      if (slash == std::string_view::npos) break;
      d.remove_prefix(slash + 1);
    }
  }

  void resolve_import(std::uint32_t f, std::string_view spec, std::vector<std::uint32_t>& out) {
    const auto& from = files_[f];
    switch (from.lang) {
      case Lang::Python:
        python(from.path, spec, out);
        break;
      case Lang::JavaScript:
      case Lang::TypeScript:
      case Lang::Tsx:
        js(from.path, spec, out);
        break;
      case Lang::Go:
        go(spec, out);
        break;
      case Lang::Rust:
        rust(from.path, spec, out);
        break;
      case Lang::Java:
        java(spec, out);
        break;
      case Lang::C:
      case Lang::Cpp:
        include(from.path, spec, out);
        break;
    }
  }

  bool python_module(std::string_view base, std::string_view dotted,
                     std::vector<std::uint32_t>& out) const {
    std::string rel(dotted);
    std::replace(rel.begin(), rel.end(), '.', '/');
    const auto p = join(base, rel);
    return add_if(p + ".py", out) || add_if(p + "/__init__.py", out) || add_if(p + ".pyi", out);
  }

  void python(std::string_view from, std::string_view spec, std::vector<std::uint32_t>& out) const {
    if (spec.starts_with('.')) {
      const auto dots = spec.find_first_not_of('.');
      const auto rest = dots == std::string_view::npos ? std::string_view() : spec.substr(dots);
      const std::size_t ups = (dots == std::string_view::npos ? spec.size() : dots) - 1;
      std::string_view dir = dirname(from);
      for (std::size_t i = 0; i < ups; ++i) {
        if (dir.empty()) return;  // above the repository
        dir = dirname(dir);
      }
      if (rest.empty()) {
        add_if(join(dir, "__init__.py"), out);
      } else {
        python_module(dir, rest, out);
      }
      return;
    }
    // Absolute: from the root first, then from each folder above the importing file (a src/
    // layout, or a script importing its neighbours).
    std::string_view dir = dirname(from);
    std::vector<std::string_view> bases{std::string_view()};
    for (std::size_t at = 0; at < dir.size(); ++at) {
      if (dir[at] == '/') bases.push_back(dir.substr(0, at));
    }
    if (!dir.empty()) bases.push_back(dir);
    for (const auto base : bases) {
      if (python_module(base, spec, out)) return;
    }
  }

  bool js_candidates(const std::string& base, std::vector<std::uint32_t>& out) const {
    if (const auto f = find(base); f && is_js_family(files_[*f].lang)) {
      out.push_back(*f);
      return true;
    }
    for (const auto ext : kJsExtensions) {
      if (add_if(base + std::string(ext), out)) return true;
    }
    for (const auto ext : kJsExtensions) {
      if (add_if(base + "/index" + std::string(ext), out)) return true;
    }
    // TypeScript's ESM style names the emitted file: import "./util.js" means util.ts.
    for (const std::string_view js : {".js", ".jsx", ".mjs", ".cjs"}) {
      if (!base.ends_with(js)) continue;
      const auto bare = base.substr(0, base.size() - js.size());
      for (const std::string_view ts : {".ts", ".tsx", ".mts", ".cts"}) {
        if (add_if(bare + std::string(ts), out)) return true;
      }
    }
    return false;
  }

  void js(std::string_view from, std::string_view spec, std::vector<std::uint32_t>& out) const {
    if (spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == "..") {
      if (const auto base = normalize(join(dirname(from), spec))) js_candidates(*base, out);
      return;
    }
    // A bare specifier is a package, unless the project resolves from its root or src/
    // (TypeScript's baseUrl); only a file that exists counts.
    if (const auto base = normalize(spec); base && !js_candidates(*base, out)) {
      js_candidates(join("src", *base), out);
    }
  }

  void go(std::string_view spec, std::vector<std::uint32_t>& out) const {
    const GoModule* best = nullptr;
    for (const auto& m : layout_.go_modules) {
      if (m.path.empty()) continue;
      const bool inside =
          spec == m.path ||
          (spec.starts_with(m.path) && spec.size() > m.path.size() && spec[m.path.size()] == '/');
      if (inside && (!best || m.path.size() > best->path.size())) best = &m;
    }
    if (!best) return;  // the standard library or another module
    const auto rel = spec.size() > best->path.size() ? spec.substr(best->path.size() + 1) : "";
    const auto dir = join(best->dir, rel);
    const auto it = by_dir_.find(dir);
    if (it == by_dir_.end()) return;
    for (const auto f : it->second) {
      // A package is its non-test files; tests are not importable.
      if (files_[f].lang == Lang::Go && !files_[f].path.ends_with("_test.go")) out.push_back(f);
    }
  }

  // The folder of the module a Rust file defines: lib.rs, main.rs and mod.rs own their folder,
  // src/a.rs owns src/a/.
  static std::string rust_module_dir(std::string_view file) {
    const auto name = basename(file);
    if (name == "lib.rs" || name == "main.rs" || name == "mod.rs")
      return std::string(dirname(file));
    return join(dirname(file), stem(file));
  }

  std::optional<std::uint32_t> rust_module_file(std::string_view dir) const {
    if (const auto f = find(join(dir, "lib.rs"))) return f;
    if (const auto f = find(join(dir, "main.rs"))) return f;
    if (const auto f = find(join(dir, "mod.rs"))) return f;
    if (!dir.empty()) return find(std::string(dir) + ".rs");
    return std::nullopt;
  }

  std::optional<std::string> rust_crate_root(std::string_view file) const {
    std::string_view dir = dirname(file);
    while (true) {
      if (find(join(dir, "lib.rs")) || find(join(dir, "main.rs"))) return std::string(dir);
      if (dir.empty()) return std::nullopt;
      dir = dirname(dir);
    }
  }

  void rust(std::string_view from, std::string_view spec, std::vector<std::uint32_t>& out) const {
    if (spec.starts_with("mod:")) {
      const auto dir = join(rust_module_dir(from), spec.substr(4));
      add_if(dir + ".rs", out) || add_if(dir + "/mod.rs", out);
      return;
    }
    if (!spec.starts_with("use:")) return;
    std::vector<std::string_view> segs;
    for (std::string_view s = spec.substr(4);;) {
      const auto colons = s.find("::");
      segs.push_back(s.substr(0, colons));
      if (colons == std::string_view::npos) break;
      s.remove_prefix(colons + 2);
    }
    std::string base;
    std::size_t first = 1;
    if (segs[0] == "crate") {
      const auto root = rust_crate_root(from);
      if (!root) return;
      base = *root;
    } else if (segs[0] == "self" || segs[0] == "super") {
      base = rust_module_dir(from);
      first = 0;
      while (first < segs.size() && (segs[first] == "self" || segs[first] == "super")) {
        if (segs[first] == "super") base = std::string(dirname(base));
        ++first;
      }
    } else {
      // An external crate (std, serde), or a 2015-edition path from the crate root.
      const auto root = rust_crate_root(from);
      if (!root) return;
      base = *root;
      first = 0;
    }
    // The longest prefix of the path that is a module file; the rest names items in it.
    for (std::size_t k = segs.size(); k > first; --k) {
      std::string rel;
      for (std::size_t i = first; i < k; ++i) rel = join(rel, segs[i]);
      const auto p = join(base, rel);
      if (add_if(p + ".rs", out) || add_if(p + "/mod.rs", out)) return;
    }
    if (first < segs.size() && segs[0] != "crate" && segs[0] != "self" && segs[0] != "super") {
      return;  // nothing of the repository: an external crate
    }
    if (const auto f = rust_module_file(base)) out.push_back(*f);
  }

  void java(std::string_view spec, std::vector<std::uint32_t>& out) const {
    std::string path(spec);
    std::replace(path.begin(), path.end(), '.', '/');
    if (path.ends_with("/*")) {
      path.resize(path.size() - 2);
      const auto it = java_dirs_.find(path);
      if (it == java_dirs_.end()) return;
      for (const auto& dir : it->second) {
        for (const auto f : by_dir_.at(dir)) {
          if (files_[f].lang == Lang::Java) out.push_back(f);
        }
      }
      return;
    }
    // a.b.C, or a nested class a.b.C.Inner (the file is C.java).
    while (true) {
      if (const auto f = find_suffix(path + ".java")) {
        out.push_back(*f);
        return;
      }
      const auto slash = path.rfind('/');
      if (slash == std::string::npos || path.find('/') == slash) return;
      path.resize(slash);
    }
  }

  void include(std::string_view from, std::string_view spec,
               std::vector<std::uint32_t>& out) const {
    if (spec.size() < 2) return;
    const bool quoted = spec.front() == '"';
    const auto name = spec.substr(1);
    if (quoted) {
      if (const auto p = normalize(join(dirname(from), name)); p && add_if(*p, out)) return;
    }
    if (const auto p = normalize(name); p && add_if(*p, out)) return;
    for (const auto& dir : include_dirs_) {
      if (const auto p = normalize(join(dir, name)); p && add_if(*p, out)) return;
    }
    // <boost/asio/x.hpp> inside a repository that is the boost/ (or boost/asio/) folder itself:
    // the path below the component named like the root.
    if (!layout_.root_name.empty()) {
      std::string_view rest = name;
      for (auto slash = rest.find('/'); slash != std::string_view::npos; slash = rest.find('/')) {
        const bool named = rest.substr(0, slash) == layout_.root_name;
        rest.remove_prefix(slash + 1);
        if (named) {
          if (const auto p = normalize(rest); p && add_if(*p, out)) return;
        }
      }
    }
    // A quoted include found under whatever include path the build passes, if only one fits.
    if (quoted) {
      if (const auto p = normalize(name)) {
        if (const auto f = find_suffix(*p)) out.push_back(*f);
      }
    }
  }

  void add_impl_edges(std::uint32_t f, const std::vector<std::uint32_t>& targets, Resolution& r) {
    const auto& file = files_[f];
    if (!is_c_family(file.lang) || is_header(file.path)) return;
    for (const auto t : targets) {
      if (is_header(files_[t].path) && stem(files_[t].path) == stem(file.path)) {
        r.file_edges.push_back({t, f, EdgeKind::Impl});
      }
    }
  }

  // Files of the same package see each other's symbols without an import.
  bool same_package(Lang lang) const { return lang == Lang::Go || lang == Lang::Java; }

  void resolve_refs(const std::vector<std::vector<std::uint32_t>>& imported, Resolution& r) {
    // name -> (file, symbol), ordered by file for the per-file lookups below.
    std::unordered_map<std::string_view, std::vector<std::pair<std::uint32_t, std::uint32_t>>> defs;
    for (std::uint32_t f = 0; f < files_.size(); ++f) {
      const auto& syms = files_[f].facts.symbols;
      for (std::uint32_t s = 0; s < syms.size(); ++s) defs[syms[s].name].emplace_back(f, s);
    }
    std::vector<std::uint32_t> visible;
    for (std::uint32_t f = 0; f < files_.size(); ++f) {
      const auto& file = files_[f];
      if (file.facts.refs.empty()) continue;
      visible = imported[f];
      if (same_package(file.lang)) {
        for (const auto g : by_dir_.at(dirname(file.path))) {
          if (g != f && files_[g].lang == file.lang) visible.push_back(g);
        }
        std::sort(visible.begin(), visible.end());
        visible.erase(std::unique(visible.begin(), visible.end()), visible.end());
      }
      if (visible.empty()) continue;
      const auto& imp = imported[f];
      std::set<std::uint32_t> by_ref;
      auto emit = [&](std::int32_t from, std::uint32_t g, std::uint32_t s) {
        r.symbol_edges.push_back({f, from, g, s});
        if (!std::binary_search(imp.begin(), imp.end(), g)) by_ref.insert(g);
      };
      for (const auto& ref : file.facts.refs) {
        const auto it = defs.find(ref.name);
        if (it == defs.end()) continue;
        const auto& cands = it->second;
        if (cands.size() <= 4 * visible.size()) {
          for (const auto& [g, s] : cands) {
            if (g != f && std::binary_search(visible.begin(), visible.end(), g))
              emit(ref.from, g, s);
          }
        } else {
          for (const auto g : visible) {
            const auto lo = std::lower_bound(cands.begin(), cands.end(), std::pair(g, 0u));
            for (auto c = lo; c != cands.end() && c->first == g; ++c) emit(ref.from, g, c->second);
          }
        }
      }
      for (const auto g : by_ref) r.file_edges.push_back({f, g, EdgeKind::Ref});
    }
  }

  std::span<const SourceFile> files_;
  const RepoLayout& layout_;
  std::unordered_map<std::string_view, std::uint32_t> by_path_;
  std::unordered_map<std::string_view, std::vector<std::uint32_t>> by_dir_;
  std::unordered_map<std::string, std::int64_t> by_suffix_;
  std::set<std::string> include_dirs_;
  std::unordered_map<std::string, std::set<std::string>> java_dirs_;
};

}  // namespace

std::string_view edge_kind_name(EdgeKind k) {
  switch (k) {
    case EdgeKind::Import:
      return "import";
    case EdgeKind::Ref:
      return "ref";
    case EdgeKind::Impl:
      return "impl";
  }
  return "import";
}

std::optional<EdgeKind> edge_kind_from_name(std::string_view name) {
  if (name == "import") return EdgeKind::Import;
  if (name == "ref") return EdgeKind::Ref;
  if (name == "impl") return EdgeKind::Impl;
  return std::nullopt;
}

Resolution resolve(std::span<const SourceFile> files, const RepoLayout& layout) {
  return Resolver(files, layout).run();
}

std::string go_module_path(std::string_view go_mod) {
  while (!go_mod.empty()) {
    const auto nl = go_mod.find('\n');
    auto line = go_mod.substr(0, nl);
    go_mod = nl == std::string_view::npos ? std::string_view() : go_mod.substr(nl + 1);
    const auto first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos) continue;
    line.remove_prefix(first);
    if (!line.starts_with("module") || line.size() < 7 || (line[6] != ' ' && line[6] != '\t')) {
      continue;
    }
    line.remove_prefix(7);
    if (const auto comment = line.find("//"); comment != std::string_view::npos) {
      line = line.substr(0, comment);
    }
    const auto b = line.find_first_not_of(" \t\"");
    const auto e = line.find_last_not_of(" \t\r\"");
    if (b == std::string_view::npos || e < b) return {};
    return std::string(line.substr(b, e - b + 1));
  }
  return {};
}

}  // namespace sluice::intel::graph
