#pragma once
// Guardrails on the answer, as a writer stacked between the stages and the audit's tap: it
// sees the bytes the client would get, in the client's wire, whichever path (passthrough or
// translation) produced them, and the tap hashes what it lets through.
//
// - send() of a 2xx answer: guard::scan_response. Redactions rewrite the body; a block answers
//   guard::response_blocked_error in the client's error shape instead (400, guardrail_blocked).
//   x-sluice-guardrails then counts the request's and the answer's findings.
// - A 2xx event stream: every chunk goes through a guard::SseGuard. On a block the held text
//   goes out, then the wire's own error event (protocol::stream_error_event, as for an upstream
//   failure mid-stream), and the stream ends here; later writes return false, which the paths
//   read as "stop relaying", so the upstream is released at once.
// Findings are added to ex.guard_findings as they are found (the audit record counts them);
// the error and a decision ("response_blocked: ...") are set on the exchange before the last
// bytes leave, so a strict audit's record, written then, has them.

#include "pipeline/exchange.hpp"

namespace sluice::pipeline {

/// Stacks the answer guardrails on ex.writer when the config scans answers of ex.endpoint, on
/// top of whatever is stacked already, so they see the answer first: a council stacked before
/// reviews what they let through, never a secret they redact. Call before anything is written,
/// after every other writer is stacked.
void stack_response_guard(Exchange& ex);

}  // namespace sluice::pipeline
