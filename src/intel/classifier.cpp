#include "intel/classifier.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace sluice::intel {
namespace {

static_assert(std::endian::native == std::endian::little, "the weights file is little-endian");

constexpr std::string_view kMagic = "SLINTENT";
constexpr std::uint32_t kFormatVersion = 1;

constexpr std::array<std::string_view, kIntents> kNames{
    "chat", "trivial_edit", "feature", "refactor", "debug", "test", "high_stakes"};

template <class T>
void put(std::string& out, T v) {
  char buf[sizeof(T)];
  std::memcpy(buf, &v, sizeof(T));
  out.append(buf, sizeof(T));
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  template <class T>
  std::optional<T> get() {
    if (b_.size() - pos_ < sizeof(T)) return std::nullopt;
    T v;
    std::memcpy(&v, b_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;
  }
  std::optional<std::string_view> bytes(std::size_t n) {
    if (b_.size() - pos_ < n) return std::nullopt;
    const auto v = b_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  std::size_t pos() const { return pos_; }

 private:
  std::string_view b_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string_view intent_name(Intent i) {
  return kNames[static_cast<std::size_t>(i)];
}

std::optional<Intent> intent_from_name(std::string_view name) {
  for (std::size_t i = 0; i < kIntents; ++i) {
    if (kNames[i] == name) return static_cast<Intent>(i);
  }
  return std::nullopt;
}

Model::Model(std::uint32_t bits)
    : bits_(std::clamp<std::uint32_t>(bits, 10, 24)),
      weights_((std::size_t{1} << bits_) * kStride, 0.0f) {}

Probabilities Model::probabilities(const Features& f) const {
  std::array<float, kStride> logits{};
  std::copy(bias_.begin(), bias_.end(), logits.begin());
  for (std::size_t k = 0; k < f.index.size(); ++k) {
    const float* w = row(f.index[k]);
    const float v = f.value[k];
    for (std::size_t c = 0; c < kStride; ++c) logits[c] += v * w[c];
  }
  Probabilities p{};
  const float top = *std::max_element(logits.begin(), logits.begin() + kIntents);
  float sum = 0;
  for (std::size_t c = 0; c < kIntents; ++c) {
    p[c] = std::exp(logits[c] - top);
    sum += p[c];
  }
  for (auto& x : p) x /= sum;
  return p;
}

Prediction Model::predict(const RequestSignals& signals, const SensitiveTerms& terms) const {
  const auto f = featurize(signals, terms, bits_);
  Prediction out;
  out.probabilities = probabilities(f);
  out.sensitive = f.sensitive;
  out.intent =
      static_cast<Intent>(std::max_element(out.probabilities.begin(), out.probabilities.end()) -
                          out.probabilities.begin());
  if (out.probability(Intent::HighStakes) >= high_stakes_threshold_)
    out.intent = Intent::HighStakes;
  // The labelling rule's precedence, applied to what the model learned: a change (new code, a
  // fix, a restructuring) inside a sensitive zone is high stakes whatever its kind. A linear
  // model learns "kind" and "zone" well but their conjunction poorly.
  if (out.sensitive.task() != 0) {
    const float change = out.probability(Intent::Feature) + out.probability(Intent::Refactor) +
                         out.probability(Intent::Debug) + out.probability(Intent::HighStakes);
    if (change >= kChangeInZone) out.intent = Intent::HighStakes;
  }
  return out;
}

std::string Model::to_bytes() const {
  std::string out(kMagic);
  put(out, kFormatVersion);
  put(out, kFeatureVersion);
  put(out, bits_);
  put(out, static_cast<std::uint32_t>(kIntents));
  for (const auto n : kNames) {
    put(out, static_cast<std::uint8_t>(n.size()));
    out.append(n);
  }
  put(out, high_stakes_threshold_);
  for (const float b : bias_) put(out, b);
  const std::size_t rows = std::size_t{1} << bits_;
  auto nonzero = [&](std::size_t r) {
    const float* w = &weights_[r * kStride];
    return std::any_of(w, w + kIntents, [](float x) { return x != 0.0f; });
  };
  std::uint32_t count = 0;
  for (std::size_t r = 0; r < rows; ++r) count += nonzero(r) ? 1 : 0;
  put(out, count);
  for (std::size_t r = 0; r < rows; ++r) {
    if (!nonzero(r)) continue;
    put(out, static_cast<std::uint32_t>(r));
    for (std::size_t c = 0; c < kIntents; ++c) put(out, weights_[r * kStride + c]);
  }
  put(out, fnv1a32(out));
  return out;
}

std::variant<Model, std::string> Model::from_bytes(std::string_view bytes) {
  Reader r(bytes);
  const auto magic = r.bytes(kMagic.size());
  if (!magic || *magic != kMagic) return std::string("not a sluice intent model (bad magic)");
  if (bytes.size() < kMagic.size() + 4 ||
      fnv1a32(bytes.substr(0, bytes.size() - 4)) !=
          Reader(bytes.substr(bytes.size() - 4)).get<std::uint32_t>()) {
    return std::string("the model file is damaged (checksum mismatch)");
  }
  const auto format = r.get<std::uint32_t>();
  const auto features = r.get<std::uint32_t>();
  const auto bits = r.get<std::uint32_t>();
  const auto classes = r.get<std::uint32_t>();
  if (!format || *format != kFormatVersion) return std::string("unsupported model format version");
  if (!features || *features != kFeatureVersion) {
    return "the model was trained on feature version " + std::to_string(features.value_or(0)) +
           ", this build computes version " + std::to_string(kFeatureVersion) + "; retrain it";
  }
  if (!bits || *bits < 10 || *bits > 24) return std::string("bad hash size in the model");
  if (!classes || *classes != kIntents)
    return std::string("the model has the wrong number of classes");
  for (const auto n : kNames) {
    const auto len = r.get<std::uint8_t>();
    const auto name = len ? r.bytes(*len) : std::nullopt;
    if (!name || *name != n) return "the model's classes differ from " + std::string(n);
  }
  Model m(*bits);
  const auto threshold = r.get<float>();
  if (!threshold || !(*threshold > 0.0f && *threshold <= 1.0f)) {
    return std::string("the model's high-stakes threshold is missing or not in (0, 1]");
  }
  m.high_stakes_threshold_ = *threshold;
  for (auto& b : m.bias_) {
    const auto v = r.get<float>();
    if (!v) return std::string("the model file is truncated");
    b = *v;
  }
  const auto rows = r.get<std::uint32_t>();
  if (!rows) return std::string("the model file is truncated");
  for (std::uint32_t i = 0; i < *rows; ++i) {
    const auto bucket = r.get<std::uint32_t>();
    if (!bucket || *bucket >= (1u << *bits))
      return std::string("the model file is truncated or damaged");
    float* w = m.row(*bucket);
    for (std::size_t c = 0; c < kIntents; ++c) {
      const auto v = r.get<float>();
      if (!v) return std::string("the model file is truncated");
      w[c] = *v;
    }
  }
  return m;
}

std::variant<Model, std::string> Model::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "cannot read the model file " + path;
  std::ostringstream ss;
  ss << in.rdbuf();
  auto m = from_bytes(ss.str());
  if (auto* err = std::get_if<std::string>(&m)) *err = path + ": " + *err;
  return m;
}

std::optional<std::string> Model::save(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    const auto bytes = to_bytes();
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) return "cannot write " + tmp;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return "cannot rename " + tmp + " to " + path + ": " + ec.message();
  return std::nullopt;
}

std::string default_model_path() {
  if (const char* env = std::getenv("SLUICE_INTEL_MODEL"); env != nullptr && *env != '\0')
    return env;
  std::error_code ec;
  if (std::filesystem::exists("data/intel/model.bin", ec)) return "data/intel/model.bin";
  return std::string(SLUICE_SOURCE_DIR) + "/data/intel/model.bin";
}

}  // namespace sluice::intel
