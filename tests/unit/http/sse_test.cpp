#include <gtest/gtest.h>

#include "http/decompress.hpp"
#include "http/sse.hpp"

#include <zlib.h>

namespace sluice::http {
namespace {

std::vector<SseEvent> feed_all(const std::vector<std::string>& chunks, SseReader& r) {
  std::vector<SseEvent> out;
  for (const auto& c : chunks) r.feed(c, [&](const SseEvent& e) { out.push_back(e); });
  return out;
}

TEST(Sse, EventsSplitAcrossChunksAndLineEndings) {
  SseReader r;
  auto ev = feed_all({"event: message_start\nda", "ta: {\"a\":1}\n", "\n: ping comment\n\r\n",
                      "data: x\r\ndata: y\r\n\r", "\nevent: ping\ndata: {}\n\n"},
                     r);
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].event, "message_start");
  EXPECT_EQ(ev[0].data, "{\"a\":1}");
  EXPECT_EQ(ev[1].event, "");
  EXPECT_EQ(ev[1].data, "x\ny");
  EXPECT_EQ(ev[2].event, "ping");
  EXPECT_TRUE(r.at_boundary());
}

TEST(Sse, EveryChunkingGivesTheSameEvents) {
  // \n, \r\n and lone \r line ends, a comment, a field without a value, a two-line data.
  const std::string text =
      "event: a\ndata: 1\n\n: ping\r\ndata: x\r\ndata: y\r\n\r\ndata\rid: 7\r\r"
      "event: b\ndata: {\"k\":\"v\"}\n\n";
  auto check = [](const std::vector<SseEvent>& ev) {
    ASSERT_EQ(ev.size(), 4u);
    EXPECT_EQ(ev[0].event, "a");
    EXPECT_EQ(ev[0].data, "1");
    EXPECT_EQ(ev[1].data, "x\ny");
    EXPECT_EQ(ev[2].data, "");
    EXPECT_EQ(ev[2].id, "7");
    EXPECT_EQ(ev[3].event, "b");
    EXPECT_EQ(ev[3].data, "{\"k\":\"v\"}");
  };
  SseReader whole;
  check(feed_all({text}, whole));
  for (std::size_t cut = 1; cut < text.size(); ++cut) {
    SseReader r;
    SCOPED_TRACE(cut);
    check(feed_all({text.substr(0, cut), text.substr(cut)}, r));
    EXPECT_TRUE(r.at_boundary());
  }
  std::vector<std::string> bytes;
  for (char c : text) bytes.emplace_back(1, c);
  SseReader each;
  check(feed_all(bytes, each));
}

TEST(Sse, BoundaryTracksPartialEvents) {
  SseReader r;
  feed_all({"data: [DONE]"}, r);
  EXPECT_FALSE(r.at_boundary());
  feed_all({"\n"}, r);
  EXPECT_FALSE(r.at_boundary());  // a field is pending until the blank line
  auto ev = feed_all({"\n"}, r);
  EXPECT_EQ(ev.size(), 1u);
  EXPECT_TRUE(r.at_boundary());
}

TEST(Sse, FrameRoundTrips) {
  auto bytes = sse_frame("content_block_delta", "line1\nline2");
  EXPECT_EQ(bytes, "event: content_block_delta\ndata: line1\ndata: line2\n\n");
  SseReader r;
  auto ev = feed_all({bytes}, r);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "line1\nline2");
}

std::string gzip(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(in.size() + 128, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

TEST(Decompress, GzipRoundTripAndLimit) {
  std::string body(10000, 'a');
  auto gz = gzip(body);
  auto ok = decode_body("gzip", gz, 1 << 20);
  EXPECT_EQ(ok.status, DecodeStatus::Ok);
  EXPECT_EQ(ok.body, body);
  EXPECT_EQ(decode_body("gzip", gz, 100).status, DecodeStatus::TooLarge);
  EXPECT_EQ(decode_body("gzip", "not gzip", 100).status, DecodeStatus::Corrupt);
  EXPECT_EQ(decode_body("lzma", "x", 100).status, DecodeStatus::Unsupported);
  EXPECT_EQ(decode_body("identity", "x", 100).body, "x");
}

}  // namespace
}  // namespace sluice::http
