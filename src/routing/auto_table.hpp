#pragma once
// The model names `auto`, `auto:TIER` and `auto:TIER:DIRECTION`: parsing them, the tier an
// intent and risk get, and each tier's candidates as a scored route per direction. The table is
// built once per config snapshot (after model discovery too), so a request does no lookups.

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "core/config.hpp"
#include "routing/routes.hpp"

namespace sluice::routing {

/// A parsed auto name. `tier` is unset for plain `auto` (intent x risk decides).
struct AutoName {
  std::optional<core::AutoTier> tier;
  std::optional<core::AutoDirection> direction;
};

/// True for `auto` and any `auto:...` (valid or not): such names never reach model resolution.
bool is_auto_name(std::string_view model);
/// The parsed name, or a message that says what is wrong with it (for a 400).
std::variant<AutoName, std::string> parse_auto_name(std::string_view model);

/// Why a tier was chosen, for headers and explanations.
struct TierChoice {
  core::AutoTier tier = core::AutoTier::Balanced;
  std::string why;  // "intent feature", "risk 0.82 >= 0.70", "no classification", "requested"
};
/// `intent` is the intel::Intent index (nullopt: the request was not classified).
TierChoice choose_tier(const core::AutoConfig& cfg, std::optional<std::size_t> intent, double risk);

class AutoTable {
 public:
  /// The candidates of `tier`, as a route scored with `direction`'s weights.
  const Route& route(core::AutoTier tier, core::AutoDirection direction) const {
    return *routes_[static_cast<std::size_t>(tier)][static_cast<std::size_t>(direction)];
  }
  std::size_t candidates(core::AutoTier tier) const {
    return route(tier, core::AutoDirection::Default).positions;
  }

 private:
  friend std::shared_ptr<const AutoTable> build_auto(const providers::Snapshot& snap);
  std::array<std::array<core::RouteConfig, core::kAutoDirections>, core::kAutoTiers> configs_;
  std::array<std::array<std::unique_ptr<Route>, core::kAutoDirections>, core::kAutoTiers> routes_;
};

/// Every tier's candidates: models a configured provider serves (configured and discovered)
/// whose catalog tier lies in the tier's range, then the tier's explicit models.
std::shared_ptr<const AutoTable> build_auto(const providers::Snapshot& snap);

}  // namespace sluice::routing
