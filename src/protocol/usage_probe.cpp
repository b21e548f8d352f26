// Usage read from a provider's answer in its own wire (for accounting on the passthrough path),
// plus the first half of asking an OpenAI chat stream for usage the client did not request:
// splicing stream_options into the request (usage_chunk_filter.cpp hides the extra chunk).
// Each wire's usage object is read by that wire's codec helpers, so the numbers match what
// translation reports.

#include "protocol/usage_probe.hpp"

#include <string.h>  // memmem, memrchr (GNU)

#include <cstring>

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/stream_parser.hpp>

#include "core/text.hpp"
#include "protocol/anthropic/internal.hpp"
#include "protocol/gemini/internal.hpp"
#include "protocol/json_util.hpp"
#include "protocol/openai_chat/internal.hpp"
#include "protocol/openai_responses/internal.hpp"
#include "protocol/sax_skip.hpp"
#include "protocol/usage_text.hpp"

namespace sluice::protocol {
namespace {

namespace bj = boost::json;
using usage_text::find_in;
using usage_text::is_json_ws;
using usage_text::may_carry_usage;
using usage_text::skip_json_ws;
using usage_text::take;

enum class UsageWire { Chat, Responses, Anthropic, Gemini, Embeddings, None };

UsageWire usage_wire(Endpoint e) {
  switch (e) {
    case Endpoint::ChatCompletions:
      return UsageWire::Chat;
    case Endpoint::Responses:
      return UsageWire::Responses;
    case Endpoint::Messages:
      return UsageWire::Anthropic;
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
      return UsageWire::Gemini;
    case Endpoint::Embeddings:
      return UsageWire::Embeddings;
    case Endpoint::CountTokens:
    case Endpoint::GeminiCountTokens:
    case Endpoint::GeminiEmbed:
      return UsageWire::None;
  }
  return UsageWire::None;
}

// Room on the stack for the DOM of one small JSON value (a usage chunk): the heap only past it.
// A DOM of the usage chunk from the global allocator cost ~10k instructions, every stream.
struct StackArena {
  unsigned char bytes[4096];
  bj::monotonic_resource mr{bytes, sizeof bytes};
};

std::optional<bj::value> parse_json(std::string_view text, bj::storage_ptr sp = {}) {
  boost::system::error_code ec;
  auto v = bj::parse(bj::string_view(text.data(), text.size()), ec, std::move(sp));
  if (ec) return std::nullopt;
  return v;
}

const bj::object* gemini_usage(const bj::object& o) {
  const auto* u = gemini::get(o, "usageMetadata", "usage_metadata");
  return u && u->is_object() ? &u->get_object() : nullptr;
}

// What one wire's usage object says (the codec's own reader, as translation uses).
std::optional<ir::Usage> usage_from_object(UsageWire w, const bj::object& u) {
  switch (w) {
    case UsageWire::Chat:
      return openai_chat::usage_from(u);
    case UsageWire::Responses:
      return openai_responses::usage_from(u);
    case UsageWire::Anthropic: {
      ir::Usage out;
      anthropic::read_usage(u, out);
      return out;
    }
    case UsageWire::Gemini:
      return gemini::usage_from(u);
    case UsageWire::Embeddings: {
      ir::Usage out;
      out.input = json::count_field(u, "prompt_tokens").value_or(0);
      return out;
    }
    case UsageWire::None:
      break;
  }
  return std::nullopt;
}

// The usage object of one whole answer (or one stream chunk, for chat and Gemini).
std::optional<ir::Usage> usage_in(UsageWire w, const bj::object& o) {
  if (w == UsageWire::Gemini) {
    if (const auto* u = gemini_usage(o)) return usage_from_object(w, *u);
    return std::nullopt;
  }
  const auto* u = json::object_field(o, "usage");
  if (!u) return std::nullopt;
  return usage_from_object(w, *u);
}

// The last `needle` in `hay`, found from the end: a usage object closes every wire's answer,
// so this reads the few hundred bytes after it where a forward search reads the whole body
// (twice: once to find it, once to learn it was the last). It hops between occurrences of
// needle[anchor], which should be a byte that is rare in JSON (not a quote).
std::size_t rfind_in(std::string_view hay, std::string_view needle, std::size_t anchor) {
  if (anchor >= needle.size() || hay.size() < needle.size()) return std::string_view::npos;
  const std::size_t tail = needle.size() - anchor;  // the anchor and what follows it
  std::size_t end = hay.size() - tail + 1;  // candidates for the anchor lie in [anchor, end)
  while (end > anchor) {
    const void* hit = ::memrchr(hay.data() + anchor, needle[anchor], end - anchor);
    if (!hit) break;
    const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - hay.data());
    if (std::memcmp(hay.data() + at - anchor, needle.data(), needle.size()) == 0) {
      return at - anchor;
    }
    end = at;
  }
  return std::string_view::npos;
}

// OpenAI chat's usage object read by a SAX scan, with openai_chat::usage_from's rules for its
// DOM (a test holds the two to the same answers on the same objects): a DOM of the usage
// object cost ~4.8k instructions on every chat answer and stream. A later duplicate key wins,
// as in a parsed object; a value of the wrong type counts as absent.
class ChatUsageScan : public SaxSkip {
 public:
  std::optional<ir::Usage> usage() const {
    ir::Usage u;
    u.input = slots_[kInput].value_or(0);
    u.output = slots_[kOutput].value_or(0);
    u.cache_read = slots_[kCached].value_or(0);
    if (u.cache_read == 0) u.cache_read = slots_[kHit].value_or(0);  // DeepSeek
    u.reasoning = slots_[kReasoning].value_or(0);
    return u;
  }

  bool on_object_begin(ec&) {
    if (depth_ == 1 && next_details_ != kNone) {
      details_ = next_details_;  // replaces an earlier object of that name
      slots_[details_] = std::nullopt;
    }
    return open_container();
  }
  bool on_object_end(std::size_t, ec&) { return close_container(); }
  bool on_array_begin(ec&) { return open_container(); }
  bool on_array_end(std::size_t, ec&) { return close_container(); }
  bool on_key_part(sv s, std::size_t, ec&) {
    key_.part(s);
    return true;
  }
  bool on_key(sv s, std::size_t, ec&) {
    const std::string_view k = key_.whole(s);
    if (depth_ == 1) {
      target_ = count_slot(k);
      next_details_ = details_of(k);
    } else if (depth_ == 2 && details_ != kNone) {
      target_ = detail_slot(details_, k);
    }
    return true;
  }
  bool on_int64(std::int64_t v, sv, ec&) { return value(v); }
  bool on_uint64(std::uint64_t v, sv, ec&) { return value(static_cast<std::int64_t>(v)); }
  bool on_double(double d, sv, ec&) {
    if (!(d == d)) return value(std::nullopt);
    if (d >= 9.2e18) return value(INT64_MAX);
    if (d <= -9.2e18) return value(INT64_MIN);
    return value(static_cast<std::int64_t>(d));
  }
  bool on_string(sv, std::size_t, ec&) { return value(std::nullopt); }
  bool on_bool(bool, ec&) { return value(std::nullopt); }
  bool on_null(ec&) { return value(std::nullopt); }

 private:
  // kCached and kReasoning also name the details object that holds each.
  enum Slot { kInput, kOutput, kCached, kHit, kReasoning, kSlots, kNone = kSlots };

  static Slot count_slot(std::string_view k) {
    if (k == "prompt_tokens") return kInput;
    if (k == "completion_tokens") return kOutput;
    if (k == "prompt_cache_hit_tokens") return kHit;
    return kNone;
  }
  static Slot details_of(std::string_view k) {
    if (k == "prompt_tokens_details") return kCached;
    if (k == "completion_tokens_details") return kReasoning;
    return kNone;
  }
  static Slot detail_slot(Slot details, std::string_view k) {
    if (details == kCached && k == "cached_tokens") return kCached;
    if (details == kReasoning && k == "reasoning_tokens") return kReasoning;
    return kNone;
  }

  // A value that is not a number where a count belongs, or not an object where a details
  // object belongs: that count is absent.
  void not_expected() {
    if (target_ != kNone) slots_[target_] = std::nullopt;
    if (next_details_ != kNone) slots_[next_details_] = std::nullopt;
    target_ = next_details_ = kNone;
  }
  bool open_container() {
    if (!(depth_ == 1 && next_details_ != kNone && details_ == next_details_)) not_expected();
    target_ = next_details_ = kNone;
    ++depth_;
    return true;
  }
  bool close_container() {
    --depth_;
    if (depth_ == 1) details_ = kNone;
    target_ = next_details_ = kNone;
    return true;
  }
  // A scalar: the count when it is a number (json::count_field's clamp).
  bool value(std::optional<std::int64_t> v) {
    const Slot t = target_;
    not_expected();
    if (t != kNone && v) {
      constexpr std::int64_t kMaxCount = 1'000'000'000'000;
      slots_[t] = *v < 0 ? 0 : (*v > kMaxCount ? kMaxCount : *v);
    }
    return true;
  }

  std::optional<std::int64_t> slots_[kSlots];
  int depth_ = 0;              // containers open; the usage object is 1
  Slot details_ = kNone;       // the details object open at depth 2
  Slot target_ = kNone;        // the count the value after the last key fills
  Slot next_details_ = kNone;  // the details object the value after the last key would be
  SaxKey key_;
};

// Every non-stream answer on the passthrough path is read for usage, so the common case avoids
// a DOM of the whole body: the usage object is the last one of its name in every wire's answer
// (an unescaped `"usage"` can only be a key), so only that value is parsed. The result must
// look like usage (some tokens counted), otherwise the whole body is parsed after all: a tool
// schema echoed in a Responses answer may have a property of that name.
std::optional<ir::Usage> usage_by_last_key(UsageWire w, std::string_view body) {
  const std::string_view key = w == UsageWire::Gemini ? "\"usageMetadata\"" : "\"usage\"";
  const auto at = rfind_in(body, key, 4);  // the 'g' of "usage": rare in JSON
  if (at == std::string_view::npos) return std::nullopt;
  auto rest = body.substr(at + key.size());
  if (!take(rest, ":")) return std::nullopt;
  skip_json_ws(rest);
  if (!rest.starts_with('{')) return std::nullopt;
  if (w == UsageWire::Chat) {
    auto u = detail::chat_usage_by_scan(rest);
    if (!u || (u->input == 0 && u->output == 0)) return std::nullopt;
    return u;
  }
  // Runs on every non-stream answer: the parser's scratch and the usage object live on the
  // stack (the heap only past 2 KB).
  unsigned char scratch[512];
  unsigned char values[2048];
  bj::monotonic_resource mr(values, sizeof values);
  bj::stream_parser p(bj::storage_ptr(), bj::parse_options(), scratch, sizeof scratch);
  p.reset(&mr);
  boost::system::error_code ec;
  p.write_some(rest.data(), rest.size(), ec);  // stops after the one value
  if (ec || !p.done()) return std::nullopt;
  const bj::value v = p.release();
  if (!v.is_object()) return std::nullopt;
  auto u = usage_from_object(w, v.get_object());
  if (!u || (u->input == 0 && u->output == 0)) return std::nullopt;
  return u;
}

}  // namespace

bool usage_text::may_carry_usage(std::string_view data) {
  // Every chunk of an OpenAI stream that asked for usage ends this way but the last: decided
  // without a search.
  while (!data.empty() && (data.back() == '\n' || data.back() == '\r' || data.back() == ' ')) {
    data.remove_suffix(1);
  }
  if (data.ends_with(",\"usage\":null}")) return false;
  constexpr std::string_view kKey = "\"usage";
  for (auto at = find_in(data, kKey); at != std::string_view::npos;
       at = find_in(data, kKey, at + 1)) {
    auto rest = data.substr(at + kKey.size());
    if (!rest.starts_with('"')) return true;  // "usageMetadata", "usage_metadata"
    rest.remove_prefix(1);
    if (!take(rest, ":") || !take(rest, "null")) return true;
  }
  return false;
}

namespace detail {

std::optional<ir::Usage> chat_usage_by_scan(std::string_view text) {
  bj::basic_parser<ChatUsageScan> p(bj::parse_options{});
  boost::system::error_code ec;
  p.write_some(false, text.data(), text.size(), ec);  // stops after the one value
  if (ec || !p.done()) return std::nullopt;
  return p.handler().usage();
}

}  // namespace detail

std::optional<ir::Usage> usage_of_body(Endpoint endpoint, std::string_view body) {
  const auto w = usage_wire(endpoint);
  if (w == UsageWire::None) return std::nullopt;
  if (auto u = usage_by_last_key(w, body)) return u;
  auto v = parse_json(body);
  if (!v) return std::nullopt;
  if (const auto* o = v->if_object()) return usage_in(w, *o);
  // streamGenerateContent without alt=sse answers a JSON array of chunks; usage is cumulative.
  if (const auto* a = v->if_array(); a && w == UsageWire::Gemini) {
    std::optional<ir::Usage> last;
    for (const auto& chunk : *a) {
      if (const auto* o = chunk.if_object()) {
        if (auto u = usage_in(w, *o)) last = u;
      }
    }
    return last;
  }
  return std::nullopt;
}

void StreamUsage::on_event(const http::SseEvent& e) {
  if (!may_carry_usage(e.data)) return;
  const auto w = usage_wire(endpoint_);
  if (w == UsageWire::None || w == UsageWire::Embeddings) return;
  if (w == UsageWire::Chat || w == UsageWire::Gemini) {
    // The chunk's usage object is its last key of that name: only that is parsed when it counts
    // tokens (the whole chunk otherwise, as below).
    if (auto u = usage_by_last_key(w, e.data)) {
      usage_ = u;
      return;
    }
  }
  StackArena arena;
  auto v = parse_json(e.data, &arena.mr);
  if (!v || !v->is_object()) return;
  const auto& o = v->get_object();
  switch (w) {
    case UsageWire::Chat:
    case UsageWire::Gemini:
      // Chat: the final chunk (or every chunk, with vLLM's continuous usage); Gemini: every
      // chunk. Both cumulative, so the latest wins.
      if (auto u = usage_in(w, o)) usage_ = u;
      return;
    case UsageWire::Responses:
      // response.completed / incomplete / failed carry it; created and in_progress say null.
      if (const auto* r = json::object_field(o, "response")) {
        if (auto u = usage_in(w, *r)) usage_ = u;
      }
      return;
    case UsageWire::Anthropic: {
      // message_start has the input side, message_delta the cumulative output (and, in newer
      // API versions, the input side again); read_usage merges what each one carries.
      const auto* u = json::object_field(o, "usage");
      if (!u) {
        if (const auto* m = json::object_field(o, "message")) u = json::object_field(*m, "usage");
      }
      if (!u) return;
      ir::Usage merged = usage_.value_or(ir::Usage{});
      anthropic::read_usage(*u, merged);
      usage_ = merged;
      return;
    }
    case UsageWire::Embeddings:
    case UsageWire::None:
      return;
  }
}

// --- request_stream_usage -------------------------------------------------------------------

namespace {

// Finds the top-level "stream_options" without building a DOM: whether it is there, whether it
// is an object with include_usage: true, and whether the top-level object has any key at all.
struct StreamOptionsScan : SaxSkip {
  int depth = 0;
  bool any_key = false;
  bool present = false;
  bool include_usage = false;
  bool in_options = false;  // inside the top-level stream_options object
  SaxKey key;               // the current key at depth 1 or 2

  bool on_object_begin(ec&) {
    ++depth;
    if (depth == 2 && key_is_options()) in_options = true;
    return true;
  }
  bool on_object_end(std::size_t, ec&) {
    if (depth == 2) in_options = false;
    --depth;
    return true;
  }
  bool on_array_begin(ec&) {
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, ec&) {
    --depth;
    return true;
  }
  bool on_key_part(sv s, std::size_t, ec&) {
    if (depth <= 2) key.part(s);
    return true;
  }
  bool on_key(sv s, std::size_t, ec&) {
    if (depth <= 2) key.last(s);
    if (depth == 1) {
      any_key = true;
      // A later duplicate key overrides an earlier one, as in the DOM parse.
      if (key.text() == "stream_options") {
        present = true;
        include_usage = false;
      }
    }
    return true;
  }
  bool key_is_options() const { return key.text() == "stream_options"; }
  bool on_bool(bool b, ec&) {
    if (depth == 2 && in_options && key.text() == "include_usage") include_usage = b;
    return true;
  }
};

}  // namespace

std::optional<std::string> request_stream_usage(std::string_view body) {
  bj::basic_parser<StreamOptionsScan> p(bj::parse_options{});
  boost::system::error_code ec;
  p.write_some(false, body.data(), body.size(), ec);
  const auto open = body.find('{');
  if (ec || open == std::string_view::npos) return std::nullopt;  // ingress validated it
  const auto& scan = p.handler();
  if (scan.present && scan.include_usage) return std::nullopt;
  if (!scan.present) {
    constexpr std::string_view kOptions = R"("stream_options":{"include_usage":true})";
    std::string out;
    out.reserve(body.size() + kOptions.size() + 1);
    out.append(body.substr(0, open + 1));
    out.append(kOptions);
    if (scan.any_key) out.push_back(',');
    out.append(body.substr(open + 1));
    return out;
  }
  auto v = parse_json(body);
  if (!v || !v->is_object()) return std::nullopt;
  auto& so = v->get_object()["stream_options"];
  if (!so.is_object()) so = bj::object{};
  so.get_object()["include_usage"] = true;
  return bj::serialize(*v);
}

}  // namespace sluice::protocol
