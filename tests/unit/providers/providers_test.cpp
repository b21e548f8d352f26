#include <gtest/gtest.h>

#include "providers/discovery.hpp"
#include "providers/forwarding.hpp"
#include "providers/model_discovery.hpp"
#include "providers/runtime.hpp"

namespace sluice::providers {
namespace {

core::Config config_of(const std::string& yaml) {
  auto r = core::parse_config(
      yaml, "t.yaml", [](const char*) -> std::optional<std::string> { return std::nullopt; });
  EXPECT_TRUE(std::holds_alternative<core::Config>(r));
  return std::get<core::Config>(r);
}

const char* kTwo = R"(providers:
  - {name: anthropic, type: anthropic, base_url: "https://api.anthropic.com", api_key: "sk-ant-xyz"}
  - {name: local, type: openai, base_url: "http://127.0.0.1:11434/v1", models: [qwen3-coder]}
  - {name: g, type: gemini, base_url: "https://generativelanguage.googleapis.com", api_key: "gk"}
aliases:
  gpt-5.5: local/qwen3-coder
  best: gpt-5.5
)";

Resolution must_resolve(const Snapshot& s, protocol::Family f, std::string_view name) {
  auto r = resolve_model(s, f, name);
  if (auto* e = std::get_if<core::GatewayError>(&r)) {
    ADD_FAILURE() << e->message;
    return {};
  }
  return std::get<Resolution>(r);
}

TEST(Resolve, AliasChainsPrefixesListedAndDefault) {
  auto snap = make_snapshot(config_of(kTwo), {{"anthropic", {"claude-sonnet-4-5"}}});
  auto a = must_resolve(*snap, protocol::Family::OpenAI, "best");
  EXPECT_EQ(a.provider->config.name, "local");
  EXPECT_EQ(a.model, "qwen3-coder");
  EXPECT_EQ(a.via, "alias");
  auto p = must_resolve(*snap, protocol::Family::OpenAI, "anthropic/claude-opus-4-8");
  EXPECT_EQ(p.provider->config.name, "anthropic");
  EXPECT_EQ(p.model, "claude-opus-4-8");
  // Listed by a provider of another family: found there (translation decides later).
  auto l = must_resolve(*snap, protocol::Family::OpenAI, "claude-sonnet-4-5");
  EXPECT_EQ(l.provider->config.name, "anthropic");
  // Brand-new names go to the client family's default provider.
  auto d = must_resolve(*snap, protocol::Family::Anthropic, "claude-opus-9");
  EXPECT_EQ(d.provider->config.name, "anthropic");
  EXPECT_EQ(d.via, "default");
  // Slashes in a model id whose prefix is not a provider (OpenRouter style) are a bare name.
  auto s = must_resolve(*snap, protocol::Family::OpenAI, "meta-llama/llama-3.3-70b");
  EXPECT_EQ(s.provider->config.name, "local");
  EXPECT_EQ(s.model, "meta-llama/llama-3.3-70b");
}

TEST(Resolve, UnknownNameWithoutDefaultIs404ThatSaysHowToList) {
  auto snap = make_snapshot(config_of(std::string(kTwo) + "default_provider: {openai: none}\n"));
  auto r = resolve_model(*snap, protocol::Family::OpenAI, "no-such-model");
  ASSERT_TRUE(std::holds_alternative<core::GatewayError>(r));
  const auto& e = std::get<core::GatewayError>(r);
  EXPECT_EQ(e.status(), 404);
  EXPECT_NE(e.message.find("/v1/models"), std::string::npos);
  auto empty = make_snapshot(config_of(""));
  auto r2 = resolve_model(*empty, protocol::Family::Anthropic, "claude");
  EXPECT_NE(std::get<core::GatewayError>(r2).message.find("no providers"), std::string::npos);
}

TEST(Forwarding, TargetsFollowEachSdksBaseUrlConvention) {
  auto snap = make_snapshot(config_of(kTwo));
  EXPECT_EQ(upstream_target(*snap->find("local"), protocol::Endpoint::ChatCompletions,
                            "/v1/chat/completions", "", "m"),
            "/v1/chat/completions");
  EXPECT_EQ(upstream_target(*snap->find("anthropic"), protocol::Endpoint::Messages, "/v1/messages",
                            "beta=true", "m"),
            "/v1/messages?beta=true");
  EXPECT_EQ(upstream_target(*snap->find("g"), protocol::Endpoint::StreamGenerate,
                            "/v1beta/models/gemini-x:streamGenerateContent", "alt=sse&key=CLIENT",
                            "gemini-2.5-pro"),
            "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
}

TEST(Forwarding, ClientCredentialsAndHopByHopNeverReachTheProvider) {
  auto snap = make_snapshot(config_of(kTwo));
  http::Headers client{{"authorization", "Bearer sk-sluice-client"},
                       {"x-api-key", "client-key"},
                       {"connection", "keep-alive, x-private"},
                       {"x-private", "1"},
                       {"private", "kept"},  // a substring of a Connection token is not one
                       {"keep-alive", "timeout=5"},
                       {"host", "127.0.0.1:4100"},
                       {"content-length", "10"},
                       {"accept-encoding", "gzip, br, zstd"},
                       {"anthropic-version", "2026-10-21"},
                       {"anthropic-beta", "claude-code-20250219,some-unknown-beta-2027-01-01"},
                       {"x-claude-code-session-id", "abc"},
                       {"x-sluice-debug", "1"}};
  auto h = upstream_headers(*snap->find("anthropic"), snap->find("anthropic")->accounts[0].api_key,
                            client);
  EXPECT_EQ(*http::find_header(h, "x-api-key"), "sk-ant-xyz");
  EXPECT_EQ(http::find_header(h, "authorization"), nullptr);
  EXPECT_EQ(http::find_header(h, "x-private"), nullptr);
  ASSERT_NE(http::find_header(h, "private"), nullptr);
  EXPECT_EQ(http::find_header(h, "keep-alive"), nullptr);
  EXPECT_EQ(http::find_header(h, "host"), nullptr);
  EXPECT_EQ(http::find_header(h, "x-sluice-debug"), nullptr);
  EXPECT_EQ(*http::find_header(h, "accept-encoding"), "identity");
  EXPECT_EQ(*http::find_header(h, "anthropic-version"), "2026-10-21");  // not pinned
  EXPECT_EQ(*http::find_header(h, "anthropic-beta"),
            "claude-code-20250219,some-unknown-beta-2027-01-01");
  EXPECT_EQ(*http::find_header(h, "x-claude-code-session-id"), "abc");

  auto o = upstream_headers(*snap->find("local"), snap->find("local")->accounts[0].api_key,
                            client);  // no key configured
  EXPECT_EQ(http::find_header(o, "authorization"), nullptr);
  EXPECT_EQ(http::find_header(o, "x-api-key"), nullptr);
  auto g = upstream_headers(*snap->find("g"), snap->find("g")->accounts[0].api_key, client);
  EXPECT_EQ(*http::find_header(g, "x-goog-api-key"), "gk");
}

TEST(Forwarding, EveryHopByHopNameAndNoNeighbourOfOne) {
  for (std::string_view n :
       {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailer",
        "transfer-encoding", "upgrade", "host", "content-length", "proxy-connection", "expect"}) {
    EXPECT_TRUE(is_hop_by_hop(n)) << n;
  }
  // Same lengths as hop-by-hop names, or one letter off: end-to-end, forwarded.
  for (std::string_view n : {"", "tf", "hose", "accept", "trailers", "connectio", "keep-alivf",
                             "content-type", "content-lengtH", "x-request-id", "user-agent"}) {
    EXPECT_FALSE(is_hop_by_hop(n)) << n;
  }
}

TEST(Forwarding, BetaAllowlistAndTranslatedHeaders) {
  auto snap = make_snapshot(config_of(R"(providers:
  - {name: a, type: anthropic, base_url: "http://a", betas: [claude-code-20250219, b2]}
  - {name: o, type: openai, base_url: "http://o/v1"}
)"));
  http::Headers client{{"anthropic-beta", "claude-code-20250219, unknown-2027,b2"},
                       {"anthropic-version", "2023-06-01"},
                       {"content-type", "application/json; charset=utf-8"}};
  auto a = upstream_headers(*snap->find("a"), snap->find("a")->accounts[0].api_key, client);
  EXPECT_EQ(*http::find_header(a, "anthropic-beta"), "claude-code-20250219,b2");
  // Translated to another wire: Anthropic-only headers never reach the OpenAI provider.
  auto o = translated_headers(*snap->find("o"), snap->find("o")->accounts[0].api_key, client);
  EXPECT_EQ(http::find_header(o, "anthropic-beta"), nullptr);
  EXPECT_EQ(http::find_header(o, "anthropic-version"), nullptr);
  EXPECT_EQ(*http::find_header(o, "content-type"), "application/json");
}

TEST(Forwarding, ResponseHeadersKeepRateLimitsDropFraming) {
  http::Headers up{{"content-type", "text/event-stream"},
                   {"transfer-encoding", "chunked"},
                   {"connection", "keep-alive"},
                   {"retry-after", "2"},
                   {"x-ratelimit-remaining-requests", "9"},
                   {"anthropic-ratelimit-tokens-limit", "1"},
                   {"request-id", "req_up"}};
  auto h = client_headers(up);
  EXPECT_EQ(http::find_header(h, "transfer-encoding"), nullptr);
  EXPECT_EQ(http::find_header(h, "connection"), nullptr);
  EXPECT_EQ(*http::find_header(h, "retry-after"), "2");
  EXPECT_NE(http::find_header(h, "x-ratelimit-remaining-requests"), nullptr);
  EXPECT_NE(http::find_header(h, "anthropic-ratelimit-tokens-limit"), nullptr);
}

std::optional<std::string> env_with(const char* name) {
  std::string n(name);
  if (n == "ANTHROPIC_API_KEY") return "sk-ant-1";
  if (n == "GOOGLE_API_KEY") return "g-1";
  if (n == "GROQ_API_KEY") return "gq";
  if (n == "OLLAMA_HOST") return "http://10.9.8.7:1234";
  return std::nullopt;
}

TEST(Discovery, EnvironmentKeysAndOllamaProbe) {
  std::string probed;
  auto cfg =
      discover_from_env(env_with, [&](const std::string& h, int p, std::chrono::milliseconds) {
        probed = h + ":" + std::to_string(p);
        return true;
      });
  ASSERT_EQ(cfg.providers.size(), 4u);
  EXPECT_EQ(cfg.providers[0].name, "anthropic");
  EXPECT_EQ(cfg.providers[1].name, "gemini");  // GOOGLE_API_KEY is the fallback for Gemini
  EXPECT_EQ(cfg.providers[1].api_key_source, "${GOOGLE_API_KEY}");
  EXPECT_EQ(cfg.providers[2].base_url, "https://api.groq.com/openai/v1");
  EXPECT_EQ(probed, "10.9.8.7:1234");
  EXPECT_EQ(cfg.providers[3].base_url, "http://10.9.8.7:1234/v1");
  auto described = describe(cfg.providers[0]);
  EXPECT_EQ(described.find("sk-ant-1"), std::string::npos) << "a key leaked into: " << described;

  auto none =
      discover_from_env([](const char*) -> std::optional<std::string> { return std::nullopt; },
                        [](const std::string&, int, std::chrono::milliseconds) { return false; });
  EXPECT_TRUE(none.providers.empty());
}

TEST(Discovery, ModelListsOfEachFamily) {
  EXPECT_EQ(*parse_model_list(protocol::Family::OpenAI, R"({"data":[{"id":"a"},{"id":"b"}]})"),
            (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(*parse_model_list(protocol::Family::Gemini, R"({"models":[{"name":"models/g"}]})"),
            std::vector<std::string>{"g"});
  EXPECT_FALSE(parse_model_list(protocol::Family::Anthropic, "<html>"));
}

}  // namespace
}  // namespace sluice::providers
