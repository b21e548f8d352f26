#pragma once
// The four wire codecs; registry.cpp maps endpoints to them with one switch.

#include "protocol/codec.hpp"

namespace sluice::protocol {
namespace anthropic { const WireCodec& codec(); }
namespace openai_chat { const WireCodec& codec(); }
namespace openai_responses { const WireCodec& codec(); }
namespace gemini { const WireCodec& codec(); }
}  // namespace sluice::protocol
