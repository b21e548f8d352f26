#pragma once
// Beast's HTTP/1.1 parsers with our own sinks: the request line or status and the headers go
// straight into our types (names lower-cased, as every lookup expects), the body into a string
// (requests) or the caller's buffer (responses). Beast's request_parser / response_parser first
// build a basic_fields (an allocation and an insert into an ordered set per header) that was then
// copied out field by field, on both sides of every request (docs/performance.md, 11:35).
// Included only by server.cpp and client.cpp, the translation units that instantiate Beast.

#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>

#include <algorithm>
#include <cstring>

#include "http/message.hpp"

namespace sluice::http {

namespace parsers_detail {

/// Appends the field to `headers`, in a Header taken from `spare` when it has one: its strings
/// keep the capacity they had, so a connection's next request allocates nothing for its head.
inline void add_field(Headers& headers, boost::beast::string_view name,
                      boost::beast::string_view value, Headers* spare = nullptr) {
  if (spare && !spare->empty()) {
    headers.push_back(std::move(spare->back()));
    spare->pop_back();
  } else {
    headers.emplace_back();
  }
  Header& h = headers.back();
  h.rendered = false;
  h.name.resize(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    h.name[i] = c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
  }
  h.value.assign(value.data(), value.size());
}

}  // namespace parsers_detail

class RequestParser final : public boost::beast::http::basic_parser<true> {
 public:
  /// Fills `req` while parsing: after a failed read it holds what was parsed so far. Headers
  /// are made from `spare`'s while it has any (see Request::recycle).
  explicit RequestParser(Request& req, Headers* spare = nullptr) : req_(req), spare_(spare) {}

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view method, string_view target, int,
                       error_code&) override {
    req_.method.assign(method.data(), method.size());
    req_.target.assign(target.data(), target.size());
  }
  void on_response_impl(int, string_view, int, error_code&) override {}  // a request parser
  void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                     error_code&) override {
    parsers_detail::add_field(req_.headers, name, value, spare_);
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>& length, error_code&) override {
    // basic_parser has already held Content-Length against body_limit.
    if (length) req_.body.reserve(static_cast<std::size_t>(*length));
  }
  std::size_t on_body_impl(string_view s, error_code&) override {
    req_.body.append(s.data(), s.size());
    return s.size();
  }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view s, error_code&) override {
    req_.body.append(s.data(), s.size());
    return s.size();
  }
  void on_finish_impl(error_code&) override {}

  Request& req_;
  Headers* spare_;
};

/// A response parser whose body goes, a read at a time, into the caller's buffer (what Beast's
/// buffer_body does): a read stops with error::need_buffer once the buffer is full.
class ResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  explicit ResponseParser(Headers& headers) : headers_(headers) {}

  int status() const { return status_; }
  /// Where the next body bytes go.
  void set_buffer(char* data, std::size_t size) {
    data_ = data;
    room_ = size;
  }
  /// What is left of that buffer.
  std::size_t room() const { return room_; }

 private:
  using error_code = boost::system::error_code;
  using string_view = boost::beast::string_view;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code&) override {}  // a response parser
  void on_response_impl(int code, string_view, int, error_code&) override { status_ = code; }
  void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                     error_code&) override {
    parsers_detail::add_field(headers_, name, value);
  }
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  std::size_t on_body_impl(string_view s, error_code& ec) override { return take(s, ec); }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  std::size_t on_chunk_body_impl(std::uint64_t, string_view s, error_code& ec) override {
    return take(s, ec);
  }
  void on_finish_impl(error_code&) override {}

  std::size_t take(string_view s, error_code& ec) {
    if (!data_) {
      ec = boost::beast::http::error::need_buffer;
      return 0;
    }
    const std::size_t n = std::min(s.size(), room_);
    if (n > 0) std::memcpy(data_, s.data(), n);
    data_ += n;
    room_ -= n;
    if (n < s.size()) ec = boost::beast::http::error::need_buffer;
    return n;
  }

  Headers& headers_;
  int status_ = 0;
  char* data_ = nullptr;
  std::size_t room_ = 0;
};

}  // namespace sluice::http
