// Upstream Responses error bodies ({"error":{"message","type","param","code"}}) -> GatewayError.
#include <boost/json/parse.hpp>

#include "protocol/json_util.hpp"
#include "protocol/openai_responses/internal.hpp"

namespace sluice::protocol::openai_responses {

core::GatewayError parse_error(int status, std::string_view body) {
  core::GatewayError err{core::kind_for_status(status), {}, {}, {}};
  boost::system::error_code ec;
  auto v = bj::parse(body, ec);
  if (!ec && v.is_object()) {
    if (const auto* e = json::object_field(v.get_object(), "error")) {
      err.message = json::string_field(*e, "message");
      err.param = json::string_field(*e, "param");
      err.code = json::string_field(*e, "code");
    }
  }
  // Keep it short; a provider may echo request content in a long message.
  constexpr std::size_t kMax = 1000;
  if (err.message.size() > kMax) err.message.resize(kMax);
  if (err.message.empty()) err.message = "upstream returned HTTP " + std::to_string(status);
  return err;
}

}  // namespace sluice::protocol::openai_responses
