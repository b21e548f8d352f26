#include "http/message.hpp"

#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/text.hpp"

namespace sluice::http {

namespace {

// A header name written by hand may not hold CR, LF, ':', space, tab or NUL (they would end
// the name or the line), nor a value CR or LF.
#if defined(__SSE2__)
// Every header of every head is checked: 16 bytes a compare, where a byte at a time cost a
// table load and a branch per byte (writing a governed response's head cost 5k of its 68k
// instructions, most of it in these checks).

/// The 16 bytes at `p`, or the `n` < 16 there padded with `pad`.
__m128i load16(const char* p, std::size_t n, char pad) {
  if (n >= 16) return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  alignas(16) char tmp[16];
  std::memset(tmp, pad, sizeof tmp);
  std::memcpy(tmp, p, n);
  return _mm_load_si128(reinterpret_cast<const __m128i*>(tmp));
}

bool plain_name(std::string_view name) {
  const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n'), colon = _mm_set1_epi8(':');
  const __m128i sp = _mm_set1_epi8(' '), tab = _mm_set1_epi8('\t'), nul = _mm_setzero_si128();
  for (std::size_t i = 0; i < name.size(); i += 16) {
    const __m128i v = load16(name.data() + i, name.size() - i, 'a');
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf)),
                                  _mm_or_si128(_mm_cmpeq_epi8(v, colon), _mm_cmpeq_epi8(v, sp))),
                     _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, nul)));
    if (_mm_movemask_epi8(hit) != 0) return false;
  }
  return true;
}

bool single_line(std::string_view value) {
  if (value.size() > 64) return core::find_line_break(value) == std::string_view::npos;
  const __m128i cr = _mm_set1_epi8('\r'), lf = _mm_set1_epi8('\n');
  for (std::size_t i = 0; i < value.size(); i += 16) {
    const __m128i v = load16(value.data() + i, value.size() - i, ' ');
    if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, lf))) != 0) {
      return false;
    }
  }
  return true;
}
#else
/// Bytes that may not appear in a header name written by hand (they would end the name or the
/// line): CR, LF, ':', space, tab, NUL. A table: this runs for every header of every head.
constexpr auto kNameBreaks = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : std::string_view("\r\n: \t\0", 6)) t[c] = true;
  return t;
}();

bool plain_name(std::string_view name) {
  for (char c : name) {
    if (kNameBreaks[static_cast<unsigned char>(c)]) return false;
  }
  return true;
}

bool single_line(std::string_view value) {
  return core::find_line_break(value) == std::string_view::npos;
}
#endif

bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

/// The framing headers the writer owns, by length first (most names are ruled out by that).
bool framing_header(std::string_view name) {
  switch (name.size()) {
    case 4:
      return iequals(name, "host");
    case 10:
      return iequals(name, "connection");
    case 14:
      return iequals(name, "content-length");
    case 17:
      return iequals(name, "transfer-encoding");
    default:
      return false;
  }
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
    if (is_rendered_lines(h)) {
      out += h.value;
      continue;
    }
    if (h.name.empty() || framing_header(h.name) || !plain_name(h.name) || !single_line(h.value)) {
      continue;
    }
    // One growth and three copies per line instead of four appends.
    const std::size_t at = out.size();
    out.resize(at + h.name.size() + h.value.size() + 4);
    char* p = out.data() + at;
    p = std::copy(h.name.begin(), h.name.end(), p);
    *p++ = ':';
    *p++ = ' ';
    p = std::copy(h.value.begin(), h.value.end(), p);
    *p++ = '\r';
    *p = '\n';
  }
}

bool HeaderLines::add(std::string_view name, std::string_view value) {
  if (!single_line(value)) return false;
  add_printed(name, value);
  return true;
}

void HeaderLines::spill(std::string_view name, std::string_view value) {
  if (spill_.empty()) {
    spill_.assign(buf_, size_);
    size_ = 0;
  }
  spill_.append(name).append(": ", 2).append(value).append("\r\n", 2);
}

Header HeaderLines::take() {
  Header h{std::string(), spill_.empty() ? std::string(buf_, size_) : std::move(spill_), true};
  size_ = 0;
  spill_.clear();
  return h;
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

void Request::recycle(Headers& spare) {
  // Bounds what an idle connection keeps: a body's buffer up to 64 KiB, 32 spare headers of up
  // to 4 KiB each.
  constexpr std::size_t kKeptBody = 64 * 1024;
  constexpr std::size_t kKeptHeaders = 32;
  constexpr std::size_t kKeptValue = 4096;
  method.clear();
  target.clear();
  if (body.capacity() > kKeptBody) {
    std::string().swap(body);
  } else {
    body.clear();
  }
  for (auto& h : headers) {
    if (spare.size() >= kKeptHeaders) break;
    if (h.value.capacity() > kKeptValue) continue;
    spare.push_back(std::move(h));
  }
  headers.clear();
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
