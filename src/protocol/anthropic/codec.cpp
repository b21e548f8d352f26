// The Anthropic Messages codec: glue over the per-concern files, and the helpers they share.
#include <boost/json/parse.hpp>

#include <algorithm>

#include "protocol/anthropic/internal.hpp"
#include "protocol/codecs.hpp"
#include "protocol/json_util.hpp"

namespace sluice::protocol::anthropic {

std::optional<ir::CacheControl> cache_control_of(const bj::object& block) {
  const auto* cc = json::object_field(block, "cache_control");
  if (!cc) return std::nullopt;
  ir::CacheControl out;
  out.type = json::string_field(*cc, "type", "ephemeral");
  out.ttl = json::string_field(*cc, "ttl");
  return out;
}

bj::object cache_control_json(const ir::CacheControl& cc, bj::storage_ptr sp) {
  bj::object o(std::move(sp));
  o.emplace("type", cc.type.empty() ? std::string_view("ephemeral") : std::string_view(cc.type));
  if (!cc.ttl.empty()) o.emplace("ttl", cc.ttl);
  return o;
}

void read_usage(const bj::object& u, ir::Usage& into) {
  // Anthropic's input_tokens excludes cached tokens; the IR's input includes them.
  const auto base = json::count_field(u, "input_tokens");
  const auto cache_read = json::count_field(u, "cache_read_input_tokens");
  const auto cache_write = json::count_field(u, "cache_creation_input_tokens");
  const auto known_base = into.input - into.cache_read - into.cache_write;
  if (cache_read) into.cache_read = *cache_read;
  if (cache_write) into.cache_write = *cache_write;
  into.input = base.value_or(known_base) + into.cache_read + into.cache_write;
  if (auto out = json::count_field(u, "output_tokens")) into.output = *out;
}

bj::object usage_json(const ir::Usage& u, bool input_side, bj::storage_ptr sp) {
  bj::object o(std::move(sp));
  if (input_side) {
    o.emplace("input_tokens", std::max<std::int64_t>(0, u.input - u.cache_read - u.cache_write));
    o.emplace("cache_creation_input_tokens", u.cache_write);
    o.emplace("cache_read_input_tokens", u.cache_read);
  }
  o.emplace("output_tokens", u.output);
  return o;
}

std::string message_id(std::string_view ir_id, const EncodeOptions& opt) {
  if (ir_id.starts_with("msg_")) return std::string(ir_id);
  if (std::string_view(opt.id).starts_with("msg_")) return opt.id;
  return "msg_" + opt.id;
}

bool is_anthropic_signature(std::string_view sig) {
  return !sig.empty() && sig.front() == 'E';
}

std::optional<bj::value> parse_json(std::string_view text, bj::storage_ptr sp) {
  boost::system::error_code ec;
  auto v = bj::parse(text, ec, std::move(sp));
  if (ec) return std::nullopt;
  return v;
}

namespace {

class Codec final : public WireCodec {
 public:
  Endpoint endpoint() const override { return Endpoint::Messages; }
  std::variant<ir::Request, core::GatewayError> parse_request(
      std::string_view body, const RequestContext&) const override {
    return anthropic::parse_request(body);
  }
  std::string serialize_request(ir::Request& req) const override {
    return anthropic::serialize_request(req);
  }
  std::string upstream_path(const ir::Request& req) const override {
    return anthropic::upstream_path(req);
  }
  std::variant<ir::Response, core::GatewayError> parse_response(
      std::string_view body) const override {
    return anthropic::parse_response(body);
  }
  std::string serialize_response(const ir::Response& res, const EncodeOptions& opt) const override {
    return anthropic::serialize_response(res, opt);
  }
  std::unique_ptr<StreamDecoder> decoder() const override { return make_decoder(); }
  std::unique_ptr<StreamEncoder> encoder(const EncodeOptions& opt) const override {
    return make_encoder(opt);
  }
  core::GatewayError parse_error(int status, std::string_view body) const override {
    return anthropic::parse_error(status, body);
  }
};

}  // namespace

const WireCodec& codec() {
  static const Codec c;
  return c;
}

}  // namespace sluice::protocol::anthropic
