// Hiding the usage-only chunk that sluice asked an OpenAI chat stream for on the client's
// behalf (request_stream_usage in usage_probe.cpp splices the request): UsageChunkFilter.

#include <string.h>  // memchr, memrchr (GNU)

#include <algorithm>

#include <boost/json/basic_parser_impl.hpp>

#include "core/text.hpp"
#include "protocol/sax_skip.hpp"
#include "protocol/usage_probe.hpp"
#include "protocol/usage_text.hpp"

namespace sluice::protocol {

namespace bj = boost::json;
using usage_text::is_json_ws;
using usage_text::may_carry_usage;

namespace {

// The end (one past the blank line) of the first complete event at or after `from`, or npos.
// Line ends are \n, \r\n or \r; an event ends at a line end followed by another one. A \r at
// the end of the buffer may be the first half of \r\n, so it waits for the next byte.
// `any_cr`: the stream has carried a \r (the caller looks once per chunk, not once per event).
std::size_t event_end(std::string_view s, std::size_t from, bool any_cr) {
  if (from >= s.size()) return std::string_view::npos;
  if (!any_cr) {
    // The common framing, "\n\n" only: jump from newline to newline.
    for (std::size_t i = from;;) {
      const void* nl = ::memchr(s.data() + i, '\n', s.size() - i);
      if (!nl) return std::string_view::npos;
      i = static_cast<std::size_t>(static_cast<const char*>(nl) - s.data()) + 1;
      if (i >= s.size()) return std::string_view::npos;
      if (s[i] == '\n') return i + 1;
    }
  }
  auto eol = [&](std::size_t i) -> std::size_t {  // length of the line end at i; 0 none; npos
    if (i >= s.size()) return std::string_view::npos;
    if (s[i] == '\n') return 1;
    if (s[i] != '\r') return 0;
    if (i + 1 >= s.size()) return std::string_view::npos;
    return s[i + 1] == '\n' ? 2 : 1;
  };
  for (std::size_t i = from; i < s.size(); ++i) {
    const auto first = eol(i);
    if (first == std::string_view::npos) return first;
    if (first == 0) continue;
    const auto second = eol(i + first);
    if (second == std::string_view::npos) return second;
    if (second > 0) return i + first + second;
    i += first - 1;
  }
  return std::string_view::npos;
}

// The event's data lines ("data:" with one optional space removed), joined with '\n'.
std::string event_data(std::string_view ev) {
  std::string data;
  bool any = false;
  while (!ev.empty()) {
    const auto n = core::find_line_break(ev);
    auto line = ev.substr(0, n);
    ev.remove_prefix(n == std::string_view::npos ? ev.size() : n + 1);
    if (!line.starts_with("data:")) continue;
    line.remove_prefix(5);
    if (line.starts_with(' ')) line.remove_prefix(1);
    if (any) data.push_back('\n');
    data.append(line);
    any = true;
  }
  return data;
}

// An empty choices array (`"choices"`, optional spaces, `:`, `[`, `]`) is rare: only the usage
// chunk has one, so nothing else is parsed. Found from its `]`, read backwards: an ordinary
// chunk has one `]` (closing its choices), so this is one memchr pass over the event where a
// substring search for the key cost a search set-up per event (15% of a relayed stream's
// instructions).
// Returns the position just past the `]` of the first one at or after `from`, or npos.
std::size_t find_empty_choices(std::string_view ev, std::size_t from = 0) {
  constexpr std::string_view kKey = "\"choices\"";
  const char* const begin = ev.data();
  const char* const end = begin + ev.size();
  // The position after the last non-space character before q.
  const auto skip_back = [begin](const char* q) {
    while (q > begin && is_json_ws(q[-1])) --q;
    return q;
  };
  for (const char* p = begin + std::min(from, ev.size()); p < end;) {
    const auto* close =
        static_cast<const char*>(::memchr(p, ']', static_cast<std::size_t>(end - p)));
    if (!close) return std::string_view::npos;
    p = close + 1;
    const char* q = skip_back(close);
    if (q == begin || q[-1] != '[') continue;
    q = skip_back(q - 1);
    if (q == begin || q[-1] != ':') continue;
    q = skip_back(q - 1);
    if (static_cast<std::size_t>(q - begin) >= kKey.size() &&
        std::string_view(q - kKey.size(), kKey.size()) == kKey) {
      return static_cast<std::size_t>(p - begin);
    }
  }
  return std::string_view::npos;
}

bool has_empty_choices(std::string_view ev) {
  return find_empty_choices(ev) != std::string_view::npos;
}

// Whether a chunk is a JSON object whose top-level "choices" is an empty array and whose
// top-level "usage" is not null (the last of a duplicated key decides, as in a DOM), read
// without building one: this runs on the usage chunk of every stream sluice asked usage for.
struct UsageOnlyScan : SaxSkip {
  enum class Key { Other, Choices, Usage };
  int depth = 0;
  bool root_object = false;
  Key key = Key::Other;  // the current top-level key
  SaxKey key_text;
  bool choices_array = false;
  bool choices_empty = false;
  bool usage_set = false;

  bool result() const { return root_object && choices_array && choices_empty && usage_set; }

  // A value starts at the current depth (before a container's begin is counted).
  void value(bool array_begin, bool null) {
    if (depth == 1) {
      if (key == Key::Choices) {
        choices_array = array_begin;
        choices_empty = true;
      } else if (key == Key::Usage) {
        usage_set = !null;
      }
    } else if (depth == 2 && key == Key::Choices && choices_array) {
      choices_empty = false;
    }
  }
  bool on_object_begin(ec&) {
    if (depth == 0) root_object = true;
    value(false, false);
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, ec&) {
    --depth;
    return true;
  }
  bool on_array_begin(ec&) {
    value(true, false);
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, ec&) {
    --depth;
    return true;
  }
  bool on_key_part(sv s, std::size_t, ec&) {
    if (depth == 1) key_text.part(s);
    return true;
  }
  bool on_key(sv s, std::size_t, ec&) {
    if (depth != 1) return true;
    const std::string_view k = key_text.whole(s);
    key = k == "choices" ? Key::Choices : k == "usage" ? Key::Usage : Key::Other;
    return true;
  }
  bool on_string(sv, std::size_t, ec&) {
    value(false, false);
    return true;
  }
  bool on_int64(std::int64_t, sv, ec&) {
    value(false, false);
    return true;
  }
  bool on_uint64(std::uint64_t, sv, ec&) {
    value(false, false);
    return true;
  }
  bool on_double(double, sv, ec&) {
    value(false, false);
    return true;
  }
  bool on_bool(bool, ec&) {
    value(false, false);
    return true;
  }
  bool on_null(ec&) {
    value(false, true);
    return true;
  }
};

// Where the last event of s[0, end) ends (just past its "\n\n"), 0 if none does; for text
// without \r.
std::size_t last_event_end(std::string_view s, std::size_t end) {
  while (end >= 2) {
    const void* nl = ::memrchr(s.data(), '\n', end);
    if (!nl) return 0;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(nl) - s.data());
    if (at > 0 && s[at - 1] == '\n') return at + 1;
    end = at;
  }
  return 0;
}

bool is_usage_only_chunk(std::string_view ev) {
  if (!has_empty_choices(ev) || !may_carry_usage(ev)) return false;
  const std::string data = event_data(ev);
  // Whether to drop the chunk does not depend on its strings being valid UTF-8 (the client
  // would get them as they came); skipping the check saves ~8% of the scan.
  bj::parse_options opts;
  opts.allow_invalid_utf8 = true;
  bj::basic_parser<UsageOnlyScan> p(opts);
  boost::system::error_code ec;
  const std::size_t used = p.write_some(false, data.data(), data.size(), ec);
  if (ec || !p.done()) return false;
  // Nothing but whitespace after the value, as a whole-text parse requires.
  for (std::size_t i = used; i < data.size(); ++i) {
    if (!is_json_ws(data[i])) return false;
  }
  return p.handler().result();
}

}  // namespace

std::string_view UsageChunkFilter::feed(std::string_view chunk, std::string& scratch) {
  any_cr_ = any_cr_ || (!chunk.empty() && ::memchr(chunk.data(), '\r', chunk.size()) != nullptr);
  // Without a partial event held from before, the chunk's events are read where they are, and
  // a chunk that loses nothing goes to the client as it came: no copy.
  std::string_view buf = chunk;
  std::size_t from = 0;
  const bool in_place = pending_.empty();
  if (!in_place) {
    // Resume a few bytes back: a blank line may straddle the old end ("\r\n\r" + "\n").
    from = pending_.size() >= 3 ? pending_.size() - 3 : 0;
    pending_.append(chunk);
    buf = pending_;
  }
  scratch.clear();
  if (in_place && !any_cr_) {
    // "\n\n" framing and nothing held: only an event with an empty choices array can be the
    // usage chunk, so the chunk is searched for those (one memchr pass for `]`) and only their
    // events are bounded and examined, instead of every event.
    const std::size_t whole = last_event_end(chunk, chunk.size());
    const std::string_view text = chunk.substr(0, whole);
    std::size_t kept = 0;  // of the run of kept events not copied yet
    bool dropped = false;
    for (std::size_t hit = find_empty_choices(text); hit != std::string_view::npos;) {
      const std::size_t ev_start = last_event_end(text, hit);
      std::size_t ev_end = event_end(text, hit, false);
      if (ev_end == std::string_view::npos) ev_end = whole;
      if (is_usage_only_chunk(text.substr(ev_start, ev_end - ev_start))) {
        scratch.append(text.substr(kept, ev_start - kept));
        kept = ev_end;
        dropped = true;
      }
      hit = find_empty_choices(text, ev_end);
    }
    pending_.assign(chunk.substr(whole));
    if (!dropped) return text;
    scratch.append(text.substr(kept));
    return scratch;
  }
  std::size_t start = 0;  // of the next event
  std::size_t kept = 0;   // of the run of kept events not copied yet
  bool dropped = false;
  for (;;) {
    const auto end = event_end(buf, from, any_cr_);
    if (end == std::string_view::npos) break;
    if (is_usage_only_chunk(buf.substr(start, end - start))) {
      scratch.append(buf.substr(kept, start - kept));
      kept = end;
      dropped = true;
    }
    start = from = end;
  }
  std::string_view visible;
  if (in_place && !dropped) {
    visible = chunk.substr(0, start);
  } else {
    scratch.append(buf.substr(kept, start - kept));
    visible = scratch;
  }
  // A partial event at the end waits for the chunk that completes it.
  if (in_place) {
    pending_.assign(chunk.substr(start));
  } else {
    pending_.erase(0, start);
  }
  return visible;
}

}  // namespace sluice::protocol
