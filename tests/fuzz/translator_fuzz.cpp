// libFuzzer target for one wire's translator (FUZZ_WIRE selects it at compile time). The first
// input byte picks what the rest is: a client request, a provider response, or a provider
// stream fed in uneven chunks. Whatever parses is translated into every other wire. The target
// must never crash, hang or leak, whatever the bytes.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/sse.hpp"
#include "protocol/codecs.hpp"
#include "protocol/events.hpp"

namespace sp = sluice::protocol;

namespace {

constexpr sp::Endpoint kAll[] = {sp::Endpoint::Messages, sp::Endpoint::ChatCompletions,
                                 sp::Endpoint::Responses, sp::Endpoint::GenerateContent};
constexpr sp::Endpoint kSelf = kAll[FUZZ_WIRE];

void fuzz_request(std::string_view body) {
  const auto& self = *sp::codec_for(kSelf);
  sp::RequestContext ctx{kSelf, "fuzz-model", body.size() % 2 == 0};
  auto parsed = self.parse_request(body, ctx);
  if (!std::holds_alternative<sluice::ir::Request>(parsed)) return;
  (void)sp::estimate_input_tokens(std::get<sluice::ir::Request>(parsed));
  for (auto target : kAll) {
    auto req = std::get<sluice::ir::Request>(parsed);
    req.model = "m";
    const auto& codec = *sp::codec_for(target);
    (void)codec.serialize_request(req);
    (void)codec.upstream_path(req);
  }
}

void fuzz_response(std::string_view body) {
  const auto& self = *sp::codec_for(kSelf);
  (void)self.parse_error(429, body);
  auto parsed = self.parse_response(body);
  if (!std::holds_alternative<sluice::ir::Response>(parsed)) return;
  sp::EncodeOptions opt{"client-model", "gen_fuzz", true, 1700000000};
  for (auto target : kAll) {
    (void)sp::codec_for(target)->serialize_response(std::get<sluice::ir::Response>(parsed), opt);
  }
}

void fuzz_stream(std::string_view bytes) {
  auto decoder = sp::codec_for(kSelf)->decoder();
  std::vector<sluice::ir::Event> events;
  sluice::http::SseReader reader;
  // Chunk sizes vary with the input so boundaries land everywhere.
  std::size_t step = bytes.empty() ? 1 : 1 + static_cast<unsigned char>(bytes[0]) % 13;
  for (std::size_t i = 0; i < bytes.size(); i += step) {
    reader.feed(bytes.substr(i, step),
                [&](const sluice::http::SseEvent& e) { decoder->on_event(e, events); });
  }
  decoder->on_end(events);
  sp::EncodeOptions opt{"client-model", "gen_fuzz", true, 1700000000};
  for (auto target : kAll) {
    auto encoder = sp::codec_for(target)->encoder(opt);
    std::string out;
    for (const auto& ev : events) encoder->on_event(ev, out);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: fuzz_request(rest); break;
    case 1: fuzz_response(rest); break;
    default: fuzz_stream(rest); break;
  }
  return 0;
}
