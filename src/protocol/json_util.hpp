#pragma once
// Small accessors over Boost.JSON used by every codec, so none re-implements "string field or
// default" and friends. All are total: a missing or mistyped field yields the fallback.

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/json_escape.hpp"

namespace sluice::protocol::json {

namespace bj = boost::json;

inline const bj::value* field(const bj::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}
inline const bj::object* object_field(const bj::object& o, std::string_view key) {
  const auto* v = field(o, key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}
inline const bj::array* array_field(const bj::object& o, std::string_view key) {
  const auto* v = field(o, key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}
inline std::string string_field(const bj::object& o, std::string_view key,
                                std::string fallback = {}) {
  const auto* v = field(o, key);
  return v && v->is_string() ? std::string(v->get_string()) : fallback;
}
inline std::optional<double> number_field(const bj::object& o, std::string_view key) {
  const auto* v = field(o, key);
  if (!v) return std::nullopt;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return std::nullopt;
}
inline std::optional<std::int64_t> int_field(const bj::object& o, std::string_view key) {
  const auto* v = field(o, key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) {
    // Casting an out-of-range double is undefined; clamp (and NaN is no number at all).
    const double d = v->get_double();
    if (!(d == d)) return std::nullopt;
    if (d >= 9.2e18) return INT64_MAX;
    if (d <= -9.2e18) return INT64_MIN;
    return static_cast<std::int64_t>(d);
  }
  return std::nullopt;
}
/// A token count or limit from an untrusted body: clamped to [0, 10^12], so that sums of
/// counts (input + cache read + cache write) can never overflow.
inline std::optional<std::int64_t> count_field(const bj::object& o, std::string_view key) {
  auto v = int_field(o, key);
  if (!v) return std::nullopt;
  constexpr std::int64_t kMaxCount = 1'000'000'000'000;
  return *v < 0 ? 0 : (*v > kMaxCount ? kMaxCount : *v);
}
inline std::optional<bool> bool_field(const bj::object& o, std::string_view key) {
  const auto* v = field(o, key);
  return v && v->is_bool() ? std::optional<bool>(v->get_bool()) : std::nullopt;
}
/// A JSON value as text ("{}" for null/absent when `fallback` says so).
inline std::string to_text(const bj::value* v, std::string_view fallback = "{}") {
  return v && !v->is_null() ? bj::serialize(*v) : std::string(fallback);
}
/// Parses JSON text carried in the IR (tool schemas, arguments); invalid text becomes a string.
bj::value parse_or_string(std::string_view text);

/// Appends `s` JSON-escaped (no quotes), and as a quoted JSON string (core/json_escape.hpp).
using core::append_json_escaped;
using core::append_json_string;

/// Appends one SSE event with `data` serialised on a single line.
void append_sse(std::string& out, std::string_view event, const bj::value& data);

}  // namespace sluice::protocol::json
