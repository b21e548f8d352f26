// Pricing usage from the catalog, and the worst-case bound a budget reserves before a request
// goes upstream (it must never be below what the request can actually cost).
#include "governance/cost.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace sluice::governance {
namespace {

constexpr double kPerMillion = 1e-6;
constexpr std::int64_t kDefaultMaxOutput = 4096;

std::int64_t ceil_div(std::uint64_t n, std::uint64_t d) {
  return static_cast<std::int64_t>((n + d - 1) / d);
}

}  // namespace

double cost_usd(const core::ModelInfo& m, const ir::Usage& u) {
  const std::int64_t cache_read = std::max<std::int64_t>(0, u.cache_read);
  const std::int64_t cache_write = std::max<std::int64_t>(0, u.cache_write);
  // Some upstreams report cache tokens apart from input; never price a negative remainder.
  const std::int64_t plain = std::max<std::int64_t>(0, u.input - cache_read - cache_write);
  const std::int64_t output = std::max<std::int64_t>(0, u.output);
  const double usd = static_cast<double>(plain) * m.input +
                     static_cast<double>(cache_read) * m.cache_read_price() +
                     static_cast<double>(cache_write) * m.cache_write_price() +
                     static_cast<double>(output) * m.output;
  return usd * kPerMillion;
}

std::int64_t worst_case_input_tokens(std::size_t body_bytes) {
  return ceil_div(body_bytes, 3);
}

double worst_case_usd(const core::ModelInfo& m, std::int64_t input_tokens,
                      std::int64_t max_output) {
  if (max_output <= 0) max_output = static_cast<std::int64_t>(m.max_output);
  if (max_output <= 0) max_output = kDefaultMaxOutput;
  // The cache-read price is in the max too: a catalog may price it above input, and the bound
  // must hold whatever mix of tokens the upstream reports.
  const double input_price = std::max({m.input, m.cache_write_price(), m.cache_read_price()});
  const double usd = static_cast<double>(std::max<std::int64_t>(0, input_tokens)) * input_price +
                     static_cast<double>(max_output) * m.output;
  return usd * kPerMillion;
}

ir::Usage estimate_usage(std::size_t request_bytes, std::uint64_t response_bytes) {
  ir::Usage u;
  u.input = ceil_div(request_bytes, 4);
  u.output = ceil_div(response_bytes, 4);
  return u;
}

std::string usd(double v) {
  return std::abs(v) >= 1 || v == 0 ? fmt::format("${:.2f}", v) : fmt::format("${:.4f}", v);
}

}  // namespace sluice::governance
