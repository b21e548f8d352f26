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

// Names and values are checked 16 bytes at a time: a bad byte is caught at every position, in
// a whole block and in the padded tail, and a clean header of any length is kept.
TEST(HeaderLines, ABadByteIsCaughtAtEveryPositionOfNamesAndValues) {
  for (std::size_t len = 1; len <= 70; ++len) {
    const std::string name(len, 'n');
    const std::string value(len, 'v');
    std::string out;
    append_header_lines(out, {{name, value}});
    ASSERT_EQ(out, name + ": " + value + "\r\n") << len;
    for (std::size_t at = 0; at < len; ++at) {
      for (const char bad : std::string_view("\r\n: \t\0", 6)) {
        std::string n = name;
        n[at] = bad;
        out.clear();
        append_header_lines(out, {{n, "v"}});
        EXPECT_EQ(out, "") << "name of " << len << " with byte " << int(bad) << " at " << at;
      }
      for (const char bad : {'\r', '\n'}) {
        std::string v = value;
        v[at] = bad;
        out.clear();
        append_header_lines(out, {{"x-name", v}});
        EXPECT_EQ(out, "") << "value of " << len << " with byte " << int(bad) << " at " << at;
      }
    }
  }
}

}  // namespace
}  // namespace sluice::http

namespace sluice::http {
namespace {

TEST(Credentials, BearerTokenAndQueryParam) {
  EXPECT_EQ(bearer_token({{"authorization", "Bearer sk-sluice-abc"}}), "sk-sluice-abc");
  EXPECT_EQ(bearer_token({{"authorization", "bearer   tok"}}), "tok");  // names arrive lower-case
  EXPECT_EQ(bearer_token({{"authorization", "Basic dXNlcjpwYXNz"}}), "");
  EXPECT_EQ(bearer_token({}), "");
  EXPECT_EQ(query_param("alt=sse&key=a%20b", "key"), "a b");
  EXPECT_EQ(query_param("key=x%2By", "key"), "x+y");
  EXPECT_FALSE(query_param("alt=sse", "key"));
  EXPECT_FALSE(query_param("", "key"));
}

}  // namespace
}  // namespace sluice::http
