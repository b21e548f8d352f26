// Tool-call arguments a model would write: a value that satisfies a JSON schema (required
// properties only, each with the simplest value of its type).

#include <boost/json/serialize.hpp>

#include <cmath>

#include "fake/content.hpp"

namespace sluice::fake {
namespace json = boost::json;
namespace {

bool type_is(std::string_view type, std::string_view want) {
  if (type.size() != want.size()) {
    return false;
  }
  for (std::size_t i = 0; i < type.size(); ++i) {
    char c = type[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c + 32);
    }
    if (c != want[i]) {
      return false;
    }
  }
  return true;
}

/// The schema's type: a string, or the first non-"null" entry of an array of types.
std::string_view schema_type(const json::object& schema) {
  const auto* t = schema.if_contains("type");
  if (t == nullptr) {
    return {};
  }
  if (t->is_string()) {
    return t->get_string();
  }
  if (t->is_array()) {
    for (const auto& e : t->get_array()) {
      if (e.is_string() && !type_is(e.get_string(), "null")) {
        return e.get_string();
      }
    }
  }
  return {};
}

json::value value_for(const json::value* schema, int depth, bool top) {
  constexpr int kMaxDepth = 8;
  if (schema == nullptr || !schema->is_object() || depth > kMaxDepth) {
    return top ? json::value(json::object()) : json::value("fake");
  }
  const auto& s = schema->get_object();
  if (const auto* c = s.if_contains("const")) {
    return *c;
  }
  if (const auto* e = s.if_contains("enum"); e && e->is_array() && !e->get_array().empty()) {
    return e->get_array().front();
  }
  for (const char* key : {"anyOf", "oneOf", "allOf"}) {
    if (const auto* alts = s.if_contains(key); alts && alts->is_array()) {
      for (const auto& alt : alts->get_array()) {
        if (!alt.is_object() || !type_is(schema_type(alt.get_object()), "null")) {
          return value_for(&alt, depth + 1, top);
        }
      }
    }
  }
  std::string_view type = schema_type(s);
  if (type_is(type, "string")) {
    return "fake";
  }
  if (type_is(type, "integer") || type_is(type, "number")) {
    if (const auto* min = s.if_contains("minimum"); min && min->is_number()) {
      double m = min->to_number<double>();
      if (m > 1) {
        return type_is(type, "integer") ? json::value(static_cast<std::int64_t>(std::ceil(m)))
                                        : json::value(m);
      }
    }
    return 1;
  }
  if (type_is(type, "boolean")) {
    return true;
  }
  if (type_is(type, "null")) {
    return nullptr;
  }
  if (type_is(type, "array")) {
    json::array arr;
    if (const auto* min = s.if_contains("minItems");
        min && min->is_int64() && min->get_int64() > 0) {
      arr.push_back(value_for(s.if_contains("items"), depth + 1, false));
    }
    return arr;
  }
  if (type_is(type, "object") || (type.empty() && s.contains("properties"))) {
    json::object obj;
    const auto* props = s.if_contains("properties");
    const auto* required = s.if_contains("required");
    if (required != nullptr && required->is_array()) {
      for (const auto& name : required->get_array()) {
        if (!name.is_string()) {
          continue;
        }
        const json::value* sub = nullptr;
        if (props != nullptr && props->is_object()) {
          sub = props->get_object().if_contains(name.get_string());
        }
        obj[name.get_string()] = value_for(sub, depth + 1, false);
      }
    }
    return obj;
  }
  return top ? json::value(json::object()) : json::value("fake");
}

}  // namespace

json::value fake_value(const json::value* schema) {
  return value_for(schema, 0, true);
}

std::string fake_arguments(const json::value* schema) {
  json::value v = fake_value(schema);
  if (!v.is_object()) {
    return "{}";
  }
  return json::serialize(v);
}

}  // namespace sluice::fake
