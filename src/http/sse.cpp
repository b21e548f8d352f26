#include "http/sse.hpp"

#include <cstring>

#include "core/text.hpp"

namespace sluice::http {

void SseReader::feed(std::string_view chunk, const Sink& sink) {
  // Most streams end lines with \n only: then one memchr finds each line's end (a \r is looked
  // for once per chunk, not once per line).
  const bool any_cr = std::memchr(chunk.data(), '\r', chunk.size()) != nullptr;
  std::size_t i = 0;
  while (i < chunk.size()) {
    const char c = chunk[i];
    if (pending_cr_) {
      pending_cr_ = false;
      if (c == '\n') {  // the \n of a \r\n pair
        ++i;
        continue;
      }
    }
    if (c == '\r' || c == '\n') {
      pending_cr_ = c == '\r';
      line(line_, sink);
      line_.clear();
      ++i;
      continue;
    }
    const std::string_view rest = chunk.substr(i);
    std::size_t brk = std::string_view::npos;
    if (any_cr) {
      brk = core::find_line_break(rest);
    } else if (const void* nl = std::memchr(rest.data(), '\n', rest.size())) {
      brk = static_cast<std::size_t>(static_cast<const char*>(nl) - rest.data());
    }
    if (brk == std::string_view::npos) {  // the line goes on in the next chunk
      line_.append(rest);
      break;
    }
    if (line_.empty()) {
      line(rest.substr(0, brk), sink);  // a whole line in this chunk: read in place, not copied
    } else {
      line_.append(rest.substr(0, brk));
      line(line_, sink);
      line_.clear();
    }
    pending_cr_ = rest[brk] == '\r';
    i += brk + 1;
  }
}

void SseReader::line(std::string_view l, const Sink& sink) {
  if (l.empty()) {
    if (has_fields_) sink(cur_);
    // Cleared, not replaced: the next event reuses the capacity (an allocation per event).
    cur_.event.clear();
    cur_.data.clear();
    cur_.id.clear();
    has_fields_ = false;
    return;
  }
  if (l.front() == ':') return;  // comment
  auto colon = l.find(':');
  std::string_view field = l.substr(0, colon);
  std::string_view value =
      colon == std::string_view::npos ? std::string_view() : l.substr(colon + 1);
  if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  if (field == "data") {
    if (has_fields_ && !cur_.data.empty()) cur_.data += '\n';
    cur_.data.append(value);
  } else if (field == "event") {
    cur_.event.assign(value);
  } else if (field == "id") {
    cur_.id.assign(value);
  } else {
    return;  // retry and unknown fields do not make an event
  }
  has_fields_ = true;
}

std::string sse_frame(std::string_view event, std::string_view data) {
  std::string out;
  out.reserve(event.size() + data.size() + 16);
  if (!event.empty()) {
    out += "event: ";
    out.append(event);
    out += '\n';
  }
  while (true) {
    auto nl = data.find('\n');
    out += "data: ";
    out.append(data.substr(0, nl));
    out += '\n';
    if (nl == std::string_view::npos) break;
    data.remove_prefix(nl + 1);
  }
  out += '\n';
  return out;
}

void SseSplitter::feed(std::string_view chunk, const Sink& sink) {
  buf_.append(chunk);
  std::size_t begin = 0;  // of the event being completed
  std::size_t i = pos_;
  const char* data = buf_.data();
  while (i < buf_.size()) {
    const char c = data[i];
    if (c != '\r' && c != '\n') {
      line_start_ = false;
      // The rest of the line at once.
      const auto brk = core::find_line_break(std::string_view(buf_).substr(i));
      i = brk == std::string_view::npos ? buf_.size() : i + brk;
      continue;
    }
    std::size_t end = i + 1;
    if (c == '\r') {
      if (end == buf_.size()) break;  // a \r\n may be split across chunks: wait for the next
      if (data[end] == '\n') ++end;
    }
    if (line_start_) {
      sink(std::string_view(data + begin, end - begin));
      begin = end;
    }
    line_start_ = true;
    i = end;
  }
  buf_.erase(0, begin);
  pos_ = i - begin;
}

std::string SseSplitter::take_rest() {
  std::string out = std::move(buf_);
  buf_.clear();
  pos_ = 0;
  line_start_ = true;
  return out;
}

SseFields sse_fields(std::string_view raw) {
  SseFields f;
  while (!raw.empty()) {
    std::size_t end = core::find_line_break(raw);
    const std::string_view line = raw.substr(0, end);
    if (end == std::string_view::npos) {
      raw = {};
    } else {
      end += raw[end] == '\r' && end + 1 < raw.size() && raw[end + 1] == '\n' ? 2 : 1;
      raw.remove_prefix(end);
    }
    if (line.empty() || line.front() == ':') continue;
    const auto colon = line.find(':');
    const std::string_view field = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
      f.data.push_back(value);
    } else if (field == "event") {
      f.event = value;
    }
  }
  return f;
}

}  // namespace sluice::http
