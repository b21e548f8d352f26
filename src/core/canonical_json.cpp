#include "core/canonical_json.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <string_view>

#include "core/json_escape.hpp"

namespace sluice::core {
namespace {

template <class Int>
void append_int(std::string& out, Int v) {
  std::array<char, 24> buf;
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
  out.append(buf.data(), end);
}

}  // namespace

void append_canonical_json(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      // Small objects are the rule (a message has 2-4 members): sort pointers on the stack.
      std::array<const boost::json::key_value_pair*, 16> small;
      std::vector<const boost::json::key_value_pair*> large;
      const boost::json::key_value_pair** first = small.data();
      if (o.size() > small.size()) {
        large.resize(o.size());
        first = large.data();
      }
      std::size_t n = 0;
      for (const auto& kv : o) first[n++] = &kv;
      std::sort(first, first + n, [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out += '{';
      for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        append_json_string(out, first[i]->key());
        out += ':';
        append_canonical_json(out, first[i]->value());
      }
      out += '}';
      return;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ',';
        first = false;
        append_canonical_json(out, e);
      }
      out += ']';
      return;
    }
    case boost::json::kind::string:
      append_json_string(out, v.get_string());
      return;
    case boost::json::kind::int64:
      append_int(out, v.get_int64());
      return;
    case boost::json::kind::uint64:
      append_int(out, v.get_uint64());
      return;
    case boost::json::kind::bool_:
      out += v.get_bool() ? "true" : "false";
      return;
    case boost::json::kind::null:
      out += "null";
      return;
    case boost::json::kind::double_:
      out += boost::json::serialize(v);
      return;
  }
}

void CanonicalWriter::value_prefix() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!(first_ & (1ull << depth_))) out_ += ',';
  first_ &= ~(1ull << depth_);
}

CanonicalWriter& CanonicalWriter::open(char c) {
  value_prefix();
  out_ += c;
  ++depth_;
  first_ |= 1ull << depth_;
  return *this;
}

CanonicalWriter& CanonicalWriter::close(char c) {
  --depth_;
  out_ += c;
  return *this;
}

CanonicalWriter& CanonicalWriter::key(std::string_view k) {
  value_prefix();
  append_json_string(out_, k);
  out_ += ':';
  after_key_ = true;
  return *this;
}

CanonicalWriter& CanonicalWriter::string(std::string_view v) {
  value_prefix();
  append_json_string(out_, v);
  return *this;
}

CanonicalWriter& CanonicalWriter::integer(std::int64_t v) {
  value_prefix();
  append_int(out_, v);
  return *this;
}

CanonicalWriter& CanonicalWriter::boolean(bool v) {
  value_prefix();
  out_ += v ? "true" : "false";
  return *this;
}

CanonicalWriter& CanonicalWriter::null() {
  value_prefix();
  out_ += "null";
  return *this;
}

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  out.reserve(256);
  append_canonical_json(out, v);
  return out;
}

}  // namespace sluice::core
