// The shipped catalog: data/catalog.yaml compiled into the binary, so a gateway with no files
// still knows prices and context windows. Parsed on first use; a unit test parses it in CI, so a
// bad entry never reaches a release.

#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <cstdlib>

#include "core/catalog_data.hpp"
#include "core/config_sections.hpp"
#include "core/yaml_check.hpp"

namespace sluice::core {
namespace {

std::vector<ModelInfo> parse_shipped() {
  std::vector<ModelInfo> out;
  try {
    const YAML::Node root = YAML::Load(kShippedCatalog);
    check_keys(root, "the catalog", {"models"});
    for (const auto& e : root["models"]) {
      out.push_back(parse_model_info(e, nullptr));
      out.back().origin = "catalog";
    }
  } catch (const YamlFail& f) {
    std::fprintf(stderr, "data/catalog.yaml:%d:%d: %s\n", f.mark.line + 1, f.mark.column + 1,
                 f.message.c_str());
    std::abort();
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "data/catalog.yaml: %s\n", e.what());
    std::abort();
  }
  return out;
}

}  // namespace

const std::vector<ModelInfo>& shipped_catalog() {
  static const std::vector<ModelInfo> catalog = parse_shipped();
  return catalog;
}

const ModelInfo* find_shipped_model(std::string_view id) {
  for (const auto& m : shipped_catalog()) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

}  // namespace sluice::core
