// Where each wire keeps the assistant's text and its tool calls, in a whole answer and in each
// stream event. One grammar per wire, chosen by one table; spans come from policy/json_span,
// which walks the raw bytes without building a DOM (an answer is scanned as it passes, and most
// stream events hold a few bytes of text).
#include "guard/response_places.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace sluice::guard::detail {
namespace {

using js::Span;
using Opt = std::optional<Span>;
using protocol::Endpoint;

/// Whether `needle` occurs in `hay`: glibc's memmem, where string_view::find would call memchr
/// once for every quote of a JSON text.
bool contains(std::string_view hay, std::string_view needle) {
  return memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
}

/// Reads one JSON document by spans; every accessor takes and gives optionals, so a missing
/// or mistyped field ends a path quietly.
class Doc {
 public:
  explicit Doc(std::string_view s) : s_(s) {}

  Opt get(Opt object, std::string_view key) const {
    return object ? js::member(s_, *object, key) : std::nullopt;
  }
  /// Gemini accepts lowerCamel and snake_case for every field.
  Opt get(Opt object, std::string_view camel, std::string_view snake) const {
    auto v = get(object, camel);
    return v ? v : get(object, snake);
  }
  std::vector<Span> items(Opt array) const {
    return array ? js::elements(s_, *array) : std::vector<Span>{};
  }
  bool is_string(Opt v) const { return v && js::kind(s_, *v) == '"'; }
  /// A string's raw contents; types and names compared this way are plain ASCII.
  std::string_view raw(Opt v) const {
    if (!v) return {};
    return js::string_body(s_, *v).value_or(std::string_view());
  }
  bool is_null(Opt v) const { return !v || s_.substr(v->begin, v->end - v->begin) == "null"; }
  bool is_true(Opt v) const { return v && s_.substr(v->begin, v->end - v->begin) == "true"; }
  std::optional<std::uint32_t> index(Opt v) const {
    if (!v) return std::nullopt;
    std::uint32_t n = 0;
    const char* b = s_.data() + v->begin;
    const char* e = s_.data() + v->end;
    const auto [end, ec] = std::from_chars(b, e, n);
    if (ec != std::errc() || end != e) return std::nullopt;
    return n;
  }
  std::string_view text() const { return s_; }
  /// The raw bytes of a value ("" when absent).
  std::string_view raw_span(Opt v) const {
    return v ? s_.substr(v->begin, v->end - v->begin) : std::string_view();
  }

 private:
  std::string_view s_;
};

void add(std::vector<Place>& out, Place::Role role, Opt v, std::uint32_t stream = 0) {
  out.push_back(Place{role, *v, stream});
}

void text_if_string(const Doc& d, Opt v, std::vector<Place>& out, std::uint32_t stream = 0) {
  if (d.is_string(v)) add(out, Place::Role::Text, v, stream);
}

void tool_if_string(const Doc& d, Opt v, std::vector<Place>& out) {
  if (d.is_string(v)) add(out, Place::Role::Tool, v);
}

std::uint32_t position_or(const Doc& d, Opt index, std::size_t position) {
  return d.index(index).value_or(static_cast<std::uint32_t>(position));
}

// --- OpenAI Chat Completions -------------------------------------------------------------

/// Message content: a string, or parts whose text parts carry "text".
void chat_content(const Doc& d, Opt content, std::vector<Place>& out, std::uint32_t stream) {
  text_if_string(d, content, out, stream);
  for (auto part : d.items(content)) {
    const auto type = d.raw(d.get(part, "type"));
    if (type == "text" || type == "output_text")
      text_if_string(d, d.get(part, "text"), out, stream);
  }
}

/// tool_calls[] of a message or a delta, and the legacy function_call.
void chat_tools(const Doc& d, Opt holder, std::vector<Place>& out) {
  for (auto call : d.items(d.get(holder, "tool_calls"))) {
    tool_if_string(d, d.get(d.get(call, "function"), "name"), out);
    tool_if_string(d, d.get(d.get(call, "custom"), "name"), out);
  }
  tool_if_string(d, d.get(d.get(holder, "function_call"), "name"), out);
}

void chat_body(const Doc& d, Span root, std::vector<Place>& out) {
  std::size_t n = 0;
  for (auto choice : d.items(d.get(root, "choices"))) {
    const auto stream = position_or(d, d.get(choice, "index"), n++);
    const auto message = d.get(choice, "message");
    chat_content(d, d.get(message, "content"), out, stream);
    chat_tools(d, message, out);
  }
}

void chat_event(const Doc& d, std::string_view, EventPlaces& out) {
  if (d.text() == "[DONE]") {
    out.ends_all = true;
    return;
  }
  const auto root = js::root(d.text());
  std::size_t n = 0;
  for (auto choice : d.items(d.get(root, "choices"))) {
    const auto stream = position_or(d, d.get(choice, "index"), n++);
    const auto delta = d.get(choice, "delta");
    text_if_string(d, d.get(delta, "content"), out.deltas, stream);
    // Most chunks carry text only: a look at the raw bytes spares the walks for the rest.
    const auto raw = d.raw_span(delta);
    if (contains(raw, "\"tool_calls\"") || contains(raw, "\"function_call\"")) {
      chat_tools(d, delta, out.whole);
      // Text does not resume once a choice calls tools: its held text need not wait the end.
      out.ends.push_back(stream);
    } else if (!contains(d.raw_span(choice), "\"finish_reason\":null") &&
               !d.is_null(d.get(choice, "finish_reason"))) {
      out.ends.push_back(stream);
    }
  }
}

// --- OpenAI Responses --------------------------------------------------------------------

/// A content part: output_text carries the text.
void responses_part(const Doc& d, Opt part, std::vector<Place>& out) {
  if (d.raw(d.get(part, "type")) == "output_text") text_if_string(d, d.get(part, "text"), out);
}

/// An output item: a message's output_text parts, or a call's tool name.
void responses_item(const Doc& d, Opt item, std::vector<Place>& out) {
  const auto type = d.raw(d.get(item, "type"));
  if (type == "message") {
    for (auto part : d.items(d.get(item, "content"))) responses_part(d, part, out);
  } else if (type == "function_call" || type == "custom_tool_call") {
    tool_if_string(d, d.get(item, "name"), out);
  }
}

void responses_body(const Doc& d, Span root, std::vector<Place>& out) {
  for (auto item : d.items(d.get(root, "output"))) responses_item(d, item, out);
}

/// One text stream per (output item, content part).
std::uint32_t responses_stream(const Doc& d, Opt event) {
  const auto item = d.index(d.get(event, "output_index")).value_or(0);
  const auto part = d.index(d.get(event, "content_index")).value_or(0);
  return item * 4096 + (part & 4095);
}

void responses_event(const Doc& d, std::string_view name, EventPlaces& out) {
  const auto root = js::root(d.text());
  const auto type = name.empty() ? d.raw(d.get(root, "type")) : name;
  if (type == "response.output_text.delta") {
    text_if_string(d, d.get(root, "delta"), out.deltas, responses_stream(d, root));
  } else if (type == "response.output_text.done") {
    // The whole text again: scanned as one, so it matches what the deltas became.
    text_if_string(d, d.get(root, "text"), out.whole);
    out.ends.push_back(responses_stream(d, root));
  } else if (type == "response.content_part.added" || type == "response.content_part.done") {
    responses_part(d, d.get(root, "part"), out.whole);
  } else if (type == "response.output_item.added" || type == "response.output_item.done") {
    responses_item(d, d.get(root, "item"), out.whole);
  } else if (const auto response = d.get(root, "response"); response) {
    // created, in_progress, completed, incomplete, failed: the response so far.
    responses_body(d, *response, out.whole);
    out.ends_all =
        type == "response.completed" || type == "response.incomplete" || type == "response.failed";
  }
}

// --- Anthropic Messages ------------------------------------------------------------------

bool anthropic_tool_block(std::string_view type) {
  return type == "tool_use" || type == "server_tool_use" || type == "mcp_tool_use";
}

void anthropic_body(const Doc& d, Span root, std::vector<Place>& out) {
  for (auto block : d.items(d.get(root, "content"))) {
    const auto type = d.raw(d.get(block, "type"));
    if (type == "text") text_if_string(d, d.get(block, "text"), out);
    if (anthropic_tool_block(type)) tool_if_string(d, d.get(block, "name"), out);
  }
}

void anthropic_event(const Doc& d, std::string_view name, EventPlaces& out) {
  const auto root = js::root(d.text());
  const auto type = name.empty() ? d.raw(d.get(root, "type")) : name;
  if (type == "content_block_delta") {
    const auto delta = d.get(root, "delta");
    if (d.raw(d.get(delta, "type")) == "text_delta") {
      text_if_string(d, d.get(delta, "text"), out.deltas, position_or(d, d.get(root, "index"), 0));
    }
  } else if (type == "content_block_start") {
    const auto block = d.get(root, "content_block");
    const auto kind = d.raw(d.get(block, "type"));
    // A text block opens with its text so far (normally ""): scanned whole, and never a carrier
    // for the deltas' text, which clients read from text_delta events only.
    if (kind == "text") text_if_string(d, d.get(block, "text"), out.whole);
    if (anthropic_tool_block(kind)) tool_if_string(d, d.get(block, "name"), out.whole);
  } else if (type == "content_block_stop") {
    out.ends.push_back(position_or(d, d.get(root, "index"), 0));
  } else if (type == "message_start") {
    if (const auto message = d.get(root, "message"); message) {
      anthropic_body(d, *message, out.whole);
    }
  } else if (type == "message_delta" || type == "message_stop") {
    out.ends_all = true;
  }
}

// --- Gemini generateContent --------------------------------------------------------------

/// The text and calls of one GenerateContentResponse; text goes to `text` (deltas in a stream).
void gemini_response(const Doc& d, Span root, std::vector<Place>& text, std::vector<Place>& tools,
                     std::vector<std::uint32_t>* ends) {
  std::size_t n = 0;
  for (auto candidate : d.items(d.get(root, "candidates"))) {
    const auto stream = position_or(d, d.get(candidate, "index"), n++);
    for (auto part : d.items(d.get(d.get(candidate, "content"), "parts"))) {
      if (d.is_true(d.get(part, "thought"))) continue;  // thoughts are signed reasoning
      text_if_string(d, d.get(part, "text"), text, stream);
      const auto call = d.get(part, "functionCall", "function_call");
      tool_if_string(d, d.get(call, "name"), tools);
      if (ends && call) ends->push_back(stream);  // the text before a call is complete
    }
    if (ends && d.get(candidate, "finishReason", "finish_reason")) ends->push_back(stream);
  }
}

void gemini_body(const Doc& d, Span root, std::vector<Place>& out) {
  if (js::kind(d.text(), root) == '[') {  // streamGenerateContent without alt=sse
    for (auto chunk : d.items(root)) gemini_response(d, chunk, out, out, nullptr);
    return;
  }
  gemini_response(d, root, out, out, nullptr);
}

void gemini_event(const Doc& d, std::string_view, EventPlaces& out) {
  if (const auto root = js::root(d.text()); root) {
    gemini_response(d, *root, out.deltas, out.whole, &out.ends);
  }
}

// --- The table ---------------------------------------------------------------------------

struct Grammar {
  void (*body)(const Doc&, Span, std::vector<Place>&);
  void (*event)(const Doc&, std::string_view, EventPlaces&);
};

std::optional<Grammar> grammar_of(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::ChatCompletions:
      return Grammar{chat_body, chat_event};
    case Endpoint::Responses:
      return Grammar{responses_body, responses_event};
    case Endpoint::Messages:
      return Grammar{anthropic_body, anthropic_event};
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
      return Grammar{gemini_body, gemini_event};
    case Endpoint::Embeddings:
    case Endpoint::CountTokens:
    case Endpoint::GeminiCountTokens:
    case Endpoint::GeminiEmbed:
      break;
  }
  return std::nullopt;
}

}  // namespace

void body_places(Endpoint endpoint, std::string_view json, Span root, std::vector<Place>& out) {
  if (const auto g = grammar_of(endpoint)) g->body(Doc(json), root, out);
}

void event_places(Endpoint endpoint, std::string_view event, std::string_view data,
                  EventPlaces& out) {
  if (const auto g = grammar_of(endpoint)) g->event(Doc(data), event, out);
}

std::optional<std::string> decode_string(std::string_view literal) {
  if (literal.size() < 2 || literal.front() != '"' || literal.back() != '"') return std::nullopt;
  const auto body = literal.substr(1, literal.size() - 2);
  if (body.find('\\') == std::string_view::npos) return std::string(body);
  boost::system::error_code ec;
  const auto v = boost::json::parse(literal, ec);
  if (ec || !v.is_string()) return std::nullopt;
  return std::string(v.get_string());
}

std::string apply_edits(std::string_view text, std::vector<Edit>& edits) {
  std::sort(edits.begin(), edits.end(),
            [](const Edit& a, const Edit& b) { return a.span.begin < b.span.begin; });
  std::string out;
  std::size_t grow = 0;
  for (const auto& e : edits) grow += e.bytes.size();
  out.reserve(text.size() + grow);
  std::size_t pos = 0;
  for (const auto& e : edits) {
    out.append(text.substr(pos, e.span.begin - pos));
    out += e.bytes;
    pos = e.span.end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace sluice::guard::detail
