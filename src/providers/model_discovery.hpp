#pragma once
// Paste a credential, get every model behind it: each provider's own model list, fetched at
// start (and on reload) so bare model names resolve to the provider that serves them.

#include <boost/asio/awaitable.hpp>

#include <optional>
#include <string>
#include <vector>

#include "providers/runtime.hpp"

namespace sluice::providers {

/// Asks the provider for its models (OpenAI GET {base}/models, Anthropic GET /v1/models,
/// Gemini GET /v1beta/models). Returns nullopt (and logs why) if it cannot.
boost::asio::awaitable<std::optional<std::vector<std::string>>> fetch_models(const Provider& p);

/// Parses a model-list body of the provider's family into ids.
std::optional<std::vector<std::string>> parse_model_list(protocol::Family family,
                                                         std::string_view body);

}  // namespace sluice::providers
