#pragma once
// Helpers for parsing a Gemini client request: 400s that name the field, typed optional reads.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/gemini/internal.hpp"

namespace sluice::protocol::gemini::parse {

using Err = std::optional<core::GatewayError>;

inline core::GatewayError bad(std::string msg) {
  return {core::ErrorKind::InvalidRequest, std::move(msg), "", "invalid_argument"};
}

inline std::string at(std::string_view base, std::size_t i) {
  std::string s(base);
  s += '[';
  s += std::to_string(i);
  s += ']';
  return s;
}

inline std::string path(std::string_view base, std::string_view field) {
  std::string s(base);
  s += '.';
  s += field;
  return s;
}

inline std::string_view str(const bj::value* v) {
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

/// Reads an optional typed scalar, failing when it is present with the wrong type.
inline Err read_number(const bj::object& o, std::string_view camel, std::string_view snake,
                       std::optional<double>& out, std::string_view base) {
  const auto* v = get(o, camel, snake);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_double()) {
    out = v->get_double();
  } else if (v->is_int64()) {
    out = static_cast<double>(v->get_int64());
  } else if (v->is_uint64()) {
    out = static_cast<double>(v->get_uint64());
  } else {
    return bad(path(base, camel) + ": must be a number");
  }
  return std::nullopt;
}

inline Err read_int(const bj::object& o, std::string_view camel, std::string_view snake,
                    std::optional<std::int64_t>& out, std::string_view base) {
  const auto* v = get(o, camel, snake);
  if (!v || v->is_null()) return std::nullopt;
  // 2^63 bounds the doubles that convert to int64 without undefined behaviour.
  constexpr double kLimit = 9223372036854775808.0;
  if (v->is_int64()) {
    out = v->get_int64();
  } else if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    out = static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_double() && v->get_double() > -kLimit && v->get_double() < kLimit &&
             v->get_double() == static_cast<double>(static_cast<std::int64_t>(v->get_double()))) {
    out = static_cast<std::int64_t>(v->get_double());
  } else {
    return bad(path(base, camel) + ": must be an integer");
  }
  return std::nullopt;
}

inline void drop_once(ir::Request& req, std::string_view name) {
  for (const auto& d : req.dropped) {
    if (d == name) return;
  }
  req.dropped.emplace_back(name);
}

/// systemInstruction, tools, toolConfig, generationConfig and the fields the IR cannot carry.
Err options(const bj::object& root, ir::Request& req);

}  // namespace sluice::protocol::gemini::parse
