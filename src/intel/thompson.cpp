#include "intel/thompson.hpp"

#include <algorithm>
#include <random>

namespace sluice::intel {

Rng::result_type Rng::operator()() {
  std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double Rng::unit() {
  return static_cast<double>((*this)() >> 11) * 0x1.0p-53;
}

double Rng::beta(double a, double b) {
  // X ~ Gamma(a), Y ~ Gamma(b): X / (X + Y) ~ Beta(a, b).
  std::gamma_distribution<double> ga(a, 1.0);
  std::gamma_distribution<double> gb(b, 1.0);
  const double x = ga(*this);
  const double y = gb(*this);
  return x + y > 0 ? x / (x + y) : 0.5;
}

std::string_view to_string(DrawKind k) {
  switch (k) {
    case DrawKind::Best:
      return "best";
    case DrawKind::Sampled:
      return "explore";
    case DrawKind::Capped:
      return "capped";
    case DrawKind::Floor:
      return "floor";
  }
  return "?";
}

double posterior_mean(const ArmView& a, double prior) {
  return (a.successes + prior) / (a.successes + a.failures + 2 * prior);
}

double direction_factor(const ArmView& a, double influence) {
  return 1.0 - influence + influence * std::clamp(a.direction, 0.0, 1.0);
}

Draw choose_arm(std::span<const ArmView> arms, const core::AutoLearningConfig& cfg, Rng& rng,
                ExploreState& state) {
  Draw d;
  const std::size_t n = arms.size();
  d.sampled.resize(n);
  d.value.resize(n);
  double best_mean = -1;
  std::size_t sampled_pick = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double f = direction_factor(arms[i], cfg.direction_influence);
    const double mean = posterior_mean(arms[i], cfg.prior) * f;
    if (mean > best_mean) {  // ties keep the earlier (better-scored) candidate
      best_mean = mean;
      d.best = i;
    }
    d.sampled[i] = rng.beta(arms[i].successes + cfg.prior, arms[i].failures + cfg.prior);
    d.value[i] = d.sampled[i] * f;
    if (d.value[i] > d.value[sampled_pick]) sampled_pick = i;
  }
  d.pick = d.best;
  // Decay so that the cap bounds recent traffic, not the average since the process started.
  constexpr double kDecay = 0.999;
  state.decisions = state.decisions * kDecay + 1;
  state.explorations *= kDecay;
  if (n < 2) return d;
  if (cfg.explore_floor > 0 && rng.unit() < cfg.explore_floor) {
    // Every candidate keeps being observed a little, so a provider that got better is noticed.
    std::size_t other = static_cast<std::size_t>(rng.unit() * static_cast<double>(n - 1));
    other = std::min(other, n - 2);
    d.pick = other >= d.best ? other + 1 : other;
    d.kind = DrawKind::Floor;
    state.explorations += 1;
    return d;
  }
  if (sampled_pick == d.best) return d;
  if (state.explorations + 1 > cfg.explore_cap * state.decisions) {
    d.kind = DrawKind::Capped;
    return d;
  }
  d.pick = sampled_pick;
  d.kind = DrawKind::Sampled;
  state.explorations += 1;
  return d;
}

}  // namespace sluice::intel
