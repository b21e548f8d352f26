// route: resolve the requested model name to a provider and the model name it will see.

#include "pipeline/pipeline.hpp"

namespace sluice::pipeline {
namespace {

class RouteStage final : public Stage {
 public:
  std::string_view name() const override { return "route"; }

  boost::asio::awaitable<Verdict> on_request(Exchange& ex) override {
    auto r = providers::resolve_model(*ex.snapshot, protocol::family_of(ex.endpoint),
                                      ex.requested_model);
    if (auto* err = std::get_if<core::GatewayError>(&r)) {
      co_return co_await respond_error(ex, std::move(*err));
    }
    ex.resolution = std::move(std::get<providers::Resolution>(r));
    co_return Verdict::Continue;
  }
};

}  // namespace

StagePtr make_route_stage() {
  return std::make_unique<RouteStage>();
}

}  // namespace sluice::pipeline
