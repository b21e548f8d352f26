#pragma once
// Zero-config start: providers found from well-known environment variables and a local Ollama.

#include <chrono>
#include <functional>
#include <string>

#include "core/config.hpp"

namespace sluice::providers {

/// Returns true when something accepts TCP connections at host:port within the timeout.
using PortProbe = std::function<bool(const std::string& host, int port, std::chrono::milliseconds)>;
bool tcp_probe(const std::string& host, int port, std::chrono::milliseconds timeout);

/// Builds a config whose providers come from OPENAI_API_KEY, ANTHROPIC_API_KEY,
/// GEMINI_API_KEY/GOOGLE_API_KEY, MISTRAL_API_KEY, GROQ_API_KEY, XAI_API_KEY, DEEPSEEK_API_KEY,
/// OPENROUTER_API_KEY (and the matching *_BASE_URL overrides), plus an Ollama at OLLAMA_HOST or
/// 127.0.0.1:11434 when it answers within 300 ms.
core::Config discover_from_env(core::EnvLookup env = core::real_env,
                               const PortProbe& probe = tcp_probe);

/// One human line per provider ("anthropic (anthropic) https://api.anthropic.com key from
/// ${ANTHROPIC_API_KEY}"), never the key itself.
std::string describe(const core::ProviderConfig& p);

}  // namespace sluice::providers
