#pragma once
// The `intel:` section of the config: whether requests are classified on the way through, with
// which model weights, and where the code graph lives.
//
//   intel:
//     classify: true                # default true when the section is present
//     model: data/intel/model.bin   # default: intel::default_model_path()
//     graph: {db: graph.db, max_dependents: 10000, max_depth: 8}
//     sensitive_zones: {paths: ["**/billing/**"], symbols: ["charge*"]}

#include <string>

#include "intel/graph/zones.hpp"

namespace sluice::intel {

struct Settings {
  bool classify = true;
  std::string model_path;  // resolved; "" = default_model_path()
  graph::GraphConfig graph;
};

}  // namespace sluice::intel
