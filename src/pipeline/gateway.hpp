#pragma once
// The HTTP entry point of `sluice serve`: maps paths to the model pipeline or to the gateway's
// own endpoints (health, model lists), and renders the server's local errors in the client's
// protocol shape.

#include <atomic>
#include <memory>

#include "http/server.hpp"
#include "pipeline/pipeline.hpp"
#include "providers/runtime.hpp"

namespace sluice::pipeline {

class Gateway {
 public:
  /// `governance` (may be null: no auth, budgets or ledger) and `learner` (may be null: auto
  /// routing does not learn, feedback finds nothing) outlive the gateway.
  explicit Gateway(providers::SnapshotHolder& snapshots,
                   governance::Governance* governance = nullptr, intel::Learner* learner = nullptr);

  /// Not a coroutine: a model request goes straight to the pipeline's coroutine, which holds
  /// its exchange (a coroutine level fewer a request); anything else to handle_other.
  boost::asio::awaitable<void> handle(http::Request& req, http::ResponseWriter& w);
  http::LocalReply local_reply(const http::Request& req, int status,
                               std::string_view message) const;
  /// Readiness goes false when a graceful stop begins, so balancers stop sending.
  void set_draining() { draining_.store(true); }

 private:
  boost::asio::awaitable<void> handle_other(http::Request& req, http::ResponseWriter& w);
  boost::asio::awaitable<void> send_json(http::ResponseWriter& w, int status, std::string body,
                                         const std::string& request_id);
  boost::asio::awaitable<void> list_models(http::Request& req, http::ResponseWriter& w,
                                           const std::string& request_id);
  boost::asio::awaitable<void> admin(http::Request& req, http::ResponseWriter& w,
                                     const std::string& request_id);

  providers::SnapshotHolder& snapshots_;
  governance::Governance* governance_;
  intel::Learner* learner_;
  Pipeline pipeline_;
  std::atomic<bool> draining_{false};
};

/// The admin API's answer (status, JSON body) for a request under /admin/. Plain function:
/// the gateway sends it outside the JSON building (see send_json).
std::pair<int, std::string> admin_reply(const providers::Snapshot& snap, const http::Request& req,
                                        governance::Governance* governance = nullptr);
/// An admin API error: its status and an OpenAI-shaped body.
std::pair<int, std::string> admin_error(core::ErrorKind kind, std::string message);
/// /admin/keys, /admin/budgets and /admin/events (after the admin guard); nullopt otherwise.
std::optional<std::pair<int, std::string>> governance_admin_reply(governance::Governance* gov,
                                                                  const http::Request& req);

/// /admin/audit and /admin/audit/{request_id} (after the admin guard); nullopt otherwise.
std::optional<std::pair<int, std::string>> audit_admin_reply(governance::Governance* gov,
                                                             const http::Request& req);

/// GET /admin/council/{request_id} (after the admin guard); nullopt otherwise.
std::optional<std::pair<int, std::string>> council_admin_reply(governance::Governance* gov,
                                                               const http::Request& req);

/// A new request id: "req_" + 24 hex digits (random per process, then a counter).
std::string new_request_id();

}  // namespace sluice::pipeline
