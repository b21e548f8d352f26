#include "intel/classifier_risk.hpp"

#include <algorithm>
#include <cmath>

namespace sluice::intel {
namespace {

// log-scaled: the step from 1 to 20 lines matters more than from 300 to 320.
double log_scale(double x, double full) {
  return full <= 0 ? 0.0 : std::clamp(std::log1p(x) / std::log1p(full), 0.0, 1.0);
}

}  // namespace

RiskParts risk_parts(const Prediction& p, const RequestSignals& s, std::optional<BlastRadius> blast,
                     const RiskWeights& w) {
  RiskParts r;
  for (std::size_t c = 0; c < kIntents; ++c) r.intent += p.probabilities[c] * w.intent[c];
  // A question changes nothing; a cosmetic edit changes little.
  const double changes = std::clamp(
      1.0 - p.probability(Intent::Chat) - 0.5 * p.probability(Intent::TrivialEdit), 0.0, 1.0);
  double zone = 0;
  if (p.sensitive.edited != 0 || (blast && blast->sensitive_zone)) {
    zone = 1.0;
  } else if ((p.sensitive.task() | p.sensitive.tests) != 0) {
    zone = w.mentioned_zone;
  } else if (p.sensitive.earlier != 0) {
    zone = w.earlier_zone;
  }
  r.sensitivity = zone * changes;
  r.size = log_scale(s.change_lines, w.size_lines) * changes;
  if (blast) r.blast = log_scale(blast->dependents, w.blast_dependents) * changes;
  r.total = 1.0 - (1.0 - std::clamp(r.intent, 0.0, 1.0)) * (1.0 - w.sensitivity * r.sensitivity) *
                      (1.0 - w.size * r.size) * (1.0 - w.blast * r.blast);
  r.total = std::clamp(r.total, 0.0, 1.0);
  return r;
}

double risk(const Prediction& p, const RequestSignals& s, std::optional<BlastRadius> blast,
            const RiskWeights& w) {
  return risk_parts(p, s, blast, w).total;
}

}  // namespace sluice::intel
