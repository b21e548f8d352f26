#pragma once
// A request's audit record (docs/audit.md), in two halves. At completion, on the event loop,
// audit_entry() takes what the record is made of: a few small values, the request body (moved:
// it is dead by then) and the answer's bytes the tap kept. On the batching writer's thread,
// build() does the expensive part — the prompt's canonical SHA-256, the answer's SHA-256,
// sealing content, writing canonical JSON — so an event loop spends well under a microsecond
// per audited request (docs/performance.md, "Audit").

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "governance/credentials.hpp"
#include "pipeline/exchange.hpp"
#include "store/batch_writer.hpp"

namespace sluice::pipeline {

class AuditEntry final : public store::AuditSource {
 public:
  /// The record, as canonical JSON written directly (keys in sorted order at every level; a
  /// debug build checks it against core::canonical_json), with its filter fields.
  store::AuditRow build() override;

  struct Error {
    std::string code, message;
    int status = 0;
  };

  // The record's inputs, taken by audit_entry(); build() reads nothing else.
  std::string request_id;
  std::int64_t time_ms = 0;     // arrival, Unix ms
  std::int64_t latency_ms = 0;  // to completion
  std::int64_t ttfb_ms = -1;
  int status = 0;
  std::string decision;
  governance::LiveKeyPtr key;
  std::string model;  // the served model ("" if none answered)
  std::string provider;
  std::string requested_model;
  std::optional<std::string> route;
  std::vector<Exchange::AttemptNote> attempts;
  std::string_view budget_state;  // a literal
  std::vector<std::string> decisions;
  std::string config_version;
  bool cost_estimated = false;
  double cost_usd = 0;
  std::optional<Error> error;
  std::string fallback_reason;
  guard::Counts guard_findings;
  /// The policy decision, copied (the decision's views die with its policy set).
  struct Policy {
    std::vector<std::string> rules, skills, tags;
    std::string decided_by, route, verdict;
    std::optional<std::pair<int, std::string>> council;  // k, mode
  };
  std::optional<Policy> policy;  // when a rule matched
  std::optional<intel::Assessment> intel;
  ir::Usage usage;
  protocol::Endpoint endpoint = protocol::Endpoint::ChatCompletions;
  bool stream = false;
  std::string body;                   // the request body, for prompt_sha256 (and sealing)
  std::optional<std::string> answer;  // the body bytes the client got; nullopt: not kept
  std::shared_ptr<const governance::MasterKey> content_key;  // store_content: encrypted
};

/// Takes the record's inputs from a completed exchange; moves ex.request.body out.
std::unique_ptr<AuditEntry> audit_entry(Exchange& ex);

}  // namespace sluice::pipeline
