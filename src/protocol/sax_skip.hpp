#pragma once
// Every callback boost::json::basic_parser asks of a handler, each accepting its event and doing
// nothing: a handler that scans JSON for a few facts derives from it and declares only the
// callbacks it reads (the parser calls them on the derived type, so those hide these).

#include <boost/json/basic_parser.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::protocol {

struct SaxSkip {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);
  using ec = boost::system::error_code;
  using sv = boost::json::string_view;

  bool on_document_begin(ec&) { return true; }
  bool on_document_end(ec&) { return true; }
  bool on_object_begin(ec&) { return true; }
  bool on_object_end(std::size_t, ec&) { return true; }
  bool on_array_begin(ec&) { return true; }
  bool on_array_end(std::size_t, ec&) { return true; }
  bool on_key_part(sv, std::size_t, ec&) { return true; }
  bool on_key(sv, std::size_t, ec&) { return true; }
  bool on_string_part(sv, std::size_t, ec&) { return true; }
  bool on_string(sv, std::size_t, ec&) { return true; }
  bool on_number_part(sv, ec&) { return true; }
  bool on_int64(std::int64_t, sv, ec&) { return true; }
  bool on_uint64(std::uint64_t, sv, ec&) { return true; }
  bool on_double(double, sv, ec&) { return true; }
  bool on_bool(bool, ec&) { return true; }
  bool on_null(ec&) { return true; }
  bool on_comment_part(sv, ec&) { return true; }
  bool on_comment(sv, ec&) { return true; }
};

/// A key as the parser hands it over: in parts (on_key_part) when it has escapes or spans
/// writes, the last part with on_key. A scanner that compares keys assembles them in one.
class SaxKey {
 public:
  void part(boost::json::string_view s) {
    if (!split_) text_.clear();
    text_.append(s.data(), s.size());
    split_ = true;
  }
  /// The last part: the key is whole after this.
  const std::string& last(boost::json::string_view s) {
    part(s);
    split_ = false;
    return text_;
  }
  const std::string& text() const { return text_; }
  /// last() for a caller that reads the key at once: a key that came in one piece (nearly
  /// all of them) is not copied, and text() is then left as it was.
  std::string_view whole(boost::json::string_view s) {
    if (!split_) return {s.data(), s.size()};
    return last(s);
  }

 private:
  std::string text_;
  bool split_ = false;
};

}  // namespace sluice::protocol
