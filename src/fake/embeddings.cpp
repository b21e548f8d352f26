// Deterministic embeddings: OpenAI POST /v1/embeddings and Gemini :embedContent /
// :batchEmbedContents. The vector is a unit vector seeded by a hash of the input text.

#include <boost/json/serialize.hpp>

#include <charconv>

#include "fake/json_util.hpp"
#include "fake/wire.hpp"

namespace sluice::fake {
namespace json = boost::json;
namespace {

constexpr int kDefaultDims = 8;
constexpr int kMaxDims = 8192;

void append_floats(std::string& out, const std::vector<float>& v) {
  out += '[';
  char buf[32];
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v[i]);
    static_cast<void>(ec);
    out.append(buf, end);
  }
  out += ']';
}

WireResult<int> dims_of(std::int64_t requested, std::string_view param) {
  if (requested == 0) {
    return {boost::system::in_place_value, kDefaultDims};
  }
  if (requested < 1 || requested > kMaxDims) {
    return ApiError{
        400, std::string(param) + " must be between 1 and " + std::to_string(kMaxDims), param, {}};
  }
  return {boost::system::in_place_value, static_cast<int>(requested)};
}

/// Gemini Content -> the text to embed (all its text parts, concatenated).
std::string content_text(const json::object* content) {
  std::string text;
  const auto* parts = content != nullptr ? get_array(*content, "parts") : nullptr;
  if (parts != nullptr) {
    for (const auto& p : *parts) {
      if (const auto* part = p.if_object()) {
        text += get_string(*part, "text");
      }
    }
  }
  return text;
}

}  // namespace

WireResult<std::string> openai_embeddings(const json::object& body) {
  auto model = get_string(body, "model");
  if (model.empty()) {
    return ApiError{400, "you must provide a model parameter", "model", {}};
  }
  if (is_missing_model(model)) {
    return model_not_found(model);
  }
  auto dims = dims_of(get_int(body, "dimensions"), "dimensions");
  if (!dims) {
    return dims.error();
  }
  auto format = get_string(body, "encoding_format");
  if (!format.empty() && format != "float" && format != "base64") {
    return ApiError{400, "encoding_format must be 'float' or 'base64'", "encoding_format", {}};
  }
  const bool base64 = format == "base64";

  // Inputs: a string, an array of strings, an array of token ids, or an array of those arrays.
  const auto* input = body.if_contains("input");
  std::vector<std::string> texts;
  std::int64_t tokens = 0;
  auto add = [&](const json::value& v) -> bool {
    if (v.is_string()) {
      texts.emplace_back(v.get_string());
      tokens += tokens_for_bytes(v.get_string().size());
      return true;
    }
    if (v.is_array()) {
      texts.push_back(json::serialize(v));
      tokens += static_cast<std::int64_t>(v.get_array().size());
      return true;
    }
    return false;
  };
  bool ok = input != nullptr;
  if (ok && input->is_array() && !input->get_array().empty() &&
      !input->get_array().front().is_number()) {
    for (const auto& v : input->get_array()) {
      ok = ok && add(v);
    }
  } else if (ok) {
    ok = add(*input);
  }
  if (!ok || texts.empty()) {
    return ApiError{
        400, "'input' must be a string, an array of strings or of token arrays", "input", {}};
  }

  std::string out = R"({"object":"list","data":[)";
  const int dimensions = dims.value();
  out.reserve(128 + texts.size() * (static_cast<std::size_t>(dimensions) * 12 + 64));
  for (std::size_t i = 0; i < texts.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += R"({"object":"embedding","index":)";
    append_int(out, static_cast<std::int64_t>(i));
    out += R"(,"embedding":)";
    auto v = embedding(texts[i], dimensions);
    if (base64) {
      out += '"';
      append_base64(out, v.data(), v.size() * sizeof(float));  // little-endian float32
      out += '"';
    } else {
      append_floats(out, v);
    }
    out += '}';
  }
  out += R"(],"model":)";
  append_json_string(out, model);
  out += R"(,"usage":{"prompt_tokens":)";
  append_int(out, tokens);
  out += R"(,"total_tokens":)";
  append_int(out, tokens);
  out += "}}";
  return out;
}

WireResult<std::string> gemini_embeddings(const json::object& body, std::string_view model,
                                          bool batch) {
  if (is_missing_model(model)) {
    return ApiError{
        404, "models/" + std::string(model) + " is not found for API version v1beta", {}, {}};
  }
  auto one = [](std::string& out, const json::object& request) -> WireResult<void> {
    auto dims = dims_of(get_int(request, "outputDimensionality"), "outputDimensionality");
    if (!dims) {
      return dims.error();
    }
    const auto* content = get_object(request, "content");
    if (content == nullptr) {
      return ApiError{400, "* EmbedContentRequest.content: content is not specified", {}, {}};
    }
    out += R"({"values":)";
    append_floats(out, embedding(content_text(content), dims.value()));
    out += '}';
    return {};
  };
  std::string out;
  if (!batch) {
    out = R"({"embedding":)";
    if (auto r = one(out, body); !r) {
      return r.error();
    }
    out += '}';
    return out;
  }
  const auto* requests = get_array(body, "requests");
  if (requests == nullptr) {
    return ApiError{400, "* BatchEmbedContentsRequest.requests: requests is not specified", {}, {}};
  }
  out = R"({"embeddings":[)";
  for (std::size_t i = 0; i < requests->size(); ++i) {
    const auto* request = (*requests)[i].if_object();
    if (request == nullptr) {
      return ApiError{
          400, "* BatchEmbedContentsRequest.requests: each request is an object", {}, {}};
    }
    if (i > 0) {
      out += ',';
    }
    if (auto r = one(out, *request); !r) {
      return r.error();
    }
  }
  out += "]}";
  return out;
}

}  // namespace sluice::fake
