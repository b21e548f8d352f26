#pragma once
// Finding a repository's source files: every file with a language the graph parses, except what
// .gitignore files exclude (roughly: git's pattern rules, no global excludes), version control
// and dependency folders, build output, minified and oversized files. Symbolic links are not
// followed (no cycles, no file counted twice).

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::intel::graph {

struct WalkOptions {
  /// Larger files are generated or vendored (the C++ grammar's own parser.c is 17 MB).
  std::uintmax_t max_file_bytes = 1024 * 1024;
  bool gitignore = true;
};

struct RepoFile {
  std::string path;  // relative to the root, '/'-separated
  std::uintmax_t bytes = 0;
};

struct WalkResult {
  std::vector<RepoFile> files;       // sorted by path
  std::vector<std::string> go_mods;  // relative paths of go.mod files (module roots)
  std::size_t skipped_large = 0;     // over max_file_bytes
};

/// Throws std::runtime_error when `root` is not a readable directory. Unreadable folders below
/// it are skipped.
WalkResult walk_repo(const std::filesystem::path& root, const WalkOptions& options = {});

/// One .gitignore line, parsed. Patterns are matched against a path relative to the folder
/// holding the .gitignore.
struct IgnoreRule {
  std::string pattern;    // without '!', the leading '/' and the trailing '/'
  bool negate = false;    // "!pattern": un-ignores
  bool dir_only = false;  // "pattern/": folders only
  bool anchored = false;  // holds a '/' (other than a trailing one): matched from the folder
};

/// Parses a .gitignore's text (comments and blank lines skipped).
std::vector<IgnoreRule> parse_gitignore(std::string_view text);

/// Whether `rule` matches `rel` (relative to the .gitignore's folder); `is_dir` for folders.
/// '*' and '?' stay within a path segment, "**" spans segments.
bool ignore_rule_matches(const IgnoreRule& rule, std::string_view rel, bool is_dir);

}  // namespace sluice::intel::graph
