#pragma once
// The intent classifier: multinomial logistic regression over hashed features
// (classifier_features.hpp). A Model is immutable once loaded and safe to share between event
// loops; predict() allocates a few small buffers and takes a few microseconds.
//
// Weights file (data/intel/model.bin), little-endian:
//   "SLINTENT" | u32 format version (1) | u32 feature version | u32 hash bits | u32 classes (7)
//   | per class: u8 name length, name | f32 high-stakes threshold | f32 bias x classes | u32 rows
//   | rows x (u32 bucket, f32 weight x classes) | u32 FNV-1a-32 of everything before it
// Only non-zero rows are stored, so a file is a few hundred KB however large the table.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "intel/classifier_features.hpp"
#include "intel/features.hpp"

namespace sluice::intel {

enum class Intent : std::uint8_t { Chat, TrivialEdit, Feature, Refactor, Debug, Test, HighStakes };
inline constexpr std::size_t kIntents = 7;

/// "chat", "trivial_edit", "feature", "refactor", "debug", "test", "high_stakes".
std::string_view intent_name(Intent i);
std::optional<Intent> intent_from_name(std::string_view name);

using Probabilities = std::array<float, kIntents>;

struct Prediction {
  Intent intent = Intent::Chat;
  Probabilities probabilities{};  // sums to 1, indexed by Intent
  SensitiveHits sensitive;        // what the risk score reads
  float probability(Intent i) const { return probabilities[static_cast<std::size_t>(i)]; }
};

class Model {
 public:
  static constexpr std::uint32_t kDefaultBits = 18;
  static constexpr std::size_t kStride = 8;  // floats per row: 7 classes, padded to 32 bytes

  /// An all-zero model over 2^bits buckets (bits in [10, 24]).
  explicit Model(std::uint32_t bits = kDefaultBits);

  /// Reads a weights file; the error says what is wrong with it.
  static std::variant<Model, std::string> load(const std::string& path);
  static std::variant<Model, std::string> from_bytes(std::string_view bytes);
  std::string to_bytes() const;
  /// Writes the weights file (atomically: a temporary file renamed); an error message or none.
  std::optional<std::string> save(const std::string& path) const;

  Prediction predict(const RequestSignals& signals,
                     const SensitiveTerms& terms = SensitiveTerms::defaults()) const;
  /// Class probabilities of an already featurized request.
  Probabilities probabilities(const Features& f) const;

  std::uint32_t bits() const { return bits_; }
  /// high_stakes wins whenever its probability reaches this, even if another class is likelier:
  /// a missed high-stakes request costs more than a cautious false alarm.
  float high_stakes_threshold() const { return high_stakes_threshold_; }
  void set_high_stakes_threshold(float t) { high_stakes_threshold_ = t; }
  static constexpr float kDefaultHighStakesThreshold = 0.35f;
  /// A request whose task touches a sensitive zone (SensitiveHits::task) is high_stakes when
  /// the probability that it changes code (feature + refactor + debug + high_stakes) reaches this.
  static constexpr float kChangeInZone = 0.5f;
  /// Training access: the weights of one bucket (kStride floats), and the class biases.
  float* row(std::uint32_t bucket) { return &weights_[std::size_t{bucket} * kStride]; }
  const float* row(std::uint32_t bucket) const { return &weights_[std::size_t{bucket} * kStride]; }
  std::array<float, kIntents>& bias() { return bias_; }

 private:
  std::uint32_t bits_;
  float high_stakes_threshold_ = kDefaultHighStakesThreshold;
  std::vector<float> weights_;
  std::array<float, kIntents> bias_{};
};

/// Where the shipped model is looked for when none is named: $SLUICE_INTEL_MODEL, then
/// ./data/intel/model.bin, then the source tree's data/intel/model.bin.
std::string default_model_path();

}  // namespace sluice::intel
