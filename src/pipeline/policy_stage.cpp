// policy: the org's rules (policy/) evaluated on what the request is and who sends it, after
// auth and the guardrails (rules match on the key and on finding kinds) and before routing (a
// rule may send the request elsewhere). A deny answers in the client's shape; route changes the
// model the route stage resolves; caps, redactions and skills rewrite the body in its own wire.
// The matched rule ids go out in x-sluice-policy and into the audit record.
//
// The costlier facts (the prompt's text, the tools offered, the body's metadata, the budget
// standing) are gathered only when the compiled set has a condition that reads them, so a set
// of identity and model rules costs a few string compares per rule.

#include <boost/json/parse.hpp>

#include "core/text.hpp"
#include "governance/caps.hpp"
#include "guard/request.hpp"
#include "pipeline/pipeline.hpp"
#include "policy/inject.hpp"
#include "policy/policy_set.hpp"
#include "policy/sample.hpp"
#include "protocol/codec.hpp"

namespace sluice::pipeline {
namespace {

using Kind = policy::Condition::Kind;

/// The storage the facts view: it lives for one evaluation.
struct FactStore {
  policy::PromptText text;
  std::vector<std::string> tools;
  std::vector<std::string_view> tool_views;
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<policy::MetaField> meta_views;
  std::vector<std::string_view> findings;
};

policy::BudgetState budget_state(const Exchange& ex) {
  if (!ex.governance || ex.governance->budgets().empty()) return policy::BudgetState::Ok;
  using S = governance::BudgetBook::Standing;
  switch (ex.governance->budgets().standing(subject_of(ex), governance::now_ms())) {
    case S::Exhausted:
      return policy::BudgetState::Exhausted;
    case S::Warned:
      return policy::BudgetState::Warned;
    case S::Ok:
      break;
  }
  return policy::BudgetState::Ok;
}

/// Reads the prompt, tools and metadata through the wire's codec, only as far as the set needs.
void read_body(const Exchange& ex, const policy::PolicySet& set, FactStore& st) {
  const bool text = set.reads_content();
  const bool tools = set.reads(Kind::Tools);
  const bool meta = set.reads(Kind::Metadata);
  if (!text && !tools && !meta) return;
  const auto* codec = protocol::codec_for(ex.endpoint);
  if (!codec) return;
  protocol::RequestContext ctx{ex.endpoint, ex.requested_model,
                               ex.endpoint == protocol::Endpoint::StreamGenerate};
  auto parsed = codec->parse_request(ex.request.body, ctx);
  const auto* req = std::get_if<ir::Request>(&parsed);
  if (!req) return;  // the route stage answers the parse error in the client's shape
  if (text) st.text = policy::prompt_text(*req);
  if (tools) {
    for (const auto& t : req->tools) st.tools.push_back(t.name);
    st.tool_views.assign(st.tools.begin(), st.tools.end());
  }
  if (meta && !req->metadata.empty()) {
    boost::system::error_code ec;
    const auto v = boost::json::parse(req->metadata, ec);
    if (!ec && v.is_object()) {
      for (const auto& kv : v.get_object()) {
        if (kv.value().is_string()) st.metadata.emplace_back(kv.key(), kv.value().get_string());
      }
    }
    for (const auto& [k, val] : st.metadata) st.meta_views.push_back({k, val});
  }
}

policy::RequestFacts facts_of(const Exchange& ex, const policy::PolicySet& set, FactStore& st) {
  policy::RequestFacts f;
  if (ex.key) {
    const auto& r = ex.key->record;
    f.key_id = r.id;
    f.user = r.user;
    f.team = r.team;
    f.project = r.project;
    f.role = r.role;
  }
  const auto& cfg = ex.snapshot->config;
  f.model = ex.requested_model;
  if (cfg.find_route(ex.requested_model)) f.route = ex.requested_model;
  f.endpoint = ex.endpoint;
  read_body(ex, set, st);
  f.prompt = st.text.prompt;
  f.latest = st.text.latest;
  f.tools = st.tool_views;
  f.headers = ex.request.headers;
  f.metadata = st.meta_views;
  f.now = std::chrono::system_clock::now();
  if (set.reads(Kind::Budget)) f.budget = budget_state(ex);
  f.region = cfg.region;
  for (const auto& [kind, n] : ex.guard_findings) st.findings.push_back(kind);
  f.findings = st.findings;
  if (ex.intel) {
    f.intent = intel::intent_name(ex.intel->intent);
    f.risk = ex.intel->risk;
  }
  return f;
}

/// The guardrails, narrowed to redacting exactly the kinds a rule named (custom kinds keep the
/// pattern the guardrails section gave them).
guard::GuardConfig redact_only(const std::optional<guard::GuardConfig>& base,
                               const std::vector<std::string_view>& kinds) {
  guard::GuardConfig c = base.value_or(guard::GuardConfig{});
  c.category_actions.fill(guard::Action::Off);
  c.kind_actions.fill(guard::Action::Off);
  c.tool_allow.clear();
  c.tool_deny.clear();
  std::vector<guard::CustomPattern> custom;
  for (const auto kind : kinds) {
    if (kind.starts_with("custom:")) {
      for (const auto& p : c.custom) {
        if (p.name == kind.substr(7)) {
          custom.push_back(p);
          custom.back().action = guard::Action::Redact;
        }
      }
    } else if (const auto k = guard::kind_from_name(kind)) {
      c.kind_actions[static_cast<std::size_t>(*k)] = guard::Action::Redact;
    }
  }
  c.custom = std::move(custom);
  return c;
}

void set_body(Exchange& ex, std::string body) {
  ex.request.body = std::move(body);
  ex.probe = protocol::probe_json(ex.request.body);  // passthrough rewrites by offsets
}

class PolicyStage final : public Stage {
 public:
  std::string_view name() const override { return "policy"; }

  Decision decide(Exchange& ex) override {
    const auto& set = ex.snapshot->config.policy;
    if (!set || set->empty()) return Decision::next();
    FactStore store;
    auto& d = ex.policy.emplace(set->evaluate(facts_of(ex, *set, store)));
    if (auto h = d.header(); !h.empty()) ex.governance_headers.push_back({"x-sluice-policy", h});
    if (d.denied()) return Decision::refuse(d.deny_error());

    if (!d.route.empty() && d.route != ex.requested_model) {
      ex.decisions.push_back("policy_route: " + ex.requested_model + " -> " + std::string(d.route) +
                             " (" + std::string(d.route_rule) + ")");
      ex.requested_model = std::string(d.route);
    }
    if (!d.caps.empty()) {
      auto capped = governance::apply_caps(ex.endpoint, ex.request.body, d.caps);
      if (capped.refused) return Decision::refuse(std::move(*capped.refused));
      if (capped.body) {
        set_body(ex, std::move(*capped.body));
        ex.governance_headers.push_back({"x-sluice-capped", core::join(capped.applied, ", ")});
      }
    }
    if (!d.redact.empty()) {
      const guard::Guard g(redact_only(ex.snapshot->config.guardrails, d.redact));
      auto scan = guard::scan_request(ex.endpoint, ex.request.body, g);
      for (const auto& [kind, n] : scan.counts) ex.guard_findings[kind] += n;
      if (scan.body) set_body(ex, std::move(*scan.body));
    }
    if (!d.skills.empty()) {
      if (auto inj = policy::inject_text(ex.endpoint, ex.request.body, d.skill_text())) {
        set_body(ex, std::move(inj->body));
        ex.governance_headers.push_back({"x-sluice-skills", d.skills_header()});
      }
    }
    return Decision::next();
  }
};

}  // namespace

StagePtr make_policy_stage() {
  return std::make_unique<PolicyStage>();
}

}  // namespace sluice::pipeline
