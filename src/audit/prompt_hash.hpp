#pragma once
// prompt_sha256: the SHA-256 of a request's prompt in canonical form, so that anyone holding a
// request body can tell whether this exact prompt went through the gateway without the
// gateway keeping the text. The canonical form is the canonical JSON (core/canonical_json.hpp)
// of an object holding only the members that carry the prompt, as the client sent them:
//
//   openai_chat       {"messages"}            openai_responses  {"input", "instructions"}
//   anthropic         {"messages", "system"}  gemini            {"contents", "systemInstruction"}
//   embeddings        {"input"}
//
// (absent members are left out). Model, sampling parameters and tool schemas are not part of
// the prompt; key order and whitespace do not change the hash.

#include <string>
#include <string_view>

#include "core/sha256.hpp"
#include "protocol/wire.hpp"

namespace sluice::audit {

/// Hex SHA-256. A body that is not a JSON object hashes as its raw bytes.
std::string prompt_sha256(protocol::Endpoint endpoint, std::string_view body);
/// The same digest, raw.
core::Digest prompt_digest(protocol::Endpoint endpoint, std::string_view body);

/// The bytes prompt_sha256 hashes, computed by the definition (a Boost.JSON DOM, then
/// canonical JSON). prompt_sha256 takes a one-pass path (core/canonical_text.hpp) that gives
/// the same bytes; this is the reference it is tested against.
std::string prompt_canonical_form(protocol::Endpoint endpoint, std::string_view body);

}  // namespace sluice::audit
