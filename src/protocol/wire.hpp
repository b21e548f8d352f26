#pragma once
// The wire formats sluice speaks, on the client side and the provider side.

#include <optional>
#include <string_view>

namespace sluice::protocol {

/// A family of wire formats that share auth, error shapes and base-URL conventions. A provider's
/// `type` is a family; a client request's family is fixed by its endpoint.
enum class Family { OpenAI, Anthropic, Gemini };

/// The client-facing operations sluice serves.
enum class Endpoint {
  ChatCompletions,   // POST /v1/chat/completions
  Responses,         // POST /v1/responses
  Embeddings,        // POST /v1/embeddings
  Messages,          // POST /v1/messages
  CountTokens,       // POST /v1/messages/count_tokens
  GenerateContent,   // POST /v1beta/models/{model}:generateContent
  StreamGenerate,    // POST /v1beta/models/{model}:streamGenerateContent
  GeminiCountTokens, // POST /v1beta/models/{model}:countTokens
  GeminiEmbed,       // POST /v1beta/models/{model}:embedContent
};

constexpr Family family_of(Endpoint e) {
  switch (e) {
    case Endpoint::ChatCompletions:
    case Endpoint::Responses:
    case Endpoint::Embeddings:
      return Family::OpenAI;
    case Endpoint::Messages:
    case Endpoint::CountTokens:
      return Family::Anthropic;
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
    case Endpoint::GeminiCountTokens:
    case Endpoint::GeminiEmbed:
      return Family::Gemini;
  }
  return Family::OpenAI;
}

constexpr std::string_view to_string(Family f) {
  switch (f) {
    case Family::OpenAI: return "openai";
    case Family::Anthropic: return "anthropic";
    case Family::Gemini: return "gemini";
  }
  return "openai";
}

constexpr std::optional<Family> family_from_string(std::string_view s) {
  if (s == "openai") return Family::OpenAI;
  if (s == "anthropic") return Family::Anthropic;
  if (s == "gemini") return Family::Gemini;
  return std::nullopt;
}

/// The name used in logs and headers for the client's wire ("openai_chat", "anthropic", ...).
constexpr std::string_view wire_name(Endpoint e) {
  switch (e) {
    case Endpoint::ChatCompletions: return "openai_chat";
    case Endpoint::Responses: return "openai_responses";
    case Endpoint::Embeddings: return "openai_embeddings";
    case Endpoint::Messages: return "anthropic";
    case Endpoint::CountTokens: return "anthropic_count_tokens";
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate: return "gemini";
    case Endpoint::GeminiCountTokens: return "gemini_count_tokens";
    case Endpoint::GeminiEmbed: return "gemini_embed";
  }
  return "unknown";
}

}  // namespace sluice::protocol
