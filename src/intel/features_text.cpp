#include "intel/features_text.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace sluice::intel {
namespace {

constexpr std::array<std::string_view, 64> kExtensions{
    "py",     "pyi",  "ts",     "tsx",   "js",    "jsx",     "mjs",  "cjs",  "go",   "rs",
    "java",   "kt",   "kts",    "scala", "c",     "cc",      "cpp",  "cxx",  "h",    "hh",
    "hpp",    "hxx",  "cs",     "rb",    "php",   "swift",   "m",    "mm",   "sql",  "yaml",
    "yml",    "json", "toml",   "ini",   "cfg",   "conf",    "md",   "rst",  "txt",  "tf",
    "tfvars", "hcl",  "sh",     "bash",  "proto", "graphql", "html", "css",  "scss", "vue",
    "svelte", "xml",  "gradle", "lock",  "env",   "ipynb",   "lua",  "dart", "ex",   "exs",
    "sol",    "zig",  "cmake",  "mdx"};

constexpr std::array<std::string_view, 7> kBareFiles{
    "Makefile", "Dockerfile", "Jenkinsfile", "Gemfile", "Procfile", "Rakefile", "CMakeLists.txt"};

// Product names that look like files but are not.
constexpr std::array<std::string_view, 10> kNotFiles{
    "node.js", "vue.js",   "next.js",  "react.js", "express.js",
    "d3.js",   "three.js", "chart.js", "nuxt.js",  "socket.io"};

bool is_word_byte(unsigned char c) {
  return is_alnum(c) || c >= 0x80;
}
bool is_ident_byte(unsigned char c) {
  return is_alnum(c) || c == '_';
}
bool is_path_byte(unsigned char c) {
  return is_ident_byte(c) || c == '/' || c == '.' || c == '-' || c == '~' || c == '@' || c == ':' ||
         c == '+' || c >= 0x80;
}

bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return to_lower(static_cast<unsigned char>(x)) ==
                  to_lower(static_cast<unsigned char>(y));
         });
}

bool known_extension(std::string_view ext) {
  return std::any_of(kExtensions.begin(), kExtensions.end(),
                     [&](std::string_view e) { return iequals(e, ext); });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

bool starts_with(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

void add_unique(std::vector<std::string>& out, std::string_view s, std::size_t limit) {
  if (s.empty() || out.size() >= limit) return;
  if (std::find(out.begin(), out.end(), s) == out.end()) out.emplace_back(s);
}

// A path token cleaned of what surrounds it in prose: "@src/a.py:12," -> "src/a.py".
std::string_view clean_path_token(std::string_view t) {
  while (!t.empty() && (t.front() == '@' || t.front() == ':')) t.remove_prefix(1);
  while (!t.empty() && (t.back() == '.' || t.back() == ':' || t.back() == ',')) t.remove_suffix(1);
  // A trailing :line or :line:col.
  while (!t.empty()) {
    const auto colon = t.rfind(':');
    if (colon == std::string_view::npos || colon + 1 >= t.size()) break;
    const auto tail = t.substr(colon + 1);
    if (!std::all_of(tail.begin(), tail.end(), [](char c) { return c >= '0' && c <= '9'; })) break;
    t = t.substr(0, colon);
  }
  return t;
}

bool looks_like_path(std::string_view t) {
  if (t.size() < 2 || t.find("://") != std::string_view::npos ||
      t.find(':') != std::string_view::npos) {
    return false;
  }
  const auto slash = t.rfind('/');
  const auto name = slash == std::string_view::npos ? t : t.substr(slash + 1);
  if (std::any_of(kBareFiles.begin(), kBareFiles.end(), [&](auto f) { return f == name; }))
    return true;
  if (std::any_of(kNotFiles.begin(), kNotFiles.end(), [&](auto f) { return iequals(f, t); })) {
    return false;
  }
  const auto dot = name.rfind('.');
  if (dot != std::string_view::npos && dot + 1 < name.size() &&
      known_extension(name.substr(dot + 1))) {
    // "e.g.md" is not a thing, but "v1.2.py" is odd too: require a letter in the stem or a dir.
    const auto stem = name.substr(0, dot);
    return slash != std::string_view::npos || stem.empty() ||
           std::any_of(stem.begin(), stem.end(),
                       [](char c) { return is_alpha(static_cast<unsigned char>(c)); });
  }
  // A directory: explicit (./x, ../x, ~/x, x/) or at least two separators (a/b/c). An absolute
  // one is more often a URL path (/api/users/) than part of the code base.
  if (slash == std::string_view::npos || t.front() == '/') return false;
  if (!std::any_of(t.begin(), t.end(),
                   [](char c) { return is_alpha(static_cast<unsigned char>(c)); })) {
    return false;
  }
  if (starts_with(t, "./") || starts_with(t, "../") || starts_with(t, "~/")) return true;
  if (t.back() == '/' && t.size() > 2) return true;
  return std::count(t.begin(), t.end(), '/') >= 2 && t.find("//") == std::string_view::npos;
}

bool is_camel(std::string_view w) {
  bool lower_then_upper = false, has_lower = false;
  for (std::size_t i = 0; i < w.size(); ++i) {
    const auto c = static_cast<unsigned char>(w[i]);
    if (is_lower(c)) has_lower = true;
    if (i > 0 && is_upper(c) && is_lower(static_cast<unsigned char>(w[i - 1]))) {
      lower_then_upper = true;
    }
  }
  return lower_then_upper && has_lower;
}

// Splits `text` into lines without copying.
template <class F>
void for_each_line(std::string_view text, F&& f) {
  std::size_t pos = 0;
  while (pos <= text.size()) {
    const auto nl = text.find('\n', pos);
    const auto end = nl == std::string_view::npos ? text.size() : nl;
    auto line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    f(line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
}

std::string_view strip_diff_prefix(std::string_view p) {
  p = trim(p);
  if (const auto tab = p.find('\t'); tab != std::string_view::npos) p = p.substr(0, tab);
  if (starts_with(p, "a/") || starts_with(p, "b/")) p.remove_prefix(2);
  return p;
}

// Cuts every <tag>...</tag> block out of `s`.
void cut_blocks(std::string& s, std::string_view open, std::string_view close) {
  for (auto b = s.find(open); b != std::string::npos; b = s.find(open, b)) {
    const auto e = s.find(close, b + open.size());
    s.erase(b, e == std::string::npos ? std::string::npos : e + close.size() - b);
  }
}

}  // namespace

std::vector<std::string> paths_in_text(std::string_view text) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_path_byte(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t b = i;
    while (i < text.size() && is_path_byte(static_cast<unsigned char>(text[i]))) ++i;
    const auto token = clean_path_token(text.substr(b, i - b));
    if (looks_like_path(token)) add_unique(out, token, 64);
  }
  return out;
}

std::vector<std::string> fenced_file_names(std::string_view text) {
  std::vector<std::string> out;
  std::string_view previous;
  for_each_line(text, [&](std::string_view line) {
    if (starts_with(line, "```")) {
      const auto name = clean_path_token(trim(previous));
      if (looks_like_path(name)) add_unique(out, name, 64);
    }
    previous = line;
  });
  return out;
}

std::vector<std::string> symbols_in_text(std::string_view text, std::size_t limit) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < text.size() && out.size() < limit) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!is_ident_byte(c) || (i > 0 && (is_ident_byte(static_cast<unsigned char>(text[i - 1])) ||
                                        text[i - 1] == '/' || text[i - 1] == '.'))) {
      ++i;
      continue;
    }
    std::size_t e = i;
    // A dotted name (Foo.bar, self.method) stays one symbol.
    while (e < text.size() && (is_ident_byte(static_cast<unsigned char>(text[e])) ||
                               (text[e] == '.' && e + 1 < text.size() &&
                                is_alpha(static_cast<unsigned char>(text[e + 1]))))) {
      ++e;
    }
    const auto w = text.substr(i, e - i);
    const bool backticked = i > 0 && text[i - 1] == '`' && e < text.size() && text[e] == '`';
    const bool called = e + 1 < text.size() && text[e] == '(';
    const bool snake = w.find('_') != std::string_view::npos && w.size() >= 4 &&
                       std::any_of(w.begin(), w.end(), [](char ch) {
                         return is_alpha(static_cast<unsigned char>(ch));
                       });
    const bool has_dot = w.find('.') != std::string_view::npos;
    const bool is_file = has_dot && looks_like_path(w);
    if (!is_file && !is_digit(c) && (backticked || called || snake || is_camel(w))) {
      add_unique(out, w, limit);
    }
    i = e;
  }
  return out;
}

bool may_hold_patch(std::string_view text) {
  return text.find("*** Begin Patch") != std::string_view::npos ||
         text.find("+++ ") != std::string_view::npos ||
         text.find("<<<<<<< SEARCH") != std::string_view::npos;
}

PatchScan scan_patches(std::string_view text) {
  PatchScan out;
  if (!may_hold_patch(text)) return out;
  enum class Mode { None, ApplyPatch, Hunk, Search, Replace };
  Mode mode = Mode::None;
  std::string_view previous;  // the last line that is not a fence: aider's file name
  const char* search_begin = nullptr;
  const char* replace_begin = nullptr;
  std::string_view search;
  for_each_line(text, [&](std::string_view line) {
    if (mode == Mode::Search || mode == Mode::Replace) {
      if (mode == Mode::Search && starts_with(line, "=======")) {
        search =
            std::string_view(search_begin, static_cast<std::size_t>(line.data() - search_begin));
        replace_begin = line.data() + line.size() + 1;
        mode = Mode::Replace;
      } else if (mode == Mode::Replace && starts_with(line, ">>>>>>> REPLACE")) {
        const auto len = line.data() >= replace_begin
                             ? static_cast<std::size_t>(line.data() - replace_begin)
                             : 0;
        const auto replace = std::string_view(replace_begin, len);
        out.lines += changed_lines(search, replace);
        add_definitions(search, out.symbols, 16);
        add_definitions(replace, out.symbols, 16);
        mode = Mode::None;
      }
      return;
    }
    if (starts_with(line, "<<<<<<< SEARCH")) {
      const auto name = clean_path_token(trim(previous));
      if (looks_like_path(name)) add_unique(out.paths, name, 64);
      search_begin = line.data() + line.size() + 1;
      mode = Mode::Search;
      return;
    }
    if (starts_with(line, "*** ")) {
      for (std::string_view tag :
           {"*** Update File: ", "*** Add File: ", "*** Delete File: ", "*** Move to: "}) {
        if (starts_with(line, tag)) {
          add_unique(out.paths, trim(line.substr(tag.size())), 64);
          mode = Mode::ApplyPatch;
        }
      }
      if (starts_with(line, "*** End Patch")) mode = Mode::None;
    } else if (starts_with(line, "diff --git ")) {
      mode = Mode::None;
    } else if (starts_with(line, "+++ ")) {
      const auto p = strip_diff_prefix(line.substr(4));
      if (p != "/dev/null") add_unique(out.paths, p, 64);
    } else if (starts_with(line, "--- ") && mode != Mode::ApplyPatch) {
      // The old side names a file being deleted when the new side is /dev/null; +++ names the rest.
    } else if (starts_with(line, "@@")) {
      if (mode != Mode::ApplyPatch) mode = Mode::Hunk;
      // Hunk headers often carry the enclosing function: "@@ -1,4 +1,5 @@ def load(...)" in a
      // unified diff, "@@ def load(...)" in apply_patch.
      const auto at = line.find("@@", 2);
      add_definitions(line.substr(at == std::string_view::npos ? 2 : at + 2), out.symbols, 16);
    } else if ((mode == Mode::ApplyPatch || mode == Mode::Hunk) && !line.empty() &&
               (line[0] == '+' || line[0] == '-')) {
      ++out.lines;
      add_definitions(line.substr(1), out.symbols, 16);
    } else if (mode == Mode::Hunk && !line.empty() && line[0] != ' ' && line[0] != '\\') {
      mode = Mode::None;  // prose after a diff
    }
    if (!starts_with(line, "```")) previous = line;  // aider puts a fence between name and block
  });
  return out;
}

namespace {

// Number of leading lines `a` and `b` share, comparing at most `limit` lines.
std::size_t common_head(std::string_view a, std::string_view b, std::size_t limit) {
  std::size_t n = 0, pa = 0, pb = 0;
  while (n < limit) {
    const auto ea = std::min(a.find('\n', pa), a.size()), eb = std::min(b.find('\n', pb), b.size());
    if (a.substr(pa, ea - pa) != b.substr(pb, eb - pb)) break;
    ++n;
    if (ea == a.size() || eb == b.size()) break;
    pa = ea + 1;
    pb = eb + 1;
  }
  return n;
}

// Number of trailing lines `a` and `b` share, comparing at most `limit` lines.
std::size_t common_tail(std::string_view a, std::string_view b, std::size_t limit) {
  std::size_t n = 0, ea = a.size(), eb = b.size();
  while (n < limit) {
    const auto na = ea == 0 ? std::string_view::npos : a.rfind('\n', ea - 1);
    const auto nb = eb == 0 ? std::string_view::npos : b.rfind('\n', eb - 1);
    const auto ba = na == std::string_view::npos ? 0 : na + 1;
    const auto bb = nb == std::string_view::npos ? 0 : nb + 1;
    if (a.substr(ba, ea - ba) != b.substr(bb, eb - bb)) break;
    ++n;
    if (ba == 0 || bb == 0) break;
    ea = ba - 1;
    eb = bb - 1;
  }
  return n;
}

std::size_t line_total(std::string_view t) {
  return t.empty() ? 0 : static_cast<std::size_t>(std::count(t.begin(), t.end(), '\n')) + 1;
}

}  // namespace

std::uint32_t changed_lines(std::string_view before, std::string_view after) {
  // Both sides minus their shared first and last lines, without copying (this runs per edit).
  if (!before.empty() && before.back() == '\n') before.remove_suffix(1);
  if (!after.empty() && after.back() == '\n') after.remove_suffix(1);
  const std::size_t a = line_total(before), b = line_total(after);
  const std::size_t head = common_head(before, after, std::min(a, b));
  const std::size_t tail = common_tail(before, after, std::min(a, b) - head);
  return static_cast<std::uint32_t>(a + b - 2 * (head + tail));
}

void add_definitions(std::string_view code, std::vector<std::string>& out, std::size_t limit) {
  static constexpr std::array<std::string_view, 11> kKeywords{
      "def",    "class", "func", "fn",   "function", "interface",
      "struct", "trait", "enum", "impl", "type"};
  static constexpr std::array<std::string_view, 9> kModifiers{
      "pub", "export", "async", "public", "private", "protected", "static", "default", "abstract"};
  // Whole first words are compared (sizes first), so most lines cost a few length checks.
  auto in = [](std::string_view w, const auto& set) {
    return std::find(set.begin(), set.end(), w) != set.end();
  };
  if (out.size() >= limit) return;
  for_each_line(code, [&](std::string_view line) {
    line = trim(line);
    std::string_view word;
    for (;;) {
      const auto sp = line.find(' ');
      if (sp == std::string_view::npos) return;
      word = line.substr(0, sp);
      line = trim(line.substr(sp + 1));
      if (!in(word, kModifiers)) break;
    }
    if (!in(word, kKeywords)) return;
    auto rest = line;
    if (word == "func" && !rest.empty() && rest[0] == '(') {  // Go method receiver
      const auto close = rest.find(')');
      rest = close == std::string_view::npos ? std::string_view{} : trim(rest.substr(close + 1));
    }
    std::size_t n = 0;
    while (n < rest.size() && is_ident_byte(static_cast<unsigned char>(rest[n]))) ++n;
    if (n >= 2) add_unique(out, rest.substr(0, n), limit);
  });
}

std::string strip_scaffolding(std::string_view text) {
  const auto t = trim(text);
  // Whole messages that agents write in the user's name: context, not instructions.
  static constexpr std::array<std::string_view, 10> kContextOnly{
      "<environment_context>",
      "<user_instructions>",
      "# AGENTS.md instructions",
      "This is the Gemini CLI.",
      "<INSTRUCTIONS>",
      "Caveat: The messages below were generated",
      "I committed the changes with git hash",
      "I have *added these files to the chat*",
      "I added these files to the chat",
      "I switched to a new code base"};
  for (auto prefix : kContextOnly) {
    if (starts_with(t, prefix)) return {};
  }
  std::string s(t);
  cut_blocks(s, "<system-reminder>", "</system-reminder>");
  cut_blocks(s, "<local-command-stdout>", "</local-command-stdout>");
  return std::string(trim(s));
}

std::string stated_cwd(std::string_view text) {
  if (const auto b = text.find("<cwd>"); b != std::string_view::npos) {
    const auto e = text.find("</cwd>", b);
    if (e != std::string_view::npos) return std::string(trim(text.substr(b + 5, e - b - 5)));
  }
  // Claude Code's system prompt, the Gemini CLI's set-up message.
  for (std::string_view lead :
       {"Primary working directory: ", "currently working in the directory: "}) {
    if (const auto b = text.find(lead); b != std::string_view::npos) {
      const auto rest = text.substr(b + lead.size());
      const auto e = rest.find_first_of("\n\\ ");
      return std::string(trim(rest.substr(0, e)));
    }
  }
  return {};
}

std::vector<std::string_view> words_of(std::string_view text, std::string& storage) {
  storage.clear();
  storage.reserve(text.size() + text.size() / 4);
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && !is_word_byte(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    std::size_t begin = storage.size();
    unsigned char prev = 0;
    while (i < text.size() && is_word_byte(static_cast<unsigned char>(text[i]))) {
      const auto c = static_cast<unsigned char>(text[i]);
      if (is_upper(c) && is_lower(prev) && storage.size() > begin) {
        spans.emplace_back(begin, storage.size() - begin);  // camelCase boundary
        begin = storage.size();
      }
      storage.push_back(to_lower(c));
      prev = c;
      ++i;
    }
    spans.emplace_back(begin, storage.size() - begin);
  }
  std::vector<std::string_view> out;
  out.reserve(spans.size());
  for (const auto& [b, n] : spans) out.emplace_back(storage.data() + b, n);
  return out;
}

bool is_test_path(std::string_view path) {
  char buf[256];
  const std::size_t n = std::min(path.size(), sizeof buf);
  for (std::size_t k = 0; k < n; ++k) buf[k] = to_lower(static_cast<unsigned char>(path[k]));
  const std::string_view lower(buf, n);
  const auto slash = lower.rfind('/');
  const auto name = slash == std::string_view::npos ? lower : lower.substr(slash + 1);
  for (std::string_view dir : {"test", "tests", "__tests__", "spec", "testing", "testdata"}) {
    // A whole directory component: at the start or after a slash, followed by a slash.
    for (auto at = lower.find(dir); at != std::string_view::npos; at = lower.find(dir, at + 1)) {
      const bool starts = at == 0 || lower[at - 1] == '/';
      const bool ends = at + dir.size() < lower.size() && lower[at + dir.size()] == '/';
      if (starts && ends) return true;
    }
  }
  return starts_with(name, "test_") || name.find("_test.") != std::string_view::npos ||
         name.find(".test.") != std::string_view::npos ||
         name.find(".spec.") != std::string_view::npos ||
         name.find("test.java") != std::string_view::npos ||
         name.find("tests.") != std::string_view::npos;
}

bool is_doc_path(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto ext = dot == std::string_view::npos ? std::string_view{} : path.substr(dot + 1);
  return iequals(ext, "md") || iequals(ext, "mdx") || iequals(ext, "rst") || iequals(ext, "txt") ||
         starts_with(path, "docs/") || path.find("/docs/") != std::string_view::npos;
}

}  // namespace sluice::intel
