#pragma once
// The writer every stage answers through: it forwards to the connection's writer and, when the
// audit asks, (a) hashes every body byte the client receives (response_sha256) and (b) runs a
// hook before the last bytes of a response leave, so that audit durability: strict can hold a
// response until its record is on disk.

#include <functional>
#include <optional>

#include "core/sha256.hpp"
#include "http/server.hpp"

namespace sluice::pipeline {

class ResponseTap final : public http::ResponseWriter {
 public:
  using FinishHook = std::function<boost::asio::awaitable<void>()>;

  explicit ResponseTap(http::ResponseWriter& inner) : inner_(inner) {}

  /// From now on, hash the response body (call before anything is written); with `keep`, also
  /// keep a copy of it (audit.store_content).
  void hash_body(bool keep = false) {
    digest_.emplace();
    keep_ = keep;
  }
  /// The body kept by hash_body(true), else "".
  const std::string& body() const { return kept_; }
  /// Hex SHA-256 of the body bytes written so far ("" unless hash_body() was called).
  std::string body_sha256();
  /// Runs once, just before send() writes or end_stream() ends the response.
  void before_finish(FinishHook hook) { hook_ = std::move(hook); }

  boost::asio::awaitable<bool> send(int status, http::Headers headers, std::string body) override;
  boost::asio::awaitable<bool> start_stream(int status, http::Headers headers) override {
    return inner_.start_stream(status, std::move(headers));
  }
  boost::asio::awaitable<bool> write_chunk(std::string_view data) override;
  boost::asio::awaitable<bool> end_stream() override;
  void reset_connection() override { inner_.reset_connection(); }
  bool started() const override { return inner_.started(); }
  boost::asio::awaitable<void> wait_client_gone() override { return inner_.wait_client_gone(); }
  std::uint64_t bytes_written() const override { return inner_.bytes_written(); }

 private:
  boost::asio::awaitable<void> run_hook();

  http::ResponseWriter& inner_;
  std::optional<core::Sha256> digest_;
  std::optional<std::string> final_digest_;
  bool keep_ = false;
  std::string kept_;
  FinishHook hook_;
};

}  // namespace sluice::pipeline
