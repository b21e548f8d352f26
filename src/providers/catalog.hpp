#pragma once
// The model catalog a snapshot prices and sizes requests with: the shipped data/catalog.yaml
// with the config's `catalog:` entries laid over it. Lookups forgive the spellings providers use
// for one model: dated snapshots ("-20250514"), Ollama tags (":latest") and path prefixes.

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/model_info.hpp"
#include "core/string_hash.hpp"

namespace sluice::providers {

class Catalog {
 public:
  Catalog();  // the shipped catalog only
  explicit Catalog(const std::vector<core::ModelInfo>& overrides);

  /// The entry for `model`, or nullptr when the catalog does not know it.
  const core::ModelInfo* find(std::string_view model) const;
  const std::vector<core::ModelInfo>& entries() const { return entries_; }

 private:
  const core::ModelInfo* exact(std::string_view id) const;
  std::vector<core::ModelInfo> entries_;
  core::StringMap<std::size_t> index_;
};

/// USD for a request of `input` prompt tokens and `output` completion tokens.
double estimate_cost_usd(const core::ModelInfo& m, std::uint64_t input, std::uint64_t output);

}  // namespace sluice::providers
