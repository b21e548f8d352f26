#include "council/verdict.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

#include "core/text.hpp"

namespace sluice::council {
namespace {

std::optional<Verdict> verdict_word(std::string_view w) {
  std::string v;
  for (char c : w) {
    if (!std::isspace(static_cast<unsigned char>(c))) {
      v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  if (v == "approve" || v == "approved" || v == "pass" || v == "ok") return Verdict::Approve;
  if (v == "concerns" || v == "concern") return Verdict::Concerns;
  if (v == "reject" || v == "rejected" || v == "block") return Verdict::Reject;
  return std::nullopt;
}

/// The end of the JSON object starting at `text[open]` ('{'): the index after its matching
/// '}', minding strings and escapes; npos if it never closes.
std::size_t object_end(std::string_view text, std::size_t open) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{') {
      ++depth;
    } else if (c == '}' && --depth == 0) {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

std::string clip(std::string_view s) {
  s = core::trim(s);
  if (s.size() <= kMaxReasonBytes) return std::string(s);
  // Never cut inside a UTF-8 sequence.
  std::size_t n = kMaxReasonBytes;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

std::optional<ParsedVerdict> from_object(const boost::json::object& o) {
  const auto* v = o.if_contains("verdict");
  if (!v || !v->is_string()) return std::nullopt;
  auto verdict = verdict_word(v->as_string());
  if (!verdict) return std::nullopt;
  ParsedVerdict out;
  out.verdict = *verdict;
  if (const auto* r = o.if_contains("reasons")) {
    if (r->is_string()) {
      out.reasons.push_back(clip(r->as_string()));
    } else if (r->is_array()) {
      for (const auto& item : r->as_array()) {
        if (out.reasons.size() == kMaxReasons) break;
        if (item.is_string()) out.reasons.push_back(clip(item.as_string()));
      }
    }
  }
  std::erase_if(out.reasons, [](const std::string& s) { return s.empty(); });
  return out;
}

}  // namespace

ParsedVerdict parse_verdict(std::string_view text) {
  // Every '{' is a possible start: prose may hold braces before the verdict, and a fence's
  // language tag or backticks around the object do not matter once the object is cut out.
  for (std::size_t open = text.find('{'); open != std::string_view::npos;
       open = text.find('{', open + 1)) {
    const auto end = object_end(text, open);
    if (end == std::string_view::npos) break;
    boost::system::error_code ec;
    auto v = boost::json::parse(text.substr(open, end - open), ec);
    if (ec || !v.is_object()) continue;
    if (auto p = from_object(v.as_object())) return *p;
  }
  return {};
}

Decision decide(std::span<const Verdict> votes, Rule rule) {
  if (votes.empty()) return Decision::None;
  const auto rejects =
      static_cast<std::size_t>(std::count(votes.begin(), votes.end(), Verdict::Reject));
  bool rejected = false;
  switch (rule) {
    case Rule::Any:
      rejected = rejects >= 1;
      break;
    case Rule::Unanimous:
      rejected = rejects == votes.size();
      break;
    case Rule::Majority:
      rejected = rejects * 2 > votes.size();
      break;
  }
  if (rejected) return Decision::Reject;
  const bool all_approve =
      std::all_of(votes.begin(), votes.end(), [](Verdict v) { return v == Verdict::Approve; });
  return all_approve ? Decision::Approve : Decision::Concerns;
}

std::string_view to_string(Verdict v) {
  switch (v) {
    case Verdict::Approve:
      return "approve";
    case Verdict::Concerns:
      return "concerns";
    case Verdict::Reject:
      return "reject";
    default:
      return "unparseable";
  }
}

std::string_view to_string(Decision d) {
  switch (d) {
    case Decision::Approve:
      return "approve";
    case Decision::Concerns:
      return "concerns";
    case Decision::Reject:
      return "reject";
    default:
      return "none";
  }
}

}  // namespace sluice::council
