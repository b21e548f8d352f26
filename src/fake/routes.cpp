#include "fake/routes.hpp"

namespace sluice::fake {
namespace {

Target make(Route route, Wire wire, std::string_view method, const http::Request& req,
            std::string_view model = {}) {
  return {route, wire, method, model, req.method == method};
}

/// "/v1beta/models/{model}:{action}" or "/v1beta/models/{model}" (also under /v1/ for Gemini
/// clients configured with apiVersion v1).
Target gemini_route(const http::Request& req, std::string_view rest) {
  auto colon = rest.find(':');
  if (colon == std::string_view::npos) {
    return make(Route::GeminiModel, Wire::Gemini, "GET", req, rest);
  }
  auto model = rest.substr(0, colon);
  auto action = rest.substr(colon + 1);
  Route route = Route::NotFound;
  if (action == "generateContent") {
    route = Route::GeminiGenerate;
  } else if (action == "streamGenerateContent") {
    route = Route::GeminiStream;
  } else if (action == "countTokens") {
    route = Route::GeminiCountTokens;
  } else if (action == "embedContent") {
    route = Route::GeminiEmbed;
  } else if (action == "batchEmbedContents") {
    route = Route::GeminiBatchEmbed;
  }
  if (route == Route::NotFound || model.empty()) {
    return {Route::NotFound, Wire::Gemini, {}, {}, true};
  }
  return make(route, Wire::Gemini, "POST", req, model);
}

}  // namespace

Target route_of(const http::Request& req) {
  const std::string_view path = req.path();
  const bool anthropic_headers = http::find_header(req.headers, "anthropic-version") != nullptr;
  if (path == "/") {
    return {Route::Root, Wire::OpenAI, req.method, {}, true};
  }
  if (path == "/v1/chat/completions") {
    return make(Route::ChatCompletions, Wire::OpenAI, "POST", req);
  }
  if (path == "/v1/responses") {
    return make(Route::Responses, Wire::OpenAI, "POST", req);
  }
  if (path == "/v1/embeddings") {
    return make(Route::Embeddings, Wire::OpenAI, "POST", req);
  }
  if (path == "/v1/messages") {
    return make(Route::Messages, Wire::Anthropic, "POST", req);
  }
  if (path == "/v1/messages/count_tokens") {
    return make(Route::CountTokens, Wire::Anthropic, "POST", req);
  }
  if (path == "/v1/models") {
    return anthropic_headers ? make(Route::AnthropicModels, Wire::Anthropic, "GET", req)
                             : make(Route::OpenAIModels, Wire::OpenAI, "GET", req);
  }
  if (path == "/v1beta/models") {
    return make(Route::GeminiModels, Wire::Gemini, "GET", req);
  }
  constexpr std::string_view kV1Models = "/v1/models/";
  constexpr std::string_view kV1BetaModels = "/v1beta/models/";
  if (path.starts_with(kV1BetaModels)) {
    return gemini_route(req, path.substr(kV1BetaModels.size()));
  }
  if (path.starts_with(kV1Models)) {
    auto rest = path.substr(kV1Models.size());
    if (rest.find(':') != std::string_view::npos) {
      return gemini_route(req, rest);
    }
    return anthropic_headers ? make(Route::AnthropicModel, Wire::Anthropic, "GET", req, rest)
                             : make(Route::OpenAIModel, Wire::OpenAI, "GET", req, rest);
  }
  if (path == "/_fake/stats") {
    return make(Route::FakeStats, Wire::OpenAI, "GET", req);
  }
  if (path == "/_fake/requests") {
    return make(Route::FakeRequests, Wire::OpenAI, "GET", req);
  }
  if (path == "/_fake/reset") {
    return make(Route::FakeReset, Wire::OpenAI, "POST", req);
  }
  Wire wire = path.starts_with("/v1beta/")       ? Wire::Gemini
              : path.starts_with("/v1/messages") ? Wire::Anthropic
                                                 : Wire::OpenAI;
  return {Route::NotFound, wire, {}, {}, true};
}

}  // namespace sluice::fake
