// Reading a reviewer's verdict from what models actually write, and the council's decision.

#include "council/verdict.hpp"

#include <gtest/gtest.h>

namespace sluice::council {
namespace {

struct VerdictCase {
  const char* name;
  const char* text;
  Verdict verdict;
  std::size_t reasons;
};

class ParseVerdict : public ::testing::TestWithParam<VerdictCase> {};

TEST_P(ParseVerdict, Reads) {
  const auto& c = GetParam();
  const auto v = parse_verdict(c.text);
  EXPECT_EQ(v.verdict, c.verdict) << c.text;
  EXPECT_EQ(v.reasons.size(), c.reasons) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Council, ParseVerdict,
    ::testing::Values(
        VerdictCase{"plain", R"({"verdict":"approve","reasons":["fine"]})", Verdict::Approve, 1},
        VerdictCase{"fenced",
                    "Here you go:\n```json\n{\"verdict\": \"reject\", \"reasons\": "
                    "[\"drops a table\", \"no backup\"]}\n```\nThanks.",
                    Verdict::Reject, 2},
        VerdictCase{"prose_braces_first",
                    "The code uses {braces} and a map {a: 1}. {\"verdict\":\"concerns\","
                    "\"reasons\":\"one string\"}",
                    Verdict::Concerns, 1},
        VerdictCase{"case_and_synonym", R"({"verdict":" Rejected "})", Verdict::Reject, 0},
        VerdictCase{"braces_in_strings", R"({"verdict":"approve","reasons":["a } b { c"]})",
                    Verdict::Approve, 1},
        VerdictCase{"nested_first_object_without_verdict",
                    R"({"note":"x"} then {"verdict":"approve"})", Verdict::Approve, 0},
        VerdictCase{"unknown_word", R"({"verdict":"maybe"})", Verdict::Unparseable, 0},
        VerdictCase{"no_json", "Looks fine to me.", Verdict::Unparseable, 0},
        VerdictCase{"unclosed", R"({"verdict":"approve")", Verdict::Unparseable, 0},
        VerdictCase{"empty", "", Verdict::Unparseable, 0}),
    [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(ParseVerdictLimits, ReasonsAreBoundedInNumberAndLength) {
  std::string text = R"({"verdict":"reject","reasons":[)";
  for (int i = 0; i < 20; ++i) text += (i ? ",\"" : "\"") + std::string(2000, 'x') + "\"";
  text += "]}";
  const auto v = parse_verdict(text);
  ASSERT_EQ(v.reasons.size(), kMaxReasons);
  EXPECT_LE(v.reasons.front().size(), kMaxReasonBytes + 3);
}

TEST(Decide, RulesCountRejects) {
  using V = Verdict;
  const std::vector<V> one_of_three{V::Reject, V::Approve, V::Approve};
  const std::vector<V> two_of_three{V::Reject, V::Reject, V::Approve};
  const std::vector<V> all{V::Reject, V::Reject};
  EXPECT_EQ(decide(one_of_three, Rule::Any), Decision::Reject);
  EXPECT_EQ(decide(one_of_three, Rule::Majority), Decision::Concerns);
  EXPECT_EQ(decide(two_of_three, Rule::Majority), Decision::Reject);
  EXPECT_EQ(decide(two_of_three, Rule::Unanimous), Decision::Concerns);
  EXPECT_EQ(decide(all, Rule::Unanimous), Decision::Reject);
}

TEST(Decide, ApprovalNeedsEveryVerdictAndNothingIsNone) {
  using V = Verdict;
  const std::vector<V> approve{V::Approve, V::Approve};
  const std::vector<V> garbled{V::Approve, V::Unparseable};
  const std::vector<V> half{V::Reject, V::Approve};
  EXPECT_EQ(decide(approve, Rule::Majority), Decision::Approve);
  EXPECT_EQ(decide(garbled, Rule::Majority), Decision::Concerns);  // unparseable = concerns
  EXPECT_EQ(decide(half, Rule::Majority), Decision::Concerns);     // a tie does not reject
  EXPECT_EQ(decide({}, Rule::Any), Decision::None);
}

}  // namespace
}  // namespace sluice::council
