#include "audit/prompt_hash.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <array>

#include "core/canonical_json.hpp"
#include "core/sha256.hpp"

namespace sluice::audit {
namespace {

// The members that carry the prompt, per endpoint (a table: adding a wire is one row).
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

}  // namespace

std::string prompt_sha256(protocol::Endpoint endpoint, std::string_view body) {
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return core::sha256_hex(body);
  const auto& in = v.get_object();
  boost::json::object prompt;
  for (const auto& row : kPromptMembers) {
    if (row.endpoint != endpoint) continue;
    for (auto name : row.members) {
      if (name.empty()) continue;
      if (const auto* m = in.if_contains(name)) prompt[name] = *m;
    }
  }
  return core::sha256_hex(core::canonical_json(prompt));
}

}  // namespace sluice::audit
