#include <gtest/gtest.h>

#include <array>
#include <chrono>

#include "intel/learner.hpp"
#include "intel/outcome_store.hpp"
#include "support/temp_dir.hpp"

namespace sluice::intel {
namespace {

core::AutoLearningConfig learning() {
  core::AutoLearningConfig c;
  c.seed = 7;
  return c;
}

OutcomeNote note(std::string id, std::string key, std::string model, std::uint64_t task = 0,
                 std::uint32_t turns = 0, std::int64_t time_ms = 1000) {
  OutcomeNote n;
  n.request_id = std::move(id);
  n.key_id = std::move(key);
  n.intent = "feature";
  n.model = std::move(model);
  n.auto_routed = true;
  n.task_hash = task;
  n.turns = turns;
  n.time_ms = time_ms;
  return n;
}

TEST(Thompson, ExploitsTheBetterArmAndBoundsExploration) {
  Rng rng(1);
  ExploreState state;
  auto cfg = learning();
  const std::array<ArmView, 2> arms{ArmView{20, 60, 1}, ArmView{68, 12, 1}};  // 25% vs 85%
  int better = 0;
  for (int i = 0; i < 2000; ++i) better += choose_arm(arms, cfg, rng, state).pick == 1;
  EXPECT_GE(better, 1900);  // only the floor (2%) and rare samples go elsewhere
  EXPECT_LE(better, 1990);  // ... but the floor keeps the worse arm observed
}

TEST(Thompson, ExplorationCapHoldsWhenNothingIsKnown) {
  Rng rng(2);
  ExploreState state;
  auto cfg = learning();
  cfg.explore_floor = 0;
  cfg.explore_cap = 0.1;
  const std::array<ArmView, 3> arms{ArmView{0, 0, 1}, ArmView{0, 0, 0.9}, ArmView{0, 0, 0.8}};
  int departed = 0;
  for (int i = 0; i < 3000; ++i) departed += choose_arm(arms, cfg, rng, state).pick != 0;
  // Uniform posteriors would send two thirds elsewhere; the cap keeps it near 10%.
  EXPECT_LE(departed, 330);
  EXPECT_GE(departed, 200);
}

TEST(Thompson, NoExplorationIsTheBestScoredArm) {
  Rng rng(3);
  ExploreState state;
  auto cfg = learning();
  cfg.explore_cap = 0;
  cfg.explore_floor = 0;
  const std::array<ArmView, 2> arms{ArmView{0, 0, 0.5}, ArmView{0, 0, 1}};
  for (int i = 0; i < 100; ++i) {
    const auto d = choose_arm(arms, cfg, rng, state);
    EXPECT_EQ(d.pick, 1u);
    EXPECT_NE(d.kind, DrawKind::Sampled);
  }
}

TEST(Thompson, BetaDrawsHaveTheRightMean) {
  Rng rng(4);
  double sum = 0;
  for (int i = 0; i < 20000; ++i) sum += rng.beta(3, 7);
  EXPECT_NEAR(sum / 20000, 0.3, 0.01);
}

TEST(Learner, FeedbackIsPerKeyIdempotentAndWeighted) {
  Learner l;
  l.record(note("r1", "alice", "p/m"));
  EXPECT_EQ(l.feedback("r1", "bob", Outcome::Accepted).applied, Learner::Applied::NotFound);
  EXPECT_EQ(l.feedback("nope", "alice", Outcome::Accepted).applied, Learner::Applied::NotFound);
  const auto r = l.feedback("r1", "alice", Outcome::Accepted, 0.5);
  EXPECT_EQ(r.applied, Learner::Applied::Counted);
  EXPECT_EQ(r.model, "p/m");
  EXPECT_EQ(l.feedback("r1", "alice", Outcome::Accepted).applied, Learner::Applied::Duplicate);
  EXPECT_EQ(l.feedback("r1", "alice", Outcome::TestsFailed).applied, Learner::Applied::Counted);
  const auto s = l.stats();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_DOUBLE_EQ(s[0].successes, 0.5);
  EXPECT_DOUBLE_EQ(s[0].failures, 1.0);
  EXPECT_EQ(s[0].picks, 1);
}

TEST(Learner, ClientOutcomes) {
  EXPECT_EQ(client_outcome("tests_passed"), Outcome::TestsPassed);
  EXPECT_FALSE(client_outcome("retried"));  // implicit only
  EXPECT_FALSE(client_outcome("great"));
  EXPECT_TRUE(is_success(Outcome::Accepted));
  EXPECT_FALSE(is_success(Outcome::Reverted));
}

TEST(Learner, ARetryWithinTheWindowFailsTheEarlierRequest) {
  Learner l;
  auto cfg = learning();
  l.record(note("r1", "k", "p/m", 99, 1, 1000));
  EXPECT_FALSE(l.observe("other-key", 99, 1, false, 2000, cfg));  // another key's task
  EXPECT_EQ(l.observe("k", 99, 1, false, 2000, cfg), "r1");
  EXPECT_FALSE(l.observe("k", 99, 1, false, 2500, cfg));  // counted once
  l.record(note("r2", "k", "p/m", 99, 1, 10'000));
  EXPECT_FALSE(l.observe("k", 99, 1, false, 10'000 + 61'000, cfg));  // outside the window
  EXPECT_DOUBLE_EQ(l.stats()[0].failures, 1.0);
}

TEST(Learner, AToolErrorInTheNextTurnFailsThePreviousRequest) {
  Learner l;
  auto cfg = learning();
  l.record(note("t1", "k", "p/m", 5, 1));
  EXPECT_FALSE(l.observe("k", 5, 3, false, 2000, cfg));  // next turn, tool succeeded
  EXPECT_EQ(l.observe("k", 5, 3, true, 2000, cfg), "t1");
  cfg.implicit = false;
  l.record(note("t2", "k", "p/m", 5, 3));
  EXPECT_FALSE(l.observe("k", 5, 5, true, 3000, cfg));
}

TEST(Learner, ChoosesTheBetterModelOnceOutcomesDiffer) {
  Learner l;
  auto cfg = learning();
  for (int i = 0; i < 30; ++i) {
    const auto id = "a" + std::to_string(i);
    l.record(note(id, "k", "p/a"));
    l.feedback(id, "k", i % 4 == 0 ? Outcome::Accepted : Outcome::Rejected);
    const auto jd = "b" + std::to_string(i);
    l.record(note(jd, "k", "p/b"));
    l.feedback(jd, "k", i % 7 == 0 ? Outcome::Rejected : Outcome::Accepted);
  }
  const std::array<std::string, 2> models{"p/a", "p/b"};
  const std::array<double, 2> direction{1.0, 0.6};  // the worse model is the cheaper one
  int b = 0;
  for (int i = 0; i < 200; ++i) b += l.choose("feature", models, direction, cfg).pick == 1;
  EXPECT_GE(b, 180);
}

class LearnerStore : public test_support::TempDirTest {};

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(LearnerStore, StatisticsAndNotesSurviveARestart) {
  {
    Learner l(db_path());
    l.record(note("r1", "k", "p/m", 0, 0, now_ms()));
    l.feedback("r1", "k", Outcome::Accepted);
    l.record(note("r2", "k", "p/m", 0, 0, now_ms()));
    l.flush();
  }
  Learner again(db_path());
  auto s = again.stats();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_DOUBLE_EQ(s[0].successes, 1);
  EXPECT_EQ(s[0].picks, 2);
  // Feedback for a request from before the restart is found in the store, still idempotent.
  EXPECT_EQ(again.feedback("r1", "k", Outcome::Accepted).applied, Learner::Applied::Duplicate);
  EXPECT_EQ(again.feedback("r2", "other", Outcome::Rejected).applied, Learner::Applied::NotFound);
  EXPECT_EQ(again.feedback("r2", "k", Outcome::Rejected).applied, Learner::Applied::Counted);
  again.flush();
  const auto rows = read_outcome_stats(db_path());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].failures, 1);
}

// The notes table does not grow without end: past the retention, feedback finds nothing.
TEST_F(LearnerStore, NotesPastTheRetentionAreDeleted) {
  {
    Learner l(db_path());
    l.record(note("old", "k", "p/m", 0, 0, now_ms() - kNoteRetentionMs - 1000));
    l.record(note("new", "k", "p/m", 0, 0, now_ms()));
    l.flush();
  }
  Learner again(db_path());
  EXPECT_EQ(again.feedback("old", "k", Outcome::Accepted).applied, Learner::Applied::NotFound);
  EXPECT_EQ(again.feedback("new", "k", Outcome::Accepted).applied, Learner::Applied::Counted);
}

}  // namespace
}  // namespace sluice::intel
