#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "guard/request.hpp"
#include "guard_test_util.hpp"

namespace sluice::guard {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;
using testing::str;
using Names = std::vector<std::string>;

const Guard& deny_guard() {
  static const Guard g([] {
    auto c = testing::config_with(Action::Off);
    c.tool_deny = {"Bash", "mcp__*__delete*", "web_search*", "codeExecution"};
    return c;
  }());
  return g;
}

bj::value run(Endpoint e, const std::string& body, RequestScan& out,
              const Guard& g = deny_guard()) {
  out = scan_request(e, body, g);
  EXPECT_TRUE(out.body.has_value()) << body;
  return out.body ? bj::parse(*out.body) : bj::value();
}

TEST(GuardTools, ChatCompletions) {
  RequestScan r;
  const auto v = run(Endpoint::ChatCompletions, R"({"model":"gpt-5",
    "tools":[{"type":"function","function":{"name":"Bash","parameters":{}}},
             {"type":"function","function":{"name":"Read","parameters":{}}},
             {"type":"function","function":{"name":"mcp__gh__delete_repo","parameters":{}}}],
    "tool_choice":{"type":"function","function":{"name":"Bash"}},
    "messages":[{"role":"user","content":"hi"}]})",
                     r);
  EXPECT_EQ(r.removed_tools, (Names{"Bash", "mcp__gh__delete_repo"}));
  EXPECT_TRUE(r.tool_choice_changed);
  ASSERT_EQ(v.at("tools").as_array().size(), 1U);
  EXPECT_EQ(str(v.at("tools").at(0).at("function").at("name")), "Read");
  EXPECT_EQ(str(v.at("tool_choice")), "auto");
  EXPECT_EQ(v.at("messages"), bj::parse(R"([{"role":"user","content":"hi"}])"));
}

TEST(GuardTools, ChatAllowedToolsSubsetAndLegacyFunctions) {
  RequestScan r;
  auto v = run(Endpoint::ChatCompletions, R"({
    "tools":[{"type":"function","function":{"name":"Read"}},{"type":"function","function":{"name":"Bash"}}],
    "tool_choice":{"type":"allowed_tools","allowed_tools":{"mode":"required",
      "tools":[{"type":"function","function":{"name":"Bash"}}]}}})",
               r);
  EXPECT_EQ(str(v.at("tool_choice")), "auto");  // the subset named only denied tools
  v = run(Endpoint::ChatCompletions, R"({
    "functions":[{"name":"Bash"},{"name":"Read"}],"function_call":{"name":"Bash"}})",
          r);
  EXPECT_EQ(v.at("functions"), bj::parse(R"([{"name":"Read"}])"));
  EXPECT_EQ(str(v.at("function_call")), "auto");
}

TEST(GuardTools, RemovingTheLastToolRemovesTheChoice) {
  RequestScan r;
  const auto v = run(Endpoint::ChatCompletions, R"({
    "tools":[{"type":"function","function":{"name":"Bash"}}],
    "tool_choice":"required","parallel_tool_calls":false,"messages":[]})",
                     r);
  EXPECT_EQ(v, bj::parse(R"({"messages":[]})"));
  EXPECT_TRUE(r.tool_choice_changed);
}

TEST(GuardTools, Responses) {
  RequestScan r;
  auto v = run(Endpoint::Responses, R"({"model":"gpt-5","input":"hi",
    "tools":[{"type":"function","name":"exec_command","parameters":{}},
             {"type":"custom","name":"Bash"},
             {"type":"web_search","external_web_access":true},
             {"type":"namespace","name":"multi_agent_v1","tools":[]}],
    "tool_choice":{"type":"web_search"}})",
               r);
  EXPECT_EQ(r.removed_tools, (Names{"Bash", "web_search"}));
  EXPECT_EQ(v.at("tools"), bj::parse(R"([{"type":"function","name":"exec_command","parameters":{}},
                                         {"type":"namespace","name":"multi_agent_v1","tools":[]}])"));
  EXPECT_EQ(str(v.at("tool_choice")), "auto");
  v = run(Endpoint::Responses,
          R"({"tools":[{"type":"function","name":"Bash"},{"type":"function","name":"Read"}],
    "tool_choice":{"type":"allowed_tools","mode":"auto","tools":[{"type":"function","name":"Bash"},
                                                                {"type":"function","name":"Read"}]}})",
          r);
  EXPECT_EQ(
      v.at("tool_choice"),
      bj::parse(
          R"({"type":"allowed_tools","mode":"auto","tools":[{"type":"function","name":"Read"}]})"));
}

TEST(GuardTools, AnthropicMessages) {
  RequestScan r;
  const auto v = run(Endpoint::Messages, R"({"model":"claude-opus-4-8","max_tokens":64,
    "tools":[{"name":"Bash","input_schema":{}},{"name":"Read","input_schema":{}},
             {"type":"web_search_20250305","name":"web_search"}],
    "tool_choice":{"type":"tool","name":"Bash","disable_parallel_tool_use":true},
    "messages":[{"role":"user","content":"hi"}]})",
                     r);
  EXPECT_EQ(r.removed_tools, (Names{"Bash", "web_search"}));
  EXPECT_EQ(v.at("tools"), bj::parse(R"([{"name":"Read","input_schema":{}}])"));
  EXPECT_EQ(v.at("tool_choice"), bj::parse(R"({"type":"auto","disable_parallel_tool_use":true})"));
}

TEST(GuardTools, Gemini) {
  RequestScan r;
  const auto v = run(Endpoint::GenerateContent, R"({"contents":[],
    "tools":[{"functionDeclarations":[{"name":"Bash"},{"name":"Read"}]},{"codeExecution":{}},
             {"googleSearch":{}}],
    "toolConfig":{"functionCallingConfig":{"mode":"ANY","allowedFunctionNames":["Bash"]}}})",
                     r);
  EXPECT_EQ(r.removed_tools, (Names{"Bash", "codeExecution"}));
  EXPECT_EQ(v.at("tools"),
            bj::parse(R"([{"functionDeclarations":[{"name":"Read"}]},{"googleSearch":{}}])"));
  EXPECT_EQ(v.at("toolConfig"), bj::parse(R"({"functionCallingConfig":{"mode":"AUTO"}})"));
  // snake_case spelling, and the last tool removed.
  const auto w = run(Endpoint::StreamGenerate, R"({"contents":[],
    "tools":[{"function_declarations":[{"name":"Bash"}]}],
    "tool_config":{"function_calling_config":{"mode":"ANY"}}})",
                     r);
  EXPECT_EQ(w, bj::parse(R"({"contents":[]})"));
}

TEST(GuardTools, AllowListRemovesEverythingElse) {
  auto cfg = testing::config_with(Action::Off);
  cfg.tool_allow = {"Read", "Grep"};
  const Guard g(cfg);
  RequestScan r;
  const auto v =
      run(Endpoint::Messages, R"({"tools":[{"name":"Read"},{"name":"Write"},{"name":"Grep"}],
    "messages":[]})",
          r, g);
  EXPECT_EQ(r.removed_tools, (Names{"Write"}));
  EXPECT_EQ(v.at("tools"), bj::parse(R"([{"name":"Read"},{"name":"Grep"}])"));
}

TEST(GuardTools, NothingDeniedLeavesTheBodyAlone) {
  const std::string body = R"({"tools":[{"name":"Read"},{"name":"Grep"}],"messages":[],"x":1.0})";
  const auto r = scan_request(Endpoint::Messages, body, deny_guard());
  EXPECT_FALSE(r.body);
  EXPECT_TRUE(r.removed_tools.empty());
  // A denied name that only appears in the prompt text is not a tool.
  const auto p = scan_request(
      Endpoint::Messages,
      R"({"tools":[{"name":"Read"}],"messages":[{"role":"user","content":"use Bash"}]})",
      deny_guard());
  EXPECT_FALSE(p.body);
}

TEST(GuardTools, ResponseToolCallsUseTheSameLists) {
  EXPECT_TRUE(deny_guard().tool_denied("Bash"));
  EXPECT_TRUE(deny_guard().tool_denied("mcp__jira__delete_issue"));
  EXPECT_FALSE(deny_guard().tool_denied("Read"));
}

}  // namespace
}  // namespace sluice::guard
