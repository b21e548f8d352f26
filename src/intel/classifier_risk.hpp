#pragma once
// Risk in [0, 1]: how much a wrong answer to this request could cost. It combines the intent
// probabilities, sensitive zones, the size of the change and, once the code graph exists, the
// blast radius of the touched files, as a noisy-OR: each term alone can raise the risk, none can
// lower another, and the result stays in [0, 1].
//   risk = 1 - (1 - intent) (1 - ws * sensitivity) (1 - wz * size) (1 - wb * blast)

#include <array>
#include <cstdint>
#include <optional>

#include "intel/classifier.hpp"

namespace sluice::intel {

/// What the code graph knows about the touched files (issue 8, item 3); filled by the graph.
struct BlastRadius {
  std::uint32_t dependents = 0;  // transitive reverse dependents, bounded by the lookup
  std::uint32_t fan_in = 0;      // direct dependents of the touched files
  bool sensitive_zone = false;   // a touched file or symbol lies in a configured sensitive zone
};

struct RiskWeights {
  /// The risk of each intent on its own, indexed by Intent; the intent term is their
  /// expectation under the predicted probabilities.
  std::array<double, kIntents> intent{0.02, 0.05, 0.25, 0.25, 0.25, 0.08, 0.85};
  double sensitivity = 0.5;       // an edited file in a sensitive zone
  double mentioned_zone = 0.6;    // fraction of that for a zone this task only names or reads
  double earlier_zone = 0.25;     // fraction for a zone only earlier turns touched
  double size = 0.3;              // the change size term at full scale
  double size_lines = 400;        // lines changed that count as a full-size change
  double blast = 0.4;             // the blast-radius term at full scale
  double blast_dependents = 200;  // dependents that count as a full blast radius
};

struct RiskParts {
  double intent = 0, sensitivity = 0, size = 0, blast = 0;  // each in [0, 1], before weights
  double total = 0;
};

/// The risk of a request and its parts. Sensitivity and size count only in proportion to the
/// probability that the request changes code (a question about auth is not risky).
RiskParts risk_parts(const Prediction& p, const RequestSignals& s,
                     std::optional<BlastRadius> blast = std::nullopt, const RiskWeights& w = {});

/// risk_parts(...).total.
double risk(const Prediction& p, const RequestSignals& s,
            std::optional<BlastRadius> blast = std::nullopt, const RiskWeights& w = {});

}  // namespace sluice::intel
