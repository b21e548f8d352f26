#include <gtest/gtest.h>

#include "intel/features_skim.hpp"
#include "intel/features_text.hpp"

namespace sluice::intel {
namespace {

using Strings = std::vector<std::string>;

TEST(IntelText, PathsInProse) {
  EXPECT_EQ(paths_in_text("look at src/app/main.tsx:42 and @docs/setup.md, then README.md."),
            (Strings{"src/app/main.tsx", "docs/setup.md", "README.md"}));
  EXPECT_EQ(paths_in_text("run ./scripts/ first; see Makefile"),
            (Strings{"./scripts/", "Makefile"}));
  // URLs, URL paths, framework names, versions and prose with slashes are not files.
  EXPECT_TRUE(
      paths_in_text("see https://example.com/a/b.py and /api/users/ on Node.js 1.2.3").empty());
  EXPECT_TRUE(paths_in_text("and/or, I/O, e.g. this").empty());
}

TEST(IntelText, FencedFileNames) {
  EXPECT_EQ(fenced_file_names("here:\n\napp/cart.py\n```\ncode\n```\n\nnot a file\n```\nx\n```\n"),
            Strings{"app/cart.py"});
}

TEST(IntelText, SymbolsInProse) {
  const auto s =
      symbols_in_text("make `load_all` call parse_config() and UserService.find, not src/x.py", 8);
  EXPECT_EQ(s, (Strings{"load_all", "parse_config", "UserService.find"}));
  EXPECT_EQ(symbols_in_text("a_b c_d e_f g_h", 2).size(), 0u);  // too short to be names
  EXPECT_EQ(symbols_in_text("alpha_one beta_two gamma_three", 2).size(), 2u);
}

TEST(IntelText, UnifiedDiff) {
  const auto p = scan_patches(
      "diff --git a/lib/x.go b/lib/x.go\n--- a/lib/x.go\n+++ b/lib/x.go\n@@ -1,4 +1,4 @@ func "
      "Load(\n"
      " ctx := c\n-a := 1\n+a := 2\n+b := 3\n context\n\nSo that's the fix.\n- a list item, not a "
      "diff line\n");
  EXPECT_EQ(p.paths, Strings{"lib/x.go"});
  EXPECT_EQ(p.lines, 3u);
  EXPECT_EQ(p.symbols, Strings{"Load"});
}

TEST(IntelText, ApplyPatchEnvelope) {
  const auto p = scan_patches(
      "*** Begin Patch\n*** Update File: a.py\n@@ def fetch():\n-    return 1\n+    return 2\n"
      "*** Delete File: old.py\n*** Add File: b.py\n+def grow():\n+    pass\n*** End Patch\n- not "
      "counted\n");
  EXPECT_EQ(p.paths, (Strings{"a.py", "old.py", "b.py"}));
  EXPECT_EQ(p.lines, 4u);
  EXPECT_EQ(p.symbols, (Strings{"fetch", "grow"}));
}

TEST(IntelText, SearchReplaceBlocks) {
  const auto p = scan_patches(
      "Here you go.\n\nsrc/util.ts\n```ts\n<<<<<<< SEARCH\nexport function area() {\n  return "
      "1;\n}\n=======\n"
      "export function area() {\n  return 2;\n}\n>>>>>>> REPLACE\n```\n");
  EXPECT_EQ(p.paths, Strings{"src/util.ts"});
  EXPECT_EQ(p.lines, 2u);
  EXPECT_EQ(p.symbols, Strings{"area"});
  EXPECT_FALSE(may_hold_patch("plain text with a + and a ***"));
}

TEST(IntelText, ChangedLines) {
  EXPECT_EQ(changed_lines("", "a\nb\nc\n"), 3u);
  EXPECT_EQ(changed_lines("a\nb\nc", ""), 3u);
  EXPECT_EQ(changed_lines("a\nb\nc", "a\nX\nc"), 2u);
  EXPECT_EQ(changed_lines("a\nb", "a\nb"), 0u);
  EXPECT_EQ(changed_lines("a", "a\nb\nc"), 2u);
}

TEST(IntelText, Definitions) {
  Strings out;
  add_definitions(
      "pub async fn serve(\nfunc (s *Store) Get(k string)\nexport default class Cart {\n"
      "  def __init__(self):\nlet x = 1\nstruct Vec3 {",
      out, 10);
  EXPECT_EQ(out, (Strings{"serve", "Get", "Cart", "__init__", "Vec3"}));
}

TEST(IntelText, ScaffoldingIsRemoved) {
  EXPECT_EQ(strip_scaffolding("<system-reminder>ctx</system-reminder>\n  do the thing  "),
            "do the thing");
  EXPECT_EQ(strip_scaffolding("<environment_context>\n<cwd>/x</cwd>\n</environment_context>"), "");
  EXPECT_EQ(strip_scaffolding("# AGENTS.md instructions for /x\n<INSTRUCTIONS>..."), "");
  EXPECT_EQ(strip_scaffolding("fix it <system-reminder>unclosed"), "fix it");
  EXPECT_EQ(stated_cwd("<environment_context>\n  <cwd>/work/fleet</cwd>"), "/work/fleet");
  EXPECT_EQ(stated_cwd("x\nPrimary working directory: /home/u/p\nIs git: yes"), "/home/u/p");
  EXPECT_EQ(stated_cwd("nothing here"), "");
}

TEST(IntelText, WordsSplitCamelCaseAndLowerCase) {
  std::string storage;
  const auto w = words_of("Fix parseHTTPHeader in UserService's login_flow!", storage);
  EXPECT_EQ(std::vector<std::string>(w.begin(), w.end()),
            (Strings{"fix", "parse", "httpheader", "in", "user", "service", "s", "login", "flow"}));
}

TEST(IntelText, TestAndDocPaths) {
  EXPECT_TRUE(is_test_path("tests/test_orders.py"));
  EXPECT_TRUE(is_test_path("src/components/ProductList.test.tsx"));
  EXPECT_TRUE(is_test_path("internal/api/handlers_test.go"));
  EXPECT_TRUE(is_test_path("src/test/java/com/acme/OrderServiceTest.java"));
  EXPECT_FALSE(is_test_path("src/attestation/verify.rs"));
  EXPECT_FALSE(is_test_path("app/orders/service.py"));
  EXPECT_TRUE(is_doc_path("docs/api.md"));
  EXPECT_FALSE(is_doc_path("src/docs.py"));
}

TEST(IntelSkim, UnescapeAndLineCounts) {
  EXPECT_EQ(unescape(R"(a\nb\t\"c\"\\\/\u0041\u00e9)"), "a\nb\t\"c\"\\/A\xc3\xa9");
  EXPECT_EQ(unescape(R"(\ud83d\ude80)"), "\xf0\x9f\x9a\x80");
  EXPECT_EQ(unescape(R"(\u12)"), "\\u12");  // a short escape is kept as written
  EXPECT_EQ(unescape("abcdef", 3), "abc");
  EXPECT_EQ(escaped_line_count(""), 0u);
  EXPECT_EQ(escaped_line_count("one"), 1u);
  EXPECT_EQ(escaped_line_count(R"(a\nb\nc)"), 3u);
  EXPECT_EQ(escaped_line_count(R"(a\nb\n)"), 2u);
  EXPECT_EQ(escaped_line_count(R"(a\\nb)"), 1u);  // an escaped backslash, then n
}

TEST(IntelSkim, WalksAndSkips) {
  JsonSkim s(R"( {"a": [1, {"b": "x\"y"}, true], "c" : "d\\", "e": null} )");
  ASSERT_TRUE(s.enter_object());
  EXPECT_EQ(s.next_key(), "a");
  EXPECT_EQ(s.skip(), R"([1, {"b": "x\"y"}, true])");
  EXPECT_EQ(s.next_key(), "c");
  EXPECT_EQ(s.string(), R"(d\\)");
  EXPECT_EQ(s.next_key(), "e");
  EXPECT_EQ(s.string(), std::nullopt);  // not a string: skipped
  EXPECT_EQ(s.next_key(), std::nullopt);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.peek(), JsonSkim::Kind::End);
}

TEST(IntelSkim, ReportsWhatIsWrongAndStops) {
  for (const char* bad :
       {R"({"a": [1, 2)", R"({"a" 1})", R"({"a": "x)", R"({"a": tru})", R"({"a": })"}) {
    JsonSkim s(bad);
    s.enter_object();
    while (s.next_key()) s.skip();
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_NE(s.error().find("at byte"), std::string::npos) << s.error();
    EXPECT_EQ(s.peek(), JsonSkim::Kind::End);
  }
}

}  // namespace
}  // namespace sluice::intel
