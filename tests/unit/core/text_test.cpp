// core/text: the small string helpers, and find_line_break against the definition it replaces
// (find_first_of("\r\n"), which calls memchr once per byte).

#include "core/text.hpp"

#include <gtest/gtest.h>

namespace sluice::core {
namespace {

TEST(FindLineBreak, FindsTheFirstCrOrLf) {
  EXPECT_EQ(find_line_break(""), std::string_view::npos);
  EXPECT_EQ(find_line_break("no break here"), std::string_view::npos);
  EXPECT_EQ(find_line_break("a\nb"), 1u);
  EXPECT_EQ(find_line_break("a\rb\n"), 1u);
  EXPECT_EQ(find_line_break("ab\n\r"), 2u);
  EXPECT_EQ(find_line_break("\r\n"), 0u);
}

TEST(FindLineBreak, AgreesWithFindFirstOfAtEveryPosition) {
  std::string s(300, 'x');
  for (std::size_t cr = 0; cr <= s.size(); cr += 37) {
    for (std::size_t lf = 0; lf <= s.size(); lf += 41) {
      std::string t = s;
      if (cr < t.size()) t[cr] = '\r';
      if (lf < t.size()) t[lf] = '\n';
      EXPECT_EQ(find_line_break(t), std::string_view(t).find_first_of("\r\n")) << cr << " " << lf;
    }
  }
}

TEST(SplitList, TrimsAndDropsEmptyItems) {
  EXPECT_EQ(split_list("a, b,,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(split_list(" , ").empty());
}

}  // namespace
}  // namespace sluice::core
