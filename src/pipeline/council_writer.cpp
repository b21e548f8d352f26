// The council's writer (see council.hpp), stacked on the exchange's writer by the council
// stage. It reads the answer in the client's wire, whatever path produced it.
//
// - async: everything passes at once; the answer's headers say `x-sluice-council: pending;
//   id=...`, and the council starts when the answer is complete.
// - gate: a 2xx answer is held whole (a stream's headers and every event), the council decides,
//   then the answer goes out as it is, with the review notice as the wire's own last piece of
//   text, or as a refusal in the client's error shape (403, council_rejected). Nothing reached
//   the client before, so the headers can say the decision.
// Error answers are not reviewed; they pass untouched.

#include <boost/asio/this_coro.hpp>

#include <optional>

#include "core/log.hpp"
#include "council/answer.hpp"
#include "pipeline/council.hpp"
#include "protocol/errors.hpp"

namespace sluice::pipeline {
namespace {

namespace asio = boost::asio;
constexpr std::string_view kHeader = "x-sluice-council";
// An async council reviews at most this much of a stream (the gate holds a stream whole).
constexpr std::size_t kMaxObserved = 8 * 1024 * 1024;

bool ok(int status) {
  return status >= 200 && status < 300;
}

/// A compressed answer cannot be read or amended; it passes unreviewed.
bool encoded(const http::Headers& h) {
  const auto* enc = http::find_header(h, "content-encoding");
  return enc && !enc->empty() && *enc != "identity";
}

class CouncilWriter final : public http::ResponseWriter {
 public:
  CouncilWriter(Exchange& ex, http::ResponseWriter& inner, CouncilPlan plan)
      : ex_(ex),
        inner_(inner),
        gate_(plan.mode == council::Mode::Gate),
        job_(new_council(ex, plan)) {}

  asio::awaitable<bool> send(int status, http::Headers headers, std::string body) override {
    if (!ok(status) || encoded(headers)) {
      co_return co_await inner_.send(status, std::move(headers), std::move(body));
    }
    const auto exec = co_await asio::this_coro::executor;
    start_council(job_, ex_, council::answer_text(ex_.endpoint, body, false), body, exec);
    if (!gate_) {
      http::set_header(headers, kHeader, pending_header(ex_));
      ex_.decisions.push_back("council: async, pending");
      co_return co_await inner_.send(status, std::move(headers), std::move(body));
    }
    const GateOutcome out = co_await await_council(job_);
    ex_.decisions.push_back(out.note);
    if (out.delivery == council::Delivery::Refuse) co_return co_await refuse(headers, out);
    if (out.delivery == council::Delivery::Notice) {
      if (auto amended = council::add_notice(ex_.endpoint, body, out.notice, ex_.request_id)) {
        body = std::move(*amended);
      } else {
        log::warn("request {}: the council's notice does not fit this answer; sent as it is",
                  ex_.request_id);
      }
    }
    http::set_header(headers, kHeader, out.header);
    co_return co_await inner_.send(status, std::move(headers), std::move(body));
  }

  asio::awaitable<bool> start_stream(int status, http::Headers headers) override {
    const auto* type = http::find_header(headers, "content-type");
    const bool sse = type && type->find("text/event-stream") != std::string::npos;
    if (!ok(status) || !sse || encoded(headers)) {
      co_return co_await inner_.start_stream(status, std::move(headers));
    }
    streaming_ = true;
    executor_ = co_await asio::this_coro::executor;
    if (!gate_) {
      http::set_header(headers, kHeader, pending_header(ex_));
      co_return co_await inner_.start_stream(status, std::move(headers));
    }
    held_status_ = status;
    held_headers_ = std::move(headers);
    co_return true;
  }

  asio::awaitable<bool> write_chunk(std::string_view data) override {
    if (!streaming_) co_return co_await inner_.write_chunk(data);
    if (gate_) {
      kept_.append(data);
      co_return true;
    }
    if (kept_.size() + data.size() <= kMaxObserved) kept_.append(data);
    co_return co_await inner_.write_chunk(data);
  }

  asio::awaitable<bool> end_stream() override {
    if (!streaming_) co_return co_await inner_.end_stream();
    review_stream();
    if (!gate_) {
      ex_.decisions.push_back("council: async, pending");
      co_return co_await inner_.end_stream();
    }
    const GateOutcome out = co_await await_council(job_);
    ex_.decisions.push_back(out.note);
    if (out.delivery == council::Delivery::Refuse) co_return co_await refuse(held_headers_, out);
    std::string bytes =
        out.delivery == council::Delivery::Notice
            ? council::add_notice_to_stream(ex_.endpoint, kept_, out.notice, ex_.request_id)
            : std::move(kept_);
    http::set_header(held_headers_, kHeader, out.header);
    const bool started = co_await inner_.start_stream(held_status_, std::move(held_headers_));
    if (!started) co_return false;
    const bool written = co_await inner_.write_chunk(bytes);
    if (!written) co_return false;
    co_return co_await inner_.end_stream();
  }

  /// The exchange is over. A client may hang up at the stream's last event (the openai SDK
  /// closes at `[DONE]`), which cancels the exchange before end_stream: an async council still
  /// reviews an answer whose whole stream went out.
  void settle() {
    if (gate_ || !streaming_ || ended_ || !council::stream_complete(ex_.endpoint, kept_)) return;
    review_stream();
    ex_.decisions.push_back("council: async, pending");
  }

  void reset_connection() override { inner_.reset_connection(); }
  // A held stream has begun as far as the paths know: a later failure must end it with the
  // wire's error event (which the gate then holds too), not start another response.
  bool started() const override { return held_status_ != 0 || inner_.started(); }
  asio::awaitable<void> wait_client_gone() override { return inner_.wait_client_gone(); }
  bool watch_client_gone(std::function<void()> on_gone) override {
    return inner_.watch_client_gone(std::move(on_gone));
  }
  void unwatch_client_gone() override { inner_.unwatch_client_gone(); }
  std::uint64_t bytes_written() const override { return inner_.bytes_written(); }

 private:
  /// The council starts on the stream as it went out (async) or is held (gate).
  void review_stream() {
    ended_ = true;
    start_council(job_, ex_, council::answer_text(ex_.endpoint, kept_, true), kept_, *executor_);
  }

  /// The answer is withheld: the client's error shape instead, with the sluice headers the
  /// answer had (request id, model, provider, ...).
  asio::awaitable<bool> refuse(const http::Headers& held, const GateOutcome& out) {
    core::GatewayError err{core::ErrorKind::PermissionDenied, out.message, "", "council_rejected"};
    http::Headers h;
    for (const auto& hd : held) {
      if (http::is_rendered_lines(hd) || hd.name.starts_with("x-sluice-") ||
          hd.name.starts_with("x-ratelimit-")) {
        h.push_back(hd);
      }
    }
    h.push_back({"content-type", "application/json"});
    http::set_header(h, kHeader, out.header);
    const int status = err.status();
    ex_.status = status;
    auto body = protocol::error_body(protocol::family_of(ex_.endpoint), err, ex_.request_id);
    ex_.error = std::move(err);
    co_return co_await inner_.send(status, std::move(h), std::move(body));
  }

  Exchange& ex_;
  http::ResponseWriter& inner_;
  const bool gate_;
  CouncilJobPtr job_;
  bool streaming_ = false;  // a 2xx event stream this writer reads
  bool ended_ = false;      // the council started on the stream
  int held_status_ = 0;     // gate: the held stream's status (0: none held)
  http::Headers held_headers_;
  std::string kept_;  // the stream's bytes: held (gate) or copied (async)
  std::optional<asio::any_io_executor> executor_;  // the exchange's, set with streaming_
};

}  // namespace

void stack_council(Exchange& ex, CouncilPlan plan) {
  ex.council_writer = std::make_unique<CouncilWriter>(ex, ex.slot.target(), std::move(plan));
  ex.slot.stack(*ex.council_writer);
}

void settle_council(Exchange& ex) noexcept {
  if (!ex.council_writer) return;
  try {
    static_cast<CouncilWriter&>(*ex.council_writer).settle();  // only stack_council sets it
  } catch (const std::exception& e) {
    log::warn("request {}: the council could not start: {}", ex.request_id, e.what());
  }
}

}  // namespace sluice::pipeline
