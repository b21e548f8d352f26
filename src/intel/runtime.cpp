#include "intel/runtime.hpp"

#include "intel/features.hpp"
#include "intel/learner.hpp"

namespace sluice::intel {

Runtime::Runtime(Settings settings, Model model)
    : settings_(std::move(settings)), model_(std::move(model)), registry_(settings_.graph) {}

std::variant<std::shared_ptr<const Runtime>, std::string> Runtime::create(
    const Settings& settings) {
  const auto path = settings.model_path.empty() ? default_model_path() : settings.model_path;
  auto model = Model::load(path);
  if (auto* err = std::get_if<std::string>(&model)) return "intel model " + path + ": " + *err;
  std::shared_ptr<Runtime> rt(new Runtime(settings, std::move(std::get<Model>(model))));
  try {
    rt->graphs_loaded_ = rt->registry_.load_all();
  } catch (const std::exception& e) {
    return std::string("intel graph database: ") + e.what();
  }
  return std::shared_ptr<const Runtime>(std::move(rt));
}

std::optional<Assessment> Runtime::assess(protocol::Endpoint endpoint, std::string_view body,
                                          std::string_view repo) const {
  auto extracted = extract_signals(endpoint, body);
  const auto* signals = std::get_if<RequestSignals>(&extracted);
  if (!signals) return std::nullopt;
  Assessment a;
  const auto p = model_.predict(*signals);
  a.intent = p.intent;
  if (!repo.empty()) {
    a.repo = std::string(repo);
    if (auto report = registry_.blast_radius(repo, *signals)) a.blast = report->radius;
  }
  a.risk = risk(p, *signals, a.blast);
  if (!signals->latest_instruction.empty()) a.task_hash = task_hash(signals->latest_instruction);
  a.turns = signals->turns;
  a.tool_error = signals->tool_error;
  return a;
}

}  // namespace sluice::intel
