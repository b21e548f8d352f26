#include "cli/config_source.hpp"

#include <filesystem>

#include "core/log.hpp"
#include "providers/discovery.hpp"

namespace sluice::cli {

std::string find_config(const std::string& explicit_path) {
  if (!explicit_path.empty()) return explicit_path;
  if (auto env = core::real_env("SLUICE_CONFIG"); env && !env->empty()) return *env;
  if (std::filesystem::exists("sluice.yaml")) return "sluice.yaml";
  return {};
}

std::optional<core::Config> load_config(const std::string& path) {
  if (path.empty()) return providers::discover_from_env();
  auto r = core::load_config_file(path);
  if (auto* err = std::get_if<core::ConfigError>(&r)) {
    log::error("config rejected: {}", err->to_string());
    return std::nullopt;
  }
  return std::get<core::Config>(std::move(r));
}

}  // namespace sluice::cli
