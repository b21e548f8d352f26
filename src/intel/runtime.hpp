#pragma once
// What the classify stage needs at run time: the loaded classifier weights and the code graphs
// of every indexed repository. Built off the request path (at start and on reload), then shared
// read-only by every event loop.

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "intel/classifier.hpp"
#include "intel/classifier_risk.hpp"
#include "intel/graph/registry.hpp"
#include "intel/settings.hpp"

namespace sluice::intel {

/// One request's classification.
struct Assessment {
  Intent intent = Intent::Chat;
  double risk = 0;
  std::optional<BlastRadius> blast;  // when the request's repository has a graph
  std::string repo;                  // the repository looked up ("" when none was named)
  // For the outcome learner's implicit signals (intel/learner.hpp): the task (a hash of the
  // latest instruction), the conversation's length, and whether the last tool result failed.
  std::uint64_t task_hash = 0;
  std::uint32_t turns = 0;
  bool tool_error = false;
};

class Runtime {
 public:
  /// Loads the model and every graph of the database; an error names the file and the reason.
  static std::variant<std::shared_ptr<const Runtime>, std::string> create(const Settings& settings);

  /// Classifies a request body of `endpoint`; `repo` names the graph to look the touched files
  /// up in ("" for none). nullopt when the body has no conversation to read.
  std::optional<Assessment> assess(protocol::Endpoint endpoint, std::string_view body,
                                   std::string_view repo) const;

  const Settings& settings() const { return settings_; }
  std::size_t graphs() const { return graphs_loaded_; }

 private:
  Runtime(Settings settings, Model model);

  Settings settings_;
  Model model_;
  graph::GraphRegistry registry_;
  std::size_t graphs_loaded_ = 0;
};

using RuntimePtr = std::shared_ptr<const Runtime>;

}  // namespace sluice::intel
