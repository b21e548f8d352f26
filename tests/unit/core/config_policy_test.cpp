// The `policy:` and `reload:` sections of the main config: the policy's files are read and
// compiled with the config, so a broken rule file rejects the config (file:line:column) and an
// edited one changes its version; and the watcher's fingerprint notices every kind of change.

#include <gtest/gtest.h>

#include <fstream>

#include "core/config.hpp"
#include "core/file_watch.hpp"
#include "policy/policy_set.hpp"
#include "policy/policy_test_util.hpp"

namespace sluice::core {
namespace {

class ConfigPolicy : public policy::test::FilesTest {
 protected:
  std::variant<Config, ConfigError> load(const std::string& yaml) {
    std::filesystem::create_directories(dir_ / "policies");
    std::filesystem::create_directories(dir_ / "skills");
    return load_config_file(write("sluice.yaml", yaml));
  }
};

constexpr const char* kConfig = R"(policy:
  dir: policies
  skills: skills
  rules:
    - id: inline-first
      match: {team: interns}
      then: {deny: "no"}
reload: {interval: 500ms}
region: eu-west
)";

TEST_F(ConfigPolicy, CompilesInlineRulesThenTheDirectorysFilesAndSkills) {
  write("policies/10-a.yaml", "- id: from-file\n  then: {tag: [x]}\n");
  write("skills/style.md", "---\nname: style\n---\nWrite tests.\n");
  auto r = load(kConfig);
  ASSERT_TRUE(std::holds_alternative<Config>(r)) << std::get<ConfigError>(r).to_string();
  const auto& c = std::get<Config>(r);
  ASSERT_TRUE(c.policy);
  ASSERT_EQ(c.policy->rules().size(), 2u);
  EXPECT_EQ(c.policy->rules()[0].id, "inline-first");
  EXPECT_EQ(c.policy->rules()[1].id, "from-file");
  EXPECT_EQ(c.policy->skills().size(), 1u);
  EXPECT_EQ(c.reload.interval, std::chrono::milliseconds(500));
  EXPECT_EQ(c.region, "eu-west");
  EXPECT_EQ(c.watched_files.size(), 2u);  // the rule file and the skill file
  EXPECT_EQ(c.watched_dirs.size(), 2u);
}

TEST_F(ConfigPolicy, ABrokenRuleFileRejectsTheConfigWithItsLineAndColumn) {
  write("policies/10-a.yaml", "- id: ok\n  then: {tag: [x]}\n- id: bad\n  then: {explode: 1}\n");
  auto r = load(kConfig);
  ASSERT_TRUE(std::holds_alternative<ConfigError>(r));
  const auto& e = std::get<ConfigError>(r);
  EXPECT_NE(e.file.find("10-a.yaml"), std::string::npos) << e.to_string();
  EXPECT_EQ(e.line, 4) << e.to_string();
  EXPECT_GT(e.column, 0);
  EXPECT_NE(e.message.find("explode"), std::string::npos) << e.to_string();
}

TEST_F(ConfigPolicy, AMisspeltRedactKindIsAnError) {
  write("policies/10-a.yaml", "- id: r\n  then: {redact: [emial]}\n");
  auto r = load(kConfig);
  ASSERT_TRUE(std::holds_alternative<ConfigError>(r));
  EXPECT_NE(std::get<ConfigError>(r).message.find("emial"), std::string::npos);
}

TEST_F(ConfigPolicy, EditingARuleFileChangesTheConfigVersion) {
  write("policies/10-a.yaml", "- id: a\n  then: {tag: [x]}\n");
  auto v1 = std::get<Config>(load(kConfig)).version;
  write("policies/10-a.yaml", "- id: a\n  then: {tag: [y]}\n");
  auto v2 = std::get<Config>(load(kConfig)).version;
  EXPECT_NE(v1, v2);
}

TEST_F(ConfigPolicy, ReloadIntervalIsBounded) {
  auto r = load("reload: {interval: 10ms}\n");
  ASSERT_TRUE(std::holds_alternative<ConfigError>(r));
  EXPECT_EQ(std::get<ConfigError>(r).line, 1);
}

TEST_F(ConfigPolicy, FingerprintChangesOnEditAddAndRemove) {
  const auto file = write("sluice.yaml", "a: 1\n");
  write("policies/10-a.yaml", "x");
  WatchSet set{{file}, {(dir_ / "policies").string()}};
  const auto f0 = fingerprint(set);
  EXPECT_EQ(fingerprint(set), f0) << "stable while nothing changes";
  write("sluice.yaml", "a: 22\n");
  const auto f1 = fingerprint(set);
  EXPECT_NE(f1, f0);
  write("policies/20-b.yaml", "y");
  const auto f2 = fingerprint(set);
  EXPECT_NE(f2, f1);
  std::filesystem::remove(dir_ / "policies" / "10-a.yaml");
  EXPECT_NE(fingerprint(set), f2);
}

TEST_F(ConfigPolicy, WatcherCallsBackOnceAChangeLands) {
  const auto file = write("sluice.yaml", "a: 1\n");
  std::mutex mu;
  std::condition_variable cv;
  int changes = 0;
  {
    FileWatcher w(
        [&] {
          return WatchSet{{file}, {}, std::chrono::milliseconds(20)};
        },
        [&] {
          std::lock_guard lock(mu);
          ++changes;
          cv.notify_all();
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    write("sluice.yaml", "a: 2\n");
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return changes > 0; }));
  }
  EXPECT_EQ(changes, 1) << "one change, one reload";
}

// A reload that adds a file to the watch set (a new rule file is watched once it is loaded)
// must not swallow an edit that lands while it runs: that edit gets a reload of its own.
TEST_F(ConfigPolicy, AnEditMadeWhileAReloadWidensTheSetStillCounts) {
  const auto file = write("sluice.yaml", "a: 1\n");
  const auto rule = write("policies/20-new.yaml", "- id: x\n");
  std::mutex mu;
  std::condition_variable cv;
  int changes = 0;
  bool widened = false;
  {
    FileWatcher w(
        [&] {
          std::lock_guard lock(mu);
          WatchSet set{{file}, {}, std::chrono::milliseconds(20)};
          if (widened) set.files.push_back(rule);
          return set;
        },
        [&] {
          std::unique_lock lock(mu);
          if (++changes == 1) {
            widened = true;
            // The edit races the reload: made after the poll looked, before the reload ends.
            write("sluice.yaml", "a: 2, edited during the reload\n");
          }
          cv.notify_all();
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    write("sluice.yaml", "a: 1, first edit\n");
    std::unique_lock lock(mu);
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(5), [&] { return changes >= 2; }))
        << "the edit made during the first reload was never reloaded";
  }
  EXPECT_EQ(changes, 2);
}

}  // namespace
}  // namespace sluice::core
