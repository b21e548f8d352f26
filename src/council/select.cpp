#include "council/select.hpp"

#include <algorithm>
#include <functional>

namespace sluice::council {

std::vector<std::size_t> pick_reviewers(std::span<const Candidate> candidates,
                                        const Candidate& primary, int k) {
  std::vector<std::size_t> picked;
  const auto want =
      std::min<std::size_t>(static_cast<std::size_t>(std::max(k, 0)), candidates.size());
  auto taken = [&](std::size_t i) {
    return std::find(picked.begin(), picked.end(), i) != picked.end();
  };
  auto used = [&](std::string Candidate::*field, const std::string& value) {
    return std::any_of(picked.begin(), picked.end(),
                       [&](std::size_t i) { return candidates[i].*field == value; });
  };
  // The same model behind another provider or account is still the same model.
  auto same_model = [&](const Candidate& c) { return c.model == primary.model; };
  const std::function<bool(const Candidate&)> passes[] = {
      [&](const Candidate& c) {
        return !same_model(c) && c.vendor != primary.vendor && !used(&Candidate::vendor, c.vendor);
      },
      [&](const Candidate& c) {
        return !same_model(c) && c.provider != primary.provider &&
               !used(&Candidate::provider, c.provider);
      },
      [&](const Candidate& c) { return !same_model(c) && !used(&Candidate::provider, c.provider); },
      [&](const Candidate& c) { return !same_model(c); },
      [](const Candidate&) { return true; },
  };
  for (const auto& pass : passes) {
    for (std::size_t i = 0; i < candidates.size() && picked.size() < want; ++i) {
      if (!taken(i) && pass(candidates[i])) picked.push_back(i);
    }
  }
  return picked;
}

}  // namespace sluice::council
