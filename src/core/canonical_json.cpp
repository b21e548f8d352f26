#include "core/canonical_json.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <string_view>
#include <vector>

namespace sluice::core {

void append_canonical_json(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      const auto& o = v.get_object();
      std::vector<const boost::json::key_value_pair*> members;
      members.reserve(o.size());
      for (const auto& kv : o) members.push_back(&kv);
      std::sort(members.begin(), members.end(),
                [](const auto* a, const auto* b) { return a->key() < b->key(); });
      out += '{';
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i) out += ',';
        out += boost::json::serialize(boost::json::string_view(members[i]->key()));
        out += ':';
        append_canonical_json(out, members[i]->value());
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
    default:
      out += boost::json::serialize(v);
  }
}

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  append_canonical_json(out, v);
  return out;
}

}  // namespace sluice::core
