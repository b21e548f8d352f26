#pragma once
// Helpers over the canonical IR that no single wire owns.

#include <string>
#include <vector>

#include "protocol/ir.hpp"

namespace sluice::protocol {

/// The canonical event sequence of a complete response (Start, each part, Finish, Done), for
/// when a streaming client must be answered from a non-streamed upstream response.
std::vector<ir::Event> events_of(const ir::Response& res);

/// Estimated input tokens of a request: ~4 bytes per token over every text the model reads
/// (instructions, messages, tool definitions, tool calls and results) plus a small per-message
/// framing cost. An estimate, reported as such to clients, never a silent zero.
std::int64_t estimate_input_tokens(const ir::Request& req);

}  // namespace sluice::protocol
