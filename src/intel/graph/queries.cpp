// One query per language. Written for the pinned grammar versions (third_party/grammars): a
// node type or field a grammar lacks fails query compilation, which the unit tests catch.
#include "intel/graph/queries.hpp"

#include <array>

namespace sluice::intel::graph {
namespace {

constexpr std::string_view kPython = R"q(
(class_definition name: (identifier) @name) @def.class
(function_definition name: (identifier) @name) @def.function
(call function: [(identifier) @ref (attribute attribute: (identifier) @ref)])
(class_definition superclasses: (argument_list [(identifier) @ref (attribute attribute: (identifier) @ref)]))
(decorator [(identifier) @ref (attribute attribute: (identifier) @ref)])
(type (identifier) @ref)
(import_statement) @import
(import_from_statement) @import
)q";

// Shared by JavaScript, TypeScript and TSX (the TypeScript grammars extend JavaScript's).
constexpr std::string_view kJsCommon = R"q(
(function_declaration name: (identifier) @name) @def.function
(generator_function_declaration name: (identifier) @name) @def.function
(method_definition name: (_) @name) @def.method
(lexical_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function)
(variable_declaration (variable_declarator name: (identifier) @name value: [(arrow_function) (function_expression)]) @def.function)
(call_expression function: [(identifier) @ref (member_expression property: (property_identifier) @ref)])
(new_expression constructor: [(identifier) @ref (member_expression property: (property_identifier) @ref)])
(import_statement source: (string) @import.source)
(export_statement source: (string) @import.source)
(call_expression function: (identifier) @import.call arguments: (arguments . (string) @import.source))
(call_expression function: (import) arguments: (arguments . (string) @import.source))
)q";

constexpr std::string_view kJavaScript = R"q(
(class_declaration name: (identifier) @name) @def.class
(class name: (identifier) @name) @def.class
(field_definition property: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.method
(class_heritage [(identifier) @ref (member_expression property: (property_identifier) @ref)])
(jsx_opening_element name: (identifier) @ref)
(jsx_self_closing_element name: (identifier) @ref)
)q";

constexpr std::string_view kTsCommon = R"q(
(class_declaration name: (_) @name) @def.class
(abstract_class_declaration name: (_) @name) @def.class
(interface_declaration name: (_) @name) @def.class
(type_alias_declaration name: (_) @name) @def.class
(enum_declaration name: (_) @name) @def.class
(public_field_definition name: (property_identifier) @name value: [(arrow_function) (function_expression)]) @def.method
(method_signature name: (_) @name) @def.method
(abstract_method_signature name: (_) @name) @def.method
(function_signature name: (identifier) @name) @def.function
(extends_clause value: [(identifier) @ref (member_expression property: (property_identifier) @ref)])
(type_identifier) @ref
)q";

constexpr std::string_view kJsx = R"q(
(jsx_opening_element name: (identifier) @ref)
(jsx_self_closing_element name: (identifier) @ref)
)q";

constexpr std::string_view kGo = R"q(
(function_declaration name: (identifier) @name) @def.function
(method_declaration
  receiver: (parameter_list (parameter_declaration type: [(type_identifier) @receiver (pointer_type (type_identifier) @receiver) (generic_type type: (type_identifier) @receiver) (pointer_type (generic_type type: (type_identifier) @receiver))]))
  name: (field_identifier) @name) @def.method
(type_spec name: (type_identifier) @name) @def.class
(call_expression function: [(identifier) @ref (selector_expression field: (field_identifier) @ref)])
(type_identifier) @ref
(import_spec path: (_) @import.source)
)q";

constexpr std::string_view kRust = R"q(
(function_item name: (identifier) @name) @def.function
(function_signature_item name: (identifier) @name) @def.function
(struct_item name: (type_identifier) @name) @def.class
(enum_item name: (type_identifier) @name) @def.class
(union_item name: (type_identifier) @name) @def.class
(trait_item name: (type_identifier) @name) @def.class
(type_item name: (type_identifier) @name) @def.class
(impl_item type: [(type_identifier) @scope.name (generic_type type: (type_identifier) @scope.name) (scoped_type_identifier name: (type_identifier) @scope.name)]) @scope
(call_expression function: [(identifier) @ref (scoped_identifier name: (identifier) @ref) (field_expression field: (field_identifier) @ref) (generic_function function: [(identifier) @ref (scoped_identifier name: (identifier) @ref)])])
(macro_invocation macro: (identifier) @ref)
(type_identifier) @ref
(use_declaration) @import
(mod_item) @import
)q";

constexpr std::string_view kJava = R"q(
(class_declaration name: (identifier) @name) @def.class
(interface_declaration name: (identifier) @name) @def.class
(enum_declaration name: (identifier) @name) @def.class
(record_declaration name: (identifier) @name) @def.class
(annotation_type_declaration name: (identifier) @name) @def.class
(method_declaration name: (identifier) @name) @def.method
(constructor_declaration name: (identifier) @name) @def.method
(method_invocation name: (identifier) @ref)
(method_invocation object: (identifier) @ref)
(type_identifier) @ref
(import_declaration) @import
)q";

// C and C++: a function's name sits under up to two pointer declarators (and, in C++, a
// reference declarator); deeper nesting is rare enough to miss. `OWNER` and `CAPTURE` are
// filled in per kind of declaration (c_functions below).
constexpr std::string_view kCFunctions = R"q(
(OWNER declarator: [
  (function_declarator declarator: (_) @name)
  (pointer_declarator declarator: (function_declarator declarator: (_) @name))
  (pointer_declarator declarator: (pointer_declarator declarator: (function_declarator declarator: (_) @name)))
  REFERENCE]) @CAPTURE
)q";

constexpr std::string_view kC = R"q(
(struct_specifier name: (type_identifier) @name body: (_)) @def.class
(union_specifier name: (type_identifier) @name body: (_)) @def.class
(enum_specifier name: (type_identifier) @name body: (_)) @def.class
(type_definition declarator: (type_identifier) @name) @def.class
(call_expression function: [(identifier) @ref (field_expression field: (field_identifier) @ref)])
(type_identifier) @ref
(preproc_include path: (_) @import)
)q";

constexpr std::string_view kCpp = R"q(
(class_specifier name: (type_identifier) @name body: (_)) @def.class
(struct_specifier name: (type_identifier) @name body: (_)) @def.class
(union_specifier name: (type_identifier) @name body: (_)) @def.class
(enum_specifier name: (type_identifier) @name body: (_)) @def.class
(type_definition declarator: (type_identifier) @name) @def.class
(alias_declaration name: (type_identifier) @name) @def.class
(call_expression function: [(identifier) @ref (field_expression field: (field_identifier) @ref) (qualified_identifier name: (identifier) @ref) (template_function name: (identifier) @ref) (qualified_identifier name: (template_function name: (identifier) @ref))])
(type_identifier) @ref
(preproc_include path: (_) @import)
)q";

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

std::string c_functions(std::string_view owner, std::string_view capture, bool cpp) {
  std::string q(kCFunctions);
  replace_all(q, "OWNER", owner);
  replace_all(q, "CAPTURE", capture);
  replace_all(q, "REFERENCE",
              cpp ? "(reference_declarator (function_declarator declarator: (_) @name))" : "");
  return q;
}

std::string build(Lang l) {
  switch (l) {
    case Lang::Python:
      return std::string(kPython);
    case Lang::JavaScript:
      return std::string(kJsCommon) + std::string(kJavaScript);
    case Lang::TypeScript:
      return std::string(kJsCommon) + std::string(kTsCommon);
    case Lang::Tsx:
      return std::string(kJsCommon) + std::string(kTsCommon) + std::string(kJsx);
    case Lang::Go:
      return std::string(kGo);
    case Lang::Rust:
      return std::string(kRust);
    case Lang::Java:
      return std::string(kJava);
    case Lang::C:
      return c_functions("function_definition", "def.function", false) +
             c_functions("declaration", "def.decl", false) + std::string(kC);
    case Lang::Cpp:
      return c_functions("function_definition", "def.function", true) +
             c_functions("declaration", "def.decl", true) +
             c_functions("field_declaration", "def.decl", true) + std::string(kCpp);
  }
  return {};
}

}  // namespace

const std::string& query_source(Lang l) {
  static const auto sources = [] {
    std::array<std::string, kLangs> all;
    for (std::size_t i = 0; i < kLangs; ++i) all[i] = build(static_cast<Lang>(i));
    return all;
  }();
  return sources[static_cast<std::size_t>(l)];
}

}  // namespace sluice::intel::graph
