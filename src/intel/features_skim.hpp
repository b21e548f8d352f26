#pragma once
// A forward-only JSON reader for the classifier's hot path. A full SAX pass of Boost.JSON over a
// 100 KB agent request costs ~75 us, more than the whole classification budget, because it
// tokenises every tool definition and tool output. This reader walks only the structure the
// caller asks for and skips everything else at memchr speed (a string is skipped by looking for
// its closing quote). It does not validate what it skips: ingress has validated the body with
// Boost.JSON already; anything malformed on the walked path is reported, never read past.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::intel {

class JsonSkim {
 public:
  enum class Kind { Object, Array, String, Other, End };

  explicit JsonSkim(std::string_view doc)
      : p_(doc.data()), begin_(doc.data()), end_(doc.data() + doc.size()) {}

  /// The kind of the next value (after whitespace); End at the end of input or after an error.
  Kind peek();
  /// Consumes `{`; false (and an error) when the next value is not an object.
  bool enter_object();
  /// The next member's key, raw (escapes not decoded), with the reader placed on its value. The
  /// caller must consume that value. nullopt at the closing `}` (consumed) or after an error.
  std::optional<std::string_view> next_key();
  /// True when the next value is `[]` (nothing is consumed).
  bool at_empty_array();
  /// Consumes `[`; false (and an error) when the next value is not an array.
  bool enter_array();
  /// True when placed on the next element (which the caller must consume); false at the
  /// closing `]` (consumed) or after an error.
  bool next_element();
  /// The next value's raw contents when it is a string (quotes excluded, escapes kept); any
  /// other value is skipped and nullopt returned.
  std::optional<std::string_view> string();
  /// Skips the next value of any kind; returns its raw bytes (empty after an error).
  std::string_view skip();

  bool ok() const { return error_.empty(); }
  /// What went wrong, with the byte offset ("expected ':' at byte 17"); empty when ok().
  const std::string& error() const { return error_; }

 private:
  void ws();
  bool fail(std::string_view what);
  const char* string_end(const char* after_quote) const;  // past the closing quote, or nullptr

  const char* p_;
  const char* begin_;
  const char* end_;
  std::string error_;
};

/// Appends the JSON-unescaped form of `raw` (a string's contents as JsonSkim returns them) to
/// `out`, stopping once `out` holds `limit` bytes. Invalid escapes are kept as written.
void append_unescaped(std::string& out, std::string_view raw,
                      std::size_t limit = std::string::npos);

/// `raw` unescaped (see append_unescaped).
std::string unescape(std::string_view raw, std::size_t limit = std::string::npos);

/// The number of lines in the text `raw` encodes (escaped `\n` plus one; 0 for an empty string),
/// counted without decoding it.
std::size_t escaped_line_count(std::string_view raw);

}  // namespace sluice::intel
