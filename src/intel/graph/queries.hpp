#pragma once
// The tree-sitter queries that find definitions, references and imports in each language.
//
// Capture names (the extractor reads nothing else):
//   @def.function @def.class @def.method   a definition node (its range scopes references)
//   @def.decl     a C/C++ function declaration: a function, dropped inside a function body
//   @name         the definition's name ("A::b" out-of-line in C++: a method of A)
//   @receiver     a Go method's receiver type
//   @scope        a node whose functions are methods without being a symbol (Rust impl)
//   @scope.name   its type name
//   @ref          a name that may refer to another file's symbol
//   @import       an import statement, read by the language's import reader
//   @import.source  a string literal naming a module (JS/TS, Go)
//   @import.call  the callee of a call with a string argument; only `require` counts

#include <string>

#include "intel/graph/languages.hpp"

namespace sluice::intel::graph {

/// The query text of `l`.
const std::string& query_source(Lang l);

}  // namespace sluice::intel::graph
