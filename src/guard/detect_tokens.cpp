// Secrets with a literal prefix: provider tokens, JWTs and private-key headers. Every one begins
// a run of at least 10 token characters ([A-Za-z0-9_-]), so only such run starts are checked,
// by their first bytes, before any pattern runs.
#include <cstring>

#include "guard/detect_internal.hpp"
#include "guard/validate.hpp"

namespace sluice::guard::detail {
namespace {

constexpr unsigned kMinRun = 10;              // "-----BEGIN"; every token pattern is longer
constexpr std::size_t kTokenWindow = 512;     // longest provider token we match
constexpr std::size_t kJwtWindow = 16384;     // JWTs carry claims; a few KB is common
constexpr std::size_t kKeyBodyLimit = 16384;  // a 4096-bit RSA key in PEM is about 3.3 KB

/// Byte by byte: these prefixes are a few bytes, and a library compare costs a call each.
template <std::size_t N>
bool starts_with(std::string_view text, std::size_t pos, const char (&prefix)[N]) {
  constexpr std::size_t kLen = N - 1;
  if (text.size() - pos < kLen) return false;
  for (std::size_t i = 0; i < kLen; ++i) {
    if (text[pos + i] != prefix[i]) return false;
  }
  return true;
}

/// A token's random part must mix character classes: real keys are random base62, while
/// "sk-spinner-rotating-plane" (a CSS class) is words.
bool random_looking(std::string_view body) {
  return alnum_classes(body) >= 2;
}

/// Matches `pattern` at `pos`; on success with a proper end (no letter or digit right after),
/// records the finding. `prefix_len` bytes are the literal prefix left out of the randomness
/// check; -1 skips that check.
bool try_token(Scan& scan, Kind kind, const RE2& pattern, std::size_t pos, std::size_t limit,
               int prefix_len) {
  if (!scan.on(kind)) return false;
  const auto m = scan.match_at(pattern, pos, limit);
  if (!m || scan.alnum(m->end)) return false;
  if (prefix_len >= 0) {
    const auto body = scan.text.substr(m->begin + static_cast<std::size_t>(prefix_len),
                                       m->end - m->begin - static_cast<std::size_t>(prefix_len));
    if (!random_looking(body)) return false;
  }
  scan.add(kind, m->begin, m->end);
  return true;
}

/// A private key's span: its header through the END line, or through the base64 body that
/// follows when there is no END line in reach (a truncated paste is still a key).
void private_key(Scan& scan, std::size_t pos) {
  if (!scan.on(Kind::PrivateKey)) return;
  const auto header = scan.match_at(scan.re.key_header, pos, pos + 128);
  if (!header) return;
  std::size_t end = header->end;
  if (!scan.json) {
    if (const auto tail = scan.find(scan.re.key_end, header->end, header->end + kKeyBodyLimit)) {
      end = tail->end;
    } else {
      const auto body_char = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::strchr("+/=\r\n\t :,-\\", c) != nullptr;
      };
      const auto limit = std::min(scan.text.size(), header->end + kKeyBodyLimit);
      while (end < limit && scan.text[end] != '\0' && body_char(scan.text[end])) ++end;
    }
  }
  scan.add(Kind::PrivateKey, header->begin, end);
}

void check_run(Scan& scan, std::size_t pos) {
  const auto& text = scan.text;
  const auto& re = scan.re;
  const std::size_t tokens = pos + kTokenWindow;
  switch (text[pos]) {
    case 'A':
      if (starts_with(text, pos, "AKIA") || starts_with(text, pos, "ASIA")) {
        if (!scan.on(Kind::AwsAccessKey)) return;
        const auto m = scan.match_at(re.aws, pos, tokens);
        // AWS documentation's keys end in EXAMPLE; they are placeholders, not credentials.
        if (!m || scan.alnum(m->end) || text.compare(m->end - 7, 7, "EXAMPLE") == 0) return;
        scan.add(Kind::AwsAccessKey, m->begin, m->end);
      }
      return;
    case 'g':
      if (starts_with(text, pos, "gh") || starts_with(text, pos, "github_pat_")) {
        try_token(scan, Kind::GithubToken, re.github, pos, tokens, 4);
      } else if (starts_with(text, pos, "glpat-")) {
        try_token(scan, Kind::GitlabToken, re.gitlab, pos, tokens, 6);
      }
      return;
    case 'x':
      if (starts_with(text, pos, "xox"))
        try_token(scan, Kind::SlackToken, re.slack, pos, tokens, -1);
      return;
    case 'r':
    case 's':
      if (starts_with(text, pos + 1, "k_live_") || starts_with(text, pos, "sk_test_")) {
        try_token(scan, Kind::StripeKey, re.stripe, pos, tokens, 8);
      } else if (starts_with(text, pos, "sk-ant-")) {
        try_token(scan, Kind::AnthropicKey, re.anthropic, pos, tokens, 7);
      } else if (starts_with(text, pos, "sk-")) {
        try_token(scan, Kind::OpenaiKey, re.openai, pos, tokens, 3);
      }
      return;
    case 'e':
      if (starts_with(text, pos, "eyJ")) {
        try_token(scan, Kind::Jwt, re.jwt, pos, pos + kJwtWindow, -1);
      }
      return;
    case '-':
      if (starts_with(text, pos, "-----BEGIN ")) private_key(scan, pos);
      return;
    default:
      return;
  }
}

}  // namespace

void scan_tokens(Scan& scan) {
  const auto n = scan.classes.words();
  const std::uint64_t* word = scan.classes.row(ByteClasses::Word);
  for (std::size_t w = 0; w < n && !scan.stopped(); ++w) {
    std::uint64_t starts = run_starts(word, w);
    if (starts != 0) starts &= runs_at_least<kMinRun>(word, w);
    for (; starts != 0 && !scan.stopped(); starts &= starts - 1) {
      const std::size_t pos = w * 64 + static_cast<std::size_t>(__builtin_ctzll(starts));
      check_run(scan, pos);
    }
  }
}

}  // namespace sluice::guard::detail
