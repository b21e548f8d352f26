// classify: the request's intent and risk from the shipped classifier (intel/), with the blast
// radius of the files it touches when the repository it works in has a code graph. The
// repository is the x-sluice-repo header, else the key's project. Runs after the guardrails
// (so a redacted body is what is read) and before policy (rules match on intent and risk).
// Without an `intel:` section (or with classify: false) it costs nothing.

#include <fmt/format.h>

#include "intel/runtime.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

std::string_view repo_of(const Exchange& ex) {
  if (const auto* repo = http::find_header(ex.request.headers, "x-sluice-repo")) return *repo;
  if (ex.key) return ex.key->record.project;
  return {};
}

class ClassifyStage final : public Stage {
 public:
  std::string_view name() const override { return "classify"; }

  Decision decide(Exchange& ex) override {
    const auto& rt = ex.snapshot->intel;
    if (!rt || !rt->settings().classify) return Decision::next();
    ex.intel = rt->assess(ex.endpoint, ex.request.body, repo_of(ex));
    if (ex.intel) {
      ex.governance_headers.push_back(
          {"x-sluice-intent", std::string(intel::intent_name(ex.intel->intent))});
      ex.governance_headers.push_back({"x-sluice-risk", fmt::format("{:.3f}", ex.intel->risk)});
    }
    return Decision::next();
  }
};

}  // namespace

StagePtr make_classify_stage() {
  return std::make_unique<ClassifyStage>();
}

}  // namespace sluice::pipeline
