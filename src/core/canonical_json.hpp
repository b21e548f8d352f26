#pragma once
// Canonical JSON: object keys sorted (by bytes), no whitespace, strings and numbers as Boost.JSON
// writes them. Two equal documents give the same bytes, whatever order or spacing they came in,
// so their SHA-256 identifies the content (the audit chain, prompt hashes).

#include <boost/json/value.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

namespace sluice::core {

std::string canonical_json(const boost::json::value& v);
void append_canonical_json(std::string& out, const boost::json::value& v);

/// Writes canonical JSON directly, without a DOM, for records built on every request. The
/// caller gives each object's keys in sorted order (a debug build checks the result against
/// canonical_json); values are strings, integers, booleans, null or nested containers.
class CanonicalWriter {
 public:
  explicit CanonicalWriter(std::string& out) : out_(out) {}
  CanonicalWriter& begin_object() { return open('{'); }
  CanonicalWriter& end_object() { return close('}'); }
  CanonicalWriter& begin_array() { return open('['); }
  CanonicalWriter& end_array() { return close(']'); }
  CanonicalWriter& key(std::string_view k);
  CanonicalWriter& string(std::string_view v);
  CanonicalWriter& integer(std::int64_t v);
  CanonicalWriter& boolean(bool v);
  CanonicalWriter& null();
  /// A key and a value in one call.
  template <class V>
  CanonicalWriter& member(std::string_view k, const V& v) {
    key(k);
    if constexpr (std::is_same_v<V, bool>) {
      return boolean(v);
    } else if constexpr (std::is_integral_v<V>) {
      return integer(static_cast<std::int64_t>(v));
    } else {
      return string(v);
    }
  }

 private:
  CanonicalWriter& open(char c);
  CanonicalWriter& close(char c);
  void value_prefix();
  std::string& out_;
  std::uint64_t first_ = 1;  // bit per depth: nothing written yet at that depth
  bool after_key_ = false;
  int depth_ = 0;
};

}  // namespace sluice::core
