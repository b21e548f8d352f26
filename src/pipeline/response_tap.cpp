#include "pipeline/response_tap.hpp"

namespace sluice::pipeline {

boost::asio::awaitable<void> ResponseTap::run_hook() {
  if (!hook_) co_return;
  auto hook = std::move(hook_);
  hook_ = nullptr;
  co_await hook();
}

void ResponseTap::run_note(int status) {
  if (!note_) return;
  auto note = std::move(note_);
  note_ = nullptr;
  note(status);
}

// send, write_chunk and end_stream hand the connection's own awaitable back unless a hook must
// run first: a forwarding coroutine would cost a frame on every response and chunk.
boost::asio::awaitable<bool> ResponseTap::send(int status, http::Headers headers,
                                               std::string body) {
  if (keep_) kept_ += body;
  run_note(status);
  if (!hook_) return inner_.send(status, std::move(headers), std::move(body));
  return send_after_hook(status, std::move(headers), std::move(body));
}

boost::asio::awaitable<bool> ResponseTap::send_after_hook(int status, http::Headers headers,
                                                          std::string body) {
  co_await run_hook();
  co_return co_await inner_.send(status, std::move(headers), std::move(body));
}

boost::asio::awaitable<bool> ResponseTap::write_chunk(std::string_view data) {
  if (keep_) kept_ += data;
  return inner_.write_chunk(data);
}

boost::asio::awaitable<bool> ResponseTap::end_stream() {
  run_note(stream_status_);
  if (!hook_) return inner_.end_stream();
  return end_after_hook();
}

boost::asio::awaitable<bool> ResponseTap::end_after_hook() {
  co_await run_hook();
  co_return co_await inner_.end_stream();
}

}  // namespace sluice::pipeline
