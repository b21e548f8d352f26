// audit: one hash-chained record per request (docs/audit.md). When the request completes, what
// the other stages left on the Exchange is handed to the batching writer (audit_record.hpp),
// which builds the record on its own thread and links it into the chain inside its
// transaction. Prompts and answers appear only as SHA-256 hashes unless audit.store_content
// seals them under the master key. With durability: strict, the pipeline holds the end of each
// response until the writer says the record is on disk (wait_audit_durable).

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/log.hpp"
#include "pipeline/audit_record.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

bool auditing(const Exchange& ex) {
  return ex.governance && ex.snapshot && ex.snapshot->config.audit.enabled;
}

class AuditStage final : public Stage {
 public:
  std::string_view name() const override { return "audit"; }

  Decision decide(Exchange& ex) override {
    if (auditing(ex)) ex.tap.keep_body();
    return Decision::next();
  }

  void on_complete(Exchange& ex) noexcept override {
    if (!auditing(ex) || ex.request_id.empty()) return;
    try {
      ex.audit_ticket = ex.governance->ledger().submit(audit_entry(ex));
    } catch (const std::exception& e) {
      log::error("request {}: audit record not written: {}", ex.request_id, e.what());
    }
  }
};

}  // namespace

bool audit_is_strict(const Exchange& ex) {
  return auditing(ex) && ex.snapshot->config.audit.strict;
}

boost::asio::awaitable<void> wait_audit_durable(Exchange& ex) {
  if (!ex.audit_ticket || !ex.governance) co_return;
  // The writer calls back on its own thread; the wake-up is posted to this request's executor,
  // where `done` and the timer are touched. The timer bounds the wait if the disk hangs.
  struct Wait {
    explicit Wait(boost::asio::any_io_executor e) : timer(e) {}
    boost::asio::steady_timer timer;
    bool done = false;
  };
  auto exec = co_await boost::asio::this_coro::executor;
  auto wait = std::make_shared<Wait>(exec);
  wait->timer.expires_after(std::chrono::seconds(30));
  ex.governance->ledger().when_durable(ex.audit_ticket, [wait, exec] {
    boost::asio::post(exec, [wait] {
      wait->done = true;
      wait->timer.cancel();
    });
  });
  if (wait->done) co_return;
  boost::system::error_code ec;
  co_await wait->timer.async_wait(boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  if (!wait->done) log::error("request {}: audit record not durable after 30 s", ex.request_id);
}

StagePtr make_audit_stage() {
  return std::make_unique<AuditStage>();
}

}  // namespace sluice::pipeline
