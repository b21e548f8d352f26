// The detector set: patterns compiled once, and the scan that runs each family over the byte
// classes of a text.
#include "guard/detectors.hpp"

#include "guard/detect_internal.hpp"

namespace sluice::guard {
namespace {

RE2::Options options() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

// RE2 bounds every {n,m} at 1000; longer tokens are bounded by the window they are matched in.
constexpr const char* kAws = R"((?:AKIA|ASIA)[A-Z0-9]{16})";
constexpr const char* kGithub = R"(gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{22,244})";
constexpr const char* kGitlab = R"(glpat-[A-Za-z0-9_-]{20,64})";
constexpr const char* kSlack = R"(xox[abposr]-[A-Za-z0-9-]{10,250})";
constexpr const char* kStripe = R"((?:sk|rk)_live_[A-Za-z0-9]{16,247}|sk_test_[A-Za-z0-9]{16,247})";
constexpr const char* kOpenai = R"(sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,400})";
constexpr const char* kAnthropic = R"(sk-ant-[A-Za-z0-9_-]{32,400})";
constexpr const char* kJwt = R"(eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})";
constexpr const char* kKeyHeader = R"(-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----)";
constexpr const char* kKeyEnd = R"(-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----)";

constexpr const char* kEmail =
    R"([A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)"
    R"((?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)*\.[A-Za-z]{2,24})";
constexpr const char* kSsn = R"(\d{3}-\d{2}-\d{4})";
constexpr const char* kCard =
    R"(\d{4}-\d{4}-\d{4}-\d{4}(?:-\d{1,3})?|\d{4} \d{4} \d{4} \d{4}(?: \d{1,3})?)"
    R"(|\d{4}[ -]\d{6}[ -]\d{4,5}|\d{13,19})";
constexpr const char* kNanp = R"((?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4})";
constexpr const char* kIntlPhone = R"(\+[1-9]\d{0,3}(?:[ .-]?\(?\d{1,5}\)?){1,6})";
constexpr const char* kIban = R"([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?)";
constexpr const char* kIpv4 =
    R"((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})";

constexpr const char* kSecretName =
    R"((?i)[a-z0-9_.-]*(?:api[_.-]?key|access[_.-]?key|secret[_.-]?key|private[_.-]?key)"
    R"(|signing[_.-]?key|encryption[_.-]?key|master[_.-]?key|secret|token|passw(?:or)?d|pwd)"
    R"(|passphrase|credentials?))";
// Words joined by . _ - with at most two trailing digits (and Ruby's ! or ?): a constant, an
// attribute or a method name (DEFAULT_PASSWORD_V2, settings.db.password, user.issue_token!).
constexpr const char* kCodeName = R"([A-Za-z_$]+(?:[._-][A-Za-z_]+)*(?:[._-]?\d{1,2})?[!?]?)";

struct Scratch {
  ByteClasses classes;
  std::vector<Finding> findings;
};

// A thread keeps the bitmaps of its largest text up to this size (nine bits per byte of text:
// 2 MiB covers a 1.8 MB body); larger ones are freed after the scan, so one huge body does not
// pin memory for good.
constexpr std::size_t kKeepScratchBytes = 2 << 20;

Scratch& scratch() {
  // Scans are synchronous (no co_await inside), so one scratch per thread is never shared.
  thread_local Scratch s;
  return s;
}

void trim(Scratch& s) {
  if (s.classes.capacity_bytes() > kKeepScratchBytes) s.classes.release();
}

void run_families(detail::Scan& scan) {
  detail::scan_tokens(scan);
  if (!scan.stopped()) detail::scan_emails(scan);
  if (!scan.stopped()) detail::scan_numbers(scan);
  if (!scan.stopped() && scan.on(Kind::GenericSecret)) detail::scan_generic_secrets(scan);
}

}  // namespace

Detectors::Patterns::Patterns()
    : aws(kAws, options()),
      github(kGithub, options()),
      gitlab(kGitlab, options()),
      slack(kSlack, options()),
      stripe(kStripe, options()),
      openai(kOpenai, options()),
      anthropic(kAnthropic, options()),
      jwt(kJwt, options()),
      key_header(kKeyHeader, options()),
      key_end(kKeyEnd, options()),
      email(kEmail, options()),
      ssn(kSsn, options()),
      card(kCard, options()),
      nanp(kNanp, options()),
      intl_phone(kIntlPhone, options()),
      iban(kIban, options()),
      ipv4(kIpv4, options()),
      secret_name(kSecretName, options()),
      code_name(kCodeName, options()) {}

Detectors::Detectors() : patterns_(std::make_unique<const Patterns>()) {}
Detectors::~Detectors() = default;

const Detectors& Detectors::instance() {
  static const Detectors detectors;
  return detectors;
}

void Detectors::scan(std::string_view text, const DetectorSettings& settings,
                     std::vector<Finding>& out) const {
  if (text.empty() || settings.enabled.none()) return;
  auto& s = scratch();
  s.classes.build(text, false);
  detail::Scan scan(text, s.classes, settings, *patterns_, false, out);
  run_families(scan);
  trim(s);
}

bool Detectors::json_may_match(std::string_view body, const DetectorSettings& settings) const {
  if (body.empty() || settings.enabled.none()) return false;
  auto& s = scratch();
  s.classes.build(body, true);
  bool found = s.classes.ascii_escape();
  if (!found) {
    s.findings.clear();
    detail::Scan scan(body, s.classes, settings, *patterns_, true, s.findings);
    run_families(scan);
    found = !s.findings.empty();
  }
  trim(s);
  return found;
}

namespace detail {

std::optional<Span> Scan::search(const RE2& pattern, std::size_t from, std::size_t to,
                                 RE2::Anchor anchor) const {
  to = std::min(to, text.size());
  if (from >= to) return std::nullopt;
  re2::StringPiece m;
  if (!pattern.Match(re2::StringPiece(text.data(), text.size()), from, to, anchor, &m, 1)) {
    return std::nullopt;
  }
  const auto begin = static_cast<std::size_t>(m.data() - text.data());
  return Span{begin, begin + m.size()};
}

bool Scan::full(const RE2& pattern, std::size_t begin, std::size_t end) const {
  end = std::min(end, text.size());
  if (begin >= end) return false;
  return pattern.Match(re2::StringPiece(text.data(), text.size()), begin, end, RE2::ANCHOR_BOTH,
                       nullptr, 0);
}

}  // namespace detail
}  // namespace sluice::guard
