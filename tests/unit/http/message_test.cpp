#include <gtest/gtest.h>

#include "http/message.hpp"

namespace sluice::http {
namespace {

TEST(HeaderLines, WritesFieldsAndDropsFramingAndInjection) {
  const Headers h{{"content-type", "application/json"},
                  {"x-sluice-route", "coding"},
                  {"Content-Length", "5"},
                  {"transfer-encoding", "chunked"},
                  {"connection", "close"},
                  {"host", "evil"},
                  {"x-split", "a\r\nx-injected: 1"},
                  {"bad name", "v"},
                  {"bad:name", "v"},
                  {"", "v"}};
  std::string out;
  append_header_lines(out, h);
  EXPECT_EQ(out, "content-type: application/json\r\nx-sluice-route: coding\r\n");
}

}  // namespace
}  // namespace sluice::http
