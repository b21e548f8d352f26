// Key lifecycle rules. Secrets exist only in the return value of create/rotate; the store gets
// the SHA-256 and a display prefix.

#include "governance/key_admin.hpp"

#include <boost/json/array.hpp>

#include "core/text.hpp"
#include "governance/caps.hpp"
#include "governance/keys.hpp"
#include "governance/period.hpp"

namespace sluice::governance {
namespace {

std::optional<std::string> validate_tiers(const std::vector<std::string>& tiers) {
  for (const auto& t : tiers) {
    if (!known_service_tier(t)) {
      return "unknown service tier '" + t +
             "'; known: auto, default, flex, priority, scale, standard_only";
    }
  }
  return std::nullopt;
}

std::optional<store::KeyRecord> live_named(store::Store& db, std::string_view name) {
  auto k = db.find_key(name);
  if (k && k->name == name && k->revoked_ms == 0) return k;
  return std::nullopt;
}

}  // namespace

std::string_view key_status(const store::KeyRecord& k, std::int64_t now_ms) {
  if (k.revoked_ms != 0) return "revoked";
  if (k.expires_ms != 0 && k.expires_ms <= now_ms) return "expired";
  return "live";
}

KeyResult create_key(store::Store& db, const KeyOptions& opt, std::int64_t now_ms) {
  if (opt.name.empty()) return std::string("a key needs a name (--name)");
  if (opt.name.size() > 128) return std::string("the name is longer than 128 characters");
  if (live_named(db, opt.name)) {
    return "a live key named '" + opt.name + "' exists; revoke it or pick another name";
  }
  store::KeyRecord r;
  r.name = opt.name;
  r.user = opt.user;
  r.team = opt.team;
  r.project = opt.project;
  r.role = opt.role;
  r.models = core::split_list(opt.models);
  if (!opt.budget.empty()) {
    auto b = parse_budget(opt.budget);
    if (!b) {
      return "budget '" + opt.budget + "' is not USD/PERIOD (50/month, 10/day, 5/week, 100/7d)";
    }
    r.budget_usd = b->usd;
    r.budget_period = b->period;
    if (opt.budget_action != "block" && opt.budget_action != "fallback" &&
        opt.budget_action != "throttle") {
      return std::string("budget action must be block, fallback or throttle");
    }
    r.budget_action = opt.budget_action;
  }
  if (opt.rpm < 0 || opt.tpm < 0 || opt.max_output_tokens < 0) {
    return std::string("rpm, tpm and max output tokens must not be negative");
  }
  r.rpm = opt.rpm;
  r.tpm = opt.tpm;
  r.max_output_tokens = opt.max_output_tokens;
  if (!opt.max_reasoning.empty()) {
    if (opt.max_reasoning != "low" && opt.max_reasoning != "medium" &&
        opt.max_reasoning != "high") {
      return std::string("max reasoning must be low, medium or high");
    }
    r.max_reasoning = opt.max_reasoning;
  }
  r.service_tiers = core::split_list(opt.service_tiers);
  if (auto err = validate_tiers(r.service_tiers)) return *err;
  r.created_ms = now_ms;
  if (!opt.expires.empty()) {
    auto life = parse_lifetime(opt.expires);
    if (!life) return "expires '" + opt.expires + "' is not a lifetime (30d, 12h, 2w)";
    r.expires_ms = now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(*life).count();
  }
  IssuedKey issued;
  issued.secret = generate_key();
  r.id = generate_key_id();
  r.hash = hash_key(issued.secret);
  r.prefix = display_prefix(issued.secret);
  db.put_key(r);
  db.append_event({now_ms, "key_created", "key:" + r.id, "key '" + r.name + "' created"});
  issued.record = std::move(r);
  return issued;
}

RecordResult revoke_key(store::Store& db, std::string_view id_or_name, std::int64_t now_ms) {
  auto k = db.find_key(id_or_name);
  if (!k) return "no key with id or name '" + std::string(id_or_name) + "'";
  if (k->revoked_ms != 0) {
    return "key '" + k->name + "' was already revoked at " + iso8601(k->revoked_ms);
  }
  k->revoked_ms = now_ms;
  db.put_key(*k);
  db.append_event({now_ms, "key_revoked", "key:" + k->id, "key '" + k->name + "' revoked"});
  return *k;
}

KeyResult rotate_key(store::Store& db, std::string_view id_or_name, std::int64_t now_ms) {
  auto k = db.find_key(id_or_name);
  if (!k) return "no key with id or name '" + std::string(id_or_name) + "'";
  if (k->revoked_ms != 0) return "key '" + k->name + "' is revoked; create a new one";
  IssuedKey issued;
  issued.secret = generate_key();
  k->hash = hash_key(issued.secret);
  k->prefix = display_prefix(issued.secret);
  k->rotated_ms = now_ms;
  db.put_key(*k);
  db.append_event({now_ms, "key_rotated", "key:" + k->id, "key '" + k->name + "' rotated"});
  issued.record = std::move(*k);
  return issued;
}

std::variant<KeyOptions, std::string> key_options_from_json(const boost::json::object& body) {
  KeyOptions o;
  for (const auto& [name, value] : body) {
    const std::string_view n = name;
    auto text = [&](std::string& field) -> std::optional<std::string> {
      if (value.is_string()) {
        field = std::string(value.get_string());
        return std::nullopt;
      }
      if (value.is_array()) {  // ["a", "b"] for list fields
        std::vector<std::string> parts;
        for (const auto& v : value.get_array()) {
          if (!v.is_string()) return std::string(n) + " must be a string or a list of strings";
          parts.emplace_back(v.get_string());
        }
        field = core::join(parts, ",");
        return std::nullopt;
      }
      return std::string(n) + " must be a string";
    };
    auto integer = [&](std::int64_t& field) -> std::optional<std::string> {
      if (!value.is_int64() && !value.is_uint64()) return std::string(n) + " must be a number";
      field = value.to_number<std::int64_t>();
      return std::nullopt;
    };
    std::optional<std::string> err;
    if (n == "name")
      err = text(o.name);
    else if (n == "user")
      err = text(o.user);
    else if (n == "team")
      err = text(o.team);
    else if (n == "project")
      err = text(o.project);
    else if (n == "role")
      err = text(o.role);
    else if (n == "models")
      err = text(o.models);
    else if (n == "budget")
      err = text(o.budget);
    else if (n == "budget_action")
      err = text(o.budget_action);
    else if (n == "expires")
      err = text(o.expires);
    else if (n == "max_reasoning")
      err = text(o.max_reasoning);
    else if (n == "service_tiers")
      err = text(o.service_tiers);
    else if (n == "rpm")
      err = integer(o.rpm);
    else if (n == "tpm")
      err = integer(o.tpm);
    else if (n == "max_output_tokens")
      err = integer(o.max_output_tokens);
    else
      err = "unknown field '" + std::string(n) +
            "' (name, user, team, project, role, models, budget, budget_action, rpm, tpm, expires, "
            "max_reasoning, service_tiers, max_output_tokens)";
    if (err) return *err;
  }
  return o;
}

boost::json::object key_json(const store::KeyRecord& k, std::int64_t now_ms) {
  boost::json::object o;
  o["id"] = k.id;
  o["name"] = k.name;
  o["prefix"] = k.prefix;
  o["status"] = key_status(k, now_ms);
  o["user"] = k.user;
  o["team"] = k.team;
  o["project"] = k.project;
  o["role"] = k.role;
  o["models"] = boost::json::array(k.models.begin(), k.models.end());
  if (k.budget_usd > 0) {
    o["budget"] = {{"usd", k.budget_usd}, {"period", k.budget_period}, {"action", k.budget_action}};
  }
  o["rpm"] = k.rpm;
  o["tpm"] = k.tpm;
  o["max_reasoning"] = k.max_reasoning;
  o["service_tiers"] = boost::json::array(k.service_tiers.begin(), k.service_tiers.end());
  o["max_output_tokens"] = k.max_output_tokens;
  o["created"] = iso8601(k.created_ms);
  o["expires"] = k.expires_ms ? boost::json::value(iso8601(k.expires_ms)) : nullptr;
  o["revoked"] = k.revoked_ms ? boost::json::value(iso8601(k.revoked_ms)) : nullptr;
  o["rotated"] = k.rotated_ms ? boost::json::value(iso8601(k.rotated_ms)) : nullptr;
  return o;
}

}  // namespace sluice::governance
