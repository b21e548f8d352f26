#pragma once
// Request bodies may arrive compressed (Codex can send zstd; others gzip or br). The gateway
// works on plain JSON, so ingress decodes them, bounded by the same body limit.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::http {

enum class DecodeStatus { Ok, Unsupported, TooLarge, Corrupt };

struct DecodeResult {
  DecodeStatus status = DecodeStatus::Ok;
  std::string body;
};

/// Decodes `body` per the Content-Encoding value `encoding` ("gzip", "deflate", "br", "zstd",
/// "identity", or a comma list applied in order). Output is capped at `limit` bytes.
DecodeResult decode_body(std::string_view encoding, std::string_view body, std::size_t limit);

}  // namespace sluice::http
