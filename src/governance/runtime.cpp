// The gateway's governance state and how it follows the store: keys by hash, budgets rebuilt
// when keys or config change, spend reloaded from the ledger for budgets it has not seen.

#include "governance/runtime.hpp"

#include <array>
#include <filesystem>

#include "core/log.hpp"
#include "governance/keys.hpp"
#include "governance/period.hpp"
#include "protocol/mappings.hpp"

namespace sluice::governance {
namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(250);

Caps caps_of(const store::KeyRecord& k, bool downgrade_tier) {
  Caps c;
  if (!k.max_reasoning.empty()) c.max_reasoning = protocol::effort_from(k.max_reasoning);
  c.service_tiers = k.service_tiers;
  c.downgrade_tier = downgrade_tier;
  c.max_output_tokens = k.max_output_tokens;
  return c;
}

store::SpendScope scope_of(core::BudgetScopeKind k) {
  switch (k) {
    case core::BudgetScopeKind::Key:
      return store::SpendScope::Key;
    case core::BudgetScopeKind::User:
      return store::SpendScope::User;
    case core::BudgetScopeKind::Team:
      return store::SpendScope::Team;
    case core::BudgetScopeKind::Project:
      return store::SpendScope::Project;
    case core::BudgetScopeKind::Org:
      return store::SpendScope::Org;
  }
  return store::SpendScope::Org;
}

// Keys are named for people and stored by id: a key budget's label uses the name. The other
// scopes take the budget book's default ("team 'payments'", "the org").
std::string key_label(const std::string& name) {
  return "key '" + name + "'";
}

// A key table's number, unique across registries: one per-thread cache serves all of them.
std::uint64_t next_generation() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

}  // namespace

KeyRegistry::KeyRegistry() : generation_(next_generation()) {}

LiveKeyPtr KeyRegistry::find(std::string_view secret) const {
  struct Slot {
    std::uint64_t generation = 0;
    std::string secret;
    LiveKeyPtr key;
  };
  thread_local std::array<Slot, 8> slots;
  // Read before the table: a table stored after this read has a newer number, so what is
  // cached below is never newer than its number says.
  const auto generation = generation_.load(std::memory_order_acquire);
  // The slot comes from the presented secret alone, and the compare is constant-time: a hit
  // takes as long wherever a wrong guess differs from the cached secret.
  auto& slot = slots[std::hash<std::string_view>{}(secret) % slots.size()];
  if (slot.key && slot.generation == generation && same_secret(slot.secret, secret)) {
    return slot.key;
  }
  auto key = find_uncached(secret);
  if (key) {
    slot.generation = generation;
    slot.secret.assign(secret);
    slot.key = key;
  }
  return key;
}

LiveKeyPtr KeyRegistry::find_uncached(std::string_view secret) const {
  const auto hash = hash_key(secret);
  const auto table = table_.load(std::memory_order_acquire);
  auto it = table->find(std::string_view(hash));
  if (it == table->end()) return nullptr;
  // The map lookup compared hashes already; compare again in constant time so that the last
  // step of accepting a key does not depend on where the first differing byte is.
  if (!same_secret(it->second->record.hash, hash)) return nullptr;
  return it->second;
}

void KeyRegistry::load(const std::vector<store::KeyRecord>& keys, bool downgrade_tier) {
  auto table = std::make_shared<Table>();
  for (const auto& k : keys) {
    auto live = std::make_shared<LiveKey>();
    live->record = k;
    live->caps = caps_of(k, downgrade_tier);
    live->label = key_label(k.name);
    table->emplace(k.hash, std::move(live));
  }
  count_.store(keys.size(), std::memory_order_relaxed);
  table_.store(std::move(table), std::memory_order_release);
  generation_.store(next_generation(), std::memory_order_release);
}

std::vector<BudgetRule> budget_rules(const core::Config& cfg,
                                     const std::vector<store::KeyRecord>& keys) {
  std::vector<BudgetRule> rules;
  for (const auto& b : cfg.governance.budgets) {
    BudgetRule r;
    r.scope = scope_of(b.scope);
    r.id = b.name;
    if (r.scope == store::SpendScope::Key) {
      r.label = key_label(b.name);
      // Config names keys by name; spend is recorded by id.
      const store::KeyRecord* match = nullptr;
      for (const auto& k : keys) {
        if (k.name == b.name && k.revoked_ms == 0) match = &k;
      }
      if (!match) {
        log::warn("budget for key '{}' (line {}): no live key has that name", b.name, b.line);
        continue;
      }
      r.id = match->id;
    }
    r.limit_usd = b.limit_usd;
    r.period = Period::parse(b.period).value_or(Period{});
    r.warn = b.warn;
    r.action = budget_action_from(b.action).value_or(BudgetAction::Block);
    r.throttle_rpm = b.throttle_rpm;
    rules.push_back(std::move(r));
  }
  for (const auto& k : keys) {
    if (k.revoked_ms != 0 || k.budget_usd <= 0) continue;
    BudgetRule r;
    r.scope = store::SpendScope::Key;
    r.id = k.id;
    r.label = key_label(k.name);
    r.limit_usd = k.budget_usd;
    r.period = Period::parse(k.budget_period).value_or(Period{});
    r.action = budget_action_from(k.budget_action).value_or(BudgetAction::Block);
    rules.push_back(std::move(r));
  }
  return rules;
}

Governance::Governance(const core::Config& cfg)
    : store_(store::open_sqlite(cfg.store.path)), cfg_(std::make_shared<const core::Config>(cfg)) {
  auto writer_store = store::open_sqlite(cfg.store.path);
  // Strict audit durability: a commit returns once it is on disk. Read at start only: the
  // connection belongs to the writer's thread from here on.
  if (cfg.audit.strict) writer_store->sync_every_commit();
  ledger_ = std::make_unique<store::BatchWriter>(std::move(writer_store));
  reconfigure(cfg);
  poller_ = std::thread([this] { poll(); });
}

Governance::~Governance() {
  {
    std::lock_guard lock(poll_mu_);
    stop_ = true;
  }
  poll_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
  ledger_.reset();  // flushes
}

void Governance::reconfigure(const core::Config& cfg) {
  auth_.store(cfg.governance.auth);
  auto teams = std::make_shared<core::StringMap<TeamLimit>>();
  for (const auto& t : cfg.governance.team_limits) (*teams)[t.team] = {t.rpm, t.tpm};
  team_limits_.store(std::move(teams));
  if (cfg.audit.store_content && !content_key_.load()) {
    auto key = load_master_key(cfg.store.master_key_file);
    std::error_code ec;
    if (std::holds_alternative<std::string>(key) &&
        !std::filesystem::exists(cfg.store.master_key_file, ec)) {
      key = create_master_key_file(cfg.store.master_key_file);
    }
    if (auto* k = std::get_if<MasterKey>(&key)) {
      content_key_.store(std::make_shared<const MasterKey>(*k));
    } else {
      log::error("audit.store_content: encrypted, but {}; prompts are not stored",
                 std::get<std::string>(key));
    }
  }
  std::lock_guard lock(store_mu_);
  cfg_ = std::make_shared<const core::Config>(cfg);
  load_keys(store_->keys_generation());
}

void Governance::reload_keys() {
  std::lock_guard lock(store_mu_);
  load_keys(store_->keys_generation());
}

void Governance::load_keys(std::int64_t generation) {
  // The generation is read before the keys: a change landing in between is loaded again by
  // the next poll rather than missed.
  const auto keys = store_->keys();
  keys_.load(keys, cfg_->governance.downgrade_service_tier);
  auto rules = budget_rules(*cfg_, keys);
  budgets_.configure(
      std::move(rules),
      [this](const BudgetRule& r, std::int64_t since) {
        return store_->spend_since(r.scope, r.id, since);
      },
      now_ms());
  loaded_.store(generation, std::memory_order_release);
}

std::string team_bucket(std::string_view team) {
  return "team\x1f" + std::string(team);
}

TeamLimit Governance::team_limit(std::string_view team) const {
  if (team.empty()) return {};
  const auto teams = team_limits_.load();
  const auto it = teams->find(team);
  return it == teams->end() ? TeamLimit{} : it->second;
}

bool Governance::auth_required() const {
  switch (auth_.load(std::memory_order_relaxed)) {
    case core::AuthMode::On:
      return true;
    case core::AuthMode::Off:
      return false;
    case core::AuthMode::Auto:
      return keys_.any();
  }
  return true;
}

void Governance::poll() {
  std::unique_lock lock(poll_mu_);
  while (!poll_cv_.wait_for(lock, kPollInterval, [this] { return stop_; })) {
    try {
      std::lock_guard store_lock(store_mu_);
      const auto gen = store_->keys_generation();
      if (gen == loaded_generation()) continue;
      load_keys(gen);
      log::info("keys changed in the store (generation {}): reloaded", gen);
    } catch (const std::exception& e) {
      log::warn("reading keys from the store failed (will retry): {}", e.what());
    }
  }
}

}  // namespace sluice::governance
