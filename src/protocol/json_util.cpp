#include "protocol/json_util.hpp"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <cstring>

namespace sluice::protocol::json {

bj::value parse_or_string(std::string_view text) {
  if (text.empty()) return bj::object{};
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  if (ec) return bj::value(bj::string(text));
  return v;
}

void append_sse(std::string& out, std::string_view event, const bj::value& data) {
  if (!event.empty()) {
    out += "event: ";
    out.append(event);
    out += '\n';
  }
  out += "data: ";
  out += bj::serialize(data);
  out += "\n\n";
}

}  // namespace sluice::protocol::json
