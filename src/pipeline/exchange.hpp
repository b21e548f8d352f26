#pragma once
// Everything one request accumulates on its way through the pipeline. Stages read and write it;
// the access log (and later the ledger and audit) read it when the request completes.

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/error.hpp"
#include "governance/runtime.hpp"
#include "http/message.hpp"
#include "http/server.hpp"
#include "intel/runtime.hpp"
#include "pipeline/response_tap.hpp"
#include "pipeline/writer_slot.hpp"
#include "policy/decision.hpp"
#include "protocol/ir.hpp"
#include "protocol/json_probe.hpp"
#include "protocol/wire.hpp"
#include "providers/runtime.hpp"
#include "routing/plan.hpp"

namespace sluice::intel {
class Learner;
}

namespace sluice::pipeline {

using Clock = std::chrono::steady_clock;

struct Exchange {
  Exchange(http::Request& req, http::ResponseWriter& w)
      : request(req), tap(w), slot(tap), writer(slot) {}

  http::Request& request;
  ResponseTap tap;               // the connection's writer, with the audit's hooks
  WriterSlot slot;               // = tap, or a writer a stage stacked on it (writer_slot.hpp)
  http::ResponseWriter& writer;  // = slot; what stages answer through
  std::string request_id;
  protocol::Endpoint endpoint = protocol::Endpoint::ChatCompletions;
  providers::SnapshotPtr snapshot;    // the config generation this request runs under
  intel::Learner* learner = nullptr;  // outcome statistics for auto routing (null: none)

  // ingress
  std::size_t request_bytes = 0;  // the body's size as received (the audit moves the body)
  protocol::JsonProbe probe;
  std::string requested_model;
  bool stream = false;

  // auth
  governance::Governance* governance = nullptr;  // null: no governance (tests, tools)
  governance::LiveKeyPtr key;                    // the caller's key; null when auth is off

  // guard
  guard::Counts guard_findings;  // findings by kind (never the text), request and answer
  std::unique_ptr<http::ResponseWriter> response_guard;  // in `slot` when answers are scanned

  // classify
  std::optional<intel::Assessment> intel;  // intent, risk, blast radius; unset when not classified

  // policy (views into ex.snapshot's policy set, which the exchange keeps alive)
  std::optional<policy::Decision> policy;  // set when a policy set was evaluated

  // council (pipeline/council.hpp)
  std::unique_ptr<http::ResponseWriter> council_writer;  // in `slot` when the answer is reviewed
  std::string council_of;  // this exchange is a council review of that request (its ledger row)

  // route
  std::optional<providers::Resolution> resolution;
  std::optional<ir::Request>
      parsed;  // when routing had to read the request (translation reuses it)
  std::vector<routing::Target> direct;  // the targets of a name that is not a route
  routing::Plan plan;                   // candidates in the order execute tries them
  bool auto_routed = false;             // the model was auto, auto:TIER or auto:TIER:DIRECTION

  // budget
  governance::Reservation reservation;  // worst-case cost held until the request settles
  std::int64_t rate_tokens = 0;         // the token estimate taken from tpm buckets (0: none were)
  // The key's rate-limit state when its buckets let the request through: rendered as
  // x-ratelimit-* headers straight into the response (add_sluice_headers), with no copy.
  std::optional<governance::RateDecision> key_rate;
  http::Headers governance_headers;  // budget-warning and capped headers; a refusal's limits

  // execute
  const routing::Target* target = nullptr;  // the attempt in progress, then the one that answered
  int attempts = 0;
  std::string fallback_reason;  // why earlier attempts were abandoned ("" if none were)
  struct AttemptNote {
    std::string target;   // provider/model
    std::string outcome;  // "ok", or the failure ("rate_limited", "timeout", ...)
    int status = 0;       // the upstream's status (0: none)
    std::int64_t ms = 0;
  };
  std::vector<AttemptNote> attempt_log;  // every attempt, in order (for the audit record)
  std::vector<std::string> decisions;    // governance decisions taken ("budget_warning: ...")
  bool completed = false;                // the stages' on_complete have run
  bool client_left = false;              // the client hung up while a stage waited (execute)
  std::uint64_t audit_ticket = 0;        // the audit record's place in the writer's queue

  // outcome
  int status = 0;
  std::optional<core::GatewayError> error;  // set when sluice (not the upstream) answered an error
  std::string upstream_error;               // upstream failure detail, for the log
  std::string dropped;                      // fields translation could not carry (x-sluice-dropped)
  std::uint64_t upstream_bytes = 0;
  std::uint64_t stream_events = 0;
  std::optional<ir::Usage> usage;  // as the upstream reported it (translated or passthrough)
  double cost_usd = 0;             // set by the account stage at completion
  bool cost_estimated = false;
  Clock::time_point start = Clock::now();
  std::optional<Clock::time_point> first_byte;  // first response byte written to the client
};

/// Whom the request is charged to (its key's id, user, team and project); empty without a key,
/// so only org budgets apply.
inline governance::Subject subject_of(const Exchange& ex) {
  if (!ex.key) return {};
  const auto& r = ex.key->record;
  return {r.id, r.user, r.team, r.project};
}

}  // namespace sluice::pipeline
