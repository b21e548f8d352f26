#include "intel/classifier_train.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <fstream>
#include <random>

namespace sluice::intel {
namespace {

namespace bj = boost::json;

// Fisher-Yates with our own index draw: std::shuffle's algorithm differs between standard
// libraries, and a model must be reproducible from its seed anywhere.
void shuffle(std::vector<std::size_t>& v, std::mt19937_64& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = static_cast<std::size_t>(rng() % i);
    std::swap(v[i - 1], v[j]);
  }
}

double ratio(double a, double b) {
  return b == 0 ? 0.0 : a / b;
}

}  // namespace

std::variant<LabelledRequest, std::string> parse_labelled(std::string_view line) {
  boost::system::error_code ec;
  const auto doc = bj::parse(line, ec);
  if (ec || !doc.is_object()) return std::string("not a JSON object");
  const auto& o = doc.as_object();
  const auto* wire = o.if_contains("wire");
  const auto* body = o.if_contains("body");
  const auto* intent = o.if_contains("intent");
  if (wire == nullptr || !wire->is_string()) return std::string("\"wire\" must be a string");
  if (intent == nullptr || !intent->is_string()) return std::string("\"intent\" must be a string");
  const auto endpoint = endpoint_for_wire(wire->as_string());
  if (!endpoint) {
    return "unknown wire \"" + std::string(wire->as_string()) +
           "\" (anthropic, openai_chat, openai_responses or gemini)";
  }
  const auto label = intent_from_name(intent->as_string());
  if (!label) return "unknown intent \"" + std::string(intent->as_string()) + "\"";
  if (body == nullptr || (!body->is_object() && !body->is_string())) {
    return std::string("\"body\" must be the request body (an object, or a string holding one)");
  }
  const std::string text =
      body->is_string() ? std::string(body->as_string()) : bj::serialize(*body);
  auto signals = extract_signals(*endpoint, text);
  if (auto* err = std::get_if<core::GatewayError>(&signals)) return "body: " + err->message;
  return LabelledRequest{std::move(std::get<RequestSignals>(signals)), *label};
}

std::variant<std::vector<LabelledRequest>, std::string> load_labelled(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "cannot read " + path;
  std::vector<LabelledRequest> out;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto ex = parse_labelled(line);
    if (auto* err = std::get_if<std::string>(&ex)) return fmt::format("{}:{}: {}", path, n, *err);
    out.push_back(std::move(std::get<LabelledRequest>(ex)));
  }
  if (out.empty()) return path + " holds no labelled requests";
  return out;
}

Model train(const std::vector<LabelledRequest>& data, const TrainOptions& options) {
  Model model(options.bits);
  model.set_high_stakes_threshold(options.high_stakes_threshold);
  std::vector<Features> features;
  features.reserve(data.size());
  for (const auto& ex : data) {
    features.push_back(featurize(ex.signals, SensitiveTerms::defaults(), model.bits()));
  }
  std::array<double, kIntents> class_weight;
  class_weight.fill(1.0);
  if (options.balance_classes && !data.empty()) {
    std::array<std::size_t, kIntents> count{};
    for (const auto& ex : data) ++count[static_cast<std::size_t>(ex.intent)];
    for (std::size_t c = 0; c < kIntents; ++c) {
      class_weight[c] =
          count[c] == 0 ? 0.0 : static_cast<double>(data.size()) / (kIntents * count[c]);
    }
  }
  // AdaGrad's squared-gradient sums, one per weight.
  std::vector<float> g2((std::size_t{1} << model.bits()) * Model::kStride, 0.0f);
  std::array<float, kIntents> bias_g2{};
  std::vector<std::size_t> order(data.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937_64 rng(options.seed);
  const auto lr = static_cast<float>(options.learning_rate);
  const auto l2 = static_cast<float>(options.l2);
  constexpr float kEps = 1e-8f;
  for (std::uint32_t epoch = 1; epoch <= options.epochs; ++epoch) {
    shuffle(order, rng);
    double loss = 0;
    for (const std::size_t i : order) {
      const auto& f = features[i];
      const auto label = static_cast<std::size_t>(data[i].intent);
      const auto p = model.probabilities(f);
      loss -= std::log(std::max(p[label], 1e-12f));
      std::array<float, kIntents> g{};
      for (std::size_t c = 0; c < kIntents; ++c) {
        g[c] = static_cast<float>((p[c] - (c == label ? 1.0f : 0.0f)) * class_weight[label]);
      }
      for (std::size_t k = 0; k < f.index.size(); ++k) {
        float* w = model.row(f.index[k]);
        float* acc = &g2[std::size_t{f.index[k]} * Model::kStride];
        for (std::size_t c = 0; c < kIntents; ++c) {
          const float grad = g[c] * f.value[k] + l2 * w[c];
          acc[c] += grad * grad;
          w[c] -= lr * grad / (std::sqrt(acc[c]) + kEps);
        }
      }
      auto& bias = model.bias();
      for (std::size_t c = 0; c < kIntents; ++c) {
        bias_g2[c] += g[c] * g[c];
        bias[c] -= lr * g[c] / (std::sqrt(bias_g2[c]) + kEps);
      }
    }
    if (options.on_epoch)
      options.on_epoch(epoch, options.epochs, loss / std::max<std::size_t>(1, data.size()));
  }
  return model;
}

Evaluation evaluate(const Model& model, const std::vector<LabelledRequest>& data) {
  Evaluation e;
  for (const auto& ex : data) {
    const auto p = model.predict(ex.signals);
    ++e.confusion[static_cast<std::size_t>(ex.intent)][static_cast<std::size_t>(p.intent)];
  }
  return e;
}

std::size_t Evaluation::total() const {
  std::size_t n = 0;
  for (const auto& row : confusion) {
    for (const auto v : row) n += v;
  }
  return n;
}

double Evaluation::accuracy() const {
  std::size_t right = 0;
  for (std::size_t c = 0; c < kIntents; ++c) right += confusion[c][c];
  return ratio(static_cast<double>(right), static_cast<double>(total()));
}

std::uint32_t Evaluation::support(Intent i) const {
  std::uint32_t n = 0;
  for (const auto v : confusion[static_cast<std::size_t>(i)]) n += v;
  return n;
}

double Evaluation::precision(Intent i) const {
  const auto c = static_cast<std::size_t>(i);
  std::uint32_t predicted = 0;
  for (std::size_t t = 0; t < kIntents; ++t) predicted += confusion[t][c];
  return ratio(confusion[c][c], predicted);
}

double Evaluation::recall(Intent i) const {
  const auto c = static_cast<std::size_t>(i);
  return ratio(confusion[c][c], support(i));
}

std::string Evaluation::report() const {
  std::string out = fmt::format("examples {}, accuracy {:.1f}%\n\n", total(), 100.0 * accuracy());
  out += fmt::format("{:<13} {:>9} {:>7} {:>6} {:>8}\n", "class", "precision", "recall", "f1",
                     "support");
  for (std::size_t c = 0; c < kIntents; ++c) {
    const auto i = static_cast<Intent>(c);
    const double p = precision(i), r = recall(i);
    out += fmt::format("{:<13} {:>9.3f} {:>7.3f} {:>6.3f} {:>8}\n", intent_name(i), p, r,
                       ratio(2 * p * r, p + r), support(i));
  }
  out += "\nconfusion (rows: true class, columns: predicted)\n";
  out += fmt::format("{:<13}", "");
  for (std::size_t c = 0; c < kIntents; ++c) {
    out += fmt::format(" {:>6}", intent_name(static_cast<Intent>(c)).substr(0, 6));
  }
  out += "\n";
  for (std::size_t t = 0; t < kIntents; ++t) {
    out += fmt::format("{:<13}", intent_name(static_cast<Intent>(t)));
    for (std::size_t c = 0; c < kIntents; ++c) out += fmt::format(" {:>6}", confusion[t][c]);
    out += "\n";
  }
  return out;
}

}  // namespace sluice::intel
