#pragma once
// Training and scoring the intent model on labelled requests: JSON Lines of
//   {"wire": "anthropic|openai_chat|openai_responses|gemini", "body": {...}, "intent": "..."}
// where body is the request body as a client sent it (an object, or a string holding one).
// Training is AdaGrad SGD on the softmax loss with L2, single-threaded and seeded, so the same
// data and options give the same model bit for bit.

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "intel/classifier.hpp"

namespace sluice::intel {

struct LabelledRequest {
  RequestSignals signals;
  Intent intent = Intent::Chat;
};

/// One JSONL line; the error says what is wrong (unknown wire or intent, a malformed body).
std::variant<LabelledRequest, std::string> parse_labelled(std::string_view line);

/// Every labelled request in a JSONL file; the first bad line is an error naming its number.
std::variant<std::vector<LabelledRequest>, std::string> load_labelled(const std::string& path);

struct TrainOptions {
  std::uint32_t epochs = 30;
  double learning_rate = 0.1;  // AdaGrad's base step (chosen by grouped cross-validation)
  double l2 = 1e-5;            // per update, on the weights an example touches
  std::uint64_t seed = 1;
  std::uint32_t bits = Model::kDefaultBits;
  /// Weigh each class by the inverse of its frequency, so a rare class is not ignored.
  bool balance_classes = true;
  /// The trained model's high-stakes threshold (Model::high_stakes_threshold).
  float high_stakes_threshold = Model::kDefaultHighStakesThreshold;
  /// Called after each epoch with the mean training loss (for a progress line).
  std::function<void(std::uint32_t epoch, std::uint32_t epochs, double loss)> on_epoch;
};

Model train(const std::vector<LabelledRequest>& data, const TrainOptions& options);

struct Evaluation {
  std::array<std::array<std::uint32_t, kIntents>, kIntents> confusion{};  // [true][predicted]

  std::size_t total() const;
  double accuracy() const;
  double precision(Intent i) const;
  double recall(Intent i) const;
  std::uint32_t support(Intent i) const;
  /// Accuracy, per-class precision/recall/F1/support and the confusion matrix, as text.
  std::string report() const;
};

Evaluation evaluate(const Model& model, const std::vector<LabelledRequest>& data);

}  // namespace sluice::intel
