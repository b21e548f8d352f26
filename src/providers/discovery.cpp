#include "providers/discovery.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>

namespace sluice::providers {
namespace {

struct Known {
  const char* name;
  protocol::Family type;
  const char* key_vars[2];  // first set one wins
  const char* base_url_var;
  const char* default_base_url;
};

// Base URLs as each provider's own SDK takes them (OpenAI-style ones include /v1).
constexpr std::array<Known, 8> kKnown{{
    {"openai",
     protocol::Family::OpenAI,
     {"OPENAI_API_KEY", nullptr},
     "OPENAI_BASE_URL",
     "https://api.openai.com/v1"},
    {"anthropic",
     protocol::Family::Anthropic,
     {"ANTHROPIC_API_KEY", nullptr},
     "ANTHROPIC_BASE_URL",
     "https://api.anthropic.com"},
    {"gemini",
     protocol::Family::Gemini,
     {"GEMINI_API_KEY", "GOOGLE_API_KEY"},
     "GEMINI_BASE_URL",
     "https://generativelanguage.googleapis.com"},
    {"mistral",
     protocol::Family::OpenAI,
     {"MISTRAL_API_KEY", nullptr},
     "MISTRAL_BASE_URL",
     "https://api.mistral.ai/v1"},
    {"groq",
     protocol::Family::OpenAI,
     {"GROQ_API_KEY", nullptr},
     "GROQ_BASE_URL",
     "https://api.groq.com/openai/v1"},
    {"xai",
     protocol::Family::OpenAI,
     {"XAI_API_KEY", nullptr},
     "XAI_BASE_URL",
     "https://api.x.ai/v1"},
    {"deepseek",
     protocol::Family::OpenAI,
     {"DEEPSEEK_API_KEY", nullptr},
     "DEEPSEEK_BASE_URL",
     "https://api.deepseek.com/v1"},
    {"openrouter",
     protocol::Family::OpenAI,
     {"OPENROUTER_API_KEY", nullptr},
     "OPENROUTER_BASE_URL",
     "https://openrouter.ai/api/v1"},
}};

}  // namespace

bool tcp_probe(const std::string& host, int port, std::chrono::milliseconds timeout) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return false;
  bool ok = false;
  for (auto* ai = res; ai && !ok; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) continue;
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      ok = true;
    } else if (errno == EINPROGRESS) {
      pollfd pfd{fd, POLLOUT, 0};
      if (::poll(&pfd, 1, static_cast<int>(timeout.count())) == 1) {
        int err = 0;
        socklen_t len = sizeof(err);
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
        ok = err == 0;
      }
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return ok;
}

core::Config discover_from_env(core::EnvLookup env, const PortProbe& probe) {
  core::Config cfg;
  cfg.source = "environment";
  for (const auto& k : kKnown) {
    for (const char* var : k.key_vars) {
      if (!var) continue;
      auto key = env(var);
      if (!key || key->empty()) continue;
      core::ProviderConfig p;
      p.name = k.name;
      p.type = k.type;
      auto base = env(k.base_url_var);
      p.base_url = base && !base->empty() ? *base : k.default_base_url;
      while (!p.base_url.empty() && p.base_url.back() == '/') p.base_url.pop_back();
      p.api_key = *key;
      p.api_key_source = std::string("${") + var + "}";
      cfg.providers.push_back(std::move(p));
      break;
    }
  }
  // Ollama: OLLAMA_HOST is "host:port", "http://host:port" or just "host".
  std::string host = "127.0.0.1";
  int port = 11434;
  if (auto oh = env("OLLAMA_HOST"); oh && !oh->empty()) {
    std::string v = *oh;
    if (auto s = v.find("://"); s != std::string::npos) v = v.substr(s + 3);
    while (!v.empty() && v.back() == '/') v.pop_back();
    if (auto c = v.rfind(':'); c != std::string::npos) {
      port = std::atoi(v.substr(c + 1).c_str());
      v = v.substr(0, c);
    }
    if (v == "0.0.0.0" || v.empty()) v = "127.0.0.1";
    host = v;
  }
  if (port > 0 && probe(host, port, std::chrono::milliseconds(300))) {
    core::ProviderConfig p;
    p.name = "ollama";
    p.type = protocol::Family::OpenAI;
    p.base_url = "http://" + host + ":" + std::to_string(port) + "/v1";
    cfg.providers.push_back(std::move(p));
  }
  core::resolve_store_paths(cfg.store, "", env);
  return cfg;
}

std::string describe(const core::ProviderConfig& p) {
  std::string out = p.name + " (" + std::string(protocol::to_string(p.type)) + ") " + p.base_url;
  if (p.api_key_source.empty()) {
    out += ", no key";
  } else if (p.api_key.empty()) {
    out += ", key " + p.api_key_source + " is EMPTY";
  } else if (p.api_key_source == "inline") {
    out += ", key inline in config";
  } else {
    out += ", key from " + p.api_key_source;
  }
  return out;
}

}  // namespace sluice::providers
