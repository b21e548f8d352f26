#pragma once
// Governance as the gateway runs it: the keys (an immutable table swapped atomically, so a
// revocation reaches every thread at once), the budget book, the rate limiter and the ledger
// writer, all fed from the store. One instance lives as long as `sluice serve`; config reloads
// reconfigure it. A poller re-reads keys when another process (`sluice keys revoke`) changed
// them, within a quarter second.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "core/config.hpp"
#include "core/string_hash.hpp"
#include "governance/budget_book.hpp"
#include "governance/caps.hpp"
#include "governance/credentials.hpp"
#include "governance/rate_limiter.hpp"
#include "store/batch_writer.hpp"
#include "store/store.hpp"

namespace sluice::governance {

/// A key as requests see it: its record, its caps in the form the body rewriter takes, and
/// its label for messages.
struct LiveKey {
  store::KeyRecord record;
  Caps caps;
  std::string label;  // "key 'alice-laptop'"
};
using LiveKeyPtr = std::shared_ptr<const LiveKey>;

class KeyRegistry {
 public:
  KeyRegistry();
  /// The key whose hash matches `secret`'s, revoked and expired ones included (the caller says
  /// why it is refused); nullptr when none does. A thread remembers the last few secrets it
  /// matched, for the table they were matched in: an agent sends the same key on every
  /// request, and the SHA-256, its hex and the map lookup are then skipped. A load() starts a
  /// new table, so a revocation is seen at once.
  LiveKeyPtr find(std::string_view secret) const;
  void load(const std::vector<store::KeyRecord>& keys, bool downgrade_tier);
  /// True once any key exists (revoked ones count): `auth: auto` turns on.
  bool any() const { return count_.load(std::memory_order_relaxed) > 0; }

 private:
  using Table = core::StringMap<LiveKeyPtr>;  // hex SHA-256 -> key
  LiveKeyPtr find_uncached(std::string_view secret) const;

  std::atomic<std::shared_ptr<const Table>> table_{std::make_shared<const Table>()};
  // The table's number, unique across registries (the per-thread cache serves all of them).
  std::atomic<std::uint64_t> generation_;
  std::atomic<std::size_t> count_{0};
};

/// Team-wide rate limits by team name.
struct TeamLimit {
  std::int64_t rpm = 0;
  std::int64_t tpm = 0;
};

class Governance {
 public:
  /// Opens the store at cfg.store.path (creating it), loads keys, budgets and their spend, and
  /// starts the ledger writer and the key poller. Throws store::StoreError.
  explicit Governance(const core::Config& cfg);
  ~Governance();  // stops the poller; the ledger writer flushes every row
  Governance(const Governance&) = delete;
  Governance& operator=(const Governance&) = delete;

  /// A new config generation: auth mode, budgets and team limits. Spend carries over.
  void reconfigure(const core::Config& cfg);
  /// Re-reads keys from the store now and rebuilds key budgets.
  void reload_keys();

  bool auth_required() const;
  /// The store's keys generation this process has loaded; equal to Store::keys_generation()
  /// once a change made elsewhere (the CLI) is in effect here.
  std::int64_t loaded_generation() const { return loaded_.load(std::memory_order_acquire); }
  const KeyRegistry& keys() const { return keys_; }
  BudgetBook& budgets() { return budgets_; }
  RateLimiter& limits() { return limits_; }
  store::BatchWriter& ledger() { return *ledger_; }
  /// The master key that seals audit content (audit.store_content: encrypted); null when that
  /// is off or the key could not be loaded (logged).
  std::shared_ptr<const MasterKey> content_key() const { return content_key_.load(); }
  /// The team's rpm/tpm (zero: none); "" is no team.
  TeamLimit team_limit(std::string_view team) const;

  /// Runs `fn(store)` under the lock of the gateway's reading connection (admin API calls).
  template <class Fn>
  auto with_store(Fn&& fn) {
    std::lock_guard lock(store_mu_);
    return fn(*store_);
  }

 private:
  /// Keys, caps and budgets from the store, as of `generation`. Under store_mu_.
  void load_keys(std::int64_t generation);
  void poll();

  std::mutex store_mu_;
  std::unique_ptr<store::Store> store_;      // reads and admin writes
  std::shared_ptr<const core::Config> cfg_;  // under store_mu_
  std::atomic<core::AuthMode> auth_{core::AuthMode::Auto};
  KeyRegistry keys_;
  BudgetBook budgets_;
  RateLimiter limits_;
  std::atomic<std::shared_ptr<const core::StringMap<TeamLimit>>> team_limits_;
  std::unique_ptr<store::BatchWriter> ledger_;
  std::atomic<std::shared_ptr<const MasterKey>> content_key_;
  std::atomic<std::int64_t> loaded_{-1};  // the store's keys generation last loaded
  std::mutex poll_mu_;
  std::condition_variable poll_cv_;
  bool stop_ = false;
  std::thread poller_;
};

/// The rate-limit bucket of a team (keys' buckets are their ids, which cannot collide with it).
std::string team_bucket(std::string_view team);

/// The budgets that apply: the config's (a `key:` budget names the key) and each live key's own.
std::vector<BudgetRule> budget_rules(const core::Config& cfg,
                                     const std::vector<store::KeyRecord>& keys);

}  // namespace sluice::governance
