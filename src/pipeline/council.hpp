#pragma once
// The council on the request path (docs/council.md). The council stage decides whether a request
// needs one and stacks the council's writer (council_writer.cpp) on ex.writer, which sees the
// answer in the client's wire. In async mode the answer goes out at once and the reviews start
// when it is complete; in gate mode the writer holds the whole answer (nothing has reached the
// client, so the status and headers can still change) until the council decides or its
// deadline passes. Reviews (council_run.cpp) are requests through sluice's own routing,
// translation, budgets and ledger, charged to the caller's key and marked as council spend.
// Internal to pipeline/.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include <memory>
#include <string>

#include "council/settings.hpp"
#include "council/verdict.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {

/// What a request's council is to be: the config's settings with a policy rule's overrides.
struct CouncilPlan {
  std::shared_ptr<const council::Settings> settings;
  council::Mode mode = council::Mode::Async;
  council::Rule rule = council::Rule::Majority;
  int k = 2;
  std::string trigger;  // why: "policy: rule-a" or "risk 0.82 >= 0.70"
};

/// Stacks the council's writer on ex.writer. Call before anything is written.
void stack_council(Exchange& ex, CouncilPlan plan);

/// When the exchange completes: starts an async council whose stream went out whole but whose
/// client left before the stream's end (the exchange was cancelled before end_stream).
void settle_council(Exchange& ex) noexcept;

struct CouncilJob;
using CouncilJobPtr = std::shared_ptr<CouncilJob>;

/// A council for ex's answer. Reads what it needs from the request now (the audit moves the
/// body away when the request completes).
CouncilJobPtr new_council(const Exchange& ex, const CouncilPlan& plan);

/// The answer is complete: notes what answered it, picks the reviewers and starts their calls
/// on `executor`; returns at once. The council then decides on its own, writes its record (the
/// store, the audit chain, the in-process registry) and needs nobody to wait for it.
void start_council(const CouncilJobPtr& job, const Exchange& ex, std::string answer_text,
                   std::string_view answer_bytes, const boost::asio::any_io_executor& executor);

/// What the gate does with the held answer.
struct GateOutcome {
  std::string header;  // x-sluice-council: "approve", "reject", "none; timeout", ...
  council::Delivery delivery = council::Delivery::Pass;
  std::string notice;   // Delivery::Notice: the text to add
  std::string message;  // Delivery::Refuse: the error message
  std::string note;     // for ex.decisions: "council: gate reject (2/2 answered) -> notice"
};

/// Waits for a started council to decide (at most its deadline and a grace second, so a gate
/// never hangs) and says what to do with the answer. A request cancelled meanwhile (the client
/// left) gets Pass; the council still finishes and is recorded.
boost::asio::awaitable<GateOutcome> await_council(CouncilJobPtr job);

/// The x-sluice-council value of an async council: "pending; id=<request id>".
std::string pending_header(const Exchange& ex);

/// The council's reviews run through these stages (ingress, route, budget, execute, account,
/// access log): no auth (the caller's key is set on the review's exchange), no guardrails,
/// policy or council of their own.
const Pipeline& council_pipeline();

}  // namespace sluice::pipeline
