#include "protocol/gemini/writer.hpp"

#include <charconv>

#include "protocol/json_util.hpp"

namespace sluice::protocol::gemini {

void Writer::quote(std::string_view s) {
  json::append_json_string(out_, s);
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
