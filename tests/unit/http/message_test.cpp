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
