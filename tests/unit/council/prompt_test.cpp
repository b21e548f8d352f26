// The reviewer's request from the templates, and the reviewer's reply read back.

#include "council/prompt.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sluice::council {
namespace {

TEST(Render, ReplacesKnownPlaceholdersAndKeepsOthers) {
  EXPECT_EQ(render("a {{x}} b {{y}} c {{x}} {{", {{"x", "1"}}), "a 1 b {{y}} c 1 {{");
  EXPECT_EQ(render("", {{"x", "1"}}), "");
}

TEST(ReviewRequest, ChatBodyWithTheTemplatesAndCutTexts) {
  Settings s;
  s.templates = shipped_templates();
  s.max_tokens = 300;
  ReviewInput in;
  in.instruction = "rename foo";
  in.answer = std::string(kMaxAnswer + 100, 'a');
  in.files = {"src/a.js", "src/b.js"};
  const auto body = boost::json::parse(review_request(s, "anth/claude", in)).as_object();
  EXPECT_EQ(body.at("model").as_string(), "anth/claude");
  EXPECT_EQ(body.at("max_completion_tokens").as_int64(), 300);
  EXPECT_FALSE(body.at("stream").as_bool());
  const auto& msgs = body.at("messages").as_array();
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].at("role").as_string(), "system");
  const std::string user(msgs[1].at("content").as_string());
  EXPECT_TRUE(user.starts_with("[sluice-council-review]"));
  EXPECT_NE(user.find("rename foo"), std::string::npos);
  EXPECT_NE(user.find("src/a.js, src/b.js"), std::string::npos);
  EXPECT_NE(user.find("Classified intent: unknown"), std::string::npos);
  EXPECT_NE(user.find("cut by sluice"), std::string::npos);
  EXPECT_LT(user.size(), kMaxAnswer + 4096);
}

TEST(ReviewReply, TheMessageTextOrNothing) {
  EXPECT_EQ(review_reply_text(
                R"({"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}]})"),
            "ok");
  EXPECT_EQ(review_reply_text(R"({"choices":[]})"), "");
  EXPECT_EQ(review_reply_text("garbage"), "");
}

TEST(NoticeText, HeadlineAndReasons) {
  const auto t = shipped_templates();
  const auto reject = notice_text(t, Decision::Reject, {"drops a table", "no backup"});
  EXPECT_NE(reject.find("rejected this answer"), std::string::npos);
  EXPECT_NE(reject.find("- drops a table\n- no backup\n"), std::string::npos);
  EXPECT_NE(notice_text(t, Decision::None, {}).find("did not reach a verdict"), std::string::npos);
}

}  // namespace
}  // namespace sluice::council
