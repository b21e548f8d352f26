#pragma once
// Helpers for the fake-upstream wire tests: SSE parsing and shared fixtures.

#include <gtest/gtest.h>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fake/wire.hpp"

namespace sluice::fake::wire_test {

namespace json = boost::json;

struct Event {
  std::string name;  // the `event:` line, empty if none
  std::string data;
};

inline std::vector<Event> events_of(const std::string& bytes,
                                    std::string_view terminator = "\n\n") {
  std::vector<Event> out;
  std::size_t at = 0;
  while (at < bytes.size()) {
    auto end = bytes.find(terminator, at);
    EXPECT_NE(end, std::string::npos) << "unterminated event";
    if (end == std::string::npos) {
      break;
    }
    std::string_view block(bytes.data() + at, end - at);
    Event e;
    while (!block.empty()) {
      auto nl = block.find('\n');
      auto line = block.substr(0, nl);
      if (line.starts_with("event: ")) {
        e.name = line.substr(7);
      } else if (line.starts_with("data: ")) {
        e.data = line.substr(6);
      }
      block = nl == std::string_view::npos ? std::string_view() : block.substr(nl + 1);
    }
    out.push_back(std::move(e));
    at = end + terminator.size();
  }
  return out;
}

inline json::object parse_object(std::string_view text) {
  return json::parse(text).as_object();
}

inline int content_segments(const StreamPlan& plan) {
  int n = 0;
  for (const auto& s : plan.segments) {
    n += s.content ? 1 : 0;
  }
  return n;
}

inline constexpr std::int64_t kCreated = 1750000000;

inline const char* const kToolSchema =
    R"({"type":"object","properties":{"cmd":{"type":"string"},"n":{"type":"integer"}},
        "required":["cmd","n"]})";

}  // namespace sluice::fake::wire_test
