#pragma once
// Plain HTTP message types shared by the server, the upstream client and the pipeline.
// Deliberately free of Beast so that most translation units never see its templates.

#include <chrono>
#include <cstdint>
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
};
using Headers = std::vector<Header>;

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
};

/// The token of `Authorization: Bearer TOKEN` (scheme matched case-insensitively), or "".
std::string_view bearer_token(const Headers& headers);
/// The percent-decoded value of query parameter `name`, or nullopt.
std::optional<std::string> query_param(std::string_view query, std::string_view name);

/// Appends "name: value\r\n" per header, for a head written by hand. Left out: the framing
/// headers the writer owns (host, content-length, transfer-encoding, connection) and any field
/// whose name or value could break HTTP/1.1 framing (CR, LF; separators in a name).
void append_header_lines(std::string& out, const Headers& headers);

/// Reason phrase for a status code ("Not Found"), for status lines and logs.
std::string_view reason(int status);

}  // namespace sluice::http
