#include "http/decompress.hpp"

#include <brotli/decode.h>
#include <zlib.h>
#include <zstd.h>

#include <array>
#include <vector>

#include "core/text.hpp"

namespace sluice::http {
namespace {

constexpr std::size_t kChunk = 64 * 1024;

DecodeResult inflate_zlib(std::string_view in, std::size_t limit, bool gzip) {
  z_stream zs{};
  // 15 + 32 auto-detects zlib and gzip headers; raw deflate streams (rare) use -15.
  if (inflateInit2(&zs, gzip ? 15 + 32 : 15 + 32) != Z_OK) {
    return {DecodeStatus::Corrupt, {}};
  }
  DecodeResult out;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::array<char, kChunk> buf{};
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.data());
    zs.avail_out = buf.size();
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      out.status = DecodeStatus::Corrupt;
      break;
    }
    out.body.append(buf.data(), buf.size() - zs.avail_out);
    if (out.body.size() > limit) {
      out.status = DecodeStatus::TooLarge;
      break;
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      out.status = DecodeStatus::Corrupt;  // truncated stream
      break;
    }
  }
  inflateEnd(&zs);
  return out;
}

DecodeResult decode_zstd(std::string_view in, std::size_t limit) {
  DecodeResult out;
  ZSTD_DCtx* dctx = ZSTD_createDCtx();
  ZSTD_inBuffer input{in.data(), in.size(), 0};
  std::array<char, kChunk> buf{};
  std::size_t last = 1;
  while (input.pos < input.size) {
    ZSTD_outBuffer output{buf.data(), buf.size(), 0};
    last = ZSTD_decompressStream(dctx, &output, &input);
    if (ZSTD_isError(last)) {
      out.status = DecodeStatus::Corrupt;
      break;
    }
    out.body.append(buf.data(), output.pos);
    if (out.body.size() > limit) {
      out.status = DecodeStatus::TooLarge;
      break;
    }
  }
  if (out.status == DecodeStatus::Ok && last != 0) {
    out.status = DecodeStatus::Corrupt;  // frame not complete
  }
  ZSTD_freeDCtx(dctx);
  return out;
}

DecodeResult decode_brotli(std::string_view in, std::size_t limit) {
  DecodeResult out;
  BrotliDecoderState* st = BrotliDecoderCreateInstance(nullptr, nullptr, nullptr);
  const auto* next_in = reinterpret_cast<const uint8_t*>(in.data());
  std::size_t avail_in = in.size();
  std::array<uint8_t, kChunk> buf{};
  for (;;) {
    uint8_t* next_out = buf.data();
    std::size_t avail_out = buf.size();
    auto rc =
        BrotliDecoderDecompressStream(st, &avail_in, &next_in, &avail_out, &next_out, nullptr);
    out.body.append(reinterpret_cast<const char*>(buf.data()), buf.size() - avail_out);
    if (out.body.size() > limit) {
      out.status = DecodeStatus::TooLarge;
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_SUCCESS) {
      break;
    }
    if (rc == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT) {
      continue;
    }
    out.status = DecodeStatus::Corrupt;  // error, or input ended early
    break;
  }
  BrotliDecoderDestroyInstance(st);
  return out;
}

}  // namespace

DecodeResult decode_body(std::string_view encoding, std::string_view body, std::size_t limit) {
  std::vector<std::string_view> codings;
  while (!encoding.empty()) {
    auto comma = encoding.find(',');
    codings.push_back(core::trim(encoding.substr(0, comma)));
    encoding = comma == std::string_view::npos ? std::string_view() : encoding.substr(comma + 1);
  }
  DecodeResult cur{DecodeStatus::Ok, std::string(body)};
  // Codings are listed in the order they were applied; undo them from the last.
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    std::string lower;
    for (char c : *it) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    if (lower.empty() || lower == "identity") continue;
    DecodeResult next;
    if (lower == "gzip" || lower == "x-gzip") {
      next = inflate_zlib(cur.body, limit, true);
    } else if (lower == "deflate") {
      next = inflate_zlib(cur.body, limit, false);
    } else if (lower == "zstd") {
      next = decode_zstd(cur.body, limit);
    } else if (lower == "br") {
      next = decode_brotli(cur.body, limit);
    } else {
      return {DecodeStatus::Unsupported, {}};
    }
    if (next.status != DecodeStatus::Ok) return {next.status, {}};
    cur = std::move(next);
  }
  return cur;
}

}  // namespace sluice::http
