#include "protocol/gemini/writer.hpp"

#include <cstring>

namespace sluice::protocol::gemini {

namespace {

// SWAR test over 8 bytes: does any byte need escaping ('"', '\\' or a control character)?
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
inline bool needs_escape(std::uint64_t x) {
  const auto has_zero = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  const auto below_space = (x - kOnes * 0x20) & ~x & kHighs;
  return (below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\'))) != 0;
}

}  // namespace

void Writer::quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.reserve(out_.size() + s.size() + 2);
  out_ += '"';
  std::size_t run = 0;  // start of the pending run of plain characters
  std::size_t i = 0;
  while (i < s.size()) {
    if (i + 8 <= s.size()) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + i, 8);
      if (!needs_escape(word)) {
        i += 8;
        continue;
      }
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    out_.append(s.data() + run, i - run);
    run = ++i;
    switch (c) {
      case '"':
        out_ += "\\\"";
        break;
      case '\\':
        out_ += "\\\\";
        break;
      case '\n':
        out_ += "\\n";
        break;
      case '\r':
        out_ += "\\r";
        break;
      case '\t':
        out_ += "\\t";
        break;
      case '\b':
        out_ += "\\b";
        break;
      case '\f':
        out_ += "\\f";
        break;
      default:
        out_ += "\\u00";
        out_ += kHex[c >> 4];
        out_ += kHex[c & 0xF];
    }
  }
  out_.append(s.data() + run, s.size() - run);
  out_ += '"';
}

Writer& Writer::value(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return raw("null");
    case boost::json::kind::bool_:
      return boolean(v.get_bool());
    case boost::json::kind::int64:
      return num(v.get_int64());
    case boost::json::kind::uint64: {
      sep();
      char buf[24];
      auto r = std::to_chars(buf, buf + sizeof buf, v.get_uint64());
      out_.append(buf, r.ptr);
      comma_ = true;
      return *this;
    }
    case boost::json::kind::double_:
      return num(v.get_double());
    case boost::json::kind::string:
      return str(v.get_string());
    case boost::json::kind::array:
      begin_array();
      for (const auto& x : v.get_array()) {
        value(x);
      }
      return end_array();
    case boost::json::kind::object:
      begin_object();
      for (const auto& kv : v.get_object()) {
        key(kv.key());
        value(kv.value());
      }
      return end_object();
  }
  return *this;
}

}  // namespace sluice::protocol::gemini
