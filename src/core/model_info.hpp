#pragma once
// One model's commercial and technical facts: prices, limits, capabilities and quality tier.
// The shipped catalog (data/catalog.yaml) and the config's `catalog:` overrides share this shape.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace sluice::core {

/// What a request may need from a model; a bit set.
enum Capability : std::uint8_t {
  kTools = 1,
  kVision = 2,
  kJson = 4,
  kReasoning = 8,
};
std::string capability_names(std::uint8_t caps);  // "tools,vision" ("" for none)

struct ModelInfo {
  std::string id;      // as the provider's API takes it
  std::string vendor;  // who makes it
  std::vector<std::string> hosts;
  // USD per million tokens. Unset cache prices mean "no caching discount": input price.
  double input = 0;
  double output = 0;
  std::optional<double> cache_read;
  std::optional<double> cache_write;
  std::uint64_t context = 0;     // tokens
  std::uint64_t max_output = 0;  // tokens
  std::uint8_t caps = 0;
  int tier = 0;  // 1 (basic) .. 5 (frontier)
  std::string source;
  std::string as_of;
  std::string origin;  // "catalog" (shipped) or the config file and line of an override

  double cache_read_price() const { return cache_read.value_or(input); }
  double cache_write_price() const { return cache_write.value_or(input); }
};

/// Reads one catalog entry. With `base` (an override of a known model) only the fields present
/// replace the base's; without it every required field must be there. Throws YamlFail.
ModelInfo parse_model_info(const YAML::Node& node, const ModelInfo* base);

}  // namespace sluice::core
