#include "intel/graph/facts.hpp"

namespace sluice::intel::graph {

std::string_view symbol_kind_name(SymbolKind k) {
  switch (k) {
    case SymbolKind::Function:
      return "function";
    case SymbolKind::Class:
      return "class";
    case SymbolKind::Method:
      return "method";
  }
  return "function";
}

std::optional<SymbolKind> symbol_kind_from_name(std::string_view name) {
  if (name == "function") return SymbolKind::Function;
  if (name == "class") return SymbolKind::Class;
  if (name == "method") return SymbolKind::Method;
  return std::nullopt;
}

}  // namespace sluice::intel::graph
