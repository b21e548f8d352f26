#pragma once
// Ingress reads only what routing needs from a request body (top-level "model" and "stream"),
// validating the whole document on the way without building a DOM. The byte span of the model
// value is kept so passthrough can rewrite it and leave every other byte as the client sent it.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sluice::protocol {

struct JsonProbe {
  bool valid = false;
  std::string error;            // "expected a value at line 3, column 7 (byte 41)" when !valid
  bool is_object = false;
  std::optional<std::string> model;
  std::size_t model_begin = 0;  // span of the model value *including* its quotes, when
  std::size_t model_end = 0;    // model_end > model_begin (else the value was escaped/split)
  std::optional<bool> stream;
  // The output cap the client asked for (max_tokens, max_completion_tokens, max_output_tokens,
  // or Gemini's generationConfig.maxOutputTokens): budgets price the worst case from it.
  std::optional<std::int64_t> max_output;
};

JsonProbe probe_json(std::string_view body);

/// Returns `body` with the top-level "model" replaced by `model`, all other bytes unchanged.
/// Falls back to a parse-and-serialise only when the original value had escape sequences.
std::string rewrite_model(std::string_view body, const JsonProbe& probe, std::string_view model);

/// A JSON string literal for `s` (with quotes).
std::string json_quote(std::string_view s);

}  // namespace sluice::protocol
