#include "intel/classifier_sensitive.hpp"

#include <algorithm>
#include <array>

#include "intel/features_text.hpp"

namespace sluice::intel {
namespace {

constexpr std::uint64_t pair_hash(std::string_view a, std::string_view b) {
  return fnv1a(b, fnv1a(" ", fnv1a(a)));
}

// "sessions" -> "session", "keys" -> "key"; three-letter words keep their s ("dns", "aws").
std::string_view singular(std::string_view w) {
  return w.size() > 3 && w.back() == 's' && w[w.size() - 2] != 's' ? w.substr(0, w.size() - 1) : w;
}

// Shorter words have ordinary words one letter away ("login" ~ "logic", "payout" ~ "layout",
// "charge" ~ "change", "vault" ~ "fault"); from seven letters on, few do, and those are listed.
constexpr std::size_t kMinFuzzy = 7;
constexpr std::array<std::string_view, 4> kNotTypos{"filling", "willing", "killing", "milling"};

// Calls f with the hash of `w` minus each one of its letters (SymSpell's symmetric deletions:
// two words within one edit share a deletion, or one is a deletion of the other).
template <class F>
void for_each_deletion(std::string_view w, F&& f) {
  for (std::size_t i = 0; i < w.size(); ++i) {
    if (i > 0 && w[i] == w[i - 1]) continue;  // same string as the previous deletion
    f(fnv1a(w.substr(i + 1), fnv1a(w.substr(0, i))));
  }
}

}  // namespace

void FlagTable::add(std::uint64_t key, std::uint8_t flags) {
  if (flags == 0) return;
  if ((used_ + 1) * 2 > slots_.size()) grow();  // at most half full: probes stay short
  for (std::size_t i = mix(key) & mask_;; i = (i + 1) & mask_) {
    if (slots_[i].flags == 0) {
      slots_[i] = {key, flags};
      ++used_;
      return;
    }
    if (slots_[i].key == key) {
      slots_[i].flags |= flags;
      return;
    }
  }
}

void FlagTable::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(std::max<std::size_t>(64, old.size() * 2), Slot{});
  mask_ = slots_.size() - 1;
  used_ = 0;
  for (const auto& s : old) {
    if (s.flags != 0) add(s.key, s.flags);
  }
}

std::string_view zone_name(Zone z) {
  switch (z) {
    case Zone::Auth:
      return "auth";
    case Zone::Payments:
      return "payments";
    case Zone::Crypto:
      return "crypto";
    case Zone::Secrets:
      return "secrets";
    case Zone::Data:
      return "data";
    case Zone::Infra:
      return "infra";
  }
  return "auth";
}

std::vector<SensitiveTerm> SensitiveTerms::default_terms() {
  std::vector<SensitiveTerm> terms;
  auto add = [&](Zone z, std::initializer_list<std::string_view> words) {
    for (auto w : words) terms.push_back({std::string(w), z});
  };
  add(Zone::Auth, {"auth",
                   "authn",
                   "authz",
                   "authentication",
                   "authorization",
                   "authorize",
                   "login",
                   "logout",
                   "signin",
                   "sign in",
                   "session",
                   "password",
                   "passwd",
                   "oauth",
                   "oauth2",
                   "jwt",
                   "sso",
                   "saml",
                   "oidc",
                   "openid",
                   "mfa",
                   "2fa",
                   "totp",
                   "rbac",
                   "acl",
                   "permission",
                   "credential",
                   "csrf",
                   "access token",
                   "refresh token",
                   "bearer token",
                   "api token",
                   "session cookie",
                   "access control",
                   "admin",
                   "passkey",
                   "webauthn",
                   "idor",
                   "privilege",
                   "impersonate",
                   "impersonation",
                   "role",
                   "backdoor",
                   "ownership",
                   "authenticate",
                   "authenticated",
                   "log in",
                   "logged in",
                   "cors"});
  add(Zone::Payments, {"payment",     "billing",        "invoice",
                       "stripe",      "checkout",       "refund",
                       "payout",      "subscription",   "paypal",
                       "braintree",   "adyen",          "credit card",
                       "card number", "chargeback",     "charge",
                       "charged",     "bill",           "coupon",
                       "purchase",    "credit",         "proration",
                       "prorate",     "prorated",       "vat",
                       "tax",         "payment intent", "spending limit",
                       "free trial",  "account credit", "currency",
                       "payroll"});
  add(Zone::Crypto,
      {"crypto",    "cryptography", "encrypt",    "encrypted", "encryption", "decrypt",
       "decrypted", "decryption",   "cipher",     "aes",       "rsa",        "hmac",
       "tls",       "certificate",  "bcrypt",     "argon2",    "scrypt",     "pbkdf2",
       "kms",       "hsm",          "signing key"});
  add(Zone::Secrets,
      {"secret", "api key", "private key", "key management", "key rotation", "rotate key", "vault",
       "keystore", "keychain", "access key", "encryption key", "deploy key", "ssh key",
       "master key", "leaked", "compromised", "slack token", "github token"});
  add(Zone::Data, {"migration",
                   "schema",
                   "drop table",
                   "drop column",
                   "drop database",
                   "alter table",
                   "truncate table",
                   "delete data",
                   "delete user",
                   "delete account",
                   "delete record",
                   "delete customer",
                   "delete row",
                   "remove user",
                   "wipe data",
                   "purge",
                   "gdpr",
                   "backfill",
                   "retention",
                   "pii",
                   "anonymize",
                   "anonymise",
                   "remove column",
                   "rename column",
                   "add column",
                   "split table",
                   "foreign key",
                   "primary key",
                   "unique index",
                   "salary",
                   "ssn",
                   "hard delete",
                   "bulk delete",
                   "production data",
                   "customer data",
                   "user data"});
  add(Zone::Infra, {"terraform", "k8s", "kubernetes", "helm", "iam", "security group", "firewall",
                    "dns", "kubectl", "cloudformation", "pulumi", "ansible", "vpc", "bucket policy",
                    "failover", "fail over", "replica", "cdn", "autoscaling"});
  // Production counts as infrastructure next to infrastructure words: "production logs are full
  // of errors" is a bug report, "scale the production deployment" is not.
  for (std::string_view prod : {"prod", "production"}) {
    for (std::string_view thing :
         {"database", "db",     "cluster", "deploy",  "deployment",     "environment",
          "env",      "server", "traffic", "infra",   "infrastructure", "data",
          "bucket",   "config", "secret",  "k8s",     "instance",       "rds",
          "nginx",    "region", "account", "replica", "pipeline",       "workflow",
          "site",     "access", "release", "rollout", "node",           "queue"}) {
      terms.push_back({std::string(prod) + " " + std::string(thing), Zone::Infra});
      terms.push_back({std::string(thing) + " " + std::string(prod), Zone::Infra});
    }
  }
  return terms;
}

const SensitiveTerms& SensitiveTerms::defaults() {
  static const SensitiveTerms terms(default_terms());
  return terms;
}

SensitiveTerms::SensitiveTerms(const std::vector<SensitiveTerm>& terms) {
  for (const auto& t : terms) {
    const auto space = t.text.find(' ');
    const auto bit = zone_bit(t.zone);
    if (space == std::string::npos) {
      const auto word = singular(t.text);
      singles_.add(fnv1a(word), bit);
      if (word.size() >= kMinFuzzy) {
        for_each_deletion(word, [&](std::uint64_t h) { deletes_.add(h, bit); });
      }
    } else {
      const std::string_view text(t.text);
      pairs_.add(pair_hash(singular(text.substr(0, space)), singular(text.substr(space + 1))), bit);
    }
  }
}

ZoneMask SensitiveTerms::match(std::span<const std::string_view> words) const {
  ZoneMask mask = 0;
  // A pair may have a few words between its halves: "drop the unused backup table", "delete
  // all inactive users".
  constexpr std::size_t kWindow = 5;
  std::array<std::string_view, kWindow> recent{};
  std::size_t n = 0;
  for (const auto w : words) {
    const auto s = singular(w);
    if (const auto m = singles_.find(fnv1a(s)); m != 0) {
      mask |= m;
    } else if (n < kFuzzyWords && s.size() >= kMinFuzzy &&
               std::find(kNotTypos.begin(), kNotTypos.end(), s) == kNotTypos.end()) {
      mask |= fuzzy(s);
    }
    for (std::size_t k = 0; k < std::min(n, kWindow); ++k) {
      mask |= pairs_.find(pair_hash(recent[(n - 1 - k) % kWindow], s));
    }
    recent[n % kWindow] = s;
    ++n;
  }
  return mask;
}

ZoneMask SensitiveTerms::fuzzy(std::string_view word) const {
  ZoneMask mask = 0;
  // The word itself may be a term minus a letter, or share a deletion with one.
  mask |= deletes_.find(fnv1a(word));
  for_each_deletion(word, [&](std::uint64_t h) { mask |= deletes_.find(h) | singles_.find(h); });
  return mask;
}

ZoneMask SensitiveTerms::match_path(std::string_view path) const {
  std::string storage;
  return match_words_of_path(path, words_of(path, storage));
}

ZoneMask SensitiveTerms::match_words_of_path(std::string_view path,
                                             std::span<const std::string_view> words) const {
  ZoneMask mask = match(words);
  const auto slash = path.rfind('/');
  const auto name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (name.starts_with(".env")) mask |= zone_bit(Zone::Secrets);
  // In a path, prod alone is enough: values-prod.yaml, application-production.yml.
  if (std::any_of(words.begin(), words.end(),
                  [](auto w) { return w == "prod" || w == "production"; })) {
    mask |= zone_bit(Zone::Infra);
  }
  return mask;
}

}  // namespace sluice::intel
