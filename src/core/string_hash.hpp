#pragma once
// Hashing for string-keyed maps looked up on the request path with a std::string_view, so that
// a lookup never builds a std::string (C++20 heterogeneous lookup).

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sluice::core {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

}  // namespace sluice::core
