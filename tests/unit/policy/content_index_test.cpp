// The content scan answers exactly what each pattern alone would, whichever path it takes:
// the literal prefilter with single patterns, or the one-pass set.
#include <gtest/gtest.h>
#include <re2/re2.h>

#include <string>
#include <vector>

#include "policy/content_index.hpp"
#include "policy/literal_filter.hpp"

namespace sluice::policy {
namespace {

std::vector<unsigned char> reference(const std::vector<std::string>& patterns,
                                     std::string_view text) {
  std::vector<unsigned char> hits;
  for (const auto& p : patterns) {
    hits.push_back(RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), RE2(p)));
  }
  return hits;
}

ContentIndex compiled(const std::vector<std::string>& patterns) {
  ContentIndex index;
  for (const auto& p : patterns) {
    std::string error;
    EXPECT_TRUE(index.add(Scope::Prompt, p, &error)) << p << ": " << error;
  }
  std::string error;
  EXPECT_TRUE(index.compile(&error)) << error;
  return index;
}

const std::vector<std::string> kPatterns = {
    R"((?i)\b(drop|alter)\s+table\s+payments\b)",
    R"((?i)\bsecret_rotation\b)",
    R"(DEPLOY-PROD)",           // case-sensitive: "deploy-prod" must not match
    R"(\d{4}-\d{4})",           // no literal at all: always run
    R"((?i)straße)",            // a non-ASCII literal: looked for by RE2, not the filter
    R"((?i)kubectl\s+delete)",  // 'k' also matches KELVIN SIGN under (?i)
    R"(x)",                     // shorter than the filter's window
};

TEST(ContentIndex, AgreesWithEachPatternAloneOnEveryPath) {
  const auto index = compiled(kPatterns);
  const std::vector<std::string> texts = {
      "",
      "ordinary code: int main() { return 0; }",
      "please ALTER   TABLE Payments add column",
      "drop table payments_archive",  // \b fails: no match though the literals are there
      "the SECRET_ROTATION job",
      "deploy-prod tomorrow",
      "DEPLOY-PROD tomorrow",
      "call 1234-5678",
      "die STRASSE",  // RE2's (?i) is simple folding: ß does not match SS
      "die Straße und die STRAßE",
      "\xE2\x84\xAA"
      "ubectl delete pod",  // KELVIN SIGN + "ubectl"
      "KUBECTL DELETE",
      "many at once: alter table payments; secret_rotation; DEPLOY-PROD; 1234-5678; x",
  };
  for (const auto& text : texts) {
    std::vector<unsigned char> hits;
    index.scan(Scope::Prompt, text, hits);
    EXPECT_EQ(hits, reference(kPatterns, text)) << "text: " << text;
  }
}

TEST(ContentIndex, LongTextMatchesNearTheEndAndAcrossCase) {
  const auto index = compiled(kPatterns);
  std::string text(40000, 'a');
  for (std::size_t i = 0; i < text.size(); i += 17) text[i] = ' ';
  text += " AlTeR\tTaBlE PAYMENTS";
  std::vector<unsigned char> hits;
  index.scan(Scope::Prompt, text, hits);
  EXPECT_EQ(hits, reference(kPatterns, text));
  EXPECT_EQ(hits[0], 1);
}

TEST(LiteralFilter, FindsEachAtomOnceCaseInsensitivelyAndReportsUnsearchableOnesAlways) {
  LiteralFilter filter({"table", "drop", "ab",
                        "stra\xC3\x9F"
                        "e",
                        "tab"});
  std::vector<int> found;
  filter.find("DROP TABLE t; drop table u", found);
  std::sort(found.begin(), found.end());
  // "ab" (too short) and the non-ASCII atom are always reported; "tab" is inside "TABLE".
  EXPECT_EQ(found, (std::vector<int>{0, 1, 2, 3, 4}));
  filter.find("nothing here", found);
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<int>{2, 3}));
  filter.find("ta", found);  // shorter than the window
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<int>{2, 3}));
  filter.find("xxtabl", found);  // a prefix of an atom at the very end is not the atom
  std::sort(found.begin(), found.end());
  EXPECT_EQ(found, (std::vector<int>{2, 3, 4}));
}

}  // namespace
}  // namespace sluice::policy
