// Reads definitions, references and imports out of a syntax tree through one query per
// language. The query finds the nodes; this file decides what they mean: which function is a
// method (one nested in a class or impl), which symbol a reference sits in, what an import names.
#include "intel/graph/extract.hpp"

#include <tree_sitter/api.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <mutex>
#include <set>
#include <stdexcept>

#include "intel/graph/imports_read.hpp"
#include "intel/graph/queries.hpp"

namespace sluice::intel::graph {
namespace {

// A file with more distinct references than this is generated; the rest say nothing new.
constexpr std::size_t kMaxRefsPerFile = 50000;

enum class Role : std::uint8_t {
  Other,
  Name,
  DefFunction,
  DefClass,
  DefMethod,
  DefDecl,
  Receiver,
  Scope,
  ScopeName,
  Ref,
  Import,
  ImportSource,
  ImportCall,
};

Role role_of(std::string_view capture) {
  static constexpr std::array<std::pair<std::string_view, Role>, 12> kRoles{{
      {"name", Role::Name},
      {"def.function", Role::DefFunction},
      {"def.class", Role::DefClass},
      {"def.method", Role::DefMethod},
      {"def.decl", Role::DefDecl},
      {"receiver", Role::Receiver},
      {"scope", Role::Scope},
      {"scope.name", Role::ScopeName},
      {"ref", Role::Ref},
      {"import", Role::Import},
      {"import.source", Role::ImportSource},
      {"import.call", Role::ImportCall},
  }};
  for (const auto& [name, role] : kRoles) {
    if (name == capture) return role;
  }
  return Role::Other;
}

struct CompiledQuery {
  TSQuery* query = nullptr;  // lives as long as the process; shared read-only by all cursors
  std::vector<Role> roles;   // by capture id
};

const CompiledQuery& compiled(Lang lang) {
  static std::array<CompiledQuery, kLangs> queries;
  static std::array<std::once_flag, kLangs> once;
  const auto i = static_cast<std::size_t>(lang);
  std::call_once(once[i], [lang, i] {
    const auto abi = ts_language_version(ts_language(lang));
    if (abi < TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION || abi > TREE_SITTER_LANGUAGE_VERSION) {
      throw std::logic_error("the " + std::string(lang_name(lang)) + " grammar has ABI " +
                             std::to_string(abi) + "; this tree-sitter runtime loads " +
                             std::to_string(TREE_SITTER_MIN_COMPATIBLE_LANGUAGE_VERSION) + " to " +
                             std::to_string(TREE_SITTER_LANGUAGE_VERSION) +
                             " (pin the grammar in third_party/grammars/package.json)");
    }
    const auto& text = query_source(lang);
    std::uint32_t offset = 0;
    TSQueryError error = TSQueryErrorNone;
    TSQuery* q = ts_query_new(ts_language(lang), text.data(),
                              static_cast<std::uint32_t>(text.size()), &offset, &error);
    if (!q) {
      const auto line_start = text.rfind('\n', offset);
      const auto line_end = text.find('\n', offset);
      throw std::logic_error("code graph query for " + std::string(lang_name(lang)) +
                             " does not compile at offset " + std::to_string(offset) + " (error " +
                             std::to_string(static_cast<int>(error)) +
                             "): " + text.substr(line_start + 1, line_end - line_start - 1));
    }
    CompiledQuery c{q, {}};
    for (std::uint32_t id = 0; id < ts_query_capture_count(q); ++id) {
      std::uint32_t len = 0;
      const char* name = ts_query_capture_name_for_id(q, id, &len);
      c.roles.push_back(role_of(std::string_view(name, len)));
    }
    queries[i] = std::move(c);
  });
  return queries[i];
}

std::string_view text_of(TSNode n, std::string_view src) {
  const auto start = ts_node_start_byte(n);
  const auto end = ts_node_end_byte(n);
  if (start >= src.size() || end <= start) return {};
  return src.substr(start, std::min<std::size_t>(end, src.size()) - start);
}

std::uint32_t line_of(TSNode n) {
  return ts_node_start_point(n).row + 1;
}

// "Foo<T>" -> "Foo": template arguments are not part of a name.
std::string_view strip_template(std::string_view s) {
  const auto lt = s.find('<');
  return lt == std::string_view::npos ? s : s.substr(0, lt);
}

// A definition or scope found by the query, before nesting is known.
struct Found {
  std::uint32_t start = 0, end = 0;  // bytes
  std::uint32_t name_start = 0;
  std::string_view name;
  std::string_view receiver;  // Go
  Role role = Role::DefFunction;
  std::uint32_t line = 0, end_line = 0;
  std::int32_t symbol = -1;  // index into the facts' symbols once kept
  std::string qualified;
  bool container = false;  // a class or scope: the functions inside are methods
};

struct FoundRef {
  std::uint32_t start = 0;
  std::string_view name;
  std::uint32_t line = 0;
};

// Turns definitions into symbols: nesting gives qualified names and method kinds, and C/C++
// declarations inside a function body (local prototypes, the most vexing parse) are dropped.
void nest(std::vector<Found>& found, FileFacts& facts) {
  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < found.size(); ++i) {
    auto& f = found[i];
    if (i > 0 && found[i - 1].start == f.start && found[i - 1].end == f.end &&
        found[i - 1].name == f.name) {
      continue;  // two patterns matched the same definition
    }
    while (!stack.empty() && found[stack.back()].end < f.end) stack.pop_back();
    const Found* parent = stack.empty() ? nullptr : &found[stack.back()];
    std::string_view name = f.name;
    std::string qualifier = parent ? parent->qualified : std::string();
    if (const auto colons = name.rfind("::"); colons != std::string_view::npos) {
      // C++ out of line: `void ns::Foo::bar()` is Foo's method bar.
      auto scope = name.substr(0, colons);
      if (const auto prev = scope.rfind("::"); prev != std::string_view::npos) {
        scope = scope.substr(prev + 2);
      }
      name = name.substr(colons + 2);
      qualifier = std::string(strip_template(scope));
      if (f.role == Role::DefFunction || f.role == Role::DefDecl) f.role = Role::DefMethod;
    }
    if (!f.receiver.empty()) qualifier = std::string(f.receiver);
    f.qualified = qualifier.empty() ? std::string(name) : qualifier + "." + std::string(name);
    if (f.role == Role::Scope) {
      f.container = true;
      stack.push_back(i);
      continue;
    }
    const bool in_container = parent && parent->container;
    const bool in_function = parent && !parent->container;
    if (f.role == Role::DefDecl && in_function) continue;
    SymbolKind kind = SymbolKind::Function;
    if (f.role == Role::DefClass) {
      kind = SymbolKind::Class;
      f.container = true;
    } else if (f.role == Role::DefMethod || in_container) {
      kind = SymbolKind::Method;
    }
    name = strip_template(name);
    // A function pointer variable, `int (*callback)(int)`, declares no function.
    if (name.empty() || name.front() == '(') continue;
    f.symbol = static_cast<std::int32_t>(facts.symbols.size());
    facts.symbols.push_back({std::string(name), f.qualified, kind, f.line, f.end_line});
    stack.push_back(i);
  }
}

// Gives each reference its innermost enclosing symbol, drops a definition's own name and
// keeps one reference per (symbol, name).
void attribute(std::vector<FoundRef>& refs, const std::vector<Found>& found, FileFacts& facts) {
  std::vector<std::uint32_t> def_names;
  std::vector<const Found*> symbols;
  for (const auto& f : found) {
    def_names.push_back(f.name_start);
    if (f.symbol >= 0) symbols.push_back(&f);
  }
  std::sort(def_names.begin(), def_names.end());
  std::sort(refs.begin(), refs.end(),
            [](const FoundRef& a, const FoundRef& b) { return a.start < b.start; });
  std::vector<const Found*> stack;
  std::size_t next = 0;
  std::set<std::pair<std::int32_t, std::string_view>> seen;
  for (const auto& r : refs) {
    if (facts.refs.size() >= kMaxRefsPerFile) break;
    if (std::binary_search(def_names.begin(), def_names.end(), r.start)) continue;
    while (next < symbols.size() && symbols[next]->start <= r.start) {
      while (!stack.empty() && stack.back()->end < symbols[next]->end) stack.pop_back();
      stack.push_back(symbols[next++]);
    }
    while (!stack.empty() && stack.back()->end <= r.start) stack.pop_back();
    const std::int32_t from = stack.empty() ? -1 : stack.back()->symbol;
    if (seen.emplace(from, r.name).second)
      facts.refs.push_back({std::string(r.name), from, r.line});
  }
}

}  // namespace

Extractor::Extractor(std::chrono::milliseconds timeout)
    : parser_(ts_parser_new()), cursor_(ts_query_cursor_new()) {
  ts_parser_set_timeout_micros(parser_, static_cast<std::uint64_t>(timeout.count()) * 1000);
}

Extractor::~Extractor() {
  ts_query_cursor_delete(cursor_);
  ts_parser_delete(parser_);
}

FileFacts Extractor::extract(Lang lang, std::string_view source) {
  FileFacts facts;
  facts.lines = count_lines(source);
  const auto& q = compiled(lang);
  ts_parser_set_language(parser_, ts_language(lang));
  TSTree* tree = ts_parser_parse_string(parser_, nullptr, source.data(),
                                        static_cast<std::uint32_t>(source.size()));
  if (!tree) {
    ts_parser_reset(parser_);  // a timed-out parse would otherwise resume on the next call
    facts.timed_out = true;
    return facts;
  }
  std::vector<Found> found;
  std::vector<FoundRef> refs;
  ts_query_cursor_exec(cursor_, q.query, ts_tree_root_node(tree));
  TSQueryMatch m;
  while (ts_query_cursor_next_match(cursor_, &m)) {
    Found def;
    bool is_def = false;
    std::string_view source_text, call;
    bool has_source = false;
    for (std::uint16_t c = 0; c < m.capture_count; ++c) {
      const TSNode node = m.captures[c].node;
      switch (q.roles[m.captures[c].index]) {
        case Role::Name:
        case Role::ScopeName:
          def.name = text_of(node, source);
          def.name_start = ts_node_start_byte(node);
          break;
        case Role::DefFunction:
        case Role::DefClass:
        case Role::DefMethod:
        case Role::DefDecl:
        case Role::Scope:
          is_def = true;
          def.role = q.roles[m.captures[c].index];
          def.start = ts_node_start_byte(node);
          def.end = ts_node_end_byte(node);
          def.line = line_of(node);
          def.end_line = ts_node_end_point(node).row + 1;
          break;
        case Role::Receiver:
          def.receiver = text_of(node, source);
          break;
        case Role::Ref:
          if (const auto name = text_of(node, source); name.size() >= 2) {
            refs.push_back({ts_node_start_byte(node), name, line_of(node)});
          }
          break;
        case Role::Import:
          read_import(lang, node, source, facts.imports);
          break;
        case Role::ImportSource:
          source_text = text_of(node, source);
          has_source = true;
          def.line = line_of(node);
          break;
        case Role::ImportCall:
          call = text_of(node, source);
          break;
        case Role::Other:
          break;
      }
    }
    if (is_def && !def.name.empty()) found.push_back(std::move(def));
    if (has_source && (call.empty() || call == "require")) {
      auto spec = unquote(source_text);
      if (!spec.empty()) facts.imports.push_back({std::string(spec), def.line, false});
    }
  }
  ts_tree_delete(tree);
  nest(found, facts);
  attribute(refs, found, facts);
  std::stable_sort(facts.imports.begin(), facts.imports.end(),
                   [](const Import& a, const Import& b) { return a.line < b.line; });
  return facts;
}

void compile_all_queries() {
  for (std::size_t i = 0; i < kLangs; ++i) (void)compiled(static_cast<Lang>(i));
}

std::uint32_t count_lines(std::string_view source) {
  auto n = static_cast<std::uint32_t>(std::count(source.begin(), source.end(), '\n'));
  if (!source.empty() && source.back() != '\n') ++n;
  return n;
}

}  // namespace sluice::intel::graph
