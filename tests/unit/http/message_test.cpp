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

// The gateway's own headers are printed ahead as one block: written where it stands among the
// others, a value from a request with a line break left out, and past the stack buffer the
// lines spill to the heap without losing any.
TEST(HeaderLines, ARenderedBlockIsWrittenAsItsLines) {
  HeaderLines lines;
  EXPECT_TRUE(lines.empty());
  lines.add_printed("x-sluice-attempts", "1");
  EXPECT_TRUE(lines.add("x-sluice-model", "gpt-5"));
  EXPECT_FALSE(lines.add("x-sluice-route", "a\r\nx-injected: 1"));
  EXPECT_FALSE(lines.add("x-sluice-route", "a\nb"));
  const Headers h{{"content-type", "application/json"}, lines.take(), {"x-after", "2"}};
  EXPECT_TRUE(lines.empty());
  EXPECT_TRUE(is_rendered_lines(h[1]));
  EXPECT_EQ(find_header(h, "x-sluice-model"), nullptr) << "lookups do not see inside the block";
  std::string out;
  append_header_lines(out, h);
  EXPECT_EQ(out,
            "content-type: application/json\r\nx-sluice-attempts: 1\r\n"
            "x-sluice-model: gpt-5\r\nx-after: 2\r\n");

  std::string expected;
  for (int i = 0; i < 40; ++i) {
    const std::string value(i, 'v');
    lines.add_printed("x-n" + std::to_string(i), value);
    expected += "x-n" + std::to_string(i) + ": " + value + "\r\n";
  }
  ASSERT_GT(expected.size(), 768u);
  out.clear();
  append_header_lines(out, {lines.take()});
  EXPECT_EQ(out, expected);
  // Only take() makes a block: a field that merely looks odd is dropped as before.
  out.clear();
  append_header_lines(out, {{"\n", "x: 1\r\n"}, {"", "x: 1\r\n"}});
  EXPECT_EQ(out, "");
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

namespace sluice::http {
namespace {

TEST(Request, RecycleEmptiesItAndKeepsOnlyWhatIsBoundedForTheNextRequest) {
  Request req;
  req.method = "POST";
  req.target = "/v1/chat/completions";
  req.remote = "127.0.0.1:5000";
  req.body.assign(1000, 'b');
  req.headers.push_back({"authorization", std::string(80, 'k')});
  req.headers.push_back({"x-huge", std::string(10000, 'h')});
  for (int i = 0; i < 40; ++i) req.headers.push_back({"x-" + std::to_string(i), "v"});
  Headers spare;
  req.recycle(spare);
  EXPECT_TRUE(req.method.empty());
  EXPECT_TRUE(req.target.empty());
  EXPECT_TRUE(req.body.empty());
  EXPECT_GE(req.body.capacity(), 1000u);  // a small body's buffer is kept
  EXPECT_TRUE(req.headers.empty());
  EXPECT_EQ(req.remote, "127.0.0.1:5000");  // the same connection's peer
  ASSERT_EQ(spare.size(), 32u);             // at most 32 spare headers
  EXPECT_GE(spare.front().value.capacity(), 80u);
  for (const auto& h : spare) EXPECT_LE(h.value.capacity(), 4096u);  // no 10 kB value kept

  req.body.assign(200 * 1024, 'b');
  req.recycle(spare);
  EXPECT_LE(req.body.capacity(), 64u * 1024);  // a large upload's buffer is let go
}

}  // namespace
}  // namespace sluice::http
