// The fixed model catalogue, listed in each wire's shape on each list endpoint (one fake plays a
// multi-model server), and single-model lookups that accept any name but "missing-*".

#include <array>

#include "fake/wire.hpp"

namespace sluice::fake {
namespace {

struct ModelInfo {
  std::string_view id;
  std::string_view display_name;
  std::string_view owner;
  std::int64_t created;         // unix seconds (OpenAI shape)
  std::string_view created_at;  // RFC 3339 (Anthropic shape)
  bool embedding;
};

constexpr std::array<ModelInfo, 7> kModels = {{
    {"gpt-fake", "GPT Fake", "fake-upstream", 1735689600, "2025-01-01T00:00:00Z", false},
    {"gpt-fake-mini", "GPT Fake Mini", "fake-upstream", 1735689600, "2025-01-01T00:00:00Z", false},
    {"text-embedding-fake", "Text Embedding Fake", "fake-upstream", 1735689600,
     "2025-01-01T00:00:00Z", true},
    {"claude-fake-sonnet", "Claude Fake Sonnet", "fake-upstream", 1747180800,
     "2025-05-14T00:00:00Z", false},
    {"claude-fake-haiku", "Claude Fake Haiku", "fake-upstream", 1747180800, "2025-05-14T00:00:00Z",
     false},
    {"gemini-fake-pro", "Gemini Fake Pro", "fake-upstream", 1750118400, "2025-06-17T00:00:00Z",
     false},
    {"gemini-fake-flash", "Gemini Fake Flash", "fake-upstream", 1750118400, "2025-06-17T00:00:00Z",
     false},
}};

const ModelInfo& info_for(std::string_view id) {
  for (const auto& m : kModels) {
    if (m.id == id) {
      return m;
    }
  }
  return kModels[0];
}

void append_openai(std::string& out, std::string_view id, const ModelInfo& m) {
  out += R"({"id":)";
  append_json_string(out, id);
  out += R"(,"object":"model","created":)";
  append_int(out, m.created);
  out += R"(,"owned_by":")";
  out += m.owner;
  out += "\"}";
}

void append_anthropic(std::string& out, std::string_view id, const ModelInfo& m) {
  out += R"({"type":"model","id":)";
  append_json_string(out, id);
  out += R"(,"display_name":)";
  append_json_string(out, m.id == id ? m.display_name : id);
  out += R"(,"created_at":")";
  out += m.created_at;
  out += "\"}";
}

void append_gemini(std::string& out, std::string_view id, const ModelInfo& m) {
  out += R"({"name":"models/)";
  out += id;
  out += R"(","version":"001","displayName":)";
  append_json_string(out, m.id == id ? m.display_name : id);
  out += R"(,"description":"A fake model served by sluice fake-upstream.",)";
  if (m.embedding) {
    out += R"("inputTokenLimit":2048,"outputTokenLimit":1,)"
           R"("supportedGenerationMethods":["embedContent","batchEmbedContents"]})";
  } else {
    out += R"("inputTokenLimit":1048576,"outputTokenLimit":65536,)"
           R"("supportedGenerationMethods":["generateContent","streamGenerateContent",)"
           R"("countTokens"],"temperature":1,"topP":0.95,"topK":64,"maxTemperature":2,)"
           R"("thinking":true})";
  }
}

template <class Append>
std::string list(std::string_view open, std::string_view close, Append&& append) {
  std::string out(open);
  for (std::size_t i = 0; i < kModels.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    append(out, kModels[i].id, kModels[i]);
  }
  out += close;
  return out;
}

}  // namespace

std::string openai_model_list() {
  return list(R"({"object":"list","data":[)", "]}", append_openai);
}

std::string anthropic_model_list() {
  std::string close = R"(],"has_more":false,"first_id":")";
  close += kModels.front().id;
  close += R"(","last_id":")";
  close += kModels.back().id;
  close += "\"}";
  return list(R"({"data":[)", close, append_anthropic);
}

std::string gemini_model_list() {
  return list(R"({"models":[)", "]}", append_gemini);
}

WireResult<std::string> openai_model(std::string_view id) {
  if (is_missing_model(id)) {
    return model_not_found(id);
  }
  std::string out;
  append_openai(out, id, info_for(id));
  return out;
}

WireResult<std::string> anthropic_model(std::string_view id) {
  if (is_missing_model(id)) {
    return ApiError{404, "model: " + std::string(id), {}, {}};
  }
  std::string out;
  append_anthropic(out, id, info_for(id));
  return out;
}

WireResult<std::string> gemini_model(std::string_view id) {
  if (is_missing_model(id)) {
    return ApiError{
        404, "models/" + std::string(id) + " is not found for API version v1beta", {}, {}};
  }
  std::string out;
  append_gemini(out, id, info_for(id));
  return out;
}

}  // namespace sluice::fake
