#include "providers/forwarding.hpp"

#include <algorithm>
#include <array>

namespace sluice::providers {

bool is_hop_by_hop(std::string_view n) {
  // By length first: it runs for every header of every request (a loop over the twelve names
  // was ~90 instructions a call).
  switch (n.size()) {
    case 2:
      return n == "te";
    case 4:
      return n == "host";
    case 6:
      return n == "expect";
    case 7:
      return n == "trailer" || n == "upgrade";
    case 10:
      return n == "connection" || n == "keep-alive";
    case 14:
      return n == "content-length";
    case 16:
      return n == "proxy-connection";
    case 17:
      return n == "transfer-encoding";
    case 18:
      return n == "proxy-authenticate";
    case 19:
      return n == "proxy-authorization";
    default:
      return false;
  }
}

bool is_client_credential(std::string_view n) {
  return n == "authorization" || n == "x-api-key" || n == "x-goog-api-key" || n == "api-key";
}

namespace {
// Removes `key=...` from a query string (Gemini clients may put their key there).
std::string strip_key_param(std::string_view query) {
  std::string out;
  while (!query.empty()) {
    auto amp = query.find('&');
    auto part = query.substr(0, amp);
    if (!part.starts_with("key=") && part != "key" && !part.empty()) {
      if (!out.empty()) out += '&';
      out.append(part);
    }
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  return out;
}

// True if the comma-separated list `value` (a Connection header) names `lower_name`.
bool names_token(std::string_view value, std::string_view lower_name) {
  while (!value.empty()) {
    auto comma = value.find(',');
    auto token = value.substr(0, comma);
    while (!token.empty() && (token.front() == ' ' || token.front() == '\t'))
      token.remove_prefix(1);
    while (!token.empty() && (token.back() == ' ' || token.back() == '\t')) token.remove_suffix(1);
    if (token.size() == lower_name.size() &&
        std::equal(token.begin(), token.end(), lower_name.begin(),
                   [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a + 32 : a) == b; })) {
      return true;
    }
    value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
  }
  return false;
}

// Keeps only the allowed values of a comma-separated anthropic-beta header.
void filter_betas(http::Headers& headers, const std::vector<std::string>& allowed) {
  const std::string* beta = http::find_header(headers, "anthropic-beta");
  if (!beta) return;
  std::string kept;
  std::string_view rest = *beta;
  while (!rest.empty()) {
    auto comma = rest.find(',');
    auto v = rest.substr(0, comma);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (std::find(allowed.begin(), allowed.end(), v) != allowed.end()) {
      if (!kept.empty()) kept += ',';
      kept.append(v);
    }
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
  }
  if (kept.empty()) {
    http::remove_header(headers, "anthropic-beta");
  } else {
    http::set_header(headers, "anthropic-beta", kept);
  }
}

std::string_view gemini_method(protocol::Endpoint e) {
  switch (e) {
    case protocol::Endpoint::StreamGenerate:
      return "streamGenerateContent";
    case protocol::Endpoint::GeminiCountTokens:
      return "countTokens";
    case protocol::Endpoint::GeminiEmbed:
      return "embedContent";
    default:
      return "generateContent";
  }
}
}  // namespace

std::string upstream_target(const Provider& p, protocol::Endpoint endpoint,
                            std::string_view client_path, std::string_view client_query,
                            std::string_view model) {
  std::string target = p.origin.base_path;
  std::string query(client_query);
  switch (p.config.type) {
    case protocol::Family::OpenAI:
      target.append(client_path.starts_with("/v1/") ? client_path.substr(3) : client_path);
      break;
    case protocol::Family::Anthropic:
      target.append(client_path);
      break;
    case protocol::Family::Gemini:
      target += "/v1beta/models/";
      target.append(model);
      target += ':';
      target.append(gemini_method(endpoint));
      query = strip_key_param(client_query);
      break;
  }
  if (!query.empty()) {
    target += '?';
    target += query;
  }
  return target;
}

http::Headers upstream_headers(const Provider& p, std::string_view api_key,
                               const http::Headers& client) {
  http::Headers out;
  out.reserve(client.size() + 4);
  // Names listed in Connection are hop-by-hop too.
  const std::string* conn = http::find_header(client, "connection");
  for (const auto& h : client) {
    if (is_hop_by_hop(h.name) || is_client_credential(h.name) || h.name.starts_with("x-sluice-") ||
        h.name == "accept-encoding" || h.name == "content-encoding") {
      continue;
    }
    if (conn && names_token(*conn, h.name)) continue;
    out.push_back(h);
  }
  // Identity upstream: the gateway reads responses (usage, guardrails), and clients all accept
  // uncompressed bodies; LLM responses are small next to their latency.
  out.push_back({"accept-encoding", "identity"});
  if (!api_key.empty()) {
    switch (p.config.type) {
      case protocol::Family::OpenAI:
        out.push_back({"authorization", "Bearer " + std::string(api_key)});
        break;
      case protocol::Family::Anthropic:
        out.push_back({"x-api-key", std::string(api_key)});
        break;
      case protocol::Family::Gemini:
        out.push_back({"x-goog-api-key", std::string(api_key)});
        break;
    }
  }
  if (p.config.type == protocol::Family::Anthropic &&
      !http::find_header(out, "anthropic-version")) {
    out.push_back({"anthropic-version", "2023-06-01"});  // required by the API; clients send it
  }
  if (p.config.betas) filter_betas(out, *p.config.betas);
  for (const auto& [name, value] : p.config.headers) http::set_header(out, name, value);
  return out;
}

http::Headers translated_headers(const Provider& p, std::string_view api_key,
                                 const http::Headers& client) {
  http::Headers out = upstream_headers(p, api_key, client);
  std::erase_if(out, [&](const http::Header& h) {
    const bool anthropic_only = h.name.starts_with("anthropic-");
    const bool openai_only = h.name.starts_with("openai-");
    const bool gemini_only = h.name.starts_with("x-goog-") && h.name != "x-goog-api-key";
    return h.name == "content-type" || h.name == "accept" ||
           (anthropic_only && p.config.type != protocol::Family::Anthropic) ||
           (openai_only && p.config.type != protocol::Family::OpenAI) ||
           (gemini_only && p.config.type != protocol::Family::Gemini);
  });
  out.push_back({"content-type", "application/json"});
  return out;
}

http::Headers translated_response_headers(const http::Headers& upstream) {
  http::Headers out;
  for (const auto& h : upstream) {
    if (h.name == "retry-after" || h.name == "retry-after-ms" || h.name == "x-should-retry" ||
        h.name.starts_with("x-ratelimit-") || h.name.starts_with("anthropic-ratelimit-") ||
        h.name == "request-id" || h.name == "x-request-id") {
      out.push_back(h);
    }
  }
  return out;
}

http::Headers client_headers(http::Headers upstream) {
  std::erase_if(upstream, [](const http::Header& h) { return is_hop_by_hop(h.name); });
  return upstream;
}

}  // namespace sluice::providers
