#pragma once
// Parsing one file with tree-sitter and reading its facts (facts.hpp) through the language's
// query (queries.hpp). An Extractor holds a parser and a query cursor: one per thread, reused
// for every file that thread parses. The compiled queries are shared by all extractors.

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "intel/graph/facts.hpp"
#include "intel/graph/languages.hpp"

struct TSParser;
struct TSQueryCursor;

namespace sluice::intel::graph {

class Extractor {
 public:
  /// A parse that takes longer than `timeout` is abandoned (FileFacts::timed_out): error
  /// recovery on a huge malformed file can take minutes, and one file must not stall an index.
  explicit Extractor(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~Extractor();
  Extractor(const Extractor&) = delete;
  Extractor& operator=(const Extractor&) = delete;

  FileFacts extract(Lang lang, std::string_view source);

 private:
  TSParser* parser_;
  TSQueryCursor* cursor_;
};

/// Compiles every language's query; throws std::logic_error naming the language and the
/// offset of the first error (a query that does not fit its pinned grammar).
void compile_all_queries();

/// Lines in `source` (a last line without a newline counts).
std::uint32_t count_lines(std::string_view source);

/// The paths a Rust use tree names, with braces expanded and aliases dropped:
/// "crate::a::{b, c::{self, d}} " -> "crate::a::b", "crate::a::c", "crate::a::c::d".
std::vector<std::string> expand_rust_use(std::string_view tree);

}  // namespace sluice::intel::graph
