#pragma once
// The writer every stage answers through: it forwards to the connection's writer and, when the
// audit asks, (a) keeps a copy of every body byte the client receives, which the audit record
// hashes on the batching writer's thread (response_sha256; a copy costs the event loop a
// tenth of a hash) and (b) runs a hook before the last bytes of a response leave, so that
// audit durability: strict can hold a response until its record is on disk.

#include <functional>
#include <optional>
#include <string>

#include "http/server.hpp"

namespace sluice::pipeline {

class ResponseTap final : public http::ResponseWriter {
 public:
  using FinishHook = std::function<boost::asio::awaitable<void>()>;

  explicit ResponseTap(http::ResponseWriter& inner) : inner_(inner) {}

  /// From now on, keep a copy of the response body (call before anything is written).
  void keep_body() { keep_ = true; }
  /// The body bytes written so far, moved out; nullopt unless keep_body() was called.
  std::optional<std::string> take_body() {
    if (!keep_) return std::nullopt;
    return std::move(kept_);
  }
  /// Runs once, just before send() writes or end_stream() ends the response.
  void before_finish(FinishHook hook) { hook_ = std::move(hook); }
  /// Runs once, synchronously, just before the last bytes of a response leave, with its
  /// status: whatever a client may do as soon as it has the answer (POST /v1/feedback) must
  /// find what this records.
  void on_finish(std::function<void(int status)> note) { note_ = std::move(note); }
  /// Runs that note now if the response never finished: the client hung up first (the openai
  /// SDK closes at a stream's `[DONE]`, which can cancel the exchange before end_stream).
  void settle_note(int status) { run_note(status); }

  boost::asio::awaitable<bool> send(int status, http::Headers headers, std::string body) override;
  boost::asio::awaitable<bool> start_stream(int status, http::Headers headers) override {
    stream_status_ = status;
    return inner_.start_stream(status, std::move(headers));
  }
  boost::asio::awaitable<bool> write_chunk(std::string_view data) override;
  boost::asio::awaitable<bool> end_stream() override;
  void reset_connection() override { inner_.reset_connection(); }
  bool started() const override { return inner_.started(); }
  boost::asio::awaitable<void> wait_client_gone() override { return inner_.wait_client_gone(); }
  bool watch_client_gone(std::function<void()> on_gone) override {
    return inner_.watch_client_gone(std::move(on_gone));
  }
  void unwatch_client_gone() override { inner_.unwatch_client_gone(); }
  std::uint64_t bytes_written() const override { return inner_.bytes_written(); }

 private:
  boost::asio::awaitable<void> run_hook();
  boost::asio::awaitable<bool> send_after_hook(int status, http::Headers headers, std::string body);
  boost::asio::awaitable<bool> end_after_hook();
  void run_note(int status);

  http::ResponseWriter& inner_;
  bool keep_ = false;
  std::string kept_;
  FinishHook hook_;
  std::function<void(int)> note_;
  int stream_status_ = 0;
};

}  // namespace sluice::pipeline
