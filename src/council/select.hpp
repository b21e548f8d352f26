#pragma once
// Which reviewers sit on a council: k of the configured ones, preferring vendors and providers
// that differ from the primary's and from each other (independent models catch each other's
// mistakes; a model reviewing itself mostly agrees with itself), and never the primary's own
// model unless there is no other way to reach k.

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::council {

struct Candidate {
  std::string name;      // as configured (a model, alias or route)
  std::string vendor;    // the provider's wire family ("openai", "anthropic", "gemini")
  std::string provider;  // the configured provider's name
  std::string model;     // the model the provider sees
};

/// Indexes into `candidates`, in the order picked. At most min(k, candidates.size()). Passes,
/// each in configuration order, until k are picked:
///   1. a vendor not yet on the council and not the primary's, and not the primary's model;
///   2. a provider not yet on it and not the primary's, and not the primary's model;
///   3. a provider not yet on it, not the primary's model;
///   4. any other candidate but the primary's model;
///   5. anything left.
std::vector<std::size_t> pick_reviewers(std::span<const Candidate> candidates,
                                        const Candidate& primary, int k);

}  // namespace sluice::council
