#pragma once
// RequestSignals -> a sparse vector in the model's hashed feature space. Hashing (FNV-1a, see
// classifier_sensitive.hpp) keeps the model a fixed-size table with no vocabulary to ship; the
// scheme is versioned in the model file so a model trained on other features is refused.

#include <cstdint>
#include <vector>

#include "intel/classifier_sensitive.hpp"
#include "intel/features.hpp"

namespace sluice::intel {

/// Bump when any feature below changes meaning; models carry the version they were trained on.
inline constexpr std::uint32_t kFeatureVersion = 1;

struct Features {
  std::vector<std::uint32_t> index;  // bucket in [0, 2^bits); may repeat
  std::vector<float> value;
  SensitiveHits sensitive;
};

/// The features of one request:
///  - instruction words (lower case, camelCase split): unigrams, bigrams, the opening words,
///    and character 3-5-grams of each word (so a typo still shares most of its grams);
///  - touched paths: their words, extensions, and whether they are tests, docs or edited;
///  - sensitive zones hit by the instruction, touched and edited paths;
///  - structure, bucketed: change size, turns, tool calls and edits, a failing tool, whether it
///    reads as a question, carries a stack trace or a code block, and its length.
/// Each text group is L2-normalised, so long instructions do not shout.
Features featurize(const RequestSignals& signals, const SensitiveTerms& terms, std::uint32_t bits);

}  // namespace sluice::intel
