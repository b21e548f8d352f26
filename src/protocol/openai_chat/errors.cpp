// Upstream error bodies of OpenAI-compatible servers -> GatewayError. Shapes seen in the wild:
//   OpenAI, Groq, vLLM   {"error":{"message","type","param","code"}}
//   Ollama, llama.cpp    {"error":"message"}  (llama.cpp also {"error":{"code","message","type"}})
//   vLLM (older), Mistral {"object":"error","message","type","code"}
//   FastAPI validation   {"detail":"..."} or {"detail":[{"msg":...}, ...]}

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parse.hpp>

#include "protocol/json_util.hpp"
#include "protocol/openai_chat/internal.hpp"

namespace sluice::protocol::openai_chat {
namespace {

/// Upstream messages can be long (and some echo input); the client gets the start of it.
constexpr std::size_t kMaxMessage = 512;

/// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
void truncate_utf8(std::string& s, std::size_t n) {
  if (s.size() <= n) return;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  s.resize(n);
  s += "...";
}

}  // namespace

core::GatewayError parse_error(int status, std::string_view body) {
  core::GatewayError err{core::kind_for_status(status), {}, {}, {}};
  unsigned char buf[4096];
  bj::monotonic_resource mr(buf, sizeof buf);
  boost::system::error_code ec;
  auto doc = bj::parse(body, ec, &mr);
  if (!ec && doc.is_object()) {
    const auto& root = doc.get_object();
    const bj::object* e = json::object_field(root, "error");
    if (!e && json::string_field(root, "object") == "error") e = &root;
    if (e) {
      err.message = json::string_field(*e, "message");
      err.param = json::string_field(*e, "param");
      err.code = json::string_field(*e, "code");  // numeric codes (vLLM's status) say nothing new
    } else if (const auto* s = json::field(root, "error"); s && s->is_string()) {
      err.message = std::string(s->get_string());
    } else if (const auto* d = json::field(root, "detail")) {
      if (d->is_string()) err.message = std::string(d->get_string());
      if (d->is_array() && !d->get_array().empty() && d->get_array()[0].is_object()) {
        err.message = json::string_field(d->get_array()[0].get_object(), "msg");
      }
    }
  }
  if (err.message.empty()) err.message = "upstream returned HTTP " + std::to_string(status);
  truncate_utf8(err.message, kMaxMessage);
  return err;
}

}  // namespace sluice::protocol::openai_chat
