#include "intel/graph/walk.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>

#include "intel/graph/languages.hpp"

namespace sluice::intel::graph {
namespace fs = std::filesystem;
namespace {

// Folders that hold other people's code or generated output in nearly every ecosystem. Hidden
// folders (.git, .venv, .next, .idea, ...) are skipped too.
constexpr std::array<std::string_view, 16> kSkippedDirs{
    "node_modules", "bower_components", "vendor", "third_party", "build",    "dist",
    "out",          "target",           "venv",   "__pycache__", "coverage", "bazel-out",
    "bazel-bin",    "site-packages",    "Pods",   "DerivedData"};

bool skipped_dir(std::string_view name) {
  if (name.starts_with('.')) return true;
  if (name.starts_with("cmake-build-") || name.starts_with("build-")) return true;
  return std::find(kSkippedDirs.begin(), kSkippedDirs.end(), name) != kSkippedDirs.end();
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> parts;
  while (!s.empty()) {
    const auto slash = s.find('/');
    if (slash != 0) parts.push_back(s.substr(0, slash));
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  return parts;
}

bool segment_matches(std::string_view pattern, std::string_view segment) {
  const std::string p(pattern), s(segment);
  return fnmatch(p.c_str(), s.c_str(), FNM_PERIOD) == 0;
}

// Pattern segments against path segments; "**" matches any number of segments.
bool match_segments(std::span<const std::string_view> pat, std::span<const std::string_view> path) {
  if (pat.empty()) return path.empty();
  if (pat.front() == "**") {
    for (std::size_t skip = 0; skip <= path.size(); ++skip) {
      if (match_segments(pat.subspan(1), path.subspan(skip))) return true;
    }
    return false;
  }
  return !path.empty() && segment_matches(pat.front(), path.front()) &&
         match_segments(pat.subspan(1), path.subspan(1));
}

struct Level {
  std::string dir;  // relative folder of the .gitignore ("" for the root)
  std::vector<IgnoreRule> rules;
};

class Walker {
 public:
  Walker(fs::path root, const WalkOptions& options) : root_(std::move(root)), options_(options) {}

  WalkResult run() {
    walk("", 0);
    std::sort(result_.files.begin(), result_.files.end(),
              [](const RepoFile& a, const RepoFile& b) { return a.path < b.path; });
    std::sort(result_.go_mods.begin(), result_.go_mods.end());
    return std::move(result_);
  }

 private:
  // The last matching rule decides, from the deepest .gitignore up (git's precedence).
  bool ignored(const std::string& rel, bool is_dir) const {
    for (auto level = levels_.rbegin(); level != levels_.rend(); ++level) {
      std::string_view sub(rel);
      if (!level->dir.empty()) sub.remove_prefix(level->dir.size() + 1);
      for (auto r = level->rules.rbegin(); r != level->rules.rend(); ++r) {
        if (ignore_rule_matches(*r, sub, is_dir)) return !r->negate;
      }
    }
    return false;
  }

  void walk(const std::string& rel_dir, int depth) {
    // Deeper than any real source tree: a sign of something odd (a bind-mount loop).
    if (depth > 64) return;
    const fs::path dir = rel_dir.empty() ? root_ : root_ / rel_dir;
    bool pushed = false;
    if (options_.gitignore) {
      std::ifstream in(dir / ".gitignore");
      if (in) {
        std::stringstream ss;
        ss << in.rdbuf();
        levels_.push_back({rel_dir, parse_gitignore(ss.str())});
        pushed = true;
      }
    }
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      entries.push_back(*it);
    }
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return a.path().filename() < b.path().filename();
    });
    for (const auto& e : entries) {
      const auto name = e.path().filename().string();
      const auto rel = rel_dir.empty() ? name : rel_dir + "/" + name;
      std::error_code sec;
      if (e.is_symlink(sec)) continue;
      if (e.is_directory(sec)) {
        if (skipped_dir(name) || ignored(rel, true)) continue;
        walk(rel, depth + 1);
      } else if (e.is_regular_file(sec)) {
        if (name == "go.mod") {
          result_.go_mods.push_back(rel);
          continue;
        }
        if (!lang_for_path(name) || name.find(".min.") != std::string::npos) continue;
        if (ignored(rel, false)) continue;
        const auto bytes = e.file_size(sec);
        if (sec) continue;
        if (bytes > options_.max_file_bytes) {
          ++result_.skipped_large;
          continue;
        }
        result_.files.push_back({rel, bytes});
      }
    }
    if (pushed) levels_.pop_back();
  }

  fs::path root_;
  const WalkOptions& options_;
  std::vector<Level> levels_;
  WalkResult result_;
};

}  // namespace

std::vector<IgnoreRule> parse_gitignore(std::string_view text) {
  std::vector<IgnoreRule> rules;
  std::istringstream in{std::string(text)};
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    // Trailing spaces are ignored unless escaped; escapes are rare enough to treat as literal.
    while (!line.empty() && line.back() == ' ' && !line.ends_with("\\ ")) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    IgnoreRule r;
    if (line.front() == '!') {
      r.negate = true;
      line.erase(0, 1);
    } else if (line.starts_with("\\!") || line.starts_with("\\#")) {
      line.erase(0, 1);
    }
    if (line.ends_with('/')) {
      r.dir_only = true;
      line.pop_back();
    }
    if (line.starts_with('/')) {
      r.anchored = true;
      line.erase(0, 1);
    }
    if (line.find('/') != std::string::npos) r.anchored = true;
    if (line.empty()) continue;
    r.pattern = std::move(line);
    rules.push_back(std::move(r));
  }
  return rules;
}

bool ignore_rule_matches(const IgnoreRule& rule, std::string_view rel, bool is_dir) {
  if (rule.dir_only && !is_dir) return false;
  const auto path = split(rel);
  if (path.empty()) return false;
  if (!rule.anchored) return segment_matches(rule.pattern, path.back());
  const auto pat = split(rule.pattern);
  return match_segments(pat, path);
}

WalkResult walk_repo(const fs::path& root, const WalkOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    throw std::runtime_error(root.string() + " is not a directory");
  }
  return Walker(root, options).run();
}

}  // namespace sluice::intel::graph
