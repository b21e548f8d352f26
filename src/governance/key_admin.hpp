#pragma once
// Creating, revoking and rotating virtual keys: the rules shared by `sluice keys` and the admin
// API (/admin/keys), so both validate the same way and neither ever stores a secret.

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "store/store.hpp"

namespace sluice::governance {

/// What `sluice keys create` and POST /admin/keys accept. Strings are as the user typed them;
/// create_key validates them.
struct KeyOptions {
  std::string name;
  std::string user;
  std::string team;
  std::string project;
  std::string role;    // for policy rules' `role` match: "admin", "contractor", ...
  std::string models;  // "claude-*,gpt-5*"
  std::string budget;  // "50/month"
  std::string budget_action = "block";
  std::int64_t rpm = 0;
  std::int64_t tpm = 0;
  std::string expires;        // "30d"
  std::string max_reasoning;  // low | medium | high
  std::string service_tiers;  // "default,flex"
  std::int64_t max_output_tokens = 0;
};

/// A key as created or rotated: the record that was stored and the secret, shown once.
struct IssuedKey {
  store::KeyRecord record;
  std::string secret;
};

using KeyResult = std::variant<IssuedKey, std::string>;  // or what to fix
using RecordResult = std::variant<store::KeyRecord, std::string>;

KeyResult create_key(store::Store& db, const KeyOptions& opt, std::int64_t now_ms);
/// Revokes by id or name. Revoking twice is an error that says when it was revoked.
RecordResult revoke_key(store::Store& db, std::string_view id_or_name, std::int64_t now_ms);
/// A new secret for the same key (id, scopes, budget and spend stay); the old one stops working.
KeyResult rotate_key(store::Store& db, std::string_view id_or_name, std::int64_t now_ms);

/// Reads POST /admin/keys' JSON body ({"name": ..., "models": "a,b" or ["a","b"], ...}).
std::variant<KeyOptions, std::string> key_options_from_json(const boost::json::object& body);
/// A key for the admin API and `keys show --json`: every field but the hash.
boost::json::object key_json(const store::KeyRecord& k, std::int64_t now_ms);
/// "live", "revoked" or "expired".
std::string_view key_status(const store::KeyRecord& k, std::int64_t now_ms);

}  // namespace sluice::governance
