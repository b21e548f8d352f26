// budget: rate limits and spend, after routing has ordered the candidates. The key's (and its
// team's) request and token buckets are charged; then the worst-case cost of the first
// candidate is reserved on every budget the request belongs to. A budget that cannot hold it
// acts as configured: block (429 saying which budget, how much, when it resets), throttle (a
// lower rate, spend allowed past the limit), or fallback (the next cheaper candidate whose
// worst case fits what is left).

#include <fmt/format.h>

#include <utility>

#include "core/coarse_clock.hpp"
#include "core/text.hpp"
#include "governance/cost.hpp"
#include "governance/period.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

using governance::BudgetAction;

/// Tokens charged to a tpm bucket before the answer is known: the prompt estimated from its
/// size plus the output cap the client asked for (OpenAI's own estimate works this way).
std::int64_t token_estimate(const Exchange& ex) {
  return static_cast<std::int64_t>((ex.request.body.size() + 3) / 4) +
         std::max<std::int64_t>(ex.probe.max_output.value_or(0), 0);
}

core::GatewayError rate_limited(std::string message) {
  return {core::ErrorKind::RateLimited, std::move(message), "", "rate_limit_exceeded"};
}

std::string per_minute(const governance::RateDecision& d, std::int64_t rpm, std::int64_t tpm) {
  return d.exhausted == "tokens" ? fmt::format("{} tokens per minute", tpm)
                                 : fmt::format("{} requests per minute", rpm);
}

class BudgetStage final : public Stage {
 public:
  std::string_view name() const override { return "budget"; }

  Decision decide(Exchange& ex) override {
    auto* gov = ex.governance;
    if (!gov) return Decision::next();
    const auto now = core::coarse_now();  // RateClock's time, to a tick

    // Rate limits: the key's own, then its team's. Both take the same token estimate, which
    // the account stage corrects to the real usage.
    if (ex.key) {
      const auto& r = ex.key->record;
      const std::int64_t estimate = token_estimate(ex);
      if (r.rpm > 0 || r.tpm > 0) {
        const auto d = gov->limits().acquire(r.id, r.rpm, r.tpm, r.tpm > 0 ? estimate : 0, now);
        if (!d.allowed) {
          governance::add_rate_headers(d, ex.governance_headers);
          return refuse_rate(ex, ex.key->label + " is limited to " + per_minute(d, r.rpm, r.tpm));
        }
        ex.key_rate = d;
        if (r.tpm > 0) ex.rate_tokens = estimate;
      }
      const auto team = gov->team_limit(r.team);
      if (team.rpm > 0 || team.tpm > 0) {
        const auto d = gov->limits().acquire(governance::team_bucket(r.team), team.rpm, team.tpm,
                                             team.tpm > 0 ? estimate : 0, now);
        if (!d.allowed) {
          governance::add_rate_headers(d, ex.governance_headers);
          return refuse_rate(
              ex, "team '" + r.team + "' is limited to " + per_minute(d, team.rpm, team.tpm));
        }
        if (team.tpm > 0) ex.rate_tokens = estimate;
      }
    }

    // Spend: reserve the worst case of a candidate that fits.
    auto& book = gov->budgets();
    if (book.empty()) return Decision::next();
    const auto subject = subject_of(ex);
    const auto now_ms = governance::now_ms();
    const auto input = governance::worst_case_input_tokens(ex.request.body.size());
    const auto max_out = ex.probe.max_output.value_or(0);
    std::optional<governance::BudgetState> refused;
    std::string refusal;
    for (std::size_t i = 0; i < ex.plan.eligible; ++i) {
      const auto* t = ex.plan.order[i].target;
      const double worst = t->info ? governance::worst_case_usd(*t->info, input, max_out) : 0;
      auto out = book.reserve(subject, worst, now_ms);
      if (out.ok) {
        ex.reservation = std::move(out.reservation);
        note_warnings(ex, out);
        if (i > 0) {
          // The dearer candidates do not fit what is left: serve from this one, and say so.
          ex.governance_headers.push_back(
              {"x-sluice-budget-warning",
               fmt::format(
                   "{} has {} of {} left ({}, resets {}): {} does not fit, "
                   "served by {}",
                   refused->rule.label,
                   governance::usd(std::max(
                       0.0, refused->rule.limit_usd - refused->spent_usd - refused->reserved_usd)),
                   governance::usd(refused->rule.limit_usd), refused->rule.period.to_string(),
                   governance::iso8601(refused->window.end_ms), ex.plan.order[0].target->label(),
                   t->label())});
          ex.plan.order.erase(ex.plan.order.begin(),
                              ex.plan.order.begin() + static_cast<std::ptrdiff_t>(i));
          ex.plan.eligible -= i;
          ex.fallback_reason = "budget";
        }
        return Decision::next();
      }
      // A fallback budget looks further down the plan and reports the first refusal (the
      // target the client would have had); any other action decides here.
      const bool fallback = out.refused && out.refused->rule.action == BudgetAction::Fallback;
      if (!refused || !fallback) {
        refused = out.refused;
        refusal = out.message();
      }
      if (!fallback) break;
    }
    if (refused && refused->rule.action == BudgetAction::Throttle) {
      const auto d = gov->limits().acquire("budget\x1f" + refused->rule.label,
                                           refused->rule.throttle_rpm, 0, 0, now);
      if (d.allowed) {
        const auto* t = ex.plan.eligible ? ex.plan.order[0].target : nullptr;
        const double worst =
            t && t->info ? governance::worst_case_usd(*t->info, input, max_out) : 0;
        ex.reservation = book.reserve_unchecked(subject, worst, now_ms);
        ex.governance_headers.push_back(
            {"x-sluice-budget-warning",
             refusal + "; throttled to " + std::to_string(refused->rule.throttle_rpm) + " rpm"});
        return Decision::next();
      }
      governance::add_rate_headers(d, ex.governance_headers);
      return refuse_rate(ex, refusal + "; throttled to " +
                                 std::to_string(refused->rule.throttle_rpm) +
                                 " requests per minute until then");
    }
    if (refused && refused->rule.action == BudgetAction::Fallback && ex.resolution &&
        ex.resolution->route) {
      refusal += "; no cheaper target of this route fits what is left";
    }
    if (refused) {
      record_event(*gov, "budget_exhausted", *refused, refusal);
      const auto reset_s = std::max<std::int64_t>(1, (refused->window.end_ms - now_ms) / 1000);
      http::Headers h;
      h.push_back({"retry-after", std::to_string(reset_s)});
      h.push_back({"x-should-retry", "false"});  // SDKs would otherwise retry a spent budget
      h.push_back({"x-sluice-budget-reset", governance::iso8601(refused->window.end_ms)});
      core::GatewayError err{core::ErrorKind::RateLimited, refusal, "", "budget_exceeded"};
      return Decision::refuse(std::move(err), 0, std::move(h));
    }
    return Decision::next();
  }

 private:
  // The bucket that ran out (the key's, its team's or a throttled budget's) is the one whose
  // limits the 429 reports: the key's own state, if it let the request through, is dropped.
  static Decision refuse_rate(Exchange& ex, std::string message) {
    ex.key_rate.reset();
    http::Headers h = std::move(ex.governance_headers);
    ex.governance_headers.clear();  // moved-from: empty it for what runs after the refusal
    auto err = rate_limited(std::move(message));
    return Decision::refuse(std::move(err), 0, std::move(h));
  }

  static void record_event(governance::Governance& gov, const char* kind,
                           const governance::BudgetState& b, const std::string& detail) {
    gov.ledger().submit(store::EventRow{governance::now_ms(), kind, scope_name(b.rule), detail});
  }

  static std::string scope_name(const governance::BudgetRule& r) {
    switch (r.scope) {
      case store::SpendScope::Key:
        return "key:" + r.id;
      case store::SpendScope::User:
        return "user:" + r.id;
      case store::SpendScope::Team:
        return "team:" + r.id;
      case store::SpendScope::Project:
        return "project:" + r.id;
      case store::SpendScope::Org:
        return "org";
    }
    return r.id;
  }

  static void note_warnings(Exchange& ex, const governance::ReserveOutcome& out) {
    if (!out.warnings.empty()) {
      ex.governance_headers.push_back({"x-sluice-budget-warning", core::join(out.warnings, "; ")});
    }
    for (const auto& b : out.newly_warned) {
      record_event(*ex.governance, "budget_warning", b,
                   b.rule.label + fmt::format(" passed {:.0f}% of {}", b.rule.warn * 100,
                                              governance::usd(b.rule.limit_usd)));
    }
  }
};

}  // namespace

StagePtr make_budget_stage() {
  return std::make_unique<BudgetStage>();
}

}  // namespace sluice::pipeline
