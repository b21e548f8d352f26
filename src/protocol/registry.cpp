#include "protocol/codecs.hpp"

namespace sluice::protocol {

const WireCodec* codec_for(Endpoint endpoint) {
  switch (endpoint) {
    case Endpoint::ChatCompletions: return &openai_chat::codec();
    case Endpoint::Responses: return &openai_responses::codec();
    case Endpoint::Messages: return &anthropic::codec();
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate: return &gemini::codec();
    case Endpoint::Embeddings:
    case Endpoint::CountTokens:
    case Endpoint::GeminiCountTokens:
    case Endpoint::GeminiEmbed: return nullptr;
  }
  return nullptr;
}

const WireCodec& provider_codec(Family family) {
  switch (family) {
    case Family::Anthropic: return anthropic::codec();
    case Family::Gemini: return gemini::codec();
    case Family::OpenAI: break;
  }
  return openai_chat::codec();
}

}  // namespace sluice::protocol
