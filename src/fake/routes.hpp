#pragma once
// Which endpoint a request is for, from its method, path and headers.

#include <string_view>

#include "fake/wire.hpp"
#include "http/message.hpp"

namespace sluice::fake {

enum class Route {
  Root,  // GET/HEAD / (Claude Code's warm-up): a quick 404
  ChatCompletions,
  Responses,
  Embeddings,
  OpenAIModels,
  OpenAIModel,
  Messages,
  CountTokens,
  AnthropicModels,
  AnthropicModel,
  GeminiGenerate,
  GeminiStream,
  GeminiCountTokens,
  GeminiEmbed,
  GeminiBatchEmbed,
  GeminiModels,
  GeminiModel,
  FakeStats,
  FakeRequests,
  FakeReset,
  NotFound,
};

struct Target {
  Route route = Route::NotFound;
  Wire wire = Wire::OpenAI;  // the error shape for this path
  std::string_view method;   // the method the route takes
  std::string_view model;    // from the path (Gemini, model lookups)
  bool method_ok = true;
};

/// Classifies `req`. Views point into req.target.
Target route_of(const http::Request& req);

/// True for the /_fake/* introspection endpoints (never counted, faulted or authenticated).
inline bool is_introspection(Route r) {
  return r == Route::FakeStats || r == Route::FakeRequests || r == Route::FakeReset;
}

}  // namespace sluice::fake
