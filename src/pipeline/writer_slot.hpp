#pragma once
// The writer stages answer through (Exchange::writer): it forwards to the audit's tap, or to a
// writer a stage stacked on the tap for this request (the response guardrails), so that what
// the stacked writer lets through is what the tap hashes and the client gets. Forwarding is
// one indirect call; nothing is stacked unless a stage asks.

#include "http/server.hpp"

namespace sluice::pipeline {

class WriterSlot final : public http::ResponseWriter {
 public:
  explicit WriterSlot(http::ResponseWriter& base) : target_(&base) {}

  /// From now on everything goes through `w` (which writes to the base itself). Call before
  /// anything is written; `w` must outlive the response.
  void stack(http::ResponseWriter& w) { target_ = &w; }
  /// What is stacked now (the base when nothing is): a writer stacked next writes to it.
  http::ResponseWriter& target() const { return *target_; }

  boost::asio::awaitable<bool> send(int status, http::Headers headers, std::string body) override {
    return target_->send(status, std::move(headers), std::move(body));
  }
  boost::asio::awaitable<bool> start_stream(int status, http::Headers headers) override {
    return target_->start_stream(status, std::move(headers));
  }
  boost::asio::awaitable<bool> write_chunk(std::string_view data) override {
    return target_->write_chunk(data);
  }
  boost::asio::awaitable<bool> end_stream() override { return target_->end_stream(); }
  void reset_connection() override { target_->reset_connection(); }
  bool started() const override { return target_->started(); }
  boost::asio::awaitable<void> wait_client_gone() override { return target_->wait_client_gone(); }
  bool watch_client_gone(std::function<void()> on_gone) override {
    return target_->watch_client_gone(std::move(on_gone));
  }
  void unwatch_client_gone() override { target_->unwatch_client_gone(); }
  std::uint64_t bytes_written() const override { return target_->bytes_written(); }

 private:
  http::ResponseWriter* target_;
};

}  // namespace sluice::pipeline
