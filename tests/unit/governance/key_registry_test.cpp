// KeyRegistry::find remembers recent secrets per thread; these tests pin down that the cache
// never answers for a table that has since been replaced, nor for another registry.
#include "governance/runtime.hpp"

#include <gtest/gtest.h>

#include <barrier>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "governance/keys.hpp"

namespace sluice::governance {
namespace {

store::KeyRecord record(const std::string& name, const std::string& secret) {
  store::KeyRecord r;
  r.id = "key_" + name;
  r.name = name;
  r.hash = hash_key(secret);
  return r;
}

TEST(KeyRegistry, FindsAKeyByItsSecretAgainAndAgain) {
  const auto secret = generate_key();
  KeyRegistry reg;
  reg.load({record("alice", secret)}, false);
  for (int i = 0; i < 3; ++i) {
    const auto key = reg.find(secret);
    ASSERT_TRUE(key);
    EXPECT_EQ(key->record.name, "alice");
  }
  EXPECT_FALSE(reg.find(secret + "x"));
  EXPECT_FALSE(reg.find(secret.substr(0, secret.size() - 1) + (secret.back() == 'A' ? "B" : "A")));
}

TEST(KeyRegistry, ARevocationIsSeenByTheNextLookupOnAThreadThatCachedTheKey) {
  const auto secret = generate_key();
  KeyRegistry reg;
  auto rec = record("bob", secret);
  reg.load({rec}, false);
  ASSERT_TRUE(reg.find(secret));
  ASSERT_EQ(reg.find(secret)->record.revoked_ms, 0);  // cached now

  rec.revoked_ms = 1'700'000'000'000;
  reg.load({rec}, false);
  const auto key = reg.find(secret);
  ASSERT_TRUE(key);
  EXPECT_EQ(key->record.revoked_ms, 1'700'000'000'000);

  reg.load({}, false);  // deleted (or rotated to another secret)
  EXPECT_FALSE(reg.find(secret));
}

// The same four threads look the key up before and after the reload: each has it in its own
// cache by then, and none may answer from it.
TEST(KeyRegistry, ARevocationIsSeenOnEveryThread) {
  const auto secret = generate_key();
  KeyRegistry reg;
  auto rec = record("carol", secret);
  reg.load({rec}, false);
  constexpr std::size_t kThreads = 4;
  std::vector<std::int64_t> before(kThreads, -2);
  std::vector<std::int64_t> after(kThreads, -2);
  std::barrier sync(kThreads + 1);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const auto revoked = [&] {
        const auto k = reg.find(secret);
        return k ? k->record.revoked_ms : -1;
      };
      before[t] = revoked();
      sync.arrive_and_wait();  // every thread has cached the key
      sync.arrive_and_wait();  // the reload is done
      after[t] = revoked();
    });
  }
  sync.arrive_and_wait();
  rec.revoked_ms = 42;
  reg.load({rec}, false);
  sync.arrive_and_wait();
  for (auto& th : threads) th.join();
  EXPECT_EQ(before, std::vector<std::int64_t>(kThreads, 0));
  EXPECT_EQ(after, std::vector<std::int64_t>(kThreads, 42));
}

TEST(KeyRegistry, TwoRegistriesDoNotAnswerForEachOther) {
  const auto secret = generate_key();
  KeyRegistry a;
  KeyRegistry b;
  a.load({record("in-a", secret)}, false);
  b.load({}, false);
  ASSERT_TRUE(a.find(secret));
  EXPECT_FALSE(b.find(secret));
  b.load({record("in-b", secret)}, false);
  EXPECT_EQ(b.find(secret)->record.name, "in-b");
  EXPECT_EQ(a.find(secret)->record.name, "in-a");
}

}  // namespace
}  // namespace sluice::governance
