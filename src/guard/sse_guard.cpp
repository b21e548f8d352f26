// Streamed answer guardrails: raw SSE events in, the same events out with each text delta's
// text replaced by what its scanner releases (see the header for the carrier scheme).
#include "guard/sse_guard.hpp"

#include <algorithm>

#include "core/json_escape.hpp"
#include "guard/response_places.hpp"

namespace sluice::guard {
namespace {

// When this many events queue behind a carrier, its text stream is ended there (the scanner
// finishes, the carrier takes the rest): memory stays bounded when a text stream stalls while
// other events flow. A match straddling that point is missed; no real grammar gets there, as
// each ends its text before it streams anything else at length.
constexpr std::size_t kMaxQueued = 64;

/// The length of the longest prefix of `s` that ends on a whole UTF-8 character.
std::size_t whole_characters(std::string_view s) {
  const std::size_t n = s.size();
  for (std::size_t back = 1; back <= 4 && back <= n; ++back) {
    const auto c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // a continuation byte: look further back
    const std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return length > back ? n - back : n;
  }
  return n;
}

}  // namespace

SseGuard::SseGuard(const Guard& guard, protocol::Endpoint endpoint, Counts& counts)
    : guard_(guard), endpoint_(endpoint), counts_(counts), scan_text_(guard.scans_text()) {}

SseGuard::~SseGuard() = default;

bool SseGuard::feed(std::string_view bytes, std::string& out) {
  if (blocked_) return false;
  splitter_.feed(bytes, [&](std::string_view raw) {
    if (!blocked_) on_event(raw, out);
  });
  return !blocked_;
}

bool SseGuard::finish(std::string& out) {
  if (blocked_) return false;
  // An unterminated last event: clients drop it, but it is looked at like any other.
  const std::string rest = splitter_.take_rest();
  if (!rest.empty()) on_event(rest, out);
  if (blocked_) return false;
  for (auto& s : streams_) {
    finish_stream(*s);
    if (blocked_) {
      flush_blocked(out);
      return false;
    }
  }
  drain(out);
  return true;
}

std::size_t SseGuard::held_bytes() const {
  std::size_t n = splitter_.rest().size();
  for (const auto& h : queue_) n += h.raw.size();
  return n;
}

void SseGuard::on_event(std::string_view raw, std::string& out) {
  const auto fields = http::sse_fields(raw);
  Held ev;
  std::string_view data;
  if (fields.data.size() == 1) {
    data = fields.data.front();
  } else if (fields.data.size() > 1) {
    // One payload over several data lines (rare): rewritten as one line, so that a text can be
    // replaced in place. A break between data lines can only be JSON whitespace.
    if (!fields.event.empty()) {
      ev.raw = "event: ";
      ev.raw.append(fields.event);
      ev.raw += '\n';
    }
    ev.raw += "data: ";
    const std::size_t at = ev.raw.size();
    for (std::size_t i = 0; i < fields.data.size(); ++i) {
      if (i > 0) ev.raw += ' ';
      ev.raw.append(fields.data[i]);
    }
    const std::size_t length = ev.raw.size() - at;
    ev.raw += "\n\n";
    data = std::string_view(ev.raw).substr(at, length);
  }
  detail::EventPlaces places;
  if (!data.empty()) detail::event_places(endpoint_, fields.event, data, places);

  for (const auto& p : places.whole) {
    if (p.role != detail::Place::Role::Tool) continue;
    const auto name =
        detail::decode_string(data.substr(p.value.begin, p.value.end - p.value.begin));
    if (name && guard_.tool_denied(*name)) {
      block({ResponseBlock::Reason::Tool, *name});
      flush_blocked(out);
      return;
    }
  }
  const bool texts = scan_text_ && (!places.deltas.empty() || !places.whole.empty());
  const bool ends = scan_text_ && (!places.ends.empty() || places.ends_all);
  if (!texts && !ends) {
    if (queue_.empty()) {
      out.append(raw);
    } else {
      queue_.push_back(Held{std::string(raw), {}, 0});
      if (queue_.size() > kMaxQueued) drain(out);
    }
    return;
  }

  // Spans are offsets into `data`; slots are offsets into the event's own copy.
  if (ev.raw.empty()) ev.raw.assign(raw);
  const auto at = static_cast<std::size_t>(data.data() -
                                           (fields.data.size() == 1 ? raw.data() : ev.raw.data()));
  for (const auto& p : places.whole) {
    if (p.role != detail::Place::Role::Text) continue;
    const auto text =
        detail::decode_string(data.substr(p.value.begin, p.value.end - p.value.begin));
    if (!text) continue;
    const auto found = guard_.scan(*text);
    if (found.empty()) continue;
    if (const auto* b = guard_.first_block(found)) {
      block({ResponseBlock::Reason::Finding, std::string(guard_.kind_name(b->kind))});
      flush_blocked(out);
      return;
    }
    if (guard_.strongest(found) == Action::Redact) {
      ev.slots.push_back(
          {at + p.value.begin, at + p.value.end, 0, false, guard_.redact(*text, found)});
    }
  }
  for (const auto& p : places.deltas) {
    const auto text =
        detail::decode_string(data.substr(p.value.begin, p.value.end - p.value.begin));
    if (!text) continue;
    Stream& s = stream(p.stream);
    auto fed = s.scanner.feed(*text);
    guard_.count(fed.findings, counts_);
    if (fed.block) {
      block({ResponseBlock::Reason::Finding, std::string(guard_.kind_name(*fed.block))});
      flush_blocked(out);
      return;
    }
    s.pending += fed.release;
    ev.slots.push_back({at + p.value.begin, at + p.value.end, p.stream, true, std::nullopt});
  }

  queue_.push_back(std::move(ev));
  Held& held = queue_.back();
  process(held, places.ends, places.ends_all);
  if (blocked_) {
    // The event that blocked never goes out, nor does the text it was to carry.
    for (auto& s : streams_) {
      if (s->carrier == &held) s->carrier = nullptr;
    }
    queue_.pop_back();
    flush_blocked(out);
    return;
  }
  drain(out);
}

void SseGuard::process(Held& event, const std::vector<std::uint32_t>& ends, bool ends_all) {
  // This event becomes the carrier of each of its streams; the one before it takes what the
  // scanner has released up to and including this event's text.
  for (const auto& slot : event.slots) {
    if (!slot.delta) continue;
    Stream& s = stream(slot.stream);
    if (s.carrier == &event) continue;
    if (s.carrier) hand_over(s);
    s.carrier = &event;
    ++event.waiting;
  }
  for (auto& s : streams_) {
    const bool ended = ends_all || std::find(ends.begin(), ends.end(), s->key) != ends.end();
    if (!ended) continue;
    finish_stream(*s);
    if (blocked_) return;
  }
}

SseGuard::Stream& SseGuard::stream(std::uint32_t key) {
  for (auto& s : streams_) {
    if (s->key == key) return *s;
  }
  streams_.push_back(std::make_unique<Stream>(guard_, key));
  return *streams_.back();
}

void SseGuard::hand_over(Stream& s, bool all) {
  // The scanner releases by bytes; a character cut in two waits for the next carrier, since a
  // client decodes each event on its own.
  std::string text;
  const std::size_t whole = all ? s.pending.size() : whole_characters(s.pending);
  if (whole == s.pending.size()) {
    text = std::move(s.pending);
    s.pending.clear();
  } else {
    text = s.pending.substr(0, whole);
    s.pending.erase(0, whole);
  }
  Held& c = *s.carrier;
  bool first = true;
  for (auto& slot : c.slots) {
    if (!slot.delta || slot.stream != s.key || slot.text) continue;
    // Several deltas of one stream in one event (Gemini text parts): the first takes it all.
    slot.text = first ? std::move(text) : std::string();
    first = false;
  }
  --c.waiting;
  s.carrier = nullptr;
}

void SseGuard::finish_stream(Stream& s) {
  if (!s.carrier) return;  // nothing fed since the last finish: nothing held
  auto fed = s.scanner.finish();
  guard_.count(fed.findings, counts_);
  if (fed.block) {
    block({ResponseBlock::Reason::Finding, std::string(guard_.kind_name(*fed.block))});
    return;
  }
  s.pending += fed.release;
  hand_over(s, true);
}

void SseGuard::block(ResponseBlock why) {
  if (!blocked_) blocked_ = std::move(why);
}

void SseGuard::drain(std::string& out) {
  while (!queue_.empty()) {
    Held& h = queue_.front();
    if (h.waiting > 0 && queue_.size() > kMaxQueued) {
      for (auto& s : streams_) {
        if (s->carrier != &h) continue;
        finish_stream(*s);
        if (blocked_) {
          flush_blocked(out);
          return;
        }
      }
    }
    if (h.waiting > 0) break;
    if (h.slots.empty()) {
      out += h.raw;
    } else {
      std::vector<detail::Edit> edits;
      edits.reserve(h.slots.size());
      for (const auto& slot : h.slots) {
        std::string quoted;
        core::append_json_string(quoted,
                                 slot.text ? std::string_view(*slot.text) : std::string_view());
        edits.push_back({{slot.begin, slot.end}, std::move(quoted)});
      }
      out += detail::apply_edits(h.raw, edits);
    }
    queue_.pop_front();
  }
}

void SseGuard::flush_blocked(std::string& out) {
  // What the scanners released before the block is text the client may have; the held events
  // carry it out, and nothing after them.
  for (auto& s : streams_) {
    if (s->carrier) hand_over(*s);
  }
  drain(out);
  queue_.clear();
}

}  // namespace sluice::guard
