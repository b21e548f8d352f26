#pragma once
// A reviewer's verdict, read tolerantly from what a model actually writes (a JSON object,
// perhaps in a code fence, perhaps with prose around it), and the council's decision from the
// verdicts of its reviewers.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "council/settings.hpp"

namespace sluice::council {

/// Unparseable: the reviewer answered, but no verdict could be read; it counts as concerns.
enum class Verdict { Approve, Concerns, Reject, Unparseable };

struct ParsedVerdict {
  Verdict verdict = Verdict::Unparseable;
  std::vector<std::string> reasons;  // at most kMaxReasons, each at most kMaxReasonBytes
};

inline constexpr std::size_t kMaxReasons = 8;
inline constexpr std::size_t kMaxReasonBytes = 500;

/// Reads the first JSON object in `text` that has a "verdict" string naming a verdict
/// (approve/approved/pass, concerns/concern, reject/rejected/block; any case). Its "reasons"
/// may be a list of strings or one string. Anything else is Unparseable.
ParsedVerdict parse_verdict(std::string_view text);

/// The council's decision. None: no reviewer gave a verdict (every call failed or timed out).
enum class Decision { Approve, Concerns, Reject, None };

/// Rejects needed to reject: Any one, Majority more than half of the verdicts, Unanimous all
/// of them. A council that does not reject decides Concerns when any verdict is not Approve.
/// Unparseable verdicts count as Concerns; an empty `votes` decides None.
Decision decide(std::span<const Verdict> votes, Rule rule);

std::string_view to_string(Verdict v);
std::string_view to_string(Decision d);

}  // namespace sluice::council
