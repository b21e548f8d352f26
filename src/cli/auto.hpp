#pragma once
// The auto-routing commands: `sluice route auto` (explain a choice) and `sluice intel stats`.

#include <string>

namespace sluice::cli {

struct AutoExplainOptions {
  std::string config_path;
  std::string prompt;
  std::string tier;       // "" = intent x risk
  std::string direction;  // "" = auto.direction
};
int explain_auto(const AutoExplainOptions& o);

struct OutcomeStatsOptions {
  std::string db;  // "" = the config's store.path
  std::string config_path;
  bool json = false;
};
int print_outcome_stats(const OutcomeStatsOptions& o);

}  // namespace sluice::cli
