// learn: what the outcome learner (intel/learner) needs from each request. Before routing, the
// implicit signals: the same task at the same length again within the retry window, or a
// failed last tool result, counts as a failure of the task's previous request. As the answer
// leaves, a note of the answered request (intent, the model that answered, its task) so that
// POST /v1/feedback and later signals can find it. Both are one hash lookup under a short
// lock; nothing here parses the body (the classifier already read it).

#include "governance/period.hpp"
#include "intel/learner.hpp"
#include "pipeline/auto_route.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

std::string_view key_id(const Exchange& ex) {
  return ex.key ? std::string_view(ex.key->record.id) : std::string_view();
}

class LearnStage final : public Stage {
 public:
  std::string_view name() const override { return "learn"; }

  Decision decide(Exchange& ex) override {
    if (!ex.learner) return Decision::next();
    if (ex.intel && ex.intel->task_hash) {
      ex.learner->observe(key_id(ex), ex.intel->task_hash, ex.intel->turns, ex.intel->tool_error,
                          governance::now_ms(), ex.snapshot->config.autoroute.learning);
    }
    // Noted as the answer's last bytes leave, not at completion: a client that posts feedback
    // the moment it has the answer must find it.
    ex.tap.on_finish([&ex](int status) { note(ex, status); });
    return Decision::next();
  }

  void on_complete(Exchange& ex) noexcept override {
    if (ex.learner) ex.tap.settle_note(ex.status);
  }

 private:
  static void note(Exchange& ex, int status) noexcept {
    if (!ex.target || status < 200 || status >= 300) return;
    // Only what can teach something: a classified request (its intent's statistics) or an auto
    // choice (the unclassified pool). Noting every request would add a row write per request
    // to a gateway that never routes by `auto`.
    if (!ex.intel && !ex.auto_routed) return;
    try {
      intel::OutcomeNote n;
      n.request_id = ex.request_id;
      n.key_id = std::string(key_id(ex));
      n.intent = std::string(learn_intent(ex));
      n.model = ex.target->provider->config.name + "/" + ex.target->model;
      n.time_ms = governance::now_ms();
      n.auto_routed = ex.auto_routed;
      if (ex.intel) {
        n.task_hash = ex.intel->task_hash;
        n.turns = ex.intel->turns;
      }
      ex.learner->record(std::move(n));
    } catch (...) {
      // Out of memory at worst; the answer must not be disturbed.
    }
  }
};

}  // namespace

StagePtr make_learn_stage() {
  return std::make_unique<LearnStage>();
}

}  // namespace sluice::pipeline
