#pragma once
// Passthrough rules: which client headers reach the provider, how the provider's own key
// replaces the client's credential, where the request goes, and which response headers come
// back. Everything not named here passes through untouched (betas, versions, vendor headers).

#include <string_view>

#include "http/client.hpp"
#include "http/message.hpp"
#include "protocol/wire.hpp"
#include "providers/runtime.hpp"

namespace sluice::providers {

/// True for headers that belong to one hop (RFC 9110 7.6.1) or that sluice owns.
bool is_hop_by_hop(std::string_view lower_name);
/// True for headers that carry the client's credential to sluice; never forwarded.
bool is_client_credential(std::string_view lower_name);

/// The upstream path and query for a client request on `endpoint`, for provider `p`:
/// OpenAI family: base_path + path without its leading "/v1"; Anthropic: base_path + path;
/// Gemini: base_path + "/v1beta/models/{model}:{method}". The client's query string is kept,
/// except Gemini's `key=` (a client credential).
std::string upstream_target(const Provider& p, protocol::Endpoint endpoint,
                            std::string_view client_path, std::string_view client_query,
                            std::string_view model);

/// Headers for the upstream request: the client's minus hop-by-hop, credentials, sluice's own
/// x-sluice-* controls and encodings, plus `api_key` (the chosen account's) in the family's auth
/// style and the provider's configured extra headers.
http::Headers upstream_headers(const Provider& p, std::string_view api_key,
                               const http::Headers& client);

/// Headers for a translated request to `p`: upstream_headers() minus the headers that belong to
/// the client's wire family (anthropic-version/-beta never reach a non-Anthropic provider,
/// openai-* never a non-OpenAI one), with content-type JSON.
http::Headers translated_headers(const Provider& p, std::string_view api_key,
                                 const http::Headers& client);

/// The upstream response headers worth keeping on a translated answer: retry-after and
/// rate-limit headers (x-ratelimit-*, anthropic-ratelimit-*), and request ids.
http::Headers translated_response_headers(const http::Headers& upstream);

/// Headers for the client response: the upstream's minus hop-by-hop and framing. Filtered in
/// place: pass the response's own headers (UpstreamResponse::take_headers) and none is copied.
http::Headers client_headers(http::Headers upstream);

}  // namespace sluice::providers
