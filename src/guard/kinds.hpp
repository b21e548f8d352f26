#pragma once
// The finding kinds the guardrails know, their categories and the actions a config may give
// them. Kind names are stable snake_case ids: they appear in config files, in the ledger and
// audit counts, and in redaction placeholders ("[REDACTED:email]"), so they never change.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace sluice::guard {

enum class Category : std::uint8_t { Pii, Secret, Custom };

/// Built-in kinds. Custom patterns get ids after these (see Guard::kind_name).
enum class Kind : std::uint8_t {
  Email,
  Phone,
  CreditCard,
  Iban,
  UsSsn,
  IpAddress,
  AwsAccessKey,
  GithubToken,
  GitlabToken,
  SlackToken,
  StripeKey,
  OpenaiKey,
  AnthropicKey,
  PrivateKey,
  Jwt,
  GenericSecret,
};
inline constexpr std::size_t kBuiltinKinds = 16;

/// A kind id: a built-in Kind's value, or kBuiltinKinds + the index of a custom pattern.
using KindId = std::uint16_t;
constexpr KindId id_of(Kind k) {
  return static_cast<KindId>(k);
}

/// What happens to text of a kind. Ordered by severity: the strongest action of a request's
/// findings decides the request's fate.
enum class Action : std::uint8_t { Off, Log, Redact, Block };

/// A match in a text: which kind and the byte span [begin, end). Spans stay inside sluice (they
/// drive redaction); only counts per kind leave it.
struct Finding {
  KindId kind = 0;
  std::size_t begin = 0;
  std::size_t end = 0;
};

struct KindInfo {
  Kind kind;
  std::string_view name;
  Category category;
};

inline constexpr std::array<KindInfo, kBuiltinKinds> kKinds{{
    {Kind::Email, "email", Category::Pii},
    {Kind::Phone, "phone", Category::Pii},
    {Kind::CreditCard, "credit_card", Category::Pii},
    {Kind::Iban, "iban", Category::Pii},
    {Kind::UsSsn, "us_ssn", Category::Pii},
    {Kind::IpAddress, "ip_address", Category::Pii},
    {Kind::AwsAccessKey, "aws_access_key", Category::Secret},
    {Kind::GithubToken, "github_token", Category::Secret},
    {Kind::GitlabToken, "gitlab_token", Category::Secret},
    {Kind::SlackToken, "slack_token", Category::Secret},
    {Kind::StripeKey, "stripe_key", Category::Secret},
    {Kind::OpenaiKey, "openai_key", Category::Secret},
    {Kind::AnthropicKey, "anthropic_key", Category::Secret},
    {Kind::PrivateKey, "private_key", Category::Secret},
    {Kind::Jwt, "jwt", Category::Secret},
    {Kind::GenericSecret, "generic_secret", Category::Secret},
}};

constexpr std::string_view kind_name(Kind k) {
  return kKinds[static_cast<std::size_t>(k)].name;
}
constexpr Category category_of(Kind k) {
  return kKinds[static_cast<std::size_t>(k)].category;
}

/// The built-in kind named `name`, if any.
std::optional<Kind> kind_from_name(std::string_view name);

std::string_view to_string(Category c);
std::optional<Category> category_from_name(std::string_view name);

std::string_view to_string(Action a);
std::optional<Action> action_from_name(std::string_view name);

}  // namespace sluice::guard
