#pragma once
// Per-wire knowledge of an answer: where, as byte spans of the raw JSON, the assistant's text
// and the names of called tools are, in a whole body and in each stream event. Spans let the
// scanner rewrite one string value and leave every other byte alone. Internal to guard/.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/json_span.hpp"
#include "protocol/wire.hpp"

namespace sluice::guard::detail {

namespace js = policy::json;

/// One JSON string value the guardrails look at.
struct Place {
  enum class Role : std::uint8_t { Text, Tool };
  Role role = Role::Text;
  js::Span value;            // the string literal, quotes included
  std::uint32_t stream = 0;  // the text stream a delta belongs to (choice, part, block, candidate)
};

/// Appends the places of a whole answer whose top-level value is `root`.
void body_places(protocol::Endpoint endpoint, std::string_view json, js::Span root,
                 std::vector<Place>& out);

/// What one stream event holds, for the endpoint's stream grammar.
struct EventPlaces {
  std::vector<Place> deltas;        // text deltas (Role::Text), each of its stream
  std::vector<Place> whole;         // complete texts (a Responses `.done` event) and called tools
  std::vector<std::uint32_t> ends;  // streams that end with this event (after its deltas)
  bool ends_all = false;            // every text stream ends (the answer is complete)
};

/// `event` is the SSE event name ("" without one), `data` its payload.
void event_places(protocol::Endpoint endpoint, std::string_view event, std::string_view data,
                  EventPlaces& out);

/// The decoded text of a JSON string literal (quotes included); nullopt if it is not one.
std::optional<std::string> decode_string(std::string_view literal);

/// A replacement of one span's bytes.
struct Edit {
  js::Span span;
  std::string bytes;
};
/// `text` with each edit applied (edits may come in any order; they must not overlap).
std::string apply_edits(std::string_view text, std::vector<Edit>& edits);

}  // namespace sluice::guard::detail
