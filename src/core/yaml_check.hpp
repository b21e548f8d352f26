#pragma once
// Checked reads of YAML nodes for the config and catalog loaders: every failure carries the
// node's position, so a mistake is reported as file:line:column with what to write instead.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <initializer_list>
#include <string>
#include <string_view>

namespace sluice::core {

/// Thrown by the readers below; the loaders turn it into a ConfigError.
struct YamlFail {
  YAML::Mark mark;
  std::string message;
};

[[noreturn]] void fail(const YAML::Node& node, std::string message);
/// Fails on any key of `map` that is not in `known` (a typo must not be silently ignored).
void check_keys(const YAML::Node& map, std::string_view what,
                std::initializer_list<std::string_view> known);
std::string scalar(const YAML::Node& node, std::string_view what);
bool boolean(const YAML::Node& node, std::string_view what);
/// A finite number within [lo, hi].
double number(const YAML::Node& node, std::string_view what, double lo, double hi);
/// A whole number within [lo, hi].
long long whole(const YAML::Node& node, std::string_view what, long long lo, long long hi);
std::chrono::milliseconds duration(const YAML::Node& node, std::string_view what);
std::size_t size(const YAML::Node& node, std::string_view what);

}  // namespace sluice::core
