// x-fake-reply and x-fake-tool-call: a chosen answer text (split into stream deltas where it
// says) and a chosen tool call, for tests that need a given answer (the guardrails' e2e).
#include <gtest/gtest.h>

#include "fake/content.hpp"
#include "fake/scenario.hpp"

namespace sluice::fake {
namespace {

Turn turn_with_reply(std::string_view reply) {
  Turn t;
  t.model = "gpt-fake";
  t.last_text = "hi";
  t.reply = reply;
  return t;
}

TEST(FakeReplyControl, HeadersAndScriptSetTheControls) {
  auto f = faults_from_headers({{"x-fake-reply", "one|two"}, {"x-fake-tool-call", "Bash"}}).value();
  EXPECT_EQ(f.reply, "one|two");
  EXPECT_EQ(f.tool_call, "Bash");
  EXPECT_FALSE(faults_from_headers({{"x-fake-tool-call", "no spaces"}}));
  EXPECT_FALSE(faults_from_headers({{"x-fake-tool-call", ""}}));

  auto script =
      Script::parse("rules:\n  - reply: 'a|b'\n    tool_call: mcp__x__delete\n", "s.yaml");
  ASSERT_TRUE(script);
  const auto rule = script->match("/v1/chat/completions", "gpt-fake");
  ASSERT_TRUE(rule);
  EXPECT_EQ(rule->reply, "a|b");
  EXPECT_EQ(rule->tool_call, "mcp__x__delete");
  EXPECT_FALSE(Script::parse("rules:\n  - tool_call: [x]\n", "s.yaml"));

  Faults merged = *rule;
  merged.merge(f);
  EXPECT_EQ(merged.reply, "one|two");
}

TEST(FakeReplyControl, ReplyReplacesTheTextAndMarksTheDeltas) {
  const auto r = make_reply(turn_with_reply("Here is the key AKIA|Q7RZ and more"));
  EXPECT_EQ(r.text, "Here is the key AKIAQ7RZ and more");
  const auto p = split_reply(r, 8);  // the marks win over the chunk count
  ASSERT_EQ(p.text.size(), 2U);
  EXPECT_EQ(p.text[0], "Here is the key AKIA");
  EXPECT_EQ(p.text[1], "Q7RZ and more");
  EXPECT_EQ(r.usage.output, tokens_for_bytes(r.text.size()));

  const auto plain = make_reply(turn_with_reply("no marks"));
  EXPECT_EQ(split_reply(plain, 3).text.size(), 3U);  // without marks: the chunk count
  const auto edges = make_reply(turn_with_reply("|a||b|"));
  EXPECT_EQ(edges.text, "ab");
  EXPECT_EQ(split_reply(edges, 8).text, (std::vector<std::string_view>{"a", "b"}));
}

TEST(FakeReplyControl, ForcedToolIsCalledEvenAfterAToolResult) {
  Turn t = turn_with_reply("Running it.");
  t.tool = ToolOffer{"Bash", nullptr, false};
  t.force_tool = true;
  t.after_tool_result = true;
  const auto r = make_reply(t);
  EXPECT_TRUE(r.has_tool_call());
  EXPECT_EQ(r.tool_name, "Bash");
  EXPECT_EQ(r.tool_input, "{}");
  EXPECT_EQ(r.text, "Running it.");
  EXPECT_EQ(r.finish, Finish::ToolCall);
}

}  // namespace
}  // namespace sluice::fake
