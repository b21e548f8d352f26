// JSON Schema <-> Gemini's OpenAPI-subset Schema. Gemini rejects unknown keywords with a 400
// ("Unknown name \"additionalProperties\""), upper-cases its types and spells nullability as
// `nullable`; other wires want standard JSON Schema.
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include <array>
#include <cctype>

#include "protocol/gemini/internal.hpp"
#include "protocol/gemini/writer.hpp"

namespace sluice::protocol::gemini {
namespace {

constexpr int kMaxDepth = 64;  // bounds recursion on hostile input

// ---- Gemini -> JSON Schema ------------------------------------------------------------------

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

void write_json_schema(const bj::value& v, Writer& w, int depth) {
  if (!v.is_object() || depth > kMaxDepth) {
    w.value(v);
    return;
  }
  const auto& in = v.get_object();
  bool nullable = false;
  if (const auto* n = get(in, "nullable"); n && n->is_bool()) {
    nullable = n->get_bool();
  }
  w.begin_object();
  for (const auto& kv : in) {
    const auto key = kv.key();
    const auto& val = kv.value();
    if (key == "nullable" || key == "propertyOrdering" || key == "property_ordering") {
      continue;
    }
    w.key(key);
    if (key == "type" && val.is_string()) {
      auto t = lower(val.get_string());
      if (nullable && t != "null") {
        w.begin_array().str(t).str("null").end_array();
      } else {
        w.str(t);
      }
    } else if (key == "properties" && val.is_object()) {
      w.begin_object();
      for (const auto& p : val.get_object()) {
        w.key(p.key());
        write_json_schema(p.value(), w, depth + 1);
      }
      w.end_object();
    } else if ((key == "items" || key == "additionalProperties") && val.is_object()) {
      write_json_schema(val, w, depth + 1);
    } else if (key == "anyOf" && val.is_array()) {
      w.begin_array();
      for (const auto& x : val.get_array()) {
        write_json_schema(x, w, depth + 1);
      }
      w.end_array();
    } else {
      w.value(val);
    }
  }
  w.end_object();
}

// ---- JSON Schema -> Gemini --------------------------------------------------------------------

// Keywords Gemini's Schema message holds; everything else is stripped.
constexpr std::array<std::string_view, 18> kCopied{
    "description",   "title",     "nullable",         "minItems", "maxItems", "minProperties",
    "maxProperties", "minLength", "maxLength",        "pattern",  "example",  "minimum",
    "maximum",       "default",   "propertyOrdering", "format",   "enum",     "required"};
constexpr std::array<std::string_view, 6> kFormats{"date-time", "enum",  "int32",
                                                   "int64",     "float", "double"};
// Keywords whose meaning the subset cannot hold: the schema goes whole to *JsonSchema.
constexpr std::array<std::string_view, 9> kNeedFull{"$ref",
                                                    "allOf",
                                                    "not",
                                                    "if",
                                                    "patternProperties",
                                                    "dependentSchemas",
                                                    "prefixItems",
                                                    "$dynamicRef",
                                                    "unevaluatedProperties"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& set, std::string_view s) {
  for (auto x : set) {
    if (x == s) {
      return true;
    }
  }
  return false;
}

bool is_object_type(const bj::object& o) {
  const auto* t = get(o, "type");
  if (!t) {
    return false;
  }
  if (t->is_string()) {
    return t->get_string() == "object" || t->get_string() == "OBJECT";
  }
  if (t->is_array()) {
    for (const auto& x : t->get_array()) {
      if (x.is_string() && x.get_string() == "object") {
        return true;
      }
    }
  }
  return false;
}

bool has_properties(const bj::object& o) {
  const auto* p = get(o, "properties");
  return p && p->is_object() && !p->get_object().empty();
}

/// True when some part of the schema cannot be expressed in Gemini's subset.
bool needs_full(const bj::value& v, bool top, int depth) {
  if (depth > kMaxDepth) {
    return true;
  }
  if (v.is_array()) {
    for (const auto& x : v.get_array()) {
      if (needs_full(x, false, depth + 1)) {
        return true;
      }
    }
    return false;
  }
  if (!v.is_object()) {
    return false;
  }
  const auto& o = v.get_object();
  if (!top && is_object_type(o) && !has_properties(o)) {
    return true;  // free-form object
  }
  for (const auto& kv : o) {
    const auto key = kv.key();
    if (one_of(kNeedFull, key)) {
      return true;
    }
    if (key == "additionalProperties" && kv.value().is_object() &&
        !kv.value().get_object().empty()) {
      return true;  // a map type
    }
    if (key == "properties" && kv.value().is_object()) {
      for (const auto& p : kv.value().get_object()) {
        if (needs_full(p.value(), false, depth + 1)) {
          return true;
        }
      }
    } else if (key == "items" || key == "anyOf" || key == "oneOf") {
      if (needs_full(kv.value(), false, depth + 1)) {
        return true;
      }
    }
  }
  return false;
}

void write_gemini(const bj::value& v, Writer& w, int depth);

bool all_strings(const bj::array& a) {
  for (const auto& x : a) {
    if (!x.is_string()) {
      return false;
    }
  }
  return true;
}

struct Written {
  bool type = false;
  bool nullable = false;
  bool any_of = false;
  bool enumeration = false;
};

void write_type(const bj::value& type, Writer& w, Written& done) {
  if (type.is_string()) {
    w.key("type").value(type);
    done.type = true;
    return;
  }
  if (!type.is_array()) {
    return;
  }
  const bj::value* first = nullptr;
  std::size_t others = 0;
  bool nullable = false;
  for (const auto& t : type.get_array()) {
    if (t.is_string() && t.get_string() == "null") {
      nullable = true;
    } else if (others++ == 0) {
      first = &t;
    }
  }
  if (others == 1) {
    w.key("type").value(*first);
    done.type = true;
  } else if (others > 1 && !done.any_of) {
    w.key("anyOf").begin_array();
    for (const auto& t : type.get_array()) {
      if (!(t.is_string() && t.get_string() == "null")) {
        w.begin_object().key("type").value(t).end_object();
      }
    }
    w.end_array();
    done.any_of = true;
  } else if (others == 0 && nullable) {
    w.key("type").str("null");
    done.type = true;
    return;
  }
  if (nullable && !done.nullable) {
    w.key("nullable").boolean(true);
    done.nullable = true;
  }
}

void write_gemini_object(const bj::object& in, Writer& w, int depth) {
  w.begin_object();
  Written done;
  const bj::object* props = nullptr;
  if (const auto* p = get(in, "properties"); p && p->is_object() && !p->get_object().empty()) {
    props = &p->get_object();
  }
  for (const auto& kv : in) {
    const auto key = kv.key();
    const auto& val = kv.value();
    if (key == "type") {
      write_type(val, w, done);
    } else if (key == "properties") {
      if (!props) {
        continue;
      }
      w.key("properties").begin_object();
      for (const auto& p : *props) {
        w.key(p.key());
        write_gemini(p.value(), w, depth + 1);
      }
      w.end_object();
    } else if (key == "items") {
      if (val.is_object()) {
        w.key("items");
        write_gemini(val, w, depth + 1);
      } else if (val.is_array() && !val.get_array().empty()) {
        w.key("items");
        write_gemini(val.get_array()[0], w, depth + 1);
      }
    } else if ((key == "anyOf" || key == "oneOf") && val.is_array() && !done.any_of) {
      w.key("anyOf").begin_array();
      for (const auto& x : val.get_array()) {
        write_gemini(x, w, depth + 1);
      }
      w.end_array();
      done.any_of = true;
    } else if (key == "const") {
      if (val.is_string() && !done.enumeration) {
        w.key("enum").begin_array().value(val).end_array();
        done.enumeration = true;
      }
    } else if (key == "enum") {
      if (val.is_array() && all_strings(val.get_array()) && !done.enumeration) {
        w.key("enum").value(val);
        done.enumeration = true;
      }
    } else if (key == "format") {
      if (val.is_string() && one_of(kFormats, val.get_string())) {
        w.key("format").value(val);
      }
    } else if (key == "nullable") {
      if (!done.nullable) {
        w.key("nullable").value(val);
      }
      done.nullable = true;
    } else if (key != "required" && one_of(kCopied, key)) {
      w.key(key).value(val);
    }
  }
  // Gemini rejects required names that are not declared properties.
  if (const auto* req = get(in, "required"); req && req->is_array() && props) {
    bool any = false;
    for (const auto& r : req->get_array()) {
      if (!r.is_string() || !props->contains(r.get_string())) {
        continue;
      }
      if (!any) {
        w.key("required").begin_array();
      }
      any = true;
      w.value(r);
    }
    if (any) {
      w.end_array();
    }
  }
  if (!done.type && !done.any_of && props) {
    w.key("type").str("object");
  }
  w.end_object();
}

void write_gemini(const bj::value& v, Writer& w, int depth) {
  if (!v.is_object() || depth > kMaxDepth) {
    w.value(v);
    return;
  }
  write_gemini_object(v.get_object(), w, depth);
}

}  // namespace

std::string schema_to_json_schema(const bj::value& gemini_schema) {
  if (gemini_schema.is_null()) {
    return "{}";
  }
  std::string out;
  Writer w(out);
  write_json_schema(gemini_schema, w, 0);
  return out;
}

bool write_gemini_schema(std::string_view json_schema_text, bool top_level_tool,
                         std::string_view subset_key, std::string_view full_key, Writer& w) {
  if (json_schema_text.empty()) {
    return false;
  }
  alignas(16) unsigned char buf[8192];
  bj::monotonic_resource mr(buf, sizeof buf);
  boost::system::error_code ec;
  auto v = bj::parse(json_schema_text, ec, &mr);
  if (ec || !v.is_object()) {
    return false;
  }
  const auto& o = v.get_object();
  if (top_level_tool && (o.empty() || (is_object_type(o) && !has_properties(o)))) {
    return false;
  }
  // A response schema for a free-form object has no subset equivalent either.
  if (needs_full(v, true, 0) || (!top_level_tool && is_object_type(o) && !has_properties(o))) {
    w.key(full_key).begin_object();
    for (const auto& kv : o) {
      if (kv.key() != "$schema") {
        w.key(kv.key()).value(kv.value());
      }
    }
    w.end_object();
    return true;
  }
  w.key(subset_key);
  write_gemini_object(o, w, 0);
  return true;
}

}  // namespace sluice::protocol::gemini
