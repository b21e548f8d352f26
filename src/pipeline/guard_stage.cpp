// guard: the request's text scanned for PII, secrets and custom patterns, and its tools
// filtered, before anything goes upstream (guard/). A `block` finding answers 400 in the
// client's shape naming the kind, never the text; `redact` findings and removed tools change
// the body (a clean body is not touched). Findings are kept as counts by kind for the audit
// record and the x-sluice-guardrails header. Runs after auth (a rejected key costs no scan)
// and before routing (the model sees the redacted body on every attempt). The answer's
// guardrails are a writer the council stage stacks (pipeline/response_guard.hpp).

#include "core/text.hpp"
#include "guard/request.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

class GuardStage final : public Stage {
 public:
  std::string_view name() const override { return "guard"; }

  Decision decide(Exchange& ex) override {
    const auto& g = ex.snapshot->guard;
    if (!g || (!g->scans_text() && !g->has_tool_rules())) return Decision::next();
    auto scan = guard::scan_request(ex.endpoint, ex.request.body, *g);
    ex.guard_findings = std::move(scan.counts);
    if (!ex.guard_findings.empty()) {
      ex.governance_headers.push_back(
          {"x-sluice-guardrails", guard::counts_text(ex.guard_findings)});
    }
    if (scan.blocked()) {
      return Decision::refuse(guard::blocked_error(*scan.blocked_kind));
    }
    if (!scan.removed_tools.empty()) {
      ex.decisions.push_back("tools_removed: " + core::join(scan.removed_tools, ", "));
    }
    if (scan.body) {
      ex.request.body = std::move(*scan.body);
      ex.probe = protocol::probe_json(ex.request.body);  // passthrough rewrites by offsets
    }
    // The answer guardrails' writer is stacked by the council stage, last, so that reviewers
    // only ever see the answer as the client will (stack_response_guard).
    return Decision::next();
  }
};

}  // namespace

StagePtr make_guard_stage() {
  return std::make_unique<GuardStage>();
}

}  // namespace sluice::pipeline
