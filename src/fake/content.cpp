#include "fake/content.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace sluice::fake {
namespace json = boost::json;
namespace {

constexpr std::size_t kEchoBytes = 60;

constexpr std::array<std::string_view, 8> kSentences = {
    "The request was received and understood.",
    "No real model was involved in producing this reply.",
    "Every word here comes from a hash of your message, so asking again gives the same answer.",
    "The usage block counts tokens with the same four-bytes-per-token rule as the prompt.",
    "When streamed, this text is split into evenly sized deltas.",
    "Latency, errors and resets can be scripted per request.",
    "This answer is deterministic.",
    "Nothing was stored or sent anywhere else.",
};

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

bool is_continuation(char c) {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

/// Cuts `text` to at most `max` bytes on a character boundary.
std::string_view cut_utf8(std::string_view text, std::size_t max) {
  if (text.size() <= max) {
    return text;
  }
  std::size_t end = max;
  while (end > 0 && is_continuation(text[end])) {
    --end;
  }
  return text.substr(0, end);
}

/// The user's text as quoted back: whitespace collapsed, at most `max` bytes, "..." if cut.
std::string echo(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max) + 4);
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out.push_back(' ');
      space = false;
    }
    out.push_back(c);
    if (out.size() > max + 8) {
      break;
    }
  }
  if (out.size() > max) {
    out.resize(cut_utf8(out, max).size());
    while (!out.empty() && out.back() == ' ') {
      out.pop_back();
    }
    out += "...";
  }
  return out.empty() ? std::string("(no text)") : out;
}

bool ends_sentence(std::string_view s) {
  return !s.empty() && (s.back() == '.' || s.back() == '?' || s.back() == '!');
}

std::string answer_text(const Turn& turn, std::uint64_t seed) {
  std::string text = "This is fake-upstream answering ";
  text += turn.model;
  text += ": ";
  if (turn.after_tool_result) {
    text += "the tool returned \"";
    text += echo(turn.last_text, kEchoBytes);
    text += "\". Here is the final answer.";
  } else {
    auto e = echo(turn.last_text, kEchoBytes);
    text += e;
    if (!ends_sentence(e)) {
      text += '.';
    }
  }
  // Three distinct sentences picked by the seed.
  std::size_t first = seed % kSentences.size();
  std::size_t step = 1 + (seed >> 8) % (kSentences.size() - 1);
  for (std::size_t i = 0, k = first; i < 3; ++i, k = (k + step) % kSentences.size()) {
    if (i > 0 && k == first) {
      break;
    }
    text += ' ';
    text += kSentences[k];
  }
  return text;
}

std::string reasoning_text(const Turn& turn) {
  std::string text;
  if (turn.after_tool_result) {
    text = "The tool has finished and its result is in. Summarise it and give the final answer.";
  } else {
    text = "The user wrote \"";
    text += echo(turn.last_text, 40);
    text += "\". ";
    if (turn.tool) {
      text += "Calling the ";
      text += turn.tool->name;
      text += " tool is the right next step.";
    } else {
      text += "A short, direct answer fits best.";
    }
  }
  return text;
}

std::string custom_tool_input(std::string_view name) {
  if (name == "apply_patch") {
    return "*** Begin Patch\n*** Add File: fake-upstream.txt\n+written by fake-upstream\n"
           "*** End Patch\n";
  }
  return "fake";
}

}  // namespace

std::uint64_t hash64(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::size_t text_bytes(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return v.get_string().size();
    case json::kind::array: {
      std::size_t n = 0;
      for (const auto& e : v.get_array()) {
        n += text_bytes(e);
      }
      return n;
    }
    case json::kind::object: {
      std::size_t n = 0;
      for (const auto& kv : v.get_object()) {
        n += kv.key().size() + text_bytes(kv.value());
      }
      return n;
    }
    default:
      return 0;
  }
}

void append_int(std::string& out, std::int64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  static_cast<void>(ec);
  out.append(buf, end);
}

std::string_view last_text(const json::value& content) {
  if (content.is_string()) {
    return content.get_string();
  }
  if (!content.is_array()) {
    return {};
  }
  const auto& arr = content.get_array();
  for (auto it = arr.rbegin(); it != arr.rend(); ++it) {
    if (it->is_string()) {
      return it->get_string();
    }
    if (const auto* obj = it->if_object()) {
      if (const auto* text = obj->if_contains("text"); text && text->is_string()) {
        return text->get_string();
      }
    }
  }
  return {};
}

std::int64_t prefix_cached_tokens(std::int64_t input_tokens, std::int64_t tail_tokens) {
  if (input_tokens < 1024 || tail_tokens >= input_tokens) {
    return 0;
  }
  return (input_tokens - tail_tokens) / 128 * 128;
}

void append_hex(std::string& out, std::uint64_t value, int digits) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) {
    out.push_back(kHex[(value >> (4 * (i % 16))) & 0xF]);
  }
}

void append_base64(std::string& out, const void* data, std::size_t size) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const auto* p = static_cast<const unsigned char*>(data);
  std::size_t i = 0;
  for (; i + 3 <= size; i += 3) {
    std::uint32_t v = (std::uint32_t{p[i]} << 16) | (std::uint32_t{p[i + 1]} << 8) | p[i + 2];
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (std::size_t rest = size - i; rest > 0) {
    std::uint32_t v = std::uint32_t{p[i]} << 16;
    if (rest == 2) {
      v |= std::uint32_t{p[i + 1]} << 8;
    }
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
}

std::vector<std::string_view> split_text(std::string_view text, int n) {
  std::vector<std::string_view> pieces;
  if (text.empty() || n <= 0) {
    return pieces;
  }
  pieces.reserve(static_cast<std::size_t>(n));
  std::size_t begin = 0;
  for (int i = 1; i < n && begin < text.size(); ++i) {
    std::size_t cut = text.size() * static_cast<std::size_t>(i) / static_cast<std::size_t>(n);
    cut = std::max(cut, begin + 1);
    while (cut < text.size() && is_continuation(text[cut])) {
      ++cut;
    }
    if (cut >= text.size()) {
      break;
    }
    pieces.push_back(text.substr(begin, cut - begin));
    begin = cut;
  }
  pieces.push_back(text.substr(begin));
  return pieces;
}

namespace {

/// x-fake-reply's text without its '|' marks, whose positions become the delta boundaries.
struct Unmarked {
  std::string text;
  std::vector<std::size_t> cuts;
};
Unmarked unmark(std::string_view marked) {
  Unmarked u;
  u.text.reserve(marked.size());
  for (char c : marked) {
    if (c != '|') {
      u.text.push_back(c);
    } else if (!u.text.empty() && (u.cuts.empty() || u.cuts.back() != u.text.size())) {
      u.cuts.push_back(u.text.size());
    }
  }
  if (!u.cuts.empty() && u.cuts.back() == u.text.size()) {
    u.cuts.pop_back();
  }
  return u;
}

/// A sluice council review (data/council/user.md opens with the marker): the verdict follows
/// markers in the reviewed answer, so a test picks it with x-fake-reply on the client's request.
/// Approvals come in a code fence after prose, as models write them.
std::optional<std::string> council_verdict(std::string_view prompt) {
  if (prompt.find("[sluice-council-review]") == std::string_view::npos) return std::nullopt;
  if (prompt.find("[council:garbage]") != std::string_view::npos) {
    return "I looked at it and it seems mostly fine to me.";
  }
  if (prompt.find("[council:reject]") != std::string_view::npos) {
    return R"({"verdict":"reject","reasons":["the answer drops the production table without a backup","fake-upstream was told to reject"]})";
  }
  if (prompt.find("[council:concerns]") != std::string_view::npos) {
    return R"({"verdict":"concerns","reasons":["the answer skips the tests"]})";
  }
  return "Here is my review.\n```json\n"
         R"({"verdict": "approve", "reasons": ["looks right"]})"
         "\n```";
}

}  // namespace

Reply make_reply(const Turn& turn) {
  Reply r;
  r.seed = hash64(turn.last_text) ^ mix(hash64(turn.model)) ^ (turn.after_tool_result ? 1 : 0);
  append_hex(r.id, mix(r.seed), 16);
  append_hex(r.id, mix(r.seed ^ 0x1d), 8);
  if (turn.reasoning) {
    r.reasoning = reasoning_text(turn);
  }
  if (turn.tool && (!turn.after_tool_result || turn.force_tool)) {
    r.finish = Finish::ToolCall;
    r.tool_name = turn.tool->name;
    r.tool_custom = turn.tool->custom;
    r.tool_input =
        turn.tool->custom ? custom_tool_input(turn.tool->name) : fake_arguments(turn.tool->schema);
    append_hex(r.tool_call_id, mix(r.seed ^ 0x7001), 16);
    append_hex(r.tool_call_id, mix(r.seed ^ 0x7002), 8);
    if (turn.tool_preamble) {
      r.text = "I'll use the ";
      r.text += turn.tool->name;
      r.text += " tool.";
    }
  } else if (turn.output_schema != nullptr) {
    r.text = json::serialize(fake_value(turn.output_schema));
  } else if (auto verdict = council_verdict(turn.last_text)) {
    r.text = std::move(*verdict);
  } else {
    r.text = answer_text(turn, r.seed);
  }
  if (turn.reply) {
    auto chosen = unmark(*turn.reply);
    r.text = std::move(chosen.text);
    r.text_cuts = std::move(chosen.cuts);
  }

  auto output_tokens = [&r] {
    return tokens_for_bytes(r.reasoning.size()) + tokens_for_bytes(r.text.size()) +
           (r.has_tool_call() ? tokens_for_bytes(r.tool_name.size() + r.tool_input.size()) : 0);
  };
  if (turn.max_output_tokens > 0 && output_tokens() > turn.max_output_tokens) {
    // Out of budget: no tool call, text cut at the limit (reasoning first, like a real model).
    r.finish = Finish::Length;
    r.tool_name = {};
    r.tool_input.clear();
    r.tool_call_id.clear();
    if (!turn.reply && (r.text.empty() || turn.tool_preamble)) {
      r.text = answer_text(turn, r.seed);
    }
    auto budget = static_cast<std::size_t>(turn.max_output_tokens) * 4;
    r.reasoning.resize(cut_utf8(r.reasoning, budget).size());
    budget -= std::min(budget, (r.reasoning.size() + 3) / 4 * 4);
    r.text.resize(cut_utf8(r.text, budget).size());
  }
  r.usage.input = turn.input_tokens;
  r.usage.cached = std::min(turn.cached_tokens, turn.input_tokens);
  r.usage.cache_write = std::min(turn.cache_write_tokens, turn.input_tokens - r.usage.cached);
  r.usage.reasoning = tokens_for_bytes(r.reasoning.size());
  r.usage.output = output_tokens();
  return r;
}

Pieces split_reply(const Reply& reply, int chunks) {
  chunks = std::max(chunks, 1);
  Pieces p;
  p.reasoning = split_text(reply.reasoning, std::max(1, chunks / 2));
  if (reply.text_cuts.empty()) {
    p.text = split_text(reply.text, chunks);
  } else {
    std::size_t begin = 0;
    for (auto cut : reply.text_cuts) {
      if (cut > begin && cut < reply.text.size()) {
        p.text.push_back(std::string_view(reply.text).substr(begin, cut - begin));
        begin = cut;
      }
    }
    p.text.push_back(std::string_view(reply.text).substr(begin));
  }
  p.tool_input = split_text(reply.tool_input, std::max(2, chunks));
  return p;
}

std::vector<float> embedding(std::string_view text, int dims) {
  std::vector<float> v(static_cast<std::size_t>(std::max(dims, 1)));
  std::uint64_t state = hash64(text);
  double norm = 0;
  for (auto& x : v) {
    state = mix(state);
    x = static_cast<float>(static_cast<double>(state >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    norm += static_cast<double>(x) * x;
  }
  norm = std::sqrt(norm);
  if (norm > 0) {
    for (auto& x : v) {
      x = static_cast<float>(x / norm);
    }
  }
  return v;
}

std::string opaque_token(std::uint64_t seed, std::size_t bytes) {
  std::string raw(bytes, '\0');
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < bytes; i += 8) {
    state = mix(state);
    std::memcpy(raw.data() + i, &state, std::min<std::size_t>(8, bytes - i));
  }
  std::string out;
  append_base64(out, raw.data(), raw.size());
  return out;
}

}  // namespace sluice::fake
