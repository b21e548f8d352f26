#pragma once
// Plain HTTP message types shared by the server, the upstream client and the pipeline.
// Deliberately free of Beast so that most translation units never see its templates.

#include <chrono>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::http {

/// One header line. Names are stored lower-case (HTTP header names are case-insensitive and
/// every lookup in sluice is by lower-case name).
struct Header {
  std::string name;
  std::string value;
  bool rendered = false;  // made by HeaderLines::take(): no name, `value` is whole lines
};
using Headers = std::vector<Header>;

/// Header lines written ahead, for a set of headers every response carries (the gateway's
/// x-sluice-* and x-ratelimit-*): printed into one buffer on the stack and taken as one string,
/// where a Header per line costs two strings (most of these names are past the small-string
/// size) and a check per line when the head is written. take() turns them into a single Header
/// that append_header_lines writes verbatim; lookups by name do not see inside it. Names are
/// the caller's literals: lower-case tokens.
class HeaderLines {
 public:
  /// Appends "name: value\r\n". False, and nothing appended, when the value has a CR or LF:
  /// for values that come from a request or a config.
  bool add(std::string_view name, std::string_view value);
  /// The same without the check, for a value sluice printed itself.
  void add_printed(std::string_view name, std::string_view value) {
    const std::size_t need = name.size() + value.size() + 4;
    if (spill_.empty() && size_ + need <= sizeof buf_) {
      char* p = buf_ + size_;
      std::memcpy(p, name.data(), name.size());
      p += name.size();
      *p++ = ':';
      *p++ = ' ';
      std::memcpy(p, value.data(), value.size());
      p += value.size();
      *p++ = '\r';
      *p = '\n';
      size_ += need;
      return;
    }
    spill(name, value);
  }
  bool empty() const { return size_ == 0 && spill_.empty(); }
  /// The lines as one Header (see is_rendered_lines); this is left empty.
  Header take();

 private:
  void spill(std::string_view name, std::string_view value);

  char buf_[768];
  std::size_t size_ = 0;
  std::string spill_;  // once the buffer is past: every line, from then on
};

/// True for the Header that HeaderLines::take() makes.
inline bool is_rendered_lines(const Header& h) {
  return h.rendered;
}

/// Returns the first header named `lower_name`, or nullptr.
const std::string* find_header(const Headers& headers, std::string_view lower_name);
/// Replaces every header named `lower_name` by one with `value` (appends if absent).
void set_header(Headers& headers, std::string_view lower_name, std::string value);
/// Removes every header named `lower_name`.
void remove_header(Headers& headers, std::string_view lower_name);

/// A request as the server hands it to a handler: the whole body is read (bounded by the
/// server's body limit) and decoded if it arrived with a content-encoding.
struct Request {
  std::string method;  // "POST", "GET", ...
  std::string target;  // origin-form as sent: path plus optional "?query"
  Headers headers;
  std::string body;
  std::string remote;  // "ip:port" of the peer, for logs

  std::string_view path() const;   // target before '?'
  std::string_view query() const;  // target after '?', without it; empty if none

  /// Empties the request for the connection's next one and keeps what it can reuse: the
  /// strings' and the header list's capacity (a body's only up to 64 KiB, so an idle
  /// connection does not hold a large upload), and `remote`. The headers move to `spare`,
  /// whose Headers the next parse fills (RequestParser), so none of them is visible before.
  void recycle(Headers& spare);
};

/// The token of `Authorization: Bearer TOKEN` (scheme matched case-insensitively), or "".
std::string_view bearer_token(const Headers& headers);
/// The percent-decoded value of query parameter `name`, or nullopt.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

/// Appends "name: value\r\n" per header, for a head written by hand, and the lines of a
/// rendered Header as they are. Left out: the framing headers the writer owns (host,
/// content-length, transfer-encoding, connection) and any field whose name or value could
/// break HTTP/1.1 framing (CR, LF; separators in a name).
void append_header_lines(std::string& out, const Headers& headers);

/// Reason phrase for a status code ("Not Found"), for status lines and logs.
std::string_view reason(int status);

}  // namespace sluice::http
