#pragma once
// The gateway's configuration: parsed from YAML (or discovered from the environment), validated
// once at load time, then immutable. A bad file is rejected with file:line:column and the
// reason; the caller keeps whatever config it already had.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/auto_config.hpp"
#include "core/model_info.hpp"
#include "guard/config.hpp"
#include "protocol/wire.hpp"

// Declared only: core/config.hpp holds the compiled policy, whose headers include this one.
namespace sluice::policy {
class PolicySet;
}
namespace sluice::council {
struct Settings;
}
namespace sluice::intel {
struct Settings;
}

namespace sluice::core {

using std::chrono::milliseconds;

/// One credential of a provider. Several accounts are balanced, each with its own health.
struct AccountConfig {
  std::string name;            // "default" when the provider has a single api_key
  std::string api_key;         // resolved secret; never logged
  std::string api_key_source;  // "${ENV_NAME}", "inline" or "", safe to print
};

struct ProviderConfig {
  std::string name;  // unique; the prefix in "name/model"
  protocol::Family type = protocol::Family::OpenAI;
  std::string base_url;             // as the provider's own SDK takes it (no trailing '/')
  std::string api_key;              // resolved secret; never logged
  std::string api_key_source;       // "${ENV_NAME}", "inline" or "" (no key), safe to print
  std::vector<std::string> models;  // models known to be served here (config + discovery)
  bool discover_models = true;      // fetch the provider's model list at start
  bool strict = false;              // translation: reject (400) instead of dropping fields
  // anthropic-beta values this provider may receive; nullopt = all (Anthropic itself). Useful
  // for Anthropic-compatible hosts that reject betas they do not know.
  std::optional<std::vector<std::string>> betas;
  std::vector<std::pair<std::string, std::string>> headers;  // extra upstream headers
  // From `accounts:`; empty means one account, "default", holding api_key.
  std::vector<AccountConfig> accounts;
  int line = 0;  // where it was declared, for messages
};

struct UpstreamTimeouts {
  milliseconds connect{10'000};
  milliseconds first_byte{600'000};  // non-stream answers of long reasoning models take minutes
  milliseconds idle{300'000};        // gap between two stream chunks
  milliseconds total{3'600'000};
};

struct ServerLimits {
  std::size_t max_body_bytes = 32 * 1024 * 1024;
  std::size_t max_header_bytes = 64 * 1024;
  milliseconds header_timeout{30'000};
  milliseconds body_timeout{120'000};
  milliseconds idle_timeout{120'000};
  milliseconds write_timeout{60'000};
  milliseconds drain_timeout{30'000};
};

/// How a route orders its targets for one request.
enum class Strategy { Fallback, Weighted, RoundRobin, LeastLatency, Cheapest, Scored };
std::string_view to_string(Strategy s);
std::optional<Strategy> strategy_from_string(std::string_view s);

struct RouteTarget {
  std::string provider;
  std::string model;
  std::string account;  // "" = balance over all of the provider's accounts
  double weight = 1;
  int line = 0;
};

/// The `scored` strategy's policy weights (0 turns a policy off).
struct ScoreWeights {
  double cheapest = 1;
  double health = 2;
  double latency = 1;
  double capability = 1;
  double context = 1;
  double budget = 1;
  double ratelimit = 1;
  double fairness = 0.5;
};

struct RouteConfig {
  std::string name;  // what clients send as the model
  Strategy strategy = Strategy::Fallback;
  std::vector<RouteTarget> targets;
  ScoreWeights weights;
  std::optional<int> max_attempts;       // else routing.max_attempts
  std::optional<milliseconds> deadline;  // else routing.deadline
  std::optional<bool> retry_on_content_filter;
  int line = 0;
};

struct HealthConfig {
  milliseconds window{60'000};    // sliding window of the error rate
  int failure_threshold = 5;      // consecutive failures that open the circuit
  double error_rate = 0.5;        // ... or this error rate over the window
  int min_requests = 20;          // ... once the window holds this many requests
  milliseconds open_for{10'000};  // then one half-open probe
};

struct RoutingConfig {
  int max_attempts = 3;            // per request, across a route's targets
  milliseconds deadline{120'000};  // for all attempts before the first byte
  milliseconds backoff{100};       // base of jittered exponential backoff on re-tries
  milliseconds backoff_max{2'000};
  milliseconds retry_after_max{10'000};  // a longer retry-after skips the target instead
  bool retry_on_content_filter = false;
  HealthConfig health;
};

/// Whether requests must present a virtual key. Auto: on as soon as any key exists.
enum class AuthMode { Auto, On, Off };

/// Where durable state lives. A relative path is taken from the config file's directory.
struct StoreConfig {
  std::string path;             // resolved; default <data dir>/sluice.db
  std::string master_key_file;  // resolved; default <data dir>/master.key
  std::string audit_key_file;   // resolved (audit.signing_key_file); default <data dir>/audit.key
};

/// The audit log (docs/audit.md). Admin events are always chained; `enabled` is about one
/// record per request.
struct AuditConfig {
  bool enabled = true;
  bool store_content = false;  // `store_content: encrypted`: prompt and answer sealed (AES-GCM)
  bool strict = false;         // durability: strict (a response ends once its record is durable)
  std::int64_t checkpoint_records = 1000;  // a signed checkpoint every N records ...
  std::int64_t checkpoint_seconds = 60;    // ... or T seconds, whichever comes first
};

enum class BudgetScopeKind { Key, User, Team, Project, Org };

/// A budget from the config (key budgets may also come with the key itself).
struct BudgetConfig {
  BudgetScopeKind scope = BudgetScopeKind::Org;
  std::string name;  // key name, user, team or project; "" for the org
  double limit_usd = 0;
  std::string period = "month";  // "month", "week", "day" or a length ("7d")
  double warn = 0.8;
  std::string action = "block";  // "block", "fallback" or "throttle"
  std::int64_t throttle_rpm = 0;
  int line = 0;
};

/// Requests and tokens per minute for a whole team (on top of each key's own limits).
struct TeamLimitConfig {
  std::string team;
  std::int64_t rpm = 0;
  std::int64_t tpm = 0;
  int line = 0;
};

struct GovernanceConfig {
  AuthMode auth = AuthMode::Auto;
  std::vector<BudgetConfig> budgets;
  std::vector<TeamLimitConfig> team_limits;
  bool downgrade_service_tier = true;  // else a tier a key may not use is refused (403)
};

/// `reload:` how a running gateway notices that its config (or policy) files changed. A change
/// is reloaded like SIGHUP: a valid one replaces the running config for new requests, an invalid
/// one is logged with file:line:column and the previous config stays.
struct ReloadConfig {
  bool watch = true;                         // poll the files' size and modification time
  std::chrono::milliseconds interval{1000};  // how often (250 ms .. 60 s)
};

struct Config {
  std::string source = "defaults";  // file path, or "environment"
  std::string listen = "127.0.0.1:4100";
  int threads = 0;  // 0: one event loop per core
  std::string log_level = "info";
  bool access_log = true;
  ServerLimits limits;
  UpstreamTimeouts timeouts;
  std::vector<ProviderConfig> providers;
  std::map<std::string, std::string> aliases;  // name -> "provider/model" or another alias
  // Where a bare model name that matches nothing goes, per client family. Absent: the first
  // provider of that family. Present but empty ("none" in YAML): such names get 404.
  std::map<protocol::Family, std::string> default_provider;
  std::vector<RouteConfig> routes;
  RoutingConfig routing;
  std::vector<ModelInfo> catalog;  // overrides and additions to the shipped catalog
  std::string admin_token;         // guards /admin/*; empty: loopback clients only
  StoreConfig store;
  GovernanceConfig governance;
  AuditConfig audit;
  std::optional<guard::GuardConfig> guardrails;  // absent: no request is scanned
  // `policy:` compiled (rules, skills); null without the section. Its files are read when the
  // config is, so a bad rule file rejects the whole config like a bad line in it.
  std::shared_ptr<const policy::PolicySet> policy;
  std::string region;  // this deployment's region tag, for policy rules (`region:` matches)
  // `intel:` (intel/settings.hpp): request classification and the code graph; null without it.
  std::shared_ptr<const intel::Settings> intel;
  // `auto:` — the tiers behind the model names auto, auto:TIER, auto:TIER:DIRECTION (defaults
  // apply without the section).
  AutoConfig autoroute;
  // `council:` (council/settings.hpp): reviewers of answers; null without it.
  std::shared_ptr<const council::Settings> council;
  ReloadConfig reload;
  // What a reload reads besides the config file: the policy's rule and skill files and their
  // directories (a file added to one counts as a change).
  std::vector<std::string> watched_files;
  std::vector<std::string> watched_dirs;
  std::string version;  // first 16 hex digits of the SHA-256 of the config text ("" for defaults)

  const RouteConfig* find_route(std::string_view name) const;

  const ProviderConfig* find_provider(std::string_view name) const;
  /// The provider a bare unknown name goes to for this family, or nullptr.
  const ProviderConfig* default_for(protocol::Family family) const;
};

struct ConfigError {
  std::string file;
  int line = 0;    // 1-based; 0 when not tied to a place
  int column = 0;  // 1-based
  std::string message;
  std::string to_string() const;  // "file:line:column: message"
};

/// Reads the environment (`get` returns nullopt for unset variables). Injected for tests.
using EnvLookup = std::optional<std::string> (*)(const char* name);
std::optional<std::string> real_env(const char* name);

/// Parses and validates YAML text. `file` names the source in errors.
std::variant<Config, ConfigError> parse_config(const std::string& text, const std::string& file,
                                               EnvLookup env = real_env);
/// Reads and parses a file.
std::variant<Config, ConfigError> load_config_file(const std::string& path,
                                                   EnvLookup env = real_env);

/// Fills in the default store paths (SLUICE_DATA_DIR, else sluice-data/ beside the config file;
/// the current directory for a config discovered from the environment) and makes relative paths
/// relative to the config file's directory.
void resolve_store_paths(StoreConfig& s, const std::string& config_file, EnvLookup env);

/// Parses "250ms", "10s", "5m", "1h" or a bare number of seconds.
std::optional<milliseconds> parse_duration(std::string_view text);
/// Parses "32MiB", "64KiB", "1MB", "512" (bytes).
std::optional<std::size_t> parse_size(std::string_view text);
/// Replaces ${NAME} and ${NAME:-default}. Unset names without a default are reported in
/// `missing` and become empty.
std::string interpolate_env(std::string_view text, EnvLookup env,
                            std::vector<std::string>* missing);

}  // namespace sluice::core
