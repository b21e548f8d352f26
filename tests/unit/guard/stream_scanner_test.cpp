#include <gtest/gtest.h>

#include "guard/stream_scanner.hpp"
#include "guard_test_util.hpp"

namespace sluice::guard {
namespace {

const std::string kKey = std::string("AKIA") + "Q7RZ2K4M8N3P5T6V";
const std::string kEmail = "jane.doe@acme-corp.io";

/// Feeds `parts` in order, then finishes; returns everything released, and the findings.
struct Run {
  std::string released;
  std::vector<Finding> findings;
  std::optional<KindId> block;
  std::size_t blocked_after = 0;  // deltas fed when the block came
};

Run stream(const Guard& g, const std::vector<std::string>& parts, std::size_t lookbehind = 256) {
  StreamScanner s(g, lookbehind);
  Run run;
  const auto take = [&](StreamFeed f) {
    run.released += f.release;
    run.findings.insert(run.findings.end(), f.findings.begin(), f.findings.end());
    if (f.block && !run.block) run.block = f.block;
  };
  for (const auto& p : parts) {
    take(s.feed(p));
    if (run.block) break;
    ++run.blocked_after;
  }
  if (!run.block) take(s.finish());
  return run;
}

std::vector<std::string> chunks(const std::string& text, std::size_t size) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); i += size) out.push_back(text.substr(i, size));
  return out;
}

TEST(GuardStream, SecretSplitAcrossTwoDeltasIsCaughtOnce) {
  const Guard g(testing::config_with(Action::Log));
  const std::string text = "Here is the key " + kKey + " for staging.";
  const auto cut = text.find(kKey) + 9;
  const auto run = stream(g, {text.substr(0, cut), text.substr(cut)});
  ASSERT_EQ(run.findings.size(), 1U);
  EXPECT_EQ(g.kind_name(run.findings[0].kind), "aws_access_key");
  EXPECT_EQ(text.substr(run.findings[0].begin, run.findings[0].end - run.findings[0].begin), kKey);
  EXPECT_EQ(run.released, text);  // log: the text passes unchanged
}

TEST(GuardStream, EveryChunkSizeFindsEachMatchExactlyOnce) {
  const Guard g(testing::config_with(Action::Log));
  const std::string text = "Contact " + kEmail + " or (212) 555-0147; key " + kKey +
                           ", card 4111 1111 1111 1111. Again " + kEmail + ".";
  for (std::size_t size : {1U, 2U, 3U, 7U, 16U, 50U, 1000U}) {
    const auto run = stream(g, chunks(text, size));
    std::vector<std::string> got;
    for (const auto& f : run.findings) {
      got.push_back(std::string(g.kind_name(f.kind)) + "{" + text.substr(f.begin, f.end - f.begin) +
                    "}");
    }
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{
                       "aws_access_key{" + kKey + "}", "credit_card{4111 1111 1111 1111}",
                       "email{" + kEmail + "}", "email{" + kEmail + "}", "phone{(212) 555-0147}"}))
        << "chunk size " << size;
    EXPECT_EQ(run.released, text) << "chunk size " << size;
  }
}

TEST(GuardStream, RedactsBeforeReleasingEvenWhenSplit) {
  const Guard g(testing::config_with(
      Action::Log, {{Kind::AwsAccessKey, Action::Redact}, {Kind::Email, Action::Redact}}));
  const std::string text = "key=" + kKey + "; owner " + kEmail + " done";
  for (std::size_t size : {1U, 5U, 11U, 64U}) {
    const auto run = stream(g, chunks(text, size));
    EXPECT_EQ(run.released, "key=[REDACTED:aws_access_key]; owner [REDACTED:email] done")
        << "chunk size " << size;
  }
}

TEST(GuardStream, HoldsBackOnlyTheLookBehind) {
  const Guard g(testing::config_with(Action::Redact));
  StreamScanner s(g, 32);
  const std::string prose(100, 'x');
  const auto first = s.feed(prose);
  EXPECT_EQ(first.release, std::string(68, 'x'));  // 100 - 32 held back
  const auto rest = s.finish();
  EXPECT_EQ(rest.release, std::string(32, 'x'));
}

TEST(GuardStream, BlockEndsTheStreamMidFlight) {
  const Guard g(testing::config_with(Action::Log, {{Kind::CreditCard, Action::Block}}));
  const std::string before(400, 'a');
  const std::vector<std::string> parts = {before + " card 4111 1111 ", "1111 1111 then more text",
                                          " never sent", " nor this"};
  StreamScanner s(g, 64);
  std::string released;
  auto f = s.feed(parts[0]);
  released += f.release;
  EXPECT_FALSE(f.blocked());
  f = s.feed(parts[1]);
  ASSERT_TRUE(f.blocked());
  EXPECT_EQ(g.kind_name(*f.block), "credit_card");
  EXPECT_TRUE(f.release.empty());
  EXPECT_TRUE(s.blocked());
  // The card's digits never reached the client, and nothing more is released.
  EXPECT_EQ(released.find("4111"), std::string::npos);
  EXPECT_TRUE(s.feed(parts[2]).release.empty());
  EXPECT_TRUE(s.finish().release.empty());
  EXPECT_EQ(s.counts(), (Counts{{"credit_card", 1}}));
}

TEST(GuardStream, PrivateKeyIsCaughtByItsHeaderAndItsBodyHeldBack) {
  const Guard g(testing::config_with(Action::Log, {{Kind::PrivateKey, Action::Redact}}));
  std::string body;
  for (int i = 0; i < 30; ++i)
    body += "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC" + std::to_string(i) + "\n";
  const std::string key = "-----BEGIN PRIVATE KEY-----\n" + body + "-----END PRIVATE KEY-----";
  const std::string text = "Here you go:\n" + key + "\nKeep it safe.";
  ASSERT_GT(key.size(), 1000U);  // far longer than the look-behind
  const auto run = stream(g, chunks(text, 20), 64);
  EXPECT_EQ(run.released, "Here you go:\n[REDACTED:private_key]\nKeep it safe.");
  EXPECT_EQ(run.findings.size(), 1U);
}

TEST(GuardStream, PrivateKeyBlocksAsSoonAsTheHeaderArrives) {
  const Guard g(testing::config_with(Action::Log, {{Kind::PrivateKey, Action::Block}}));
  const auto run = stream(g, {"ok\n-----BEGIN RSA PRIVATE", " KEY-----\nMIIE", "more body", "end"});
  ASSERT_TRUE(run.block);
  EXPECT_EQ(run.blocked_after, 1U);  // the second delta completed the header
  EXPECT_EQ(run.released.find("BEGIN"), std::string::npos);
}

TEST(GuardStream, AMatchTouchingTheEndWaitsForTheNextDelta) {
  // "AKIA...16" followed by more key characters is not a key id; nothing is reported early.
  const Guard g(testing::config_with(Action::Log));
  const auto run = stream(g, {"id " + kKey, "XYZ and more"});
  EXPECT_TRUE(run.findings.empty());
  const auto at_end = stream(g, {"id " + kKey});
  EXPECT_EQ(at_end.findings.size(), 1U);  // finish() confirms it
}

TEST(GuardStream, CountsAccumulate) {
  const Guard g(testing::config_with(Action::Log));
  StreamScanner s(g);
  s.feed("one " + kEmail + " ");
  s.feed("two bob@northwind.dev ");
  s.finish();
  EXPECT_EQ(s.counts(), (Counts{{"email", 2}}));
}

}  // namespace
}  // namespace sluice::guard
