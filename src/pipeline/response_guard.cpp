#include "pipeline/response_guard.hpp"

#include <optional>

#include "core/log.hpp"
#include "guard/response.hpp"
#include "guard/sse_guard.hpp"
#include "protocol/errors.hpp"

namespace sluice::pipeline {
namespace {

std::string decision_for(const guard::ResponseBlock& b) {
  return b.reason == guard::ResponseBlock::Reason::Tool ? "response_blocked: tool " + b.name
                                                        : "response_blocked: " + b.name;
}

class ResponseGuard final : public http::ResponseWriter {
 public:
  ResponseGuard(Exchange& ex, http::ResponseWriter& inner, const guard::Guard& g)
      : ex_(ex), inner_(inner), guard_(g) {}

  boost::asio::awaitable<bool> send(int status, http::Headers headers, std::string body) override {
    if (status < 200 || status >= 300) {
      co_return co_await inner_.send(status, std::move(headers), std::move(body));
    }
    auto scan = guard::scan_response(ex_.endpoint, body, guard_);
    if (!scan.counts.empty()) {
      for (const auto& [kind, n] : scan.counts) ex_.guard_findings[kind] += n;
      http::set_header(headers, "x-sluice-guardrails", guard::counts_text(ex_.guard_findings));
    }
    if (scan.blocked) {
      auto err = guard::response_blocked_error(*scan.blocked);
      status = err.status();
      body = protocol::error_body(protocol::family_of(ex_.endpoint), err, ex_.request_id);
      http::set_header(headers, "content-type", "application/json");
      note_block(*scan.blocked, std::move(err));
      ex_.status = status;
    } else if (scan.body) {
      body = std::move(*scan.body);
    }
    co_return co_await inner_.send(status, std::move(headers), std::move(body));
  }

  boost::asio::awaitable<bool> start_stream(int status, http::Headers headers) override {
    const auto* type = http::find_header(headers, "content-type");
    if (status >= 200 && status < 300 && type &&
        type->find("text/event-stream") != std::string::npos) {
      sse_.emplace(guard_, ex_.endpoint, ex_.guard_findings);
    }
    return inner_.start_stream(status, std::move(headers));
  }

  boost::asio::awaitable<bool> write_chunk(std::string_view data) override {
    if (!sse_) co_return co_await inner_.write_chunk(data);
    if (ended_) co_return false;
    out_.clear();
    const bool open = sse_->feed(data, out_);
    if (!out_.empty()) {
      const bool written = co_await inner_.write_chunk(out_);
      if (!written) co_return false;
    }
    if (!open) {
      co_await end_blocked();
      co_return false;
    }
    co_return true;
  }

  boost::asio::awaitable<bool> end_stream() override {
    if (!sse_) co_return co_await inner_.end_stream();
    if (ended_) co_return true;
    out_.clear();
    const bool open = sse_->finish(out_);
    if (!out_.empty()) {
      const bool written = co_await inner_.write_chunk(out_);
      if (!written) co_return false;
    }
    if (!open) {
      co_await end_blocked();
      co_return true;
    }
    co_return co_await inner_.end_stream();
  }

  void reset_connection() override { inner_.reset_connection(); }
  bool started() const override { return inner_.started(); }
  boost::asio::awaitable<void> wait_client_gone() override { return inner_.wait_client_gone(); }
  bool watch_client_gone(std::function<void()> on_gone) override {
    return inner_.watch_client_gone(std::move(on_gone));
  }
  void unwatch_client_gone() override { inner_.unwatch_client_gone(); }
  std::uint64_t bytes_written() const override { return inner_.bytes_written(); }

 private:
  void note_block(const guard::ResponseBlock& b, core::GatewayError err) {
    log::info("request {}: answer blocked by guardrails ({})", ex_.request_id, decision_for(b));
    ex_.decisions.push_back(decision_for(b));
    ex_.error = std::move(err);
  }

  /// The stream stops here: the wire's error event, then the end.
  boost::asio::awaitable<void> end_blocked() {
    ended_ = true;
    auto err = guard::response_blocked_error(*sse_->blocked());
    const std::string event = protocol::stream_error_event(ex_.endpoint, err, ex_.request_id);
    note_block(*sse_->blocked(), std::move(err));
    const bool written = co_await inner_.write_chunk(event);
    if (written) co_await inner_.end_stream();
  }

  Exchange& ex_;
  http::ResponseWriter& inner_;
  const guard::Guard& guard_;  // held by ex_.snapshot
  std::optional<guard::SseGuard> sse_;
  std::string out_;
  bool ended_ = false;  // ended here after a block
};

}  // namespace

void stack_response_guard(Exchange& ex) {
  const auto& g = ex.snapshot->guard;
  if (!g || !g->scans_responses() || !guard::answers_with_text(ex.endpoint)) return;
  ex.response_guard = std::make_unique<ResponseGuard>(ex, ex.slot.target(), *g);
  ex.slot.stack(*ex.response_guard);
}

}  // namespace sluice::pipeline
