#pragma once
// Reading an import statement's node into Import specs (facts.hpp documents the forms).
// Internal to the extractor.

#include <tree_sitter/api.h>

#include <string_view>
#include <vector>

#include "intel/graph/facts.hpp"
#include "intel/graph/languages.hpp"

namespace sluice::intel::graph {

/// Appends the imports of the node a query captured as @import.
void read_import(Lang lang, TSNode node, std::string_view source, std::vector<Import>& out);

/// A string literal's content: the text between its first and last character when both are
/// the same quote (' " `), else the text itself.
std::string_view unquote(std::string_view literal);

}  // namespace sluice::intel::graph
