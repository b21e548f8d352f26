// A council's reviews and decision (see council.hpp). Every review is a request of its own
// through council_pipeline(): routing, failover, translation to the reviewer's wire, budgets and
// the ledger all apply, and its ledger row says which request it reviewed. The calls run in
// parallel on the request's event loop, each bounded by the council's deadline (the review's
// writer reports the "client" gone then, which cancels the upstream call), so a council always
// decides by then.

#include <fmt/format.h>

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>

#include "core/log.hpp"
#include "core/sha256.hpp"
#include "council/prompt.hpp"
#include "council/record.hpp"
#include "council/select.hpp"
#include "governance/cost.hpp"
#include "governance/period.hpp"
#include "intel/classifier.hpp"
#include "intel/features.hpp"
#include "pipeline/council.hpp"
#include "pipeline/gateway.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {

namespace asio = boost::asio;

struct CouncilJob {
  council::CouncilRecord rec;
  std::shared_ptr<const council::Settings> settings;
  providers::SnapshotPtr snapshot;
  governance::Governance* governance = nullptr;
  governance::LiveKeyPtr key;
  council::ReviewInput input;
  std::size_t remaining = 0;
  Clock::time_point deadline;
  std::unique_ptr<asio::steady_timer> done;  // cancelled when the council decides
  bool started = false;
  bool finished = false;
};

namespace {

/// The review's "client": keeps the answer, and says the client is gone at the council's
/// deadline, which makes execute abandon the upstream call.
class CaptureWriter final : public http::ResponseWriter {
 public:
  CaptureWriter(const asio::any_io_executor& exec, Clock::time_point deadline) : timer_(exec) {
    timer_.expires_at(deadline);
  }
  asio::awaitable<bool> send(int status, http::Headers, std::string body) override {
    status_ = status;
    body_ = std::move(body);
    started_ = true;
    co_return true;
  }
  asio::awaitable<bool> start_stream(int status, http::Headers) override {
    status_ = status;
    started_ = true;
    co_return true;
  }
  asio::awaitable<bool> write_chunk(std::string_view data) override {
    body_.append(data);
    co_return true;
  }
  asio::awaitable<bool> end_stream() override { co_return true; }
  void reset_connection() override {}
  bool started() const override { return started_; }
  asio::awaitable<void> wait_client_gone() override {
    auto [ec] = co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    if (!ec) timed_out_ = true;
  }
  std::uint64_t bytes_written() const override { return body_.size(); }

  int status() const { return status_; }
  const std::string& body() const { return body_; }
  bool timed_out() const { return timed_out_; }

 private:
  asio::steady_timer timer_;
  int status_ = 0;
  std::string body_;
  bool started_ = false;
  bool timed_out_ = false;
};

std::string delivered_word(const CouncilJob& job) {
  if (job.rec.mode == council::Mode::Async) return "as_is";
  council::Delivery d = council::Delivery::Pass;
  if (job.rec.decision == council::Decision::Reject) d = job.settings->on_reject;
  if (job.rec.decision == council::Decision::None) d = job.settings->on_timeout;
  switch (d) {
    case council::Delivery::Notice:
      return "notice";
    case council::Delivery::Refuse:
      return "refused";
    default:
      return "as_is";
  }
}

void finish(CouncilJob& job) {
  if (job.finished) return;
  job.finished = true;
  auto& rec = job.rec;
  std::vector<council::Verdict> votes;
  bool cut = false;
  for (auto& r : rec.reviews) {
    if (r.status == "pending") {
      r.status = "timeout";
      r.error = "no answer within council.timeout";
    }
    if (r.status == "done" && r.verdict) votes.push_back(*r.verdict);
    if (r.status == "timeout") cut = true;
  }
  rec.decision = council::decide(votes, rec.rule);
  rec.status = cut ? "timeout" : "decided";
  rec.decided_ms = governance::now_ms();
  rec.delivered = delivered_word(job);
  council::Registry::instance().put(rec);
  if (job.governance) job.governance->ledger().submit(council::council_row(rec));
  log::info("request {}: council {} ({}, {} of {} reviewers answered, ${:.6f})", rec.request_id,
            council::to_string(*rec.decision), rec.status, votes.size(), rec.reviews.size(),
            rec.cost_usd());
  if (job.done) job.done->cancel();
}

asio::awaitable<void> review(CouncilJobPtr job, std::size_t i) {
  auto& r = job->rec.reviews[i];  // the vector is not resized once reviews start
  const auto began = Clock::now();
  try {
    http::Request req;
    req.method = "POST";
    req.target = "/v1/chat/completions";
    req.headers.push_back({"content-type", "application/json"});
    req.body = council::review_request(*job->settings, r.name, job->input);
    req.remote = "council";
    r.prompt_sha256 = core::sha256_hex(req.body);
    const auto exec = co_await asio::this_coro::executor;
    CaptureWriter w(exec, job->deadline);
    ExchangeStart start;
    start.request_id = new_request_id();
    r.request_id = start.request_id;
    start.endpoint = protocol::Endpoint::ChatCompletions;
    start.snapshot = job->snapshot;
    start.governance = job->governance;
    start.key = job->key;
    start.council_of = job->rec.request_id;
    std::optional<std::string> error;  // the exchange's own, when it refused or failed
    start.done = [&r, &error](const Exchange& ex) {
      if (ex.error) error = ex.error->message;
      if (ex.target) {
        r.model = ex.target->model;
        r.provider = ex.target->provider->config.name;
      }
      r.cost_usd = ex.cost_usd;  // the account stage's, when there is a ledger
      if (!ex.governance && ex.usage && ex.target && ex.target->info) {
        r.cost_usd = governance::cost_usd(*ex.target->info, *ex.usage);
      }
    };
    co_await council_pipeline().serve(req, w, std::move(start));
    if (w.timed_out()) {
      r.status = "timeout";
      r.error = "no answer within council.timeout";
    } else if (w.status() >= 200 && w.status() < 300) {
      const auto text = council::review_reply_text(w.body());
      r.reply_sha256 = core::sha256_hex(text);
      auto v = council::parse_verdict(text);
      r.status = "done";
      r.verdict = v.verdict;
      r.reasons = std::move(v.reasons);
    } else {
      r.status = "error";
      r.error = error ? *error : "the reviewer answered HTTP " + std::to_string(w.status());
    }
  } catch (const std::exception& e) {
    r.status = "error";
    r.error = e.what();
  }
  r.latency_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - began).count();
  if (--job->remaining == 0) finish(*job);
}

/// Each configured reviewer as a candidate: where its name resolves (a route: its first
/// target), so that the choice can prefer other vendors and providers than the primary's.
std::vector<council::Candidate> candidates(const providers::Snapshot& snap,
                                           const council::Settings& s) {
  std::vector<council::Candidate> out;
  for (const auto& name : s.reviewers) {
    council::Candidate c{name, {}, {}, {}};
    auto r = providers::resolve_model(snap, protocol::Family::OpenAI, name);
    if (auto* res = std::get_if<providers::Resolution>(&r)) {
      const providers::Provider* p = res->provider;
      c.model = res->model;
      if (res->route && !res->route->targets.empty()) {
        p = res->route->targets.front().provider;
        c.model = res->route->targets.front().model;
      }
      if (p) {
        c.provider = p->config.name;
        c.vendor = std::string(protocol::to_string(p->config.type));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

const Pipeline& council_pipeline() {
  static const Pipeline p = [] {
    std::vector<StagePtr> stages;
    stages.push_back(make_access_log_stage());
    stages.push_back(make_account_stage());
    stages.push_back(make_ingress_stage());
    stages.push_back(make_route_stage());
    stages.push_back(make_budget_stage());
    stages.push_back(make_execute_stage());
    return Pipeline(std::move(stages));
  }();
  return p;
}

std::string pending_header(const Exchange& ex) {
  return "pending; id=" + ex.request_id;
}

CouncilJobPtr new_council(const Exchange& ex, const CouncilPlan& plan) {
  auto job = std::make_shared<CouncilJob>();
  job->settings = plan.settings;
  job->snapshot = ex.snapshot;
  job->governance = ex.governance;
  job->key = ex.key;
  auto& rec = job->rec;
  rec.request_id = ex.request_id;
  rec.time_ms = governance::now_ms();
  if (ex.key) {
    const auto& k = ex.key->record;
    rec.key_id = k.id;
    rec.key_name = k.name;
    rec.user = k.user;
    rec.team = k.team;
  }
  rec.wire = std::string(protocol::wire_name(ex.endpoint));
  rec.mode = plan.mode;
  rec.rule = plan.rule;
  rec.k = plan.k;
  rec.trigger = plan.trigger;
  if (ex.intel) {
    rec.intent = std::string(intel::intent_name(ex.intel->intent));
    rec.risk = ex.intel->risk;
    job->input.intent = rec.intent;
    job->input.risk = fmt::format("{:.2f}", ex.intel->risk);
  }
  auto signals = intel::extract_signals(ex.endpoint, ex.request.body);
  if (auto* s = std::get_if<intel::RequestSignals>(&signals)) {
    job->input.instruction = std::move(s->latest_instruction);
    for (const auto& f : s->files) job->input.files.push_back(f.path);
  }
  return job;
}

void start_council(const CouncilJobPtr& job, const Exchange& ex, std::string answer_text,
                   std::string_view answer_bytes, const asio::any_io_executor& executor) {
  if (job->started) return;
  job->started = true;
  auto& rec = job->rec;
  council::Candidate primary;
  if (ex.target) {
    rec.primary_model = ex.target->model;
    rec.primary_provider = ex.target->provider->config.name;
    primary = {{},
               std::string(protocol::to_string(ex.target->provider->config.type)),
               rec.primary_provider,
               rec.primary_model};
  }
  rec.answer_sha256 = core::sha256_hex(answer_bytes);
  job->input.answer = std::move(answer_text);
  job->input.model = rec.primary_model;
  const auto cands = candidates(*job->snapshot, *job->settings);
  for (auto i : council::pick_reviewers(cands, primary, rec.k)) {
    council::ReviewRecord r;
    r.name = cands[i].name;
    rec.reviews.push_back(std::move(r));
  }
  job->deadline = Clock::now() + job->settings->timeout;
  job->done = std::make_unique<asio::steady_timer>(executor);
  job->done->expires_at(job->deadline + std::chrono::seconds(1));
  council::Registry::instance().put(rec);
  job->remaining = rec.reviews.size();
  if (job->remaining == 0) {
    finish(*job);
    return;
  }
  for (std::size_t i = 0; i < rec.reviews.size(); ++i) {
    asio::co_spawn(executor, review(job, i), asio::detached);
  }
}

asio::awaitable<GateOutcome> await_council(CouncilJobPtr job) {
  if (!job->finished && job->done) {
    auto [ec] = co_await job->done->async_wait(asio::as_tuple(asio::use_awaitable));
    // Expired: a review outlived its deadline and the grace second; decide without it.
    if (!ec && !job->finished) finish(*job);
  }
  GateOutcome out;
  if (!job->finished) {
    out.header = "none; cancelled";
    out.note = "council: gate cancelled (the client left)";
    co_return out;
  }
  const auto& rec = job->rec;
  const auto decision = council::to_string(*rec.decision);
  out.header = std::string(decision);
  if (rec.status == "timeout") out.header += "; timeout";
  std::vector<std::string> reasons;
  std::size_t answered = 0;
  for (const auto& r : rec.reviews) {
    if (r.status == "done") ++answered;
    if (r.verdict != council::Verdict::Reject) continue;
    for (const auto& s : r.reasons) {
      // Reviewers often agree in the same words; the notice says each reason once.
      if (std::find(reasons.begin(), reasons.end(), s) == reasons.end()) reasons.push_back(s);
    }
  }
  if (rec.delivered == "notice") {
    out.delivery = council::Delivery::Notice;
    out.notice = council::notice_text(job->settings->templates, *rec.decision, reasons);
  } else if (rec.delivered == "refused") {
    out.delivery = council::Delivery::Refuse;
    out.message = rec.decision == council::Decision::Reject
                      ? "the sluice council rejected this answer"
                      : "the sluice council reached no verdict on this answer in time";
    for (std::size_t i = 0; i < reasons.size() && i < 3; ++i) {
      out.message += (i == 0 ? ": " : "; ") + reasons[i];
    }
    out.message += " (GET /admin/council/" + rec.request_id + " has the reviews)";
  }
  out.note = fmt::format("council: gate {} ({}/{} answered) -> {}", decision, answered,
                         rec.reviews.size(), rec.delivered);
  co_return out;
}

}  // namespace sluice::pipeline
