#pragma once
// The rows sluice keeps durably: virtual keys, the usage ledger, governance events and stored
// provider credentials. Plain data; the store persists them and governance interprets them.
// Times are Unix milliseconds (UTC), so every backend stores them as a 64-bit integer.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sluice::store {

/// A virtual key. Only the SHA-256 of the secret is kept; the secret is shown once at creation.
struct KeyRecord {
  std::string id;      // "key_" + 16 hex digits; stable across rotation
  std::string name;    // unique among keys that are not revoked
  std::string hash;    // hex SHA-256 of the full secret
  std::string prefix;  // the first 14 characters ("sk-sluice-AbCd"), to recognise a key
  std::string user;
  std::string team;
  std::string project;
  std::string role;                 // for policy rules' `role` ("" = none)
  std::vector<std::string> models;  // allowlist globs ("claude-*"); empty: every model
  double budget_usd = 0;            // 0: no key budget
  std::string budget_period;        // "month", "week", "day" or a length ("7d", "12h")
  std::string budget_action;        // "block", "fallback" or "throttle"
  std::int64_t rpm = 0;             // 0: unlimited
  std::int64_t tpm = 0;
  std::string max_reasoning;               // "", "low", "medium", "high"
  std::vector<std::string> service_tiers;  // empty: any tier
  std::int64_t max_output_tokens = 0;      // 0: no cap
  std::int64_t created_ms = 0;
  std::int64_t expires_ms = 0;  // 0: never
  std::int64_t revoked_ms = 0;  // 0: live
  std::int64_t rotated_ms = 0;  // last rotation (the hash changed), 0: never
};

/// One request in the usage ledger.
struct UsageRow {
  std::string request_id;
  std::int64_t time_ms = 0;  // when the request arrived
  std::string day;           // "YYYY-MM-DD" (UTC) of time_ms; grouped on without date SQL
  std::string key_id;        // "" when auth is off
  std::string key_name;
  std::string user;
  std::string team;
  std::string project;
  std::string wire;             // client wire: openai_chat, openai_responses, anthropic, gemini
  std::string requested_model;  // as the client sent it
  std::string served_model;     // the model that answered ("" if none did)
  std::string provider;
  std::string route;  // route name, or provider/model for a direct name
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cached_tokens = 0;  // cache reads
  std::int64_t cache_write_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  double cost_usd = 0;
  bool estimated = false;  // usage was missing; tokens and cost are estimates
  std::int64_t latency_ms = 0;
  std::int64_t ttfb_ms = -1;  // -1: no byte reached the client
  int status = 0;
  int attempts = 0;
  std::string intent;                 // the classifier's intent ("" = not classified)
  double risk = -1;                   // the classifier's risk in [0, 1]; -1 = not classified
  std::int64_t blast_radius = -1;     // dependents of the touched files; -1 = no graph lookup
  std::vector<std::string> tags;      // the policy's `tag` labels
  std::vector<std::string> findings;  // guardrail findings as "kind=count", request and answer
  std::string council_of;  // a council review's row: the reviewed request's id ("" otherwise)
};

/// A governance event worth keeping: a budget crossing its warning threshold, a block, a key
/// created or revoked.
struct EventRow {
  std::int64_t time_ms = 0;
  std::string kind;    // "budget_warning", "budget_exhausted", "key_created", "key_revoked", ...
  std::string scope;   // "key:key_ab12...", "team:payments", "org"
  std::string detail;  // human-readable; never a secret
};

/// A provider whose credential lives in the database, sealed with the master key.
struct StoredProvider {
  std::string name;
  std::string type;        // "openai", "anthropic", "gemini"
  std::string base_url;    // "" = the type's default
  std::string sealed_key;  // governance::seal() output; never printed
  std::int64_t created_ms = 0;
};

/// One link of the audit chain: a request's record or an admin event. `record` is the canonical
/// JSON the chain hashes; the other fields repeat a few of its values for filtering. On append
/// the caller fills them (they feed the blocks' filter index, see store/audit_block.hpp); on
/// read the store takes them from the record itself.
struct AuditRow {
  std::int64_t seq = 0;  // 1, 2, ...; assigned by the store on append
  std::int64_t time_ms = 0;
  std::string kind;        // "request", or an admin event ("key_created", "config_loaded", ...)
  std::string request_id;  // "" for admin events
  std::string key_id;
  std::string user;
  std::string team;
  std::string model;  // the served model, else the requested one
  std::string provider;
  int status = 0;
  std::string decision;  // "served", "error", "denied", "budget_blocked", ...; the kind for events
  std::string record;
  std::string hash;  // hex SHA-256(previous hash, seq, record); assigned on append
  /// Set on read when what the store keeps beside the records to find them (the block's seq
  /// and time range, filter values, request-id lookup) disagrees with this record: names the
  /// part, for the verifier. "" when all agree.
  std::string index_mismatch;
};

/// A council (docs/council.md): its state and decision for queries, its whole record as JSON
/// (`detail`, what GET /admin/council/{id} answers) and the audit record that goes with it.
struct CouncilRow {
  std::string request_id;  // the reviewed request
  std::int64_t time_ms = 0;
  std::string key_id;
  std::string mode;      // async, gate
  std::string status;    // decided, timeout
  std::string decision;  // approve, concerns, reject, none
  std::string detail;    // JSON
  AuditRow audit;        // appended to the chain with the row
};

/// A signature over the chain up to `seq`: whoever has the public key can check every record
/// up to there without trusting the database.
struct AuditCheckpoint {
  std::int64_t seq = 0;
  std::string hash;  // the chain hash at seq
  std::int64_t time_ms = 0;
  std::string public_key;  // hex Ed25519 public key
  std::string signature;   // hex Ed25519 signature (audit::checkpoint_message)
};

/// The end of the chain: the last record's seq and hash (0 and the genesis hash when empty).
struct AuditTail {
  std::int64_t seq = 0;
  std::string hash;
};

/// A page of audit records. Every filter that is set must match.
struct AuditQuery {
  std::int64_t since_ms = 0;            // inclusive
  std::int64_t until_ms = INT64_MAX;    // exclusive
  std::int64_t after_seq = 0;           // exclusive: records after this one ...
  std::int64_t before_seq = INT64_MAX;  // ... and before this one
  std::size_t limit = 100;
  bool newest_first = true;
  std::string kind, request_id, key_id, user, team, model, provider, decision;
  int status = 0;
};

/// What `sluice usage` groups by. Intent, Tag, Finding and Kind ("request" or "council": review
/// calls) read the raw rows (the hourly rollup does not keep them); a row counts once under
/// each of its tags and finding kinds.
enum class UsageGroup { Key, User, Team, Project, Model, Day, Intent, Tag, Finding, Kind };

struct UsageQuery {
  std::int64_t since_ms = 0;          // inclusive
  std::int64_t until_ms = INT64_MAX;  // exclusive
};

/// One line of `sluice usage`.
struct UsageTotal {
  std::string group;  // the key name, user, ..., served model, or day
  std::int64_t requests = 0;
  std::int64_t input_tokens = 0;
  std::int64_t output_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::int64_t reasoning_tokens = 0;
  double cost_usd = 0;
  std::int64_t estimated = 0;  // requests whose cost is an estimate
  std::int64_t errors = 0;     // status >= 400
};

/// Which spend a budget counts: everything of a key, user, team, project, or the whole org.
enum class SpendScope { Key, User, Team, Project, Org };

}  // namespace sluice::store
