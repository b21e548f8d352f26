#pragma once
// What a request costs: the upstream's usage priced by the catalog (input, output, cache reads
// and writes; reasoning tokens are output tokens), and the worst case a request could cost,
// which budgets reserve before the upstream is called.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/model_info.hpp"
#include "protocol/ir.hpp"

namespace sluice::governance {

/// USD for `u` at `m`'s prices. ir::Usage::input includes cache reads and writes; those are
/// priced at their own rates and the rest at the input rate.
double cost_usd(const core::ModelInfo& m, const ir::Usage& u);

/// Tokens a prompt of `body_bytes` may hold, rounded up (3 bytes per token: generous for
/// English and code, so a reservation is not short).
std::int64_t worst_case_input_tokens(std::size_t body_bytes);

/// The most a request can cost: every input token at the dearest of the input, cache-write and
/// cache-read prices, plus `max_output` tokens at the output price. `max_output` is the request's
/// own cap, else the model's max_output, else 4096.
double worst_case_usd(const core::ModelInfo& m, std::int64_t input_tokens, std::int64_t max_output);

/// Usage for a response whose upstream reported none: the prompt estimated from its size and
/// the output from the bytes relayed (4 bytes per token).
ir::Usage estimate_usage(std::size_t request_bytes, std::uint64_t response_bytes);

/// Money for people: "$12.34" from a dollar up, "$0.0050" below (budgets of cents are common in
/// tests and trials, and "$0.00 of $0.01" says nothing).
std::string usd(double v);

}  // namespace sluice::governance
