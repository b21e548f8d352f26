#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <string>

#include "intel/features.hpp"

namespace sluice::intel {
namespace {

namespace bj = boost::json;
using protocol::Endpoint;

RequestSignals signals(Endpoint e, const bj::value& body) {
  auto r = extract_signals(e, bj::serialize(body));
  if (auto* err = std::get_if<core::GatewayError>(&r)) {
    ADD_FAILURE() << err->message;
    return {};
  }
  return std::get<RequestSignals>(std::move(r));
}

std::vector<std::string> paths(const RequestSignals& s, bool edited_only = false) {
  std::vector<std::string> out;
  for (const auto& f : s.files) {
    if (!edited_only || f.edited) out.push_back(f.path);
  }
  return out;
}

using Paths = std::vector<std::string>;

// A Claude Code request in the middle of a task: the user's instruction, then the agent's tool
// calls and their results; the last message is a tool result, not an instruction.
bj::value claude_code_mid_task() {
  return bj::parse(R"j({
    "model": "claude-opus-4-8",
    "messages": [
      {"role": "user", "content": [
        {"type": "text", "text": "<system-reminder>\nContents of CLAUDE.md: run the linter, use src/legacy/old.py as an example\n</system-reminder>"},
        {"type": "text", "text": "Fix the crash in parse_header when the file is empty"}]},
      {"role": "assistant", "content": [
        {"type": "thinking", "thinking": "look at the parser", "signature": "abc"},
        {"type": "tool_use", "id": "t1", "name": "Read", "input": {"file_path": "/home/dev/tiles/src/parser.rs"}}]},
      {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t1", "content": "fn parse_header() {}\nTraceback in tests/parser_tests.rs"}]},
      {"role": "assistant", "content": [
        {"type": "tool_use", "id": "t2", "name": "Edit", "input": {"file_path": "/home/dev/tiles/src/parser.rs",
          "old_string": "fn parse_header(buf: &[u8]) -> Header {\n    let n = buf[0];\n    Header { n }\n}",
          "new_string": "fn parse_header(buf: &[u8]) -> Option<Header> {\n    let n = *buf.first()?;\n    Some(Header { n })\n}"}},
        {"type": "tool_use", "id": "t3", "name": "Write", "input": {"file_path": "/home/dev/tiles/tests/empty.rs", "content": "#[test]\nfn empty() {\n    assert!(parse_header(&[]).is_none());\n}\n"}}]},
      {"role": "user", "content": [
        {"type": "tool_result", "tool_use_id": "t2", "content": "The file has been updated."},
        {"type": "tool_result", "tool_use_id": "t3", "content": "File created", "is_error": true}]}
    ],
    "system": [{"type": "text", "text": "You are Claude Code.\nPrimary working directory: /home/dev/tiles\n"}],
    "tools": [{"name": "Write", "description": "Writes /etc/passwd style files", "input_schema": {"type": "object",
               "properties": {"file_path": {"type": "string", "description": "e.g. /srv/auth/login.py"}}}}],
    "stream": true
  })j");
}

TEST(IntelFeatures, ClaudeCodeInstructionIsFoundPastToolResults) {
  const auto s = signals(Endpoint::Messages, claude_code_mid_task());
  // The reminder block is scaffolding, and the tool results after it are not the user's words.
  EXPECT_EQ(s.latest_instruction, "Fix the crash in parse_header when the file is empty");
  EXPECT_EQ(s.user_turns, 1u);
  EXPECT_EQ(s.turns, 5u);
  EXPECT_EQ(s.tool_calls, 3u);
  EXPECT_TRUE(s.has_tool_calls);
  EXPECT_EQ(s.tool_results, 3u);
  EXPECT_TRUE(s.tool_error);  // the last result says is_error
  EXPECT_TRUE(s.tools_offered);
  EXPECT_EQ(s.cwd, "/home/dev/tiles");
}

TEST(IntelFeatures, ClaudeCodeEditsAndWritesAreTouchedRelativeToTheWorkingDirectory) {
  const auto s = signals(Endpoint::Messages, claude_code_mid_task());
  EXPECT_EQ(paths(s), (Paths{"src/parser.rs", "tests/empty.rs"}));
  EXPECT_EQ(paths(s, true), (Paths{"src/parser.rs", "tests/empty.rs"}));
  // Edit: 4 lines became 4, the closing brace shared (3 removed, 3 added); Write: 4 new lines.
  EXPECT_EQ(s.change_lines, 3u + 3u + 4u);
  EXPECT_EQ(s.edit_calls, 2u);
  EXPECT_NE(std::find(s.symbols.begin(), s.symbols.end(), "parse_header"), s.symbols.end());
}

TEST(IntelFeatures, ToolDefinitionsAndSystemPromptsAreNotRead) {
  const auto s = signals(Endpoint::Messages, claude_code_mid_task());
  for (const auto& f : s.files) {
    EXPECT_EQ(f.path.find("passwd"), std::string::npos) << f.path;
    EXPECT_EQ(f.path.find("login.py"), std::string::npos) << f.path;
  }
  // Nor is the reminder's text, though it names a path.
  const auto touched = paths(s);
  EXPECT_EQ(std::count(touched.begin(), touched.end(), "src/legacy/old.py"), 0);
}

TEST(IntelFeatures, MultiEditCountsEveryEdit) {
  const auto s = signals(Endpoint::Messages, bj::parse(R"j({"messages": [
    {"role": "user", "content": "rename x to count"},
    {"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "MultiEdit", "input": {
      "file_path": "/r/app/a.py", "edits": [{"old_string": "x = 1", "new_string": "count = 1"},
                                             {"old_string": "print(x)", "new_string": "print(count)"}]}}]}]})j"));
  EXPECT_EQ(paths(s, true), Paths{"/r/app/a.py"});
  EXPECT_EQ(s.change_lines, 4u);
  EXPECT_EQ(s.edit_calls, 1u);
}

TEST(IntelFeatures, ContentBeforeRoleStillCounts) {
  const auto s = signals(
      Endpoint::Messages,
      bj::parse(
          R"j({"messages": [{"content": "explain src/app/main.go please", "role": "user"}], "model": "m"})j"));
  EXPECT_EQ(s.latest_instruction, "explain src/app/main.go please");
  EXPECT_EQ(paths(s), Paths{"src/app/main.go"});
}

TEST(IntelFeatures, OpenAIChatToolCallArgumentsAndToolMessages) {
  const auto s = signals(Endpoint::ChatCompletions, bj::parse(R"j({"model": "gpt-5", "messages": [
    {"role": "system", "content": "You are an agent in /repo. Never touch config/secrets.yaml"},
    {"role": "user", "content": [{"type": "text", "text": "add pagination to the orders endpoint"}]},
    {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function", "function": {
      "name": "edit", "arguments": "{\"filePath\": \"/repo/server/routes/orders.ts\", \"oldString\": \"a\", \"newString\": \"a\\nb\\nc\"}"}}]},
    {"role": "tool", "tool_call_id": "c1", "content": "I added pagination, please review (this is tool output)"}],
    "tools": [{"type": "function", "function": {"name": "edit", "parameters": {}}}]})j"));
  EXPECT_EQ(s.latest_instruction, "add pagination to the orders endpoint");
  EXPECT_EQ(paths(s, true), Paths{"/repo/server/routes/orders.ts"});
  EXPECT_EQ(s.change_lines, 2u);
  EXPECT_EQ(s.tool_results, 1u);
  EXPECT_TRUE(s.tools_offered);
}

TEST(IntelFeatures, AiderSearchReplaceBlocksAndItsOwnMessages) {
  const auto s = signals(Endpoint::ChatCompletions, bj::parse(R"j({"model": "gpt-5", "messages": [
    {"role": "system", "content": "Act as an expert software developer."},
    {"role": "user", "content": "I have *added these files to the chat* so you can go ahead and edit them.\n\napp/cart.py\n```\ndef total(): pass\n```"},
    {"role": "assistant", "content": "Ok."},
    {"role": "user", "content": "make total() skip None prices"},
    {"role": "assistant", "content": "app/cart.py\n```python\n<<<<<<< SEARCH\ndef total(items):\n    return sum(i.price for i in items)\n=======\ndef total(items):\n    return sum(i.price for i in items if i.price is not None)\n>>>>>>> REPLACE\n```"},
    {"role": "user", "content": "I committed the changes with git hash 3f9a2c1 & commit msg: fix total"}]})j"));
  // aider's own notices speak in the user's name but are not instructions.
  EXPECT_EQ(s.latest_instruction, "make total() skip None prices");
  EXPECT_EQ(paths(s, true), Paths{"app/cart.py"});
  EXPECT_EQ(s.change_lines, 2u);
}

TEST(IntelFeatures, CodexApplyPatchAndEnvironmentContext) {
  const auto s = signals(Endpoint::Responses, bj::parse(R"j({"model": "gpt-5.5", "input": [
    {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "You are Codex. Edit src/never.rs carefully."}]},
    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "<environment_context>\n  <cwd>/work/fleet</cwd>\n</environment_context>"}]},
    {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "make the retry limit configurable"}]},
    {"type": "reasoning", "summary": [], "encrypted_content": "gAAAA"},
    {"type": "function_call", "call_id": "c1", "name": "exec_command", "arguments": "{\"cmd\": \"rg -n retry\", \"workdir\": \"/work/fleet\"}"},
    {"type": "function_call_output", "call_id": "c1", "output": "Exit code: 0\nOutput:\npkg/retry/retry.go:12"},
    {"type": "custom_tool_call", "call_id": "c2", "name": "apply_patch", "input": "*** Begin Patch\n*** Update File: pkg/retry/retry.go\n@@ func Do(\n-const maxAttempts = 3\n+var maxAttempts = 3\n+func SetMax(n int) { maxAttempts = n }\n*** Add File: pkg/retry/doc.go\n+// Package retry retries.\n+package retry\n*** End Patch\n"},
    {"type": "custom_tool_call_output", "call_id": "c2", "output": "Exit code: 0\nSuccess."}],
    "tools": [{"type": "custom", "name": "apply_patch"}]})j"));
  EXPECT_EQ(s.latest_instruction, "make the retry limit configurable");
  EXPECT_EQ(s.cwd, "/work/fleet");
  EXPECT_EQ(paths(s, true), (Paths{"pkg/retry/retry.go", "pkg/retry/doc.go"}));
  EXPECT_EQ(s.change_lines, 5u);
  EXPECT_EQ(s.user_turns, 1u);  // the environment context is not an instruction
  EXPECT_NE(std::find(s.symbols.begin(), s.symbols.end(), "SetMax"), s.symbols.end());
}

TEST(IntelFeatures, ResponsesInputAsAPlainString) {
  const auto s = signals(Endpoint::Responses,
                         bj::parse(R"j({"model": "o4-mini", "input": "why is the sky blue?"})j"));
  EXPECT_EQ(s.latest_instruction, "why is the sky blue?");
  EXPECT_EQ(s.turns, 1u);
  EXPECT_FALSE(s.tools_offered);
}

TEST(IntelFeatures, GeminiFunctionCallsAndResponses) {
  const auto s = signals(Endpoint::GenerateContent, bj::parse(R"j({"contents": [
    {"role": "user", "parts": [{"text": "This is the Gemini CLI. We are setting up the context for our chat.\nI'm currently working in the directory: /home/ana/shop"}]},
    {"role": "model", "parts": [{"text": "Got it. Thanks for the context!"}]},
    {"role": "user", "parts": [{"text": "bump the timeout in app/core/cache.py to 30s"}]},
    {"role": "model", "parts": [{"functionCall": {"name": "replace", "args": {"file_path": "/home/ana/shop/app/core/cache.py",
       "old_string": "TIMEOUT = 10", "new_string": "TIMEOUT = 30"}}}]},
    {"role": "user", "parts": [{"functionResponse": {"name": "replace", "response": {"output": "ok, now fix everything else too"}}}]}],
    "systemInstruction": {"parts": [{"text": "You are an interactive CLI agent."}]},
    "tools": [{"functionDeclarations": [{"name": "replace"}]}]})j"));
  EXPECT_EQ(s.latest_instruction, "bump the timeout in app/core/cache.py to 30s");
  EXPECT_EQ(s.cwd, "/home/ana/shop");
  EXPECT_EQ(paths(s), Paths{"app/core/cache.py"});
  EXPECT_EQ(paths(s, true), Paths{"app/core/cache.py"});
  EXPECT_EQ(s.change_lines, 2u);
  EXPECT_EQ(s.user_turns, 1u);
}

TEST(IntelFeatures, DiffPastedIntoTheInstructionIsTheChange) {
  const auto s =
      signals(Endpoint::ChatCompletions, bj::parse(R"j({"messages": [{"role": "user", "content":
    "apply this please:\n```diff\ndiff --git a/src/auth/login.ts b/src/auth/login.ts\n--- a/src/auth/login.ts\n+++ b/src/auth/login.ts\n@@ -1,3 +1,3 @@ export function login(\n-  if (user.password == input) {\n+  if (await verify(user.hash, input)) {\n   return ok;\n```\nthanks"}]})j"));
  EXPECT_EQ(paths(s, true), Paths{"src/auth/login.ts"});
  EXPECT_EQ(s.change_lines, 2u);
}

TEST(IntelFeatures, ANewInstructionStartsANewChange) {
  const auto s = signals(Endpoint::Messages, bj::parse(R"j({"messages": [
    {"role": "user", "content": "write lib/a.py"},
    {"role": "assistant", "content": [{"type": "tool_use", "id": "a", "name": "Write", "input": {"file_path": "lib/a.py", "content": "1\n2\n3\n4\n5"}}]},
    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "a", "content": "ok"}]},
    {"role": "assistant", "content": "Done."},
    {"role": "user", "content": "thanks, what does it do?"}]})j"));
  EXPECT_EQ(s.latest_instruction, "thanks, what does it do?");
  EXPECT_EQ(s.change_lines, 0u);
  EXPECT_EQ(s.edit_calls, 0u);
  ASSERT_EQ(s.files.size(), 1u);
  EXPECT_TRUE(s.files[0].edited);
  EXPECT_FALSE(s.files[0].current);  // touched by the earlier task, not by this one
}

TEST(IntelFeatures, EscapesAreDecodedInTheInstruction) {
  // The body as a client wrote it, escapes and all (not re-serialised).
  const auto r = extract_signals(
      Endpoint::ChatCompletions,
      R"j({"messages": [{"role": "user", "content": "caf\u00e9 \"quoted\" \ud83d\ude80 tab\there \ud800!"}]})j");
  EXPECT_EQ(std::get<RequestSignals>(r).latest_instruction,
            "caf\xc3\xa9 \"quoted\" \xf0\x9f\x9a\x80 tab\there \xef\xbf\xbd!");
}

TEST(IntelFeatures, MalformedBodiesAreClearErrors) {
  struct Case {
    const char* name;
    Endpoint endpoint;
    std::string body;
    const char* says;
  };
  const Case cases[] = {
      {"not an object", Endpoint::Messages, "[1, 2]", "JSON object"},
      {"empty", Endpoint::ChatCompletions, "", "JSON object"},
      {"truncated", Endpoint::Messages,
       R"j({"messages": [{"role": "user", "content": "hi)", "malformed JSON"},
      {"bad token", Endpoint::ChatCompletions, R"j({"messages": [{"role": "user", "content": nope}]})j",
       "malformed JSON"},
      {"missing colon", Endpoint::Responses, R"j({"input" "x"})j", "malformed JSON"},
      {"embeddings", Endpoint::Embeddings, R"j({"input": "x"})j", "conversation"},
  };
  for (const auto& c : cases) {
    const auto r = extract_signals(c.endpoint, c.body);
    const auto* err = std::get_if<core::GatewayError>(&r);
    ASSERT_NE(err, nullptr) << c.name;
    EXPECT_EQ(err->status(), 400) << c.name;
    EXPECT_NE(err->message.find(c.says), std::string::npos) << c.name << ": " << err->message;
  }
  // A malformed body's error says where, as Boost.JSON's own parser reports it.
  const auto r = extract_signals(Endpoint::ChatCompletions, "{\"messages\": [{\"role\": tru}]}");
  EXPECT_NE(std::get<core::GatewayError>(r).message.find("line 1"), std::string::npos);
}

TEST(IntelFeatures, UnexpectedShapesAreSkippedNotFatal) {
  // Wrong types where the walker expects arrays or strings: nothing to read, no error.
  const auto s =
      signals(Endpoint::Messages,
              bj::parse(R"j({"messages": {"role": "user"}, "system": 3, "tools": "none"})j"));
  EXPECT_TRUE(s.latest_instruction.empty());
  EXPECT_EQ(s.turns, 0u);
  const auto g =
      signals(Endpoint::GenerateContent,
              bj::parse(R"j({"contents": [{"parts": "x"}, 7, {"parts": [{"text": 1}]}]})j"));
  EXPECT_TRUE(g.latest_instruction.empty());
}

TEST(IntelFeatures, WireNames) {
  EXPECT_EQ(endpoint_for_wire("anthropic"), Endpoint::Messages);
  EXPECT_EQ(endpoint_for_wire("openai_chat"), Endpoint::ChatCompletions);
  EXPECT_EQ(endpoint_for_wire("openai_responses"), Endpoint::Responses);
  EXPECT_EQ(endpoint_for_wire("gemini"), Endpoint::GenerateContent);
  EXPECT_FALSE(endpoint_for_wire("openai"));
}

}  // namespace
}  // namespace sluice::intel
