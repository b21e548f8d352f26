#include "audit/prompt_hash.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <array>
#include <span>

#include "core/canonical_json.hpp"
#include "core/canonical_text.hpp"
#include "core/sha256.hpp"

namespace sluice::audit {
namespace {

// The members that carry the prompt, per endpoint (a table: adding a wire is one row), each
// row's members in sorted order.
struct PromptMembers {
  protocol::Endpoint endpoint;
  std::array<std::string_view, 2> members;
};
constexpr PromptMembers kPromptMembers[] = {
    {protocol::Endpoint::ChatCompletions, {"messages", ""}},
    {protocol::Endpoint::Responses, {"input", "instructions"}},
    {protocol::Endpoint::Embeddings, {"input", ""}},
    {protocol::Endpoint::GeminiEmbed, {"content", ""}},
    {protocol::Endpoint::Messages, {"messages", "system"}},
    {protocol::Endpoint::CountTokens, {"messages", "system"}},
    {protocol::Endpoint::GenerateContent, {"contents", "systemInstruction"}},
    {protocol::Endpoint::StreamGenerate, {"contents", "systemInstruction"}},
    {protocol::Endpoint::GeminiCountTokens, {"contents", "systemInstruction"}},
};

std::span<const std::string_view> prompt_members(protocol::Endpoint endpoint) {
  for (const auto& row : kPromptMembers) {
    if (row.endpoint != endpoint) continue;
    const std::size_t n = row.members[1].empty() ? 1 : 2;
    return {row.members.data(), n};
  }
  return {};
}

}  // namespace

std::string prompt_canonical_form(protocol::Endpoint endpoint, std::string_view body) {
  // The parse allocates from a buffer on the stack (heap only past it).
  unsigned char buffer[8192];
  boost::json::monotonic_resource mr(buffer, sizeof buffer);
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec, &mr);
  if (ec || !v.is_object()) return std::string(body);
  const auto& in = v.get_object();
  // The canonical JSON of {member: value, ...} written directly: the table lists each wire's
  // members in sorted order.
  std::string out = "{";
  bool first = true;
  for (auto name : prompt_members(endpoint)) {
    const auto* m = in.if_contains(name);
    if (!m) continue;
    if (!first) out += ',';
    first = false;
    out += '"';
    out += name;
    out += "\":";
    core::append_canonical_json(out, *m);
  }
  out += '}';
  return out;
}

core::Digest prompt_digest(protocol::Endpoint endpoint, std::string_view body) {
  // The one-pass scanner gives the same bytes as the DOM for every body it accepts; the rare
  // body it declines (invalid JSON, duplicate keys, deep nesting) takes the DOM path.
  thread_local std::string out;
  out.clear();
  if (core::canonical_members(body, prompt_members(endpoint), out)) return core::sha256(out);
  return core::sha256(prompt_canonical_form(endpoint, body));
}

std::string prompt_sha256(protocol::Endpoint endpoint, std::string_view body) {
  return core::to_hex(prompt_digest(endpoint, body));
}

}  // namespace sluice::audit
