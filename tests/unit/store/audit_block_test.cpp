// The audit chain's block format: lines round-trip with their seq and hash, a line edited out of
// shape still comes back (so the verifier can name it), filter fields come from the record, and
// a block's index lists the distinct values queries skip blocks by.

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "store/audit_block.hpp"

namespace sluice::store {
namespace {

AuditRow request(std::int64_t seq, std::string id, std::string model, int status) {
  AuditRow r;
  r.seq = seq;
  r.hash = std::string(64, static_cast<char>('a' + seq % 6));
  r.record =
      R"({"decision":"served","key":{"id":"key_1","team":"pay","user":"ann"},"kind":"request","model":")" +
      model + R"(","provider":"fake","request_id":")" + id + R"(","status":)" +
      std::to_string(status) + R"(,"time_ms":)" + std::to_string(1000 + seq) + "}";
  columns_from_record(r);
  return r;
}

std::vector<AuditRow> decode(std::string_view text, std::int64_t first_seq) {
  std::vector<AuditRow> out;
  each_block_row(text, first_seq, [&](AuditRow& r) {
    out.push_back(r);
    return true;
  });
  return out;
}

TEST(AuditBlock, LinesRoundTripWithTheirSeqHashAndFields) {
  std::string text;
  const std::vector<AuditRow> rows = {request(7, "req_a01", "m1", 200),
                                      request(8, "req_a02", "m2", 502)};
  for (const auto& r : rows) append_block_line(text, r);
  EXPECT_EQ(text.substr(0, 2), "7 ");
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  const auto back = decode(text, 7);
  ASSERT_EQ(back.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(back[i].seq, rows[i].seq);
    EXPECT_EQ(back[i].hash, rows[i].hash);
    EXPECT_EQ(back[i].record, rows[i].record);
    EXPECT_EQ(back[i].request_id, rows[i].request_id);
  }
  EXPECT_EQ(back[1].status, 502);
  EXPECT_EQ(back[0].key_id, "key_1");
  EXPECT_EQ(back[0].user, "ann");
  EXPECT_EQ(back[0].decision, "served");
}

TEST(AuditBlock, ALineOutOfShapeComesBackAsTheNextSeq) {
  const auto r = request(3, "req_x", "m", 200);
  std::string text;
  append_block_line(text, r);
  text += "garbage without fields\n";
  const auto back = decode(text, 3);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1].seq, 4);
  EXPECT_EQ(back[1].hash, "");
  EXPECT_EQ(back[1].record, "garbage without fields");
  // A first line that cannot be read takes the block's first seq.
  EXPECT_EQ(decode("x\n", 10).at(0).seq, 10);
}

TEST(AuditBlock, AnAdminEventsDecisionIsItsKind) {
  AuditRow e;
  e.record = R"({"detail":"key 'a' created","kind":"key_created","scope":"key:k","time_ms":5})";
  columns_from_record(e);
  EXPECT_EQ(e.kind, "key_created");
  EXPECT_EQ(e.decision, "key_created");
  EXPECT_EQ(e.time_ms, 5);
  EXPECT_EQ(e.request_id, "");
}

TEST(AuditBlock, TheIndexListsDistinctValuesAndRanges) {
  const std::vector<AuditRow> rows = {request(10, "req_0001ff", "m2", 200),
                                      request(11, "req_000200", "m1", 200),
                                      request(12, "req_000201", "m1", 429)};
  const auto b = block_index(rows);
  EXPECT_EQ(b.first_seq, 10);
  EXPECT_EQ(b.last_seq, 12);
  EXPECT_EQ(b.min_time_ms, 1010);
  EXPECT_EQ(b.max_time_ms, 1012);
  EXPECT_EQ(b.tail_hash, rows.back().hash);
  EXPECT_EQ(b.tags,
            R"({"decision":["served"],"key_id":["key_1"],"kind":["request"],"model":["m1","m2"],)"
            R"("provider":["fake"],"status":[200,429],"team":["pay"],"user":["ann"]})");
  EXPECT_EQ(b.buckets, (std::vector<std::string>{"req_0001", "req_0002"}));

  AuditQuery q;
  EXPECT_TRUE(tags_may_match(b.tags, q));
  q.model = "m1";
  q.status = 429;
  EXPECT_TRUE(tags_may_match(b.tags, q));
  q.status = 500;
  EXPECT_FALSE(tags_may_match(b.tags, q));
  q.status = 0;
  q.user = "bob";
  EXPECT_FALSE(tags_may_match(b.tags, q));
  EXPECT_TRUE(tags_may_match("not json", q));  // the records decide
}

TEST(AuditBlock, RowsMatchEveryFilterThatIsSet) {
  const auto r = request(1, "req_1", "m1", 200);
  AuditQuery q;
  EXPECT_TRUE(row_matches(r, q));
  q.request_id = "req_1";
  q.team = "pay";
  EXPECT_TRUE(row_matches(r, q));
  q.since_ms = 1002;
  EXPECT_FALSE(row_matches(r, q));
  q.since_ms = 0;
  q.decision = "denied";
  EXPECT_FALSE(row_matches(r, q));
}

TEST(AuditBlock, LookupBucketsDropTheLastTwoCharacters) {
  EXPECT_EQ(lookup_bucket("req_c2ea6e7c58f14db800000a1f"), "req_c2ea6e7c58f14db800000a");
  EXPECT_EQ(lookup_bucket("ab"), "");
}

}  // namespace
}  // namespace sluice::store
