#pragma once
// A request shaped like Claude Code's, ~100 KB (long system prompt, 20 tool definitions, many
// turns with tool results and edits of src/api/orders.ts): the input of the classification
// benchmarks (intel_bench.cpp) and of classification plus blast radius (graph_bench.cpp).

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <random>
#include <string>

namespace sluice::bench {

namespace bj = boost::json;

// Words drawn from prose and code, so strings have the escapes and lengths real ones have.
inline constexpr const char* kWords[] = {
    "the",    "file",   "function", "return", "value",  "when",   "tool",    "use",    "user",
    "should", "before", "after",    "must",   "never",  "always", "command", "output", "error",
    "const",  "let",    "async",    "await",  "import", "from",   "export",  "class",  "type",
    "string", "number", "if",       "else",   "for",    "=>",     "{",       "}",      "(x)",
    "\"id\"", "path",   "src/",     "test",   "build",  "run",    "\\n",     "result", "order"};

inline std::string prose(std::mt19937& rng, std::size_t bytes, bool lines) {
  std::string s;
  std::uniform_int_distribution<std::size_t> pick(0, std::size(kWords) - 1);
  while (s.size() < bytes) {
    s += kWords[pick(rng)];
    s += (lines && rng() % 9 == 0) ? '\n' : ' ';
  }
  return s;
}

// A request shaped like Claude Code's (docs: ../shared/protocols/clients.md), ~100 KB.
inline std::string claude_code_request() {
  std::mt19937 rng(7);
  bj::object body;
  body["model"] = "claude-opus-4-8";
  bj::array messages;
  auto user_text = [&](std::string text) {
    messages.push_back(bj::object{
        {"role", "user"},
        {"content", bj::array{bj::object{{"type", "text"},
                                         {"text", "<system-reminder>\n" + prose(rng, 1500, true) +
                                                      "\n</system-reminder>"}},
                              bj::object{{"type", "text"}, {"text", std::move(text)}}}}});
  };
  auto tool_turn = [&](int i, const char* tool, bj::object input, std::size_t output_bytes) {
    const std::string id = "toolu_" + std::to_string(i);
    messages.push_back(bj::object{
        {"role", "assistant"},
        {"content", bj::array{bj::object{{"type", "thinking"},
                                         {"thinking", prose(rng, 300, false)},
                                         {"signature", std::string(340, 'E')}},
                              bj::object{{"type", "text"}, {"text", prose(rng, 120, false)}},
                              bj::object{{"type", "tool_use"},
                                         {"id", id},
                                         {"name", tool},
                                         {"input", std::move(input)}}}}});
    messages.push_back(bj::object{
        {"role", "user"},
        {"content", bj::array{bj::object{{"type", "tool_result"},
                                         {"tool_use_id", id},
                                         {"content", prose(rng, output_bytes, true)}}}}});
  };
  user_text("The orders page is slow; find out why fetchOrders takes 3 s.");
  for (int i = 0; i < 6; ++i) {
    tool_turn(i, "Read",
              {{"file_path", "/home/dev/shop/src/api/orders" + std::to_string(i) + ".ts"}}, 1500);
  }
  user_text(
      "Add a retry with exponential backoff to fetchOrders in src/api/orders.ts, and keep the "
      "existing timeout. Don't touch the payment client.");
  for (int i = 6; i < 14; ++i) {
    bj::object input{{"file_path", "/home/dev/shop/src/api/orders.ts"},
                     {"old_string", prose(rng, 200, true)},
                     {"new_string", prose(rng, 320, true)}};
    tool_turn(i, i % 3 == 0 ? "Edit" : "Read", std::move(input), 1200);
  }
  tool_turn(14, "Bash", {{"command", "npm test -- orders"}, {"description", "run the tests"}},
            1800);
  body["messages"] = std::move(messages);
  bj::array system{
      bj::object{{"type", "text"}, {"text", "x-anthropic-billing-header: cc_version=2.1.197;"}},
      bj::object{{"type", "text"},
                 {"text", "You are a Claude agent, built on Anthropic's Claude Agent SDK."}},
      bj::object{
          {"type", "text"},
          {"text", prose(rng, 16000, true) + "\nPrimary working directory: /home/dev/shop\n"}}};
  body["system"] = std::move(system);
  bj::array tools;
  for (int i = 0; i < 20; ++i) {
    bj::object props{
        {"file_path", bj::object{{"type", "string"}, {"description", prose(rng, 120, false)}}},
        {"content", bj::object{{"type", "string"}, {"description", prose(rng, 120, false)}}}};
    tools.push_back(bj::object{{"name", "Tool" + std::to_string(i)},
                               {"description", prose(rng, 1400, true)},
                               {"input_schema", bj::object{{"type", "object"},
                                                           {"properties", std::move(props)},
                                                           {"required", bj::array{"file_path"}}}}});
  }
  body["tools"] = std::move(tools);
  body["metadata"] = bj::object{{"user_id", "{\"device_id\":\"abc\",\"session_id\":\"def\"}"}};
  body["max_tokens"] = 64000;
  body["thinking"] = bj::object{{"type", "adaptive"}};
  body["stream"] = true;
  return bj::serialize(body);
}

}  // namespace sluice::bench
