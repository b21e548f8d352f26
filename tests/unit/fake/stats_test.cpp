#include "fake/stats.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sluice::fake {
namespace {

namespace json = boost::json;

http::Request request(int i) {
  http::Request r;
  r.method = "POST";
  r.target = "/v1/messages?beta=true&i=" + std::to_string(i);
  r.headers = {{"anthropic-beta", "a"}, {"anthropic-beta", "b"}, {"x-api-key", "k"}};
  r.body = "{\"i\":" + std::to_string(i) + "}";
  return r;
}

TEST(FakeRecorder, KeepsTheLastRequestsOldestFirst) {
  Recorder rec;
  for (int i = 0; i < 60; ++i) {
    auto r = request(i);
    rec.record(r);
  }
  auto all = json::parse(rec.requests_json(100)).as_array();
  ASSERT_EQ(all.size(), Recorder::kHistory);
  EXPECT_EQ(all.front().at("body"), "{\"i\":10}");
  EXPECT_EQ(all.back().at("body"), "{\"i\":59}");
  const auto& last = all.back().as_object();
  EXPECT_EQ(last.at("method"), "POST");
  EXPECT_EQ(last.at("path"), "/v1/messages");
  EXPECT_EQ(last.at("query"), "beta=true&i=59");
  EXPECT_EQ(last.at("headers").at("anthropic-beta"), "a, b");
  EXPECT_EQ(last.at("headers").at("x-api-key"), "k");
  EXPECT_EQ(json::parse(rec.requests_json(1)).as_array().size(), 1u);
}

TEST(FakeRecorder, BinaryBodiesStillGiveValidJson) {
  Recorder rec;
  http::Request r = request(0);
  r.body = std::string("ok \xff\xfe end \xc3\xa9", 12);
  rec.record(r);
  auto all = json::parse(rec.requests_json(1)).as_array();
  EXPECT_EQ(all.at(0).at("body"), "ok \xEF\xBF\xBD\xEF\xBF\xBD end \xC3\xA9");
}

TEST(FakeRecorder, StatsCountAndReset) {
  Recorder rec;
  auto r = request(1);
  rec.record(r);
  rec.count_status(200);
  rec.streams_started++;
  rec.streams_aborted++;
  auto stats = json::parse(rec.stats_json(3)).as_object();
  EXPECT_EQ(stats.at("requests"), 1);
  EXPECT_EQ(stats.at("by_path").at("/v1/messages"), 1);
  EXPECT_EQ(stats.at("by_status").at("200"), 1);
  EXPECT_EQ(stats.at("streams_started"), 1);
  EXPECT_EQ(stats.at("streams_aborted"), 1);
  EXPECT_EQ(stats.at("streams_completed"), 0);
  EXPECT_EQ(stats.at("active_requests"), 3);

  rec.reset();
  stats = json::parse(rec.stats_json(0)).as_object();
  EXPECT_EQ(stats.at("requests"), 0);
  EXPECT_TRUE(stats.at("by_path").as_object().empty());
  EXPECT_EQ(stats.at("streams_started"), 0);
  EXPECT_TRUE(json::parse(rec.requests_json(5)).as_array().empty());
}

}  // namespace
}  // namespace sluice::fake
