#pragma once
// The choice among an auto tier's candidates: Thompson sampling on each candidate's outcome
// record for the request's intent, scaled by how the request's direction scores it, with
// bounded exploration (docs/intel.md, "Learning from outcomes"). Pure: state and randomness
// come in, so tests drive it exactly.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/auto_config.hpp"

namespace sluice::intel {

/// splitmix64: small, fast, seedable; a UniformRandomBitGenerator for <random>'s distributions.
class Rng {
 public:
  using result_type = std::uint64_t;
  explicit Rng(std::uint64_t seed = 0) : state_(seed) {}
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }
  result_type operator()();
  double unit();                    // [0, 1)
  double beta(double a, double b);  // a draw from Beta(a, b), a, b > 0

 private:
  std::uint64_t state_;
};

/// One candidate as the choice sees it.
struct ArmView {
  double successes = 0;  // weighted outcomes for this (intent, model)
  double failures = 0;
  double direction = 1;  // the direction's score relative to the best candidate, in [0, 1]
};

/// How often an intent's choices departed from the best candidate (decayed counts, so the cap
/// holds over roughly the last thousand choices, not since start).
struct ExploreState {
  double decisions = 0;
  double explorations = 0;
};

enum class DrawKind : std::uint8_t {
  Best,     // Thompson's pick was the best candidate
  Sampled,  // Thompson picked another candidate, within the exploration cap
  Capped,   // Thompson picked another, but the cap was reached: the best instead
  Floor,    // the exploration floor: a random other candidate
};
std::string_view to_string(DrawKind k);

struct Draw {
  std::size_t pick = 0;
  std::size_t best = 0;  // highest posterior mean x direction factor
  DrawKind kind = DrawKind::Best;
  std::vector<double> sampled;  // each candidate's Beta draw
  std::vector<double> value;    // draw x direction factor (what Thompson ranks by)
};

double posterior_mean(const ArmView& a, double prior);
/// 1 - influence + influence * direction: how the direction scales a draw or a mean.
double direction_factor(const ArmView& a, double influence);

/// Picks one of `arms` (at least one). Updates `state`.
Draw choose_arm(std::span<const ArmView> arms, const core::AutoLearningConfig& cfg, Rng& rng,
                ExploreState& state);

}  // namespace sluice::intel
