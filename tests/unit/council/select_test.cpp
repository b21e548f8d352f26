// Choosing reviewers: other vendors and providers first, never the primary's own model unless
// k cannot be reached otherwise.

#include "council/select.hpp"

#include <gtest/gtest.h>

namespace sluice::council {
namespace {

std::vector<std::string> names(const std::vector<Candidate>& c, const std::vector<std::size_t>& i) {
  std::vector<std::string> out;
  for (auto x : i) out.push_back(c[x].name);
  return out;
}

const std::vector<Candidate> kPool = {
    {"gpt-a", "openai", "oai", "gpt-a"},           {"gpt-b", "openai", "oai", "gpt-b"},
    {"azure-gpt", "openai", "azure", "gpt-c"},     {"claude", "anthropic", "anth", "claude-x"},
    {"claude-2", "anthropic", "anth", "claude-y"}, {"gemini", "gemini", "goog", "gemini-z"},
};

TEST(PickReviewers, PrefersOtherVendorsThenOtherProviders) {
  const Candidate primary{"", "openai", "oai", "gpt-a"};
  EXPECT_EQ(names(kPool, pick_reviewers(kPool, primary, 2)),
            (std::vector<std::string>{"claude", "gemini"}));
  // A third: no new vendor is left; a provider that is not the primary's comes next.
  EXPECT_EQ(names(kPool, pick_reviewers(kPool, primary, 3)),
            (std::vector<std::string>{"claude", "gemini", "azure-gpt"}));
}

TEST(PickReviewers, ThePrimarysModelOnlyWhenNothingElseIsLeft) {
  const Candidate primary{"", "anthropic", "anth", "claude-x"};
  const auto all = pick_reviewers(kPool, primary, 6);
  ASSERT_EQ(all.size(), 6u);
  EXPECT_EQ(kPool[all.back()].name, "claude");
  const std::vector<Candidate> only_self = {{"claude", "anthropic", "anth", "claude-x"}};
  EXPECT_EQ(pick_reviewers(only_self, primary, 1).size(), 1u);
}

TEST(PickReviewers, KIsBoundedByTheList) {
  const Candidate primary{"", "gemini", "goog", "gemini-z"};
  EXPECT_EQ(pick_reviewers(kPool, primary, 16).size(), kPool.size());
  EXPECT_TRUE(pick_reviewers(kPool, primary, 0).empty());
  // The same model behind another provider is still the primary's model.
  const std::vector<Candidate> same = {{"mirror", "openai", "proxy", "gemini-z"},
                                       {"gpt-a", "openai", "oai", "gpt-a"}};
  EXPECT_EQ(names(same, pick_reviewers(same, primary, 1)), (std::vector<std::string>{"gpt-a"}));
}

}  // namespace
}  // namespace sluice::council
