#pragma once
// Small lookups on parsed request bodies: a missing or mistyped field reads as "absent".

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <string_view>

#include "fake/content.hpp"

namespace sluice::fake {

inline std::string_view get_string(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

inline const boost::json::object* get_object(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_object() : nullptr;
}

inline const boost::json::array* get_array(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? v->if_array() : nullptr;
}

inline bool get_bool(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() && v->get_bool();
}

/// An integer field (a whole double too); 0 when absent.
inline std::int64_t get_int(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) {
    return 0;
  }
  if (v->is_int64()) {
    return v->get_int64();
  }
  if (v->is_uint64()) {
    return static_cast<std::int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    return static_cast<std::int64_t>(v->get_double());
  }
  return 0;
}

/// Bytes of every string under `key`, 0 if absent.
inline std::size_t field_bytes(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr ? text_bytes(*v) : 0;
}

}  // namespace sluice::fake
