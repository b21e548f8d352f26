#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstring>
#include <fstream>

#include "intel/classifier.hpp"
#include "intel/classifier_risk.hpp"
#include "intel/classifier_train.hpp"
#include "intel/features_text.hpp"
#include "support/temp_dir.hpp"

namespace sluice::intel {
namespace {

RequestSignals ask(std::string text) {
  RequestSignals s;
  s.latest_instruction = std::move(text);
  s.turns = 1;
  s.user_turns = 1;
  return s;
}

// Four kinds of request with their own vocabulary, a few phrasings each.
std::vector<LabelledRequest> tiny_set() {
  const std::vector<std::pair<Intent, std::vector<std::string>>> rows{
      {Intent::Chat,
       {"what is a monad", "explain what a monad is", "what does a monad mean here",
        "can you explain monads to me"}},
      {Intent::TrivialEdit,
       {"fix the typo in the readme", "typo in the docstring, fix it",
        "fix the spelling typo in the comment", "correct the typo in the title"}},
      {Intent::Test,
       {"write unit tests for the parser", "add unit tests for the lexer",
        "we need unit tests for the cache", "cover the router with unit tests"}},
      {Intent::Debug,
       {"the server crashes with a segfault", "segfault when the queue is empty",
        "it crashes on startup with a segfault", "fix the segfault in the loader"}},
  };
  std::vector<LabelledRequest> out;
  for (const auto& [intent, texts] : rows) {
    for (const auto& t : texts) out.push_back({ask(t), intent});
  }
  return out;
}

TrainOptions quick() {
  TrainOptions o;
  o.epochs = 15;
  o.bits = 16;
  return o;
}

TEST(IntelTrain, TrainingIsDeterministicAndLearnsTheSet) {
  const auto data = tiny_set();
  const auto a = train(data, quick());
  const auto b = train(data, quick());
  EXPECT_EQ(a.to_bytes(), b.to_bytes());  // same data, same seed: the same model, bit for bit
  EXPECT_DOUBLE_EQ(evaluate(a, data).accuracy(), 1.0);
  // And it generalises to new phrasings of the same vocabulary.
  EXPECT_EQ(a.predict(ask("what is a functor")).intent, Intent::Chat);
  EXPECT_EQ(a.predict(ask("typo in the changelog")).intent, Intent::TrivialEdit);
  EXPECT_EQ(a.predict(ask("unit tests for the scheduler please")).intent, Intent::Test);
  EXPECT_EQ(a.predict(ask("segfault in the renderer")).intent, Intent::Debug);
}

TEST(IntelTrain, ProgressIsReportedPerEpoch) {
  auto o = quick();
  std::vector<double> losses;
  o.on_epoch = [&](std::uint32_t epoch, std::uint32_t epochs, double loss) {
    EXPECT_EQ(epochs, o.epochs);
    EXPECT_EQ(epoch, losses.size() + 1);
    losses.push_back(loss);
  };
  train(tiny_set(), o);
  ASSERT_EQ(losses.size(), o.epochs);
  EXPECT_LT(losses.back(), losses.front());
}

class IntelModelFile : public test_support::TempDirTest {};

TEST_F(IntelModelFile, SaveAndLoadGiveIdenticalPredictions) {
  const auto data = tiny_set();
  auto model = train(data, quick());
  model.set_high_stakes_threshold(0.4f);
  const auto path = (dir_ / "model.bin").string();
  ASSERT_FALSE(model.save(path));
  auto loaded = Model::load(path);
  ASSERT_TRUE(std::holds_alternative<Model>(loaded)) << std::get<std::string>(loaded);
  const auto& m = std::get<Model>(loaded);
  EXPECT_EQ(m.bits(), model.bits());
  EXPECT_EQ(m.high_stakes_threshold(), 0.4f);
  EXPECT_EQ(m.to_bytes(), model.to_bytes());
  for (const auto& ex : data) {
    const auto p = model.predict(ex.signals), q = m.predict(ex.signals);
    EXPECT_EQ(p.intent, q.intent);
    EXPECT_EQ(p.probabilities, q.probabilities);  // exactly: nothing is rounded on the way
  }
}

void reseal(std::string& bytes) {
  const auto sum = fnv1a32(std::string_view(bytes).substr(0, bytes.size() - 4));
  std::memcpy(bytes.data() + bytes.size() - 4, &sum, 4);
}

TEST_F(IntelModelFile, DamagedFilesAreRefusedWithAReason) {
  const auto good = train(tiny_set(), quick()).to_bytes();
  auto error_of = [](std::string bytes) {
    auto m = Model::from_bytes(bytes);
    return std::holds_alternative<std::string>(m) ? std::get<std::string>(m)
                                                  : std::string("loaded");
  };
  auto flipped = good;
  flipped[flipped.size() / 2] ^= 0x40;
  EXPECT_NE(error_of(flipped).find("checksum"), std::string::npos);
  EXPECT_NE(error_of("PK\x03\x04 not a model").find("magic"), std::string::npos);
  EXPECT_NE(error_of(good.substr(0, 20)).find("checksum"), std::string::npos);
  auto other_features = good;
  other_features[12] = 99;  // the feature version, after the magic and the format version
  reseal(other_features);
  EXPECT_NE(error_of(other_features).find("retrain"), std::string::npos);
  auto bad_threshold = good;
  const float zero = 0.0f;
  // magic 8, four u32 fields, then the names; the threshold follows them.
  std::size_t at = 8 + 16;
  for (std::size_t c = 0; c < kIntents; ++c) at += 1 + static_cast<unsigned char>(good[at]);
  std::memcpy(bad_threshold.data() + at, &zero, 4);
  reseal(bad_threshold);
  EXPECT_NE(error_of(bad_threshold).find("threshold"), std::string::npos);
  const auto missing = Model::load((dir_ / "nope.bin").string());
  EXPECT_NE(std::get<std::string>(missing).find("cannot read"), std::string::npos);
}

TEST_F(IntelModelFile, LabelledFilesReportTheirFirstBadLine) {
  const auto path = (dir_ / "data.jsonl").string();
  std::ofstream(path)
      << R"({"wire":"openai_chat","body":{"messages":[{"role":"user","content":"hi"}]},"intent":"chat"})"
      << "\n\n"
      << R"({"wire":"openai_chat","body":{"messages":[]},"intent":"vibes"})"
      << "\n";
  const auto r = load_labelled(path);
  ASSERT_TRUE(std::holds_alternative<std::string>(r));
  EXPECT_NE(std::get<std::string>(r).find(":3: unknown intent \"vibes\""), std::string::npos);
  EXPECT_NE(std::get<std::string>(parse_labelled(R"({"wire":"openai","body":{},"intent":"chat"})"))
                .find("unknown wire"),
            std::string::npos);
  EXPECT_NE(std::get<std::string>(
                parse_labelled(R"({"wire":"gemini","body":"{\"contents\": [","intent":"chat"})"))
                .find("body:"),
            std::string::npos);
  // A body given as a string holding the JSON works like an object.
  const auto ok = parse_labelled(
      R"({"wire":"gemini","body":"{\"contents\":[{\"parts\":[{\"text\":\"hello\"}]}]}","intent":"chat"})");
  ASSERT_TRUE(std::holds_alternative<LabelledRequest>(ok));
  EXPECT_EQ(std::get<LabelledRequest>(ok).signals.latest_instruction, "hello");
}

TEST(IntelEvaluation, ReportHasTheNumbers) {
  Evaluation e;
  e.confusion[0][0] = 8;
  e.confusion[0][1] = 2;
  e.confusion[1][1] = 10;
  EXPECT_EQ(e.total(), 20u);
  EXPECT_DOUBLE_EQ(e.accuracy(), 0.9);
  EXPECT_DOUBLE_EQ(e.recall(Intent::Chat), 0.8);
  EXPECT_DOUBLE_EQ(e.precision(Intent::TrivialEdit), 10.0 / 12.0);
  EXPECT_DOUBLE_EQ(e.precision(Intent::Test), 0.0);  // never predicted: no division by zero
  const auto r = e.report();
  EXPECT_NE(r.find("accuracy 90.0%"), std::string::npos) << r;
  EXPECT_NE(r.find("confusion"), std::string::npos);
}

TEST(IntelSensitive, ZonesFromWordsPairsTyposAndPaths) {
  const auto& t = SensitiveTerms::defaults();
  auto zones = [&](std::string_view text) {
    std::string storage;
    const auto w = words_of(text, storage);
    return t.match(w);
  };
  const auto auth = zone_bit(Zone::Auth), data = zone_bit(Zone::Data),
             infra = zone_bit(Zone::Infra);
  EXPECT_EQ(zones("reset the user's password"), auth);
  EXPECT_EQ(zones("reset the user's psasword"), auth);        // one typo in a long word
  EXPECT_EQ(zones("the logic in the loop"), 0);               // not "login"
  EXPECT_EQ(zones("change the layout"), 0);                   // not "charge", not "payout"
  EXPECT_EQ(zones("drop the unused backup table"), data);     // a pair with words between
  EXPECT_EQ(zones("production logs are full of errors"), 0);  // production alone is not infra
  EXPECT_EQ(zones("scale the production deployment"), infra);
  EXPECT_EQ(zones("rotate the API keys"), zone_bit(Zone::Secrets));
  EXPECT_EQ(t.match_path("k8s/api-prod.yaml"), infra);
  EXPECT_EQ(t.match_path("config/.env.local"), zone_bit(Zone::Secrets));
  EXPECT_EQ(t.match_path("migrations/0042_add_index.py"), data);
  EXPECT_EQ(t.match_path("src/utils/dates.py"), 0);
  // A configured list replaces the defaults.
  const SensitiveTerms mine({{"ledger", Zone::Payments}});
  std::string storage;
  EXPECT_EQ(mine.match(words_of("post to the ledgers", storage)), zone_bit(Zone::Payments));
  EXPECT_EQ(mine.match(words_of("reset the password", storage)), 0);
}

const Model& shipped() {
  static const Model m = [] {
    auto loaded = Model::load(std::string(SLUICE_SOURCE_DIR) + "/data/intel/model.bin");
    if (auto* err = std::get_if<std::string>(&loaded)) {
      ADD_FAILURE() << *err;
      return Model(10);
    }
    return std::get<Model>(std::move(loaded));
  }();
  return m;
}

TEST(IntelShippedModel, MeetsTheHeldOutTargets) {
  const auto data = load_labelled(std::string(SLUICE_SOURCE_DIR) + "/data/intel/heldout.jsonl");
  ASSERT_TRUE(std::holds_alternative<std::vector<LabelledRequest>>(data))
      << std::get<std::string>(data);
  const auto& examples = std::get<std::vector<LabelledRequest>>(data);
  EXPECT_GE(examples.size(), 200u);
  const auto e = evaluate(shipped(), examples);
  EXPECT_GE(e.accuracy(), 0.90) << e.report();
  for (std::size_t c = 0; c < kIntents; ++c) {
    EXPECT_GE(e.recall(static_cast<Intent>(c)), 0.80) << intent_name(static_cast<Intent>(c)) << "\n"
                                                      << e.report();
  }
  EXPECT_GE(e.recall(Intent::HighStakes), 0.95) << e.report();
}

RequestSignals claude_code(std::string_view instruction, std::string_view path,
                           std::string_view old_text, std::string_view new_text) {
  namespace bj = boost::json;
  bj::object edit{{"file_path", std::string("/repo/") + std::string(path)},
                  {"old_string", old_text},
                  {"new_string", new_text}};
  bj::value body{
      {"model", "claude-opus-4-8"},
      {"messages", bj::array{bj::object{{"role", "user"}, {"content", instruction}},
                             bj::object{{"role", "assistant"},
                                        {"content", bj::array{bj::object{{"type", "tool_use"},
                                                                         {"id", "t"},
                                                                         {"name", "Edit"},
                                                                         {"input", edit}}}}}}},
      {"system", "Primary working directory: /repo\n"},
      {"tools", bj::array{bj::object{{"name", "Edit"}}}}};
  return std::get<RequestSignals>(
      extract_signals(protocol::Endpoint::Messages, bj::serialize(body)));
}

TEST(IntelRisk, ATypoFixIsLessRiskyThanAPaymentsMigration) {
  const auto typo = claude_code("fix the typo in the README: 'recieve' -> 'receive'", "README.md",
                                "Data you recieve", "Data you receive");
  std::string up, down;
  for (int i = 0; i < 30; ++i) {
    down += "line " + std::to_string(i) + "\n";
    up += "ALTER TABLE invoices ADD COLUMN amount_cents_" + std::to_string(i) + " BIGINT;\n";
  }
  const auto migration = claude_code(
      "write a migration that moves the payment amounts into integer cents on the invoices table",
      "migrations/0042_invoice_cents.py", down, up);
  const auto p_typo = shipped().predict(typo), p_mig = shipped().predict(migration);
  EXPECT_EQ(p_typo.intent, Intent::TrivialEdit);
  EXPECT_EQ(p_mig.intent, Intent::HighStakes);
  const double r_typo = risk(p_typo, typo), r_mig = risk(p_mig, migration);
  EXPECT_LT(r_typo, 0.2);
  EXPECT_GT(r_mig, 0.8);
  EXPECT_LE(r_mig, 1.0);
}

TEST(IntelRisk, QuestionsAreSaferThanChangesAndBlastRadiusAdds) {
  const auto& m = shipped();
  const auto question = ask("how does the login session refresh work?");
  const auto change = ask("change the login session lifetime to 30 days");
  const double r_q = risk(m.predict(question), question), r_c = risk(m.predict(change), change);
  EXPECT_LT(r_q, r_c);
  const auto feature =
      claude_code("add a retry to fetch_orders", "app/orders/client.py", "x", "x\ny\nz");
  const auto p = m.predict(feature);
  const double alone = risk(p, feature);
  const double small = risk(p, feature, BlastRadius{.dependents = 2});
  const double wide = risk(p, feature, BlastRadius{.dependents = 400});
  const double zone = risk(p, feature, BlastRadius{.dependents = 2, .sensitive_zone = true});
  EXPECT_LE(alone, small);
  EXPECT_LT(small, wide);
  EXPECT_LT(small, zone);
  const auto parts = risk_parts(p, feature, BlastRadius{.dependents = 400});
  EXPECT_GT(parts.blast, 0.5);
  EXPECT_DOUBLE_EQ(parts.total, wide);
}

TEST(IntelRisk, ATestNamedAfterAZoneIsNotAChangeToIt) {
  const auto s = claude_code("add a test for the empty cart", "e2e/checkout.spec.ts", "",
                             "it('works', () => {});");
  const auto p = shipped().predict(s);
  EXPECT_EQ(p.sensitive.edited, 0);
  EXPECT_EQ(p.sensitive.tests, zone_bit(Zone::Payments));
  EXPECT_EQ(p.intent, Intent::Test);
}

}  // namespace
}  // namespace sluice::intel
