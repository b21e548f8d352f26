// Import statements that need more than a string literal: Python's import/from forms, Rust use
// trees and `mod name;`, Java imports and C/C++ includes.
#include "intel/graph/imports_read.hpp"

#include <cstring>

#include "intel/graph/extract.hpp"

namespace sluice::intel::graph {
namespace {

std::string_view text_of(TSNode n, std::string_view src) {
  const auto start = ts_node_start_byte(n);
  const auto end = ts_node_end_byte(n);
  if (start >= src.size() || end <= start) return {};
  return src.substr(start, std::min<std::size_t>(end, src.size()) - start);
}

bool is(TSNode n, const char* type) {
  return std::strcmp(ts_node_type(n), type) == 0;
}

std::string without_space(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\\') out += c;
  }
  return out;
}

// A name in an import list: `a.b` or `a.b as c` (the name, not the alias).
std::string_view imported_name(TSNode n, std::string_view src) {
  if (is(n, "aliased_import")) {
    const TSNode name = ts_node_child_by_field_name(n, "name", 4);
    return ts_node_is_null(name) ? std::string_view() : text_of(name, src);
  }
  return is(n, "dotted_name") ? text_of(n, src) : std::string_view();
}

void read_python(TSNode node, std::string_view src, std::uint32_t line, std::vector<Import>& out) {
  const auto children = ts_node_named_child_count(node);
  if (is(node, "import_statement")) {
    for (std::uint32_t i = 0; i < children; ++i) {
      const auto name = without_space(imported_name(ts_node_named_child(node, i), src));
      if (!name.empty()) out.push_back({name, line, false});
    }
    return;
  }
  // from BASE import a, b: BASE is a module, and each name may be a submodule of it.
  const TSNode module = ts_node_child_by_field_name(node, "module_name", 11);
  if (ts_node_is_null(module)) return;
  const auto base = without_space(text_of(module, src));
  const bool only_dots = base.find_first_not_of('.') == std::string::npos;
  out.push_back({base, line, only_dots});
  for (std::uint32_t i = 0; i < children; ++i) {
    const TSNode child = ts_node_named_child(node, i);
    if (ts_node_eq(child, module)) continue;
    const auto name = without_space(imported_name(child, src));
    if (name.empty()) continue;
    out.push_back({only_dots ? base + name : base + "." + name, line, true});
  }
}

void read_rust(TSNode node, std::string_view src, std::uint32_t line, std::vector<Import>& out) {
  if (is(node, "mod_item")) {
    // `mod name;` names a file; `mod name { ... }` is inline.
    if (!ts_node_is_null(ts_node_child_by_field_name(node, "body", 4))) return;
    const TSNode name = ts_node_child_by_field_name(node, "name", 4);
    if (!ts_node_is_null(name)) out.push_back({"mod:" + std::string(text_of(name, src)), line});
    return;
  }
  const TSNode arg = ts_node_child_by_field_name(node, "argument", 8);
  if (ts_node_is_null(arg)) return;
  for (auto& path : expand_rust_use(text_of(arg, src))) out.push_back({"use:" + path, line});
}

void read_java(TSNode node, std::string_view src, std::uint32_t line, std::vector<Import>& out) {
  bool is_static = false, wildcard = false;
  std::string path;
  const auto children = ts_node_child_count(node);
  for (std::uint32_t i = 0; i < children; ++i) {
    const TSNode c = ts_node_child(node, i);
    if (is(c, "static")) {
      is_static = true;
    } else if (is(c, "asterisk")) {
      wildcard = true;
    } else if (is(c, "scoped_identifier") || is(c, "identifier")) {
      path = without_space(text_of(c, src));
    }
  }
  if (path.empty()) return;
  // A static import names a member (or, with *, all members) of a class: the class is the file.
  if (is_static && !wildcard) {
    const auto dot = path.rfind('.');
    if (dot == std::string::npos) return;
    path.resize(dot);
  } else if (wildcard && !is_static) {
    path += ".*";
  }
  out.push_back({path, line});
}

void read_include(TSNode path, std::string_view src, std::uint32_t line, std::vector<Import>& out) {
  const auto text = text_of(path, src);
  if (text.size() < 3) return;
  if (is(path, "system_lib_string")) {
    out.push_back({"<" + std::string(text.substr(1, text.size() - 2)), line});
  } else if (is(path, "string_literal")) {
    out.push_back({"\"" + std::string(unquote(text)), line});
  }
}

}  // namespace

std::string_view unquote(std::string_view literal) {
  if (literal.size() >= 2 && literal.front() == literal.back() &&
      (literal.front() == '"' || literal.front() == '\'' || literal.front() == '`')) {
    return literal.substr(1, literal.size() - 2);
  }
  return literal;
}

void read_import(Lang lang, TSNode node, std::string_view source, std::vector<Import>& out) {
  const std::uint32_t line = ts_node_start_point(node).row + 1;
  switch (lang) {
    case Lang::Python:
      read_python(node, source, line, out);
      break;
    case Lang::Rust:
      read_rust(node, source, line, out);
      break;
    case Lang::Java:
      read_java(node, source, line, out);
      break;
    case Lang::C:
    case Lang::Cpp:
      read_include(node, source, line, out);
      break;
    case Lang::JavaScript:
    case Lang::TypeScript:
    case Lang::Tsx:
    case Lang::Go:
      break;  // their queries capture the string literal (@import.source) instead
  }
}

// --- Rust use trees

namespace {

// Drops `as alias` so that "a::b as c" is the path a::b.
std::string drop_aliases(std::string_view tree) {
  std::string out;
  std::size_t i = 0;
  auto ident = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  while (i < tree.size()) {
    const bool word_start = i == 0 || !ident(tree[i - 1]);
    if (word_start && tree.compare(i, 2, "as") == 0 && i + 2 < tree.size() && !ident(tree[i + 2])) {
      i += 2;
      while (i < tree.size() && !ident(tree[i])) ++i;  // the space before the alias
      while (i < tree.size() && ident(tree[i])) ++i;   // the alias
      continue;
    }
    out += tree[i++];
  }
  return without_space(out);
}

void expand(std::string_view s, std::size_t& i, const std::string& prefix,
            std::vector<std::string>& out, int depth) {
  // One item of a list (or the whole tree): a path, then either `{list}` or the end of item.
  std::string path;
  while (i < s.size() && s[i] != '{' && s[i] != ',' && s[i] != '}') path += s[i++];
  if (i < s.size() && s[i] == '{') {
    ++i;
    if (depth > 16) return;  // nonsense input; a real tree is a few levels deep
    while (i < s.size() && s[i] != '}') {
      expand(s, i, prefix + path, out, depth + 1);
      if (i < s.size() && s[i] == ',') ++i;
    }
    if (i < s.size()) ++i;  // '}'
    return;
  }
  std::string full = prefix + path;
  if (path == "self") full = prefix;
  if (full.ends_with("::*")) full.resize(full.size() - 3);
  while (full.ends_with("::")) full.resize(full.size() - 2);
  if (!full.empty()) out.push_back(std::move(full));
}

}  // namespace

std::vector<std::string> expand_rust_use(std::string_view tree) {
  const auto s = drop_aliases(tree);
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto before = i;
    expand(s, i, "", out, 0);
    if (i < s.size() && (s[i] == ',' || s[i] == '}')) ++i;
    if (i == before) break;
  }
  return out;
}

}  // namespace sluice::intel::graph
