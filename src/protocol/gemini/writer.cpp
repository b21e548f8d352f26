#include "protocol/gemini/writer.hpp"

namespace sluice::protocol::gemini {

void Writer::quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out_.reserve(out_.size() + s.size() + 2);
  out_ += '"';
  std::size_t run = 0;  // start of the pending run of plain characters
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out_.append(s.data() + run, i - run);
    run = i + 1;
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
      for (const auto& x : v.get_array()) value(x);
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
