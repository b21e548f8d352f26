#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "guard/classify.hpp"

namespace sluice::guard {
namespace {

using C = ByteClasses;

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

/// Escaped positions the slow way: an odd run of backslashes right before (an escaped
/// backslash escapes nothing), and the four hex digits after an escaped 'u'.
std::vector<bool> reference_escapes(const std::string& s) {
  std::vector<bool> esc(s.size(), false);
  std::size_t backslashes = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (backslashes % 2 == 1) {
      esc[i] = true;
      if (s[i] == 'u') {
        for (std::size_t k = i + 1; k < std::min(i + 5, s.size()); ++k) esc[k] = true;
      }
    }
    backslashes = s[i] == '\\' ? backslashes + 1 : 0;
  }
  return esc;
}

std::string random_text(std::mt19937& rng, std::size_t n) {
  static constexpr std::string_view kAlphabet = "\\\\\\\\u\"aZ09_-=:+.@ \n\x80";
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(kAlphabet[pick(rng)]);
  return s;
}

TEST(GuardClassify, ClassesMatchAByteByByteReference) {
  std::mt19937 rng(20240615);
  C classes;
  for (int round = 0; round < 300; ++round) {
    const auto text = random_text(rng, static_cast<std::size_t>(round) * 3);
    for (bool json : {false, true}) {
      classes.build(text, json);
      const auto esc = json ? reference_escapes(text) : std::vector<bool>(text.size(), false);
      for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool plain = !esc[i];
        if (c != '\\') {  // backslashes join no class; only what they escape is marked
          ASSERT_EQ(classes.has(C::Escaped, i), json && esc[i]) << round << " at " << i;
        }
        ASSERT_EQ(classes.has(C::Word, i), plain && word_char(c)) << round << " at " << i;
        ASSERT_EQ(classes.has(C::Digit, i), plain && c >= '0' && c <= '9');
        ASSERT_EQ(classes.has(C::Assign, i), plain && (c == '=' || c == ':'));
        ASSERT_EQ(classes.has(C::Plus, i), plain && c == '+');
        ASSERT_EQ(classes.has(C::Dot, i), plain && c == '.');
        ASSERT_EQ(classes.has(C::At, i), plain && c == '@');
      }
      EXPECT_FALSE(classes.has(C::Word, text.size()));  // past the end
    }
  }
}

TEST(GuardClassify, BackslashRunsAcrossWordBoundaries) {
  // Runs of 1 to 5 backslashes ending just before, at and after byte 64.
  for (std::size_t len = 1; len <= 5; ++len) {
    for (std::size_t end = 60; end <= 68; ++end) {
      std::string text(end - len, 'a');
      text += std::string(len, '\\');
      text += "nb";
      C classes;
      classes.build(text, true);
      EXPECT_EQ(classes.has(C::Escaped, end), len % 2 == 1) << len << " ending at " << end;
      EXPECT_FALSE(classes.has(C::Escaped, end + 1));
      EXPECT_TRUE(classes.has(C::Word, end + 1));
    }
  }
}

TEST(GuardClassify, UnicodeEscapes) {
  C classes;
  classes.build(R"(x\u00e9AKIA)", true);
  for (std::size_t i = 2; i <= 6; ++i) EXPECT_TRUE(classes.has(C::Escaped, i)) << i;
  EXPECT_TRUE(classes.has(C::Word, 7));  // the 'A' after the escape starts a word
  EXPECT_FALSE(classes.ascii_escape());
  classes.build(R"(\u0041KIA)", true);  // "A" spelled as an escape
  EXPECT_TRUE(classes.ascii_escape());
  classes.build(R"(\\u0041)", true);  // an escaped backslash, then plain "u0041"
  EXPECT_FALSE(classes.ascii_escape());
  EXPECT_TRUE(classes.has(C::Word, 2));
}

TEST(GuardClassify, RunsAtLeast) {
  std::mt19937 rng(7);
  std::vector<std::uint64_t> bits(9, 0);
  for (std::size_t w = 0; w < 8; ++w) bits[w] = rng() | (static_cast<std::uint64_t>(rng()) << 32);
  bits[3] = ~0ULL;  // one long run across words
  const auto bit = [&](std::size_t i) { return i < 512 && ((bits[i / 64] >> (i % 64)) & 1U); };
  for (std::size_t w = 0; w < 8; ++w) {
    const std::uint64_t r4 = runs_at_least<4>(bits.data(), w);
    const std::uint64_t r10 = runs_at_least<10>(bits.data(), w);
    for (std::size_t j = 0; j < 64; ++j) {
      const std::size_t i = w * 64 + j;
      bool all4 = true, all10 = true;
      for (std::size_t k = 0; k < 10; ++k) {
        if (!bit(i + k)) {
          if (k < 4) all4 = false;
          all10 = false;
        }
      }
      EXPECT_EQ(((r4 >> j) & 1U) != 0, all4) << i;
      EXPECT_EQ(((r10 >> j) & 1U) != 0, all10) << i;
    }
  }
}

}  // namespace
}  // namespace sluice::guard
