// access log: one JSON line per request when it completes, with its key's name and cost. Never
// headers, bodies or secrets.

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <fmt/format.h>

#include "core/log.hpp"
#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

class AccessLogStage final : public Stage {
 public:
  std::string_view name() const override { return "access_log"; }

  void on_complete(Exchange& ex) noexcept override {
    try {
      if (!ex.snapshot->config.access_log) return;
      using std::chrono::duration_cast;
      using std::chrono::microseconds;
      const auto now = Clock::now();
      boost::json::object o;
      o["ts"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
      o["request_id"] = ex.request_id;
      o["method"] = ex.request.method;
      o["path"] = ex.request.path();
      o["wire"] = protocol::wire_name(ex.endpoint);
      o["model"] = ex.requested_model;
      if (ex.resolution) {
        o["resolved_via"] = ex.resolution->via;
        if (ex.resolution->route) o["route"] = ex.resolution->model;
      }
      if (ex.target) {
        o["served_model"] = ex.target->model;
        o["provider"] = ex.target->provider->config.name;
        if (ex.target->provider->accounts.size() > 1) {
          o["account"] = ex.target->account_config().name;
        }
      }
      if (ex.key) o["key"] = ex.key->record.name;  // the name, never the secret
      if (ex.attempts > 1) o["attempts"] = ex.attempts;
      if (!ex.fallback_reason.empty()) o["fallback_reason"] = ex.fallback_reason;
      o["stream"] = ex.stream;
      if (ex.stream_events) o["events"] = ex.stream_events;
      o["status"] = ex.status;
      o["bytes_in"] = ex.request_bytes;
      o["bytes_out"] = ex.writer.bytes_written();
      if (ex.error) o["error"] = ex.error->message;
      if (!ex.dropped.empty()) o["dropped"] = ex.dropped;
      if (!ex.upstream_error.empty()) o["upstream_error"] = ex.upstream_error;
      o["remote"] = ex.request.remote;
      if (!ex.council_of.empty()) o["council_of"] = ex.council_of;
      // Latencies are appended by hand: Boost.JSON would print doubles as 1.443E0.
      std::string line = boost::json::serialize(o);
      line.pop_back();
      line += fmt::format(R"(,"latency_ms":{:.3f})",
                          duration_cast<microseconds>(now - ex.start).count() / 1000.0);
      if (ex.first_byte) {
        line +=
            fmt::format(R"(,"ttfb_ms":{:.3f})",
                        duration_cast<microseconds>(*ex.first_byte - ex.start).count() / 1000.0);
      }
      if (ex.cost_usd > 0) {
        line += fmt::format(R"(,"cost_usd":{:.6f})", ex.cost_usd);
        if (ex.cost_estimated) line += R"(,"cost_estimated":true)";
      }
      line += '}';
      log::access(line);
    } catch (...) {
      // Logging must never take a request down.
    }
  }
};

}  // namespace

StagePtr make_access_log_stage() {
  return std::make_unique<AccessLogStage>();
}

}  // namespace sluice::pipeline
