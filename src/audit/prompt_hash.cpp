#include "audit/prompt_hash.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>

#include <array>

#include "core/canonical_json.hpp"
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

}  // namespace

std::string prompt_sha256(protocol::Endpoint endpoint, std::string_view body) {
  // The parse allocates from a buffer on the stack (heap only past it): a request's DOM is
  // short-lived and this runs for every audited request.
  unsigned char buffer[8192];
  boost::json::monotonic_resource mr(buffer, sizeof buffer);
  boost::system::error_code ec;
  const auto v = boost::json::parse(body, ec, &mr);
  if (ec || !v.is_object()) return core::sha256_hex(body);
  const auto& in = v.get_object();
  // The canonical JSON of {member: value, ...} written directly: the table lists each wire's
  // members in sorted order.
  thread_local std::string out;
  out.clear();
  out += '{';
  bool first = true;
  for (const auto& row : kPromptMembers) {
    if (row.endpoint != endpoint) continue;
    for (auto name : row.members) {
      if (name.empty()) continue;
      const auto* m = in.if_contains(name);
      if (!m) continue;
      if (!first) out += ',';
      first = false;
      out += '"';
      out += name;
      out += "\":";
      core::append_canonical_json(out, *m);
    }
  }
  out += '}';
  return core::sha256_hex(out);
}

}  // namespace sluice::audit
