#pragma once
// Where a command's config comes from: --config, $SLUICE_CONFIG, ./sluice.yaml, or else the
// environment (provider keys, a local Ollama). Shared by serve, route and models.

#include <optional>
#include <string>

#include "core/config.hpp"

namespace sluice::cli {

/// The config file to read, or "" to discover providers from the environment.
std::string find_config(const std::string& explicit_path);
/// Loads it; on failure logs file:line:column and returns nullopt.
std::optional<core::Config> load_config(const std::string& path);
/// Adds the providers stored with `sluice providers add` (keys unsealed with the master key) to
/// `cfg`; the config's own provider wins a name clash. Problems are logged, never fatal.
void merge_stored_providers(core::Config& cfg);

}  // namespace sluice::cli
