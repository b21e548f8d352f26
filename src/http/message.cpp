#include "http/message.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>

#include "core/text.hpp"

namespace sluice::http {

namespace {

/// No byte that would break the header line: CR, LF, ':', space or tab (one pass; see
/// core::find_line_break for why not find_first_of).
bool plain_name(std::string_view name) {
  return std::none_of(name.begin(), name.end(), [](char c) {
    return c == '\r' || c == '\n' || c == ':' || c == ' ' || c == '\t';
  });
}

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

}  // namespace

std::string_view bearer_token(const Headers& headers) {
  const std::string* auth = find_header(headers, "authorization");
  if (!auth || auth->size() < 7 || !iequals(std::string_view(*auth).substr(0, 7), "bearer ")) {
    return {};
  }
  std::string_view token = std::string_view(*auth).substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  return token;
}

std::optional<std::string> query_param(std::string_view query, std::string_view name) {
  // An empty view may have a null data(), which Boost.URL 1.81 passes to strlen.
  if (query.empty()) return std::nullopt;
  auto parsed = boost::urls::parse_query(boost::core::string_view(query.data(), query.size()));
  if (!parsed) return std::nullopt;
  for (const auto& p : boost::urls::params_view(*parsed)) {  // percent-decoded
    if (p.key == name) return std::string(p.value);
  }
  return std::nullopt;
}

void append_header_lines(std::string& out, const Headers& headers) {
  for (const auto& h : headers) {
    if (h.name.empty() || core::find_line_break(h.value) != std::string_view::npos ||
        !plain_name(h.name) || iequals(h.name, "host") || iequals(h.name, "content-length") ||
        iequals(h.name, "transfer-encoding") || iequals(h.name, "connection")) {
      continue;
    }
    out += h.name;
    out += ": ";
    out += h.value;
    out += "\r\n";
  }
}

const std::string* find_header(const Headers& headers, std::string_view lower_name) {
  for (const auto& h : headers) {
    if (h.name == lower_name) {
      return &h.value;
    }
  }
  return nullptr;
}

void set_header(Headers& headers, std::string_view lower_name, std::string value) {
  remove_header(headers, lower_name);
  headers.push_back({std::string(lower_name), std::move(value)});
}

void remove_header(Headers& headers, std::string_view lower_name) {
  std::erase_if(headers, [&](const Header& h) { return h.name == lower_name; });
}

std::string_view Request::path() const {
  auto q = target.find('?');
  return q == std::string::npos ? std::string_view(target) : std::string_view(target).substr(0, q);
}

std::string_view Request::query() const {
  auto q = target.find('?');
  return q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1);
}

std::string_view reason(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 426:
      return "Upgrade Required";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 499:
      return "Client Closed Request";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    case 529:
      return "Overloaded";
    default:
      return "Unknown";
  }
}

}  // namespace sluice::http
