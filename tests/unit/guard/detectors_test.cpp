#include <gtest/gtest.h>

#include <set>

#include "guard/guard.hpp"
#include "guard_test_util.hpp"

namespace sluice::guard {
namespace {

using testing::describe;
using testing::scan;

const Guard& log_all() {
  static const Guard g(testing::config_with(Action::Log));
  return g;
}

std::string tag(std::string_view kind, std::string_view text) {
  return std::string(kind) + "{" + std::string(text) + "}";
}

TEST(GuardDetectors, EveryLabelledSampleIsFoundWithItsSpan) {
  const auto samples = testing::samples();
  ASSERT_GE(samples.size(), 60U);
  for (const auto& s : samples) {
    if (s.kind.empty()) continue;
    const auto found = scan(log_all(), s.text);
    if (s.match) {
      EXPECT_NE(std::find(found.begin(), found.end(), tag(s.kind, *s.match)), found.end())
          << s.note << " in: " << s.text;
    } else {
      const auto hit = std::find_if(found.begin(), found.end(), [&](const std::string& f) {
        return f.rfind(s.kind + "{", 0) == 0;
      });
      EXPECT_NE(hit, found.end()) << s.note << " in: " << s.text;
    }
  }
}

TEST(GuardDetectors, EveryBuiltInKindHasALabelledSample) {
  std::set<std::string> covered;
  std::size_t near_misses = 0;
  for (const auto& s : testing::samples()) {
    if (s.kind.empty()) {
      ++near_misses;
    } else {
      covered.insert(s.kind);
    }
  }
  for (const auto& k : kKinds) EXPECT_TRUE(covered.count(std::string(k.name))) << k.name;
  EXPECT_GE(near_misses, 30U);
}

TEST(GuardDetectors, NearMissesDoNotFire) {
  for (const auto& s : testing::samples()) {
    if (!s.kind.empty()) continue;
    EXPECT_EQ(scan(log_all(), s.text), std::vector<std::string>{}) << s.note << ": " << s.text;
  }
}

TEST(GuardDetectors, CleanCorpusHasNoFindings) {
  const auto files = testing::clean_files();
  ASSERT_GE(files.size(), 30U);
  for (const auto& [name, text] : files) {
    ASSERT_FALSE(text.empty()) << name;
    EXPECT_EQ(scan(log_all(), text), std::vector<std::string>{}) << name;
  }
}

TEST(GuardDetectors, FindsEveryMatchInALongerText) {
  const std::string text =
      "From jane.doe@acme-corp.io: call (212) 555-0147, card 4111 1111 1111 1111, "
      "IBAN GB82WEST12345698765432, host 203.0.113.9.\nSecond: omar@northwind.dev";
  EXPECT_EQ(
      scan(log_all(), text),
      (std::vector<std::string>{"email{jane.doe@acme-corp.io}", "phone{(212) 555-0147}",
                                "credit_card{4111 1111 1111 1111}", "iban{GB82WEST12345698765432}",
                                "ip_address{203.0.113.9}", "email{omar@northwind.dev}"}));
}

TEST(GuardDetectors, MatchesAtTheEdgesOfTheText) {
  EXPECT_EQ(scan(log_all(), "203.0.113.9"), std::vector<std::string>{"ip_address{203.0.113.9}"});
  EXPECT_EQ(scan(log_all(), "a@b.io"), std::vector<std::string>{"email{a@b.io}"});
  EXPECT_EQ(scan(log_all(), "4111111111111111"),
            std::vector<std::string>{"credit_card{4111111111111111}"});
}

TEST(GuardDetectors, TokensNeedABoundaryOnBothSides) {
  const std::string key = std::string("AKIA") + "Q7RZ2K4M8N3P5T6V";
  EXPECT_EQ(scan(log_all(), key + " ok").size(), 1U);
  EXPECT_TRUE(scan(log_all(), "x" + key).empty());            // part of a longer word
  EXPECT_TRUE(scan(log_all(), key + "9").empty());            // longer than a key id
  EXPECT_TRUE(scan(log_all(), "44111111111111111").empty());  // 17 digits, no scheme of that length
}

TEST(GuardDetectors, ShorterNumberBehindALongerLookalike) {
  // The leftmost card-shaped match starts at "2024"; the real card starts one group later.
  EXPECT_EQ(scan(log_all(), "2024 4111 1111 1111 1111"),
            std::vector<std::string>{"credit_card{4111 1111 1111 1111}"});
}

TEST(GuardDetectors, PrivateKeySpanCoversTheWholeBlock) {
  const std::string key =
      "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBsynthetic0test0body\nAoGCCqGSM49AwEH\n"
      "-----END EC PRIVATE KEY-----";
  const std::string text = "before\n" + key + "\nafter";
  EXPECT_EQ(scan(log_all(), text), std::vector<std::string>{tag("private_key", key)});
  // Without an END line, the base64 body that follows still belongs to the key.
  const std::string cut = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\nhkiG9w0BAQEFAASC";
  EXPECT_EQ(scan(log_all(), cut + "\n\"}"),
            std::vector<std::string>{tag("private_key", cut + "\n")});
}

TEST(GuardDetectors, GenericSecretSpanIsTheValueOnly) {
  EXPECT_EQ(scan(log_all(), "export API_KEY='Zx9-Lq2!vR7#mK4p';"),
            std::vector<std::string>{"generic_secret{Zx9-Lq2!vR7#mK4p}"});
  EXPECT_EQ(scan(log_all(), "apiKey => 'Zx9-Lq2!vR7#mK4p'"),
            std::vector<std::string>{"generic_secret{Zx9-Lq2!vR7#mK4p}"});
  // A specific secret assigned to a secret-named key is reported once, as itself.
  const std::string ghp = std::string("ghp_") + "Q7RZ2K4M8N3P5T6VQ7RZ2K4M8N3P5T6VQ7RZ";
  EXPECT_EQ(scan(log_all(), "GITHUB_TOKEN=" + ghp),
            std::vector<std::string>{tag("github_token", ghp)});
}

TEST(GuardDetectors, GenericSecretThresholdsComeFromTheConfig) {
  const std::string text = "password = 'Tr0ub4dor&3'";  // 11 bytes
  EXPECT_TRUE(scan(log_all(), text).empty());
  auto cfg = testing::config_with(Action::Log);
  cfg.generic_min_length = 8;
  const Guard lenient(cfg);
  EXPECT_EQ(scan(lenient, text), std::vector<std::string>{"generic_secret{Tr0ub4dor&3}"});
  cfg.generic_min_entropy = 4.0;  // "Tr0ub4dor&3" has about 3.3 bits per byte
  const Guard strict(cfg);
  EXPECT_TRUE(scan(strict, text).empty());
}

TEST(GuardDetectors, KindsTurnedOffAreNotLookedFor) {
  const Guard g(testing::config_with(Action::Log, {{Kind::Email, Action::Off}}));
  EXPECT_EQ(scan(g, "jane.doe@acme-corp.io from 203.0.113.9"),
            std::vector<std::string>{"ip_address{203.0.113.9}"});
  const Guard none(testing::config_with(Action::Off));
  EXPECT_FALSE(none.scans_text());
  EXPECT_TRUE(none.scan("jane.doe@acme-corp.io").empty());
}

TEST(GuardDetectors, CustomPatterns) {
  auto cfg = testing::config_with(Action::Log);
  cfg.custom.push_back({"employee_id", R"(EMP-\d{6})", Action::Block});
  cfg.custom.push_back({"project", R"(Project (?:Falcon|Osprey))", std::nullopt});
  const Guard g(cfg);
  ASSERT_EQ(g.kind_count(), kBuiltinKinds + 2);
  EXPECT_EQ(
      scan(g, "EMP-004211 leads Project Osprey; EMP-1 is short; EMP-998877."),
      (std::vector<std::string>{"custom:employee_id{EMP-004211}", "custom:project{Project Osprey}",
                                "custom:employee_id{EMP-998877}"}));
  EXPECT_EQ(g.action(static_cast<KindId>(kBuiltinKinds)), Action::Block);
  EXPECT_EQ(g.action(static_cast<KindId>(kBuiltinKinds + 1)), Action::Log);
  EXPECT_EQ(g.category(static_cast<KindId>(kBuiltinKinds)), Category::Custom);
}

TEST(GuardDetectors, RedactReplacesOnlyRedactKinds) {
  const Guard g(testing::config_with(Action::Log, {{Kind::Email, Action::Redact}}));
  const std::string text = "mail jane.doe@acme-corp.io from 203.0.113.9 or bob@northwind.dev";
  EXPECT_EQ(g.redact(text, g.scan(text)),
            "mail [REDACTED:email] from 203.0.113.9 or [REDACTED:email]");
  EXPECT_EQ(g.strongest(g.scan(text)), Action::Redact);
  EXPECT_EQ(g.first_block(g.scan(text)), nullptr);
}

TEST(GuardDetectors, CountsByKindName) {
  const std::string text = "a@acme.io b@acme.io 203.0.113.9";
  Counts counts;
  log_all().count(log_all().scan(text), counts);
  EXPECT_EQ(counts, (Counts{{"email", 2}, {"ip_address", 1}}));
}

TEST(GuardDetectors, ToolLists) {
  auto cfg = testing::config_with(Action::Log);
  cfg.tool_deny = {"mcp__*__delete*", "Bash"};
  const Guard deny_only(cfg);
  EXPECT_TRUE(deny_only.tool_denied("Bash"));
  EXPECT_TRUE(deny_only.tool_denied("mcp__github__delete_repo"));
  EXPECT_FALSE(deny_only.tool_denied("mcp__github__create_issue"));
  EXPECT_FALSE(deny_only.tool_denied("Read"));
  cfg.tool_allow = {"Read", "mcp__github__*"};
  const Guard both(cfg);
  EXPECT_FALSE(both.tool_denied("Read"));
  EXPECT_FALSE(both.tool_denied("mcp__github__create_issue"));
  EXPECT_TRUE(both.tool_denied("mcp__github__delete_repo"));  // deny wins over allow
  EXPECT_TRUE(both.tool_denied("Write"));                     // not in the allow list
}

}  // namespace
}  // namespace sluice::guard
