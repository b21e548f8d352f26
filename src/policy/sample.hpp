#pragma once
// A sample request as `sluice policy test`, `sluice skills list`, the tests and the benchmark
// describe one: a JSON file holding the request body and the facts the gateway would know about
// it (who sends it, headers, time, budget state...). The request text, tools and metadata are
// read from the body through the wire's own codec, as the gateway reads them.
//
//   {"wire": "anthropic", "user": "alice", "team": "payments", "time": "2026-11-23T10:00:00Z",
//    "headers": {"x-sluice-skills-off": "spec-first"}, "budget": "warned",
//    "body": {"model": "claude-opus-4-8", "system": "...", "messages": [...]}}
//
// Without a "body" member the whole file is the body.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/message.hpp"
#include "policy/facts.hpp"
#include "protocol/ir.hpp"

namespace sluice::policy {

struct SampleRequest {
  protocol::Endpoint endpoint = protocol::Endpoint::ChatCompletions;
  bool wire_guessed = false;  // no "wire" given: guessed from the body's shape
  std::string body;           // the request body, serialized
  std::string model, route, key_id, user, team, project, role, region;
  std::string prompt, latest;
  std::vector<std::string> tools;
  http::Headers headers;  // names lower-cased
  std::vector<std::pair<std::string, std::string>> metadata;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  BudgetState budget = BudgetState::Ok;
  std::vector<std::string> findings;
  std::optional<std::string> intent;
  std::optional<double> risk;

  /// Facts viewing this object's members; valid until it changes or goes away.
  RequestFacts facts();

 private:
  std::vector<std::string_view> tool_views_, finding_views_;
  std::vector<MetaField> meta_views_;
};

/// Reads a sample from JSON text; `wire` ("" = the file's "wire", else guessed) overrides.
/// Errors are messages naming the field.
std::variant<SampleRequest, std::string> parse_sample(std::string_view json, std::string_view wire);

/// The prompt text of a parsed request (instructions and every text part, one per line) and its
/// latest user instruction (the text of the last user message that has text).
struct PromptText {
  std::string prompt;
  std::string latest;
};
PromptText prompt_text(const ir::Request& req);

/// "2026-11-23T10:00:00Z", "...+01:00", seconds optional; nullopt when malformed.
std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text);

}  // namespace sluice::policy
