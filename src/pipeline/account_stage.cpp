// account: when a request completes, its usage becomes cost (the catalog's prices), the
// budget reservation settles to that cost, the rate-limit token estimate is corrected, and a
// ledger row goes to the batching writer. Nothing here waits on a disk.

#include "core/coarse_clock.hpp"
#include "governance/cost.hpp"
#include "governance/period.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

class AccountStage final : public Stage {
 public:
  std::string_view name() const override { return "account"; }

  void on_complete(Exchange& ex) noexcept override {
    auto* gov = ex.governance;
    if (!gov) return;
    try {
      const auto now = governance::now_ms();
      const bool served = ex.target && ex.status >= 200 && ex.status < 300;
      ir::Usage usage;
      bool estimated = false;
      if (ex.usage) {
        usage = *ex.usage;
      } else if (served) {
        usage = governance::estimate_usage(ex.request.body.size(), ex.upstream_bytes);
        estimated = true;
      }
      const double cost = served || ex.usage ? request_cost(ex, usage) : 0;
      ex.cost_usd = cost;
      ex.cost_estimated = estimated;

      if (ex.reservation.active()) {
        gov->budgets().settle(ex.reservation, cost);
      } else if (cost > 0 && !gov->budgets().empty()) {
        const auto& r = ex.key ? ex.key->record : store::KeyRecord{};
        gov->budgets().record({r.id, r.user, r.team, r.project}, cost, now);
      }
      if (ex.key && ex.rate_tokens > 0) {
        // The estimate both buckets took, corrected to what was used.
        const auto& k = ex.key->record;
        const auto delta = usage.input + usage.output - ex.rate_tokens;
        const auto at = core::coarse_now();  // RateClock's time, to a tick
        if (k.tpm > 0) gov->limits().adjust_tokens(k.id, k.tpm, delta, at);
        const auto team = gov->team_limit(k.team);
        if (team.tpm > 0) {
          gov->limits().adjust_tokens(governance::team_bucket(k.team), team.tpm, delta, at);
        }
      }
      gov->ledger().submit(row_of(ex, usage, estimated, cost, now));
    } catch (...) {
      // Accounting must never take a request down; a failed row is counted by the writer.
    }
  }

 private:
  static double request_cost(const Exchange& ex, const ir::Usage& u) {
    if (!ex.target || !ex.target->info) return 0;  // a model without a price costs nothing known
    return governance::cost_usd(*ex.target->info, u);
  }

  static store::UsageRow row_of(const Exchange& ex, const ir::Usage& u, bool estimated, double cost,
                                std::int64_t now_ms) {
    using std::chrono::duration_cast;
    using std::chrono::milliseconds;
    store::UsageRow row;
    row.request_id = ex.request_id;
    const auto age = duration_cast<milliseconds>(Clock::now() - ex.start).count();
    row.time_ms = now_ms - age;
    row.day = governance::utc_day(row.time_ms);
    if (ex.key) {
      const auto& k = ex.key->record;
      row.key_id = k.id;
      row.key_name = k.name;
      row.user = k.user;
      row.team = k.team;
      row.project = k.project;
    }
    row.wire = std::string(protocol::wire_name(ex.endpoint));
    row.requested_model = ex.requested_model;
    if (ex.target) {
      row.served_model = ex.target->model;
      row.provider = ex.target->provider->config.name;
    }
    if (ex.resolution && ex.resolution->route) {
      row.route = ex.resolution->model;
    } else if (ex.target) {
      row.route = ex.target->label();
    }
    row.input_tokens = u.input;
    row.output_tokens = u.output;
    row.cached_tokens = u.cache_read;
    row.cache_write_tokens = u.cache_write;
    row.reasoning_tokens = u.reasoning;
    row.cost_usd = cost;
    row.estimated = estimated;
    row.latency_ms = age;
    row.ttfb_ms =
        ex.first_byte ? duration_cast<milliseconds>(*ex.first_byte - ex.start).count() : -1;
    row.status = ex.status;
    row.attempts = ex.attempts;
    if (ex.intel) {
      row.intent = std::string(intel::intent_name(ex.intel->intent));
      row.risk = ex.intel->risk;
      if (ex.intel->blast) row.blast_radius = ex.intel->blast->dependents;
    }
    if (ex.policy) row.tags.assign(ex.policy->tags.begin(), ex.policy->tags.end());
    for (const auto& [kind, n] : ex.guard_findings) {
      row.findings.push_back(kind + "=" + std::to_string(n));
    }
    row.council_of = ex.council_of;
    return row;
  }
};

}  // namespace

StagePtr make_account_stage() {
  return std::make_unique<AccountStage>();
}

}  // namespace sluice::pipeline
