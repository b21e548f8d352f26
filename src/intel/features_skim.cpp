#include "intel/features_skim.hpp"

#include <cstring>

namespace sluice::intel {
namespace {

bool is_ws(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The code unit of a \uXXXX escape starting at raw[i] ('\\'), or -1.
long utf16_at(std::string_view raw, std::size_t i) {
  if (i + 6 > raw.size() || raw[i] != '\\' || raw[i + 1] != 'u') return -1;
  long v = 0;
  for (std::size_t k = i + 2; k < i + 6; ++k) {
    const int h = hex_value(raw[k]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

}  // namespace

void JsonSkim::ws() {
  while (p_ < end_ && is_ws(*p_)) ++p_;
}

bool JsonSkim::fail(std::string_view what) {
  if (error_.empty()) {
    error_ = std::string(what) + " at byte " + std::to_string(p_ - begin_);
  }
  p_ = end_;
  return false;
}

const char* JsonSkim::string_end(const char* q) const {
  const char* const start = q;
  while (q < end_) {
    const auto* quote =
        static_cast<const char*>(std::memchr(q, '"', static_cast<std::size_t>(end_ - q)));
    if (quote == nullptr) return nullptr;
    // The quote closes the string unless an odd run of backslashes escapes it.
    const char* b = quote;
    while (b > start && b[-1] == '\\') --b;
    if (((quote - b) & 1) == 0) return quote + 1;
    q = quote + 1;
  }
  return nullptr;
}

JsonSkim::Kind JsonSkim::peek() {
  ws();
  if (p_ >= end_ || !ok()) return Kind::End;
  switch (*p_) {
    case '{':
      return Kind::Object;
    case '[':
      return Kind::Array;
    case '"':
      return Kind::String;
    default:
      return Kind::Other;
  }
}

bool JsonSkim::enter_object() {
  if (peek() != Kind::Object) return fail("expected an object");
  ++p_;
  return true;
}

bool JsonSkim::at_empty_array() {
  if (peek() != Kind::Array) return false;
  const char* q = p_ + 1;
  while (q < end_ && is_ws(*q)) ++q;
  return q < end_ && *q == ']';
}

bool JsonSkim::enter_array() {
  if (peek() != Kind::Array) return fail("expected an array");
  ++p_;
  return true;
}

std::optional<std::string_view> JsonSkim::next_key() {
  ws();
  if (p_ >= end_) {
    fail("unterminated object");
    return std::nullopt;
  }
  if (*p_ == '}') {
    ++p_;
    return std::nullopt;
  }
  if (*p_ == ',') {
    ++p_;
    ws();
  }
  if (p_ >= end_ || *p_ != '"') {
    fail("expected a key");
    return std::nullopt;
  }
  const char* key_begin = p_ + 1;
  const char* after = string_end(key_begin);
  if (after == nullptr) {
    fail("unterminated key");
    return std::nullopt;
  }
  p_ = after;
  ws();
  if (p_ >= end_ || *p_ != ':') {
    fail("expected ':'");
    return std::nullopt;
  }
  ++p_;
  return std::string_view(key_begin, static_cast<std::size_t>(after - 1 - key_begin));
}

bool JsonSkim::next_element() {
  ws();
  if (p_ >= end_) return fail("unterminated array");
  if (*p_ == ']') {
    ++p_;
    return false;
  }
  if (*p_ == ',') {
    ++p_;
    ws();
    if (p_ < end_ && *p_ == ']') return fail("expected a value");
  }
  return p_ < end_ || fail("unterminated array");
}

std::optional<std::string_view> JsonSkim::string() {
  if (peek() != Kind::String) {
    skip();
    return std::nullopt;
  }
  const char* b = p_ + 1;
  const char* after = string_end(b);
  if (after == nullptr) {
    fail("unterminated string");
    return std::nullopt;
  }
  p_ = after;
  return std::string_view(b, static_cast<std::size_t>(after - 1 - b));
}

std::string_view JsonSkim::skip() {
  ws();
  const char* const start = p_;
  if (p_ >= end_) {
    fail("expected a value");
    return {};
  }
  if (*p_ == '"') {
    const char* after = string_end(p_ + 1);
    if (after == nullptr) {
      fail("unterminated string");
      return {};
    }
    p_ = after;
    return {start, static_cast<std::size_t>(p_ - start)};
  }
  if (*p_ == '{' || *p_ == '[') {
    // Nesting is counted, not recursed into, so depth costs nothing and cannot overflow.
    std::size_t depth = 0;
    while (p_ < end_) {
      const char c = *p_;
      if (c == '"') {
        const char* after = string_end(p_ + 1);
        if (after == nullptr) break;
        p_ = after;
        continue;
      }
      ++p_;
      if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && --depth == 0) {
        return {start, static_cast<std::size_t>(p_ - start)};
      }
    }
    fail("unterminated container");
    return {};
  }
  // A number or a literal: up to the next delimiter.
  while (p_ < end_ && !is_ws(*p_) && *p_ != ',' && *p_ != '}' && *p_ != ']' && *p_ != ':') ++p_;
  const std::string_view token(start, static_cast<std::size_t>(p_ - start));
  const bool number = !token.empty() && (token[0] == '-' || (token[0] >= '0' && token[0] <= '9'));
  if (!number && token != "true" && token != "false" && token != "null") {
    p_ = start;
    fail("expected a value");
    return {};
  }
  return token;
}

void append_unescaped(std::string& out, std::string_view raw, std::size_t limit) {
  std::size_t i = 0;
  while (i < raw.size() && out.size() < limit) {
    const std::size_t bs = raw.find('\\', i);
    const std::size_t plain_end = bs == std::string_view::npos ? raw.size() : bs;
    const std::size_t room = limit - out.size();
    out.append(raw.data() + i, std::min(plain_end - i, room));
    if (bs == std::string_view::npos || out.size() >= limit) return;
    i = bs;
    if (i + 1 >= raw.size()) {
      out.push_back('\\');
      return;
    }
    const char e = raw[i + 1];
    i += 2;
    switch (e) {
      case 'n':
        out.push_back('\n');
        break;
      case 't':
        out.push_back('\t');
        break;
      case 'r':
        out.push_back('\r');
        break;
      case 'b':
        out.push_back('\b');
        break;
      case 'f':
        out.push_back('\f');
        break;
      case '"':
      case '\\':
      case '/':
        out.push_back(e);
        break;
      case 'u': {
        const long hi = utf16_at(raw, i - 2);
        if (hi < 0) {
          out.append("\\u");
          break;
        }
        i += 4;
        unsigned long cp = static_cast<unsigned long>(hi);
        if (hi >= 0xD800 && hi <= 0xDBFF) {
          const long lo = utf16_at(raw, i);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + static_cast<unsigned long>(lo - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;  // a lone surrogate has no UTF-8 form
          }
        } else if (hi >= 0xDC00 && hi <= 0xDFFF) {
          cp = 0xFFFD;
        }
        append_utf8(out, cp);
        break;
      }
      default:
        out.push_back('\\');
        out.push_back(e);
    }
  }
}

std::string unescape(std::string_view raw, std::size_t limit) {
  std::string out;
  out.reserve(std::min(raw.size(), limit));
  append_unescaped(out, raw, limit);
  return out;
}

std::size_t escaped_line_count(std::string_view raw) {
  if (raw.empty()) return 0;
  std::size_t lines = 1;
  bool ends_with_newline = false;
  for (std::size_t i = raw.find('\\'); i != std::string_view::npos && i + 1 < raw.size();
       i = raw.find('\\', i + 2)) {
    if (raw[i + 1] == 'n') {
      ++lines;
      ends_with_newline = i + 2 == raw.size();
    }
  }
  // A final newline ends the last line rather than starting another.
  return ends_with_newline ? lines - 1 : lines;
}

}  // namespace sluice::intel
