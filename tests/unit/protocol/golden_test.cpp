// Golden fixtures for translation, one directory per case under tests/golden/:
//   requests/<case>/input.<wire>.json   -> expect.<wire>.json     (client request -> provider request)
//   responses/<case>/input.<wire>.json  -> expect.<wire>.json     (provider response -> client response)
//   streams/<case>/input.<wire>.sse     -> expect.<wire>.sse      (provider stream -> client stream)
// <wire> is anthropic | openai_chat | openai_responses | gemini. Outputs are compared after JSON
// normalisation (object keys sorted). Set SLUICE_GOLDEN_UPDATE=1 to rewrite the expect files
// from the current code — then review the diff like any other change.

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "protocol/codecs.hpp"

namespace sluice::protocol {
namespace {

namespace fs = std::filesystem;
namespace bj = boost::json;

struct WireInfo {
  std::string_view name;
  Endpoint endpoint;
};
constexpr WireInfo kWires[] = {{"anthropic", Endpoint::Messages},
                               {"openai_chat", Endpoint::ChatCompletions},
                               {"openai_responses", Endpoint::Responses},
                               {"gemini", Endpoint::GenerateContent}};

const WireInfo* wire_named(std::string_view n) {
  for (const auto& w : kWires) {
    if (w.name == n) return &w;
  }
  return nullptr;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& p, const std::string& s) {
  std::ofstream out(p, std::ios::binary);
  out << s;
}

bj::value sorted(const bj::value& v) {
  if (v.is_object()) {
    std::vector<std::pair<std::string, bj::value>> items;
    for (const auto& kv : v.get_object()) items.emplace_back(std::string(kv.key()), sorted(kv.value()));
    std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    bj::object o;
    for (auto& [k, x] : items) o.emplace(k, std::move(x));
    return o;
  }
  if (v.is_double() && v.get_double() == static_cast<double>(static_cast<std::int64_t>(v.get_double()))) {
    return static_cast<std::int64_t>(v.get_double());  // 0 and 0E0 are the same number
  }
  if (v.is_uint64() && v.get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v.get_uint64());
  }
  if (v.is_array()) {
    bj::array a;
    for (const auto& x : v.get_array()) a.push_back(sorted(x));
    return a;
  }
  return v;
}

std::string normalize_json(const std::string& text) {
  boost::system::error_code ec;
  auto v = bj::parse(text, ec);
  if (ec) return "INVALID JSON: " + text;
  return bj::serialize(sorted(v));
}

std::string pretty(const std::string& text) { return normalize_json(text) + "\n"; }

/// Each SSE event as "event\n<normalised data>" so comparisons ignore framing whitespace.
std::vector<std::string> normalize_sse(const std::string& text) {
  std::vector<std::string> out;
  http::SseReader r;
  r.feed(text, [&](const http::SseEvent& e) {
    out.push_back(e.event + "\n" + (e.data == "[DONE]" ? e.data : normalize_json(e.data)));
  });
  r.feed("\n\n", [&](const http::SseEvent& e) {
    out.push_back(e.event + "\n" + (e.data == "[DONE]" ? e.data : normalize_json(e.data)));
  });
  return out;
}

bool updating() { return std::getenv("SLUICE_GOLDEN_UPDATE") != nullptr; }

/// Input file of a case: "input.<wire>.<ext>".
std::pair<fs::path, const WireInfo*> input_of(const fs::path& dir, std::string_view ext) {
  for (const auto& e : fs::directory_iterator(dir)) {
    auto name = e.path().filename().string();
    if (name.starts_with("input.") && name.ends_with(ext)) {
      auto wire = name.substr(6, name.size() - 6 - ext.size());
      return {e.path(), wire_named(wire)};
    }
  }
  return {{}, nullptr};
}

/// (target wire, expect path) pairs of a case.
std::vector<std::pair<const WireInfo*, fs::path>> expects_of(const fs::path& dir, std::string_view ext) {
  std::vector<std::pair<const WireInfo*, fs::path>> out;
  for (const auto& w : kWires) {
    auto p = dir / ("expect." + std::string(w.name) + std::string(ext));
    if (fs::exists(p) || updating()) out.emplace_back(&w, p);
  }
  return out;
}

std::vector<fs::path> cases(const char* kind) {
  std::vector<fs::path> out;
  fs::path root = fs::path(SLUICE_SOURCE_DIR) / "tests" / "golden" / kind;
  if (!fs::exists(root)) return out;
  for (const auto& e : fs::directory_iterator(root)) {
    if (e.is_directory()) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

EncodeOptions golden_options() {
  EncodeOptions o;
  o.model = "client-model";
  o.id = "gen_golden";
  o.created = 1700000000;
  o.include_usage = true;
  return o;
}

TEST(Golden, Requests) {
  for (const auto& dir : cases("requests")) {
    SCOPED_TRACE(dir.filename().string());
    auto [input, wire] = input_of(dir, ".json");
    ASSERT_NE(wire, nullptr) << "no input.<wire>.json in " << dir;
    RequestContext ctx{wire->endpoint, "target-model", false};
    auto parsed = codec_for(wire->endpoint)->parse_request(read_file(input), ctx);
    ASSERT_TRUE(std::holds_alternative<ir::Request>(parsed))
        << std::get<core::GatewayError>(parsed).message;
    for (const auto& [target, path] : expects_of(dir, ".json")) {
      if (target == wire) continue;  // same wire is passthrough, not translation
      SCOPED_TRACE(std::string(target->name));
      ir::Request req = std::get<ir::Request>(parsed);
      req.model = "target-model";
      auto out = codec_for(target->endpoint)->serialize_request(req);
      if (updating()) {
        write_file(path, pretty(out));
        continue;
      }
      EXPECT_EQ(normalize_json(out), normalize_json(read_file(path)));
    }
  }
}

TEST(Golden, Responses) {
  for (const auto& dir : cases("responses")) {
    SCOPED_TRACE(dir.filename().string());
    auto [input, wire] = input_of(dir, ".json");
    ASSERT_NE(wire, nullptr) << "no input.<wire>.json in " << dir;
    auto parsed = codec_for(wire->endpoint)->parse_response(read_file(input));
    ASSERT_TRUE(std::holds_alternative<ir::Response>(parsed))
        << std::get<core::GatewayError>(parsed).message;
    for (const auto& [target, path] : expects_of(dir, ".json")) {
      if (target == wire) continue;
      SCOPED_TRACE(std::string(target->name));
      auto out = codec_for(target->endpoint)->serialize_response(std::get<ir::Response>(parsed),
                                                                 golden_options());
      if (updating()) {
        write_file(path, pretty(out));
        continue;
      }
      EXPECT_EQ(normalize_json(out), normalize_json(read_file(path)));
    }
  }
}

TEST(Golden, Streams) {
  for (const auto& dir : cases("streams")) {
    SCOPED_TRACE(dir.filename().string());
    auto [input, wire] = input_of(dir, ".sse");
    ASSERT_NE(wire, nullptr) << "no input.<wire>.sse in " << dir;
    auto decoder = codec_for(wire->endpoint)->decoder();
    std::vector<ir::Event> events;
    http::SseReader reader;
    const auto text = read_file(input);
    // Feed in small uneven pieces: decoders must not depend on chunk boundaries.
    for (std::size_t i = 0; i < text.size(); i += 7) {
      reader.feed(std::string_view(text).substr(i, 7),
                  [&](const http::SseEvent& e) { decoder->on_event(e, events); });
    }
    decoder->on_end(events);
    for (const auto& [target, path] : expects_of(dir, ".sse")) {
      if (target == wire) continue;
      SCOPED_TRACE(std::string(target->name));
      auto encoder = codec_for(target->endpoint)->encoder(golden_options());
      std::string out;
      for (const auto& ev : events) encoder->on_event(ev, out);
      if (updating()) {
        write_file(path, out);
        continue;
      }
      EXPECT_EQ(normalize_sse(out), normalize_sse(read_file(path)));
    }
  }
}

}  // namespace
}  // namespace sluice::protocol
