// Detectors anchored on punctuation: email addresses (around '@') and generic secrets (a
// secret-named key, then '=' or ':', then a random-looking value).
#include <algorithm>
#include <array>
#include <string>

#include "guard/detect_internal.hpp"
#include "guard/validate.hpp"

namespace sluice::guard::detail {
namespace {

constexpr std::size_t kMaxLocalPart = 64;  // RFC 5321
constexpr std::size_t kMaxDomain = 255;
constexpr std::size_t kMaxName = 64;
constexpr std::size_t kMaxValue = 512;
constexpr int kMaxSkip = 4;      // spaces and quotes between a key, '=' and the value
constexpr int kMaxJsonSkip = 8;  // the same when quotes arrive escaped (\")

bool local_char(const Scan& scan, std::size_t pos) {
  const char c = scan.at(pos);
  const bool yes = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  return yes && !scan.escaped(pos);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// RFC 2606 / 6761 names, which no person's mailbox uses.
bool reserved_domain(std::string_view domain) {
  const auto d = lower(domain);
  for (std::string_view tld : {".example", ".test", ".invalid", ".localhost", ".local"}) {
    if (ends_with(d, tld)) return true;
  }
  for (std::string_view host : {"example.com", "example.net", "example.org"}) {
    if (d == host || ends_with(d, "." + std::string(host))) return true;
  }
  return false;
}

}  // namespace

void scan_emails(Scan& scan) {
  if (!scan.on(Kind::Email)) return;
  std::size_t done = 0;
  for_each_bit(scan.classes.row(ByteClasses::At), scan.classes.words(), [&](std::size_t at) {
    if (at < done) return true;
    std::size_t begin = at;
    while (begin > 0 && at - begin <= kMaxLocalPart && local_char(scan, begin - 1)) --begin;
    while (begin < at && scan.text[begin] == '.') ++begin;
    if (begin == at || at - begin > kMaxLocalPart) return true;
    const auto m = scan.match_at(scan.re.email, begin, at + 1 + kMaxDomain);
    if (!m || m->end <= at + 1) return true;
    done = m->end;
    const char next = scan.at(m->end);
    if (scan.alnum(m->end) || next == '-' || next == '_') return true;
    // git@github.com:org/repo is an SSH remote, not a mailbox.
    if (next == ':' && (scan.alnum(m->end + 1) || scan.at(m->end + 1) == '/')) return true;
    if (reserved_domain(scan.text.substr(at + 1, m->end - at - 1))) return true;
    scan.add(Kind::Email, m->begin, m->end);
    return !scan.stopped();
  });
}

namespace {

/// Bytes a secret value may contain: printable ASCII except whitespace, quotes, brackets and
/// the separators that end a value in code and config (, ; \).
constexpr std::array<bool, 256> kValueChars = [] {
  std::array<bool, 256> t{};
  for (int c = 0x21; c < 0x7f; ++c) t[static_cast<std::size_t>(c)] = true;
  for (unsigned char c : std::string_view("\"'`,;()[]{}<>\\")) t[c] = false;
  return t;
}();

bool value_char(const Scan& scan, std::size_t pos) {
  return kValueChars[static_cast<unsigned char>(scan.at(pos))] && !scan.escaped(pos);
}

bool name_char(const Scan& scan, std::size_t pos) {
  const char c = scan.at(pos);
  return (scan.alnum(pos) || c == '_' || c == '-' || c == '.') && !scan.escaped(pos);
}

/// Spaces and quotes around the '=': "key = 'v'", "\"key\": \"v\"", "key => v".
inline bool skippable(const Scan& scan, std::size_t pos) {
  const char c = scan.at(pos);
  if (c == ' ' || c == '\t' || c == '"' || c == '\'' || c == '`') return true;
  return scan.json && (c == '\\' || scan.escaped(pos));
}

bool placeholder(std::string_view value) {
  if (value.front() == '$' || value.front() == '%') return true;  // ${ENV}, $ENV, %(name)s
  const auto v = lower(value);
  for (std::string_view word : {"example", "placeholder", "changeme", "change_me", "your", "xxxx",
                                "****", "redacted", "dummy", "sample", "${", "{{", "://"}) {
    if (v.find(word) != std::string::npos) return true;
  }
  return false;
}

/// A value worth calling a secret: long, random, with a letter and a digit or symbol.
bool secret_value(std::string_view v, const DetectorSettings& settings) {
  if (v.size() < settings.generic_min_length || placeholder(v)) return false;
  bool letter = false, other = false;
  for (char c : v) {
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    letter = letter || alpha;
    other = other || (!alpha && c != '_' && c != '-' && c != '.');
  }
  return letter && other && shannon_entropy(v) >= settings.generic_min_entropy;
}

/// The last three letters of every secret word (key, secret, token, password, passwd, pwd,
/// passphrase, credential, credentials): a cheap test that rules out most assignments before
/// the name's pattern runs.
inline bool secret_word_end(std::string_view text, std::size_t end) {
  if (end < 3) return false;
  // Three bytes, letters folded to lower case (| 0x20 turns no other byte into a letter).
  const auto byte = [&](std::size_t i) {
    return static_cast<std::uint32_t>(static_cast<unsigned char>(text[end - i])) | 0x20U;
  };
  const std::uint32_t tail = byte(3) << 16 | byte(2) << 8 | byte(1);
  constexpr auto word = [](const char(&w)[4]) {
    return static_cast<std::uint32_t>(w[0]) << 16 | static_cast<std::uint32_t>(w[1]) << 8 |
           static_cast<std::uint32_t>(w[2]);
  };
  switch (tail) {
    case word("key"):
    case word("ret"):
    case word("ken"):
    case word("ord"):
    case word("swd"):
    case word("pwd"):
    case word("ase"):
    case word("ial"):
    case word("als"):
      return true;
    default:
      return false;
  }
}

void check_assignment(Scan& scan, std::size_t pos) {
  const auto& text = scan.text;
  const char op = text[pos];
  const char next = scan.at(pos + 1);
  const char prev = scan.at(pos - 1);
  if (next == '=' || next == ':') return;  // ==, ::, and the ':' of := (its '=' is checked)
  if (op == '=' && (prev == '=' || prev == '!' || prev == '<' || prev == '>')) return;
  if (op == ':' && prev == ':') return;
  const int max_skip = scan.json ? kMaxJsonSkip : kMaxSkip;

  // The key's name, ending just before the operator (Go's := and quotes skipped).
  std::size_t name_end = pos;
  if (op == '=' && prev == ':') --name_end;
  for (int k = 0; k < max_skip && name_end > 0 && skippable(scan, name_end - 1); ++k) --name_end;
  if (!secret_word_end(text, name_end)) return;

  // The value, after the operator (an arrow's '>' and quotes skipped).
  std::size_t value = pos + 1;
  if (op == '=' && next == '>') ++value;
  for (int k = 0; k < max_skip && value < text.size() && skippable(scan, value); ++k) ++value;
  std::size_t value_end = value;
  while (value_end < text.size() && value_end - value < kMaxValue && value_char(scan, value_end)) {
    ++value_end;
  }
  if (value_end - value < scan.settings.generic_min_length) return;

  std::size_t name = name_end;
  while (name > 0 && name_end - name < kMaxName && name_char(scan, name - 1)) --name;
  if (name == name_end || !scan.full(scan.re.secret_name, name, name_end)) return;

  if (scan.at(value_end) == '(') return;  // get_token(), a call
  if (!secret_value(text.substr(value, value_end - value), scan.settings)) return;
  if (scan.full(scan.re.code_name, value, value_end)) return;
  scan.add(Kind::GenericSecret, value, value_end);
}

}  // namespace

void scan_generic_secrets(Scan& scan) {
  const std::uint64_t* op = scan.classes.row(ByteClasses::Assign);
  for (std::size_t w = 0; w < scan.classes.words() && !scan.stopped(); ++w) {
    // An operator followed by another ("::", "==", the ':' of ":=") is never the one to check.
    std::uint64_t cand = op[w] & ~((op[w] >> 1) | (op[w + 1] << 63));
    for (; cand != 0 && !scan.stopped(); cand &= cand - 1) {
      check_assignment(scan, w * 64 + static_cast<std::size_t>(__builtin_ctzll(cand)));
    }
  }
}

}  // namespace sluice::guard::detail
