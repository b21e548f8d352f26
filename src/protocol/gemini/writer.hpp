#pragma once
// A minimal streaming JSON writer: the Gemini serialisers append straight into the output string
// instead of building a Boost.JSON tree first (one allocation per request instead of hundreds).

#include <boost/json/value.hpp>

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::protocol::gemini {

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  Writer& begin_object() {
    sep();
    out_ += '{';
    comma_ = false;
    return *this;
  }
  Writer& end_object() {
    out_ += '}';
    comma_ = true;
    return *this;
  }
  Writer& begin_array() {
    sep();
    out_ += '[';
    comma_ = false;
    return *this;
  }
  Writer& end_array() {
    out_ += ']';
    comma_ = true;
    return *this;
  }
  Writer& key(std::string_view k) {
    sep();
    quote(k);
    out_ += ':';
    comma_ = false;
    return *this;
  }
  Writer& str(std::string_view s) {
    sep();
    quote(s);
    comma_ = true;
    return *this;
  }
  Writer& num(std::int64_t n) {
    sep();
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, n);
    out_.append(buf, r.ptr);
    comma_ = true;
    return *this;
  }
  Writer& num(int n) { return num(static_cast<std::int64_t>(n)); }
  Writer& num(double d) {
    sep();
    char buf[32];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    out_.append(buf, r.ptr);
    comma_ = true;
    return *this;
  }
  Writer& boolean(bool b) {
    sep();
    out_ += b ? "true" : "false";
    comma_ = true;
    return *this;
  }
  /// Already-serialised JSON, appended verbatim.
  Writer& raw(std::string_view json) {
    sep();
    out_ += json;
    comma_ = true;
    return *this;
  }
  /// Any Boost.JSON value.
  Writer& value(const boost::json::value& v);

  Writer& field(std::string_view k, std::string_view s) { return key(k).str(s); }
  /// Forget the comma state (after the caller cleared the output).
  void reset() { comma_ = false; }
  Writer& field(std::string_view k, std::int64_t n) { return key(k).num(n); }

 private:
  void sep() {
    if (comma_) out_ += ',';
  }
  void quote(std::string_view s);

  std::string& out_;
  bool comma_ = false;
};

}  // namespace sluice::protocol::gemini
