"""Request bodies in each wire, shaped like the clients that send them (see
../shared/protocols/clients.md): Claude Code and SDK calls on Anthropic Messages, Codex and plain
calls on OpenAI Responses, aider, tool-calling agents and apps on Chat Completions, the Gemini
CLI and plain calls on Gemini. System prompts and tool definitions are shortened versions of the
real ones (shared text, to keep the data set small); the structure is the real one.

A conversation is described abstractly first:
  history: [("user", text) | ("steps", [step, ...]) | ("assistant", text)]
  step:    ("read", path, output) | ("edit", path, old, new) | ("write", path, content)
         | ("bash", command, output, failed) | ("grep", pattern, output)
and each renderer turns it into its wire's messages.
"""

import json

CLAUDE_CODE_SYSTEM = (
    "You are Claude Code, Anthropic's official CLI for Claude. You are an interactive CLI tool that "
    "helps users with software engineering tasks. Use the instructions below and the tools available "
    "to you to assist the user.\n\nIMPORTANT: Assist with defensive security tasks only.\n\n# Tone and style\n"
    "You should be concise, direct, and to the point. Minimize output tokens while maintaining "
    "helpfulness, quality, and accuracy.\n\n# Following conventions\nWhen making changes to files, first "
    "understand the file's code conventions. Mimic code style, use existing libraries and utilities.\n\n"
    "# Doing tasks\nUse the TodoWrite tool to plan the task if required. Use the available search tools "
    "to understand the codebase. Implement the solution using all tools available to you. Verify the "
    "solution if possible with tests.\n\n# Tool usage policy\nWhen doing file search, prefer to use the "
    "Task tool. You can call multiple tools in a single response.\n\n<env>\nPrimary working directory: {root}\n"
    "Is directory a git repo: Yes\nPlatform: linux\n</env>\n"
)

CLAUDE_CODE_REMINDER = (
    "<system-reminder>\nAs you answer the user's questions, you can use the following context:\n"
    "# claudeMd\nCodebase and user instructions are shown below. Be sure to adhere to these instructions.\n\n"
    "Contents of {root}/CLAUDE.md (project instructions, checked into the codebase):\n\n"
    "- Run the linter before committing.\n- Prefer small, focused changes.\n\n"
    "IMPORTANT: this context may or may not be relevant to your tasks.\n</system-reminder>"
)


def _tool(name, desc, props, required):
    return {"name": name, "description": desc,
            "input_schema": {"type": "object", "properties": props, "required": required}}


def _s(desc):
    return {"type": "string", "description": desc}


CLAUDE_CODE_TOOLS = [
    _tool("Bash", "Executes a given bash command in a persistent shell session with optional timeout.",
          {"command": _s("The command to execute"), "timeout": {"type": "number", "description": "Optional timeout in milliseconds"},
           "description": _s("Clear, concise description of what this command does in 5-10 words")}, ["command"]),
    _tool("Glob", "Fast file pattern matching tool that works with any codebase size.",
          {"pattern": _s("The glob pattern to match files against"), "path": _s("The directory to search in")}, ["pattern"]),
    _tool("Grep", "A powerful search tool built on ripgrep. Supports full regex syntax.",
          {"pattern": _s("The regular expression pattern to search for"), "path": _s("File or directory to search in"),
           "output_mode": {"type": "string", "enum": ["content", "files_with_matches", "count"]}}, ["pattern"]),
    _tool("Read", "Reads a file from the local filesystem. The file_path parameter must be an absolute path.",
          {"file_path": _s("The absolute path to the file to read"), "offset": {"type": "number"}, "limit": {"type": "number"}},
          ["file_path"]),
    _tool("Edit", "Performs exact string replacements in files. You must use your Read tool at least once before editing.",
          {"file_path": _s("The absolute path to the file to modify"), "old_string": _s("The text to replace"),
           "new_string": _s("The text to replace it with (must be different from old_string)"),
           "replace_all": {"type": "boolean", "default": False}}, ["file_path", "old_string", "new_string"]),
    _tool("Write", "Writes a file to the local filesystem. Overwrites the existing file if there is one.",
          {"file_path": _s("The absolute path to the file to write"), "content": _s("The content to write to the file")},
          ["file_path", "content"]),
    _tool("TodoWrite", "Use this tool to create and manage a structured task list for your current coding session.",
          {"todos": {"type": "array", "items": {"type": "object"}}}, ["todos"]),
]

CODEX_BASE = (
    "You are Codex, based on GPT-5. You are running as a coding agent in the Codex CLI on a user's computer.\n\n"
    "## General\n- When searching for text or files, prefer using `rg` or `rg --files`.\n\n## Editing constraints\n"
    "- Default to ASCII when editing or creating files.\n- Always use apply_patch for manual code edits.\n"
    "- You may be in a dirty git worktree. NEVER revert existing changes you did not make.\n\n"
    "## Presenting your work\nYour final message should read naturally, like an update from a concise teammate."
)
CODEX_PERMISSIONS = (
    "<permissions instructions>Filesystem sandboxing defines which files can be read or written. "
    "sandbox_mode is workspace-write. Network access is restricted. Approval policy is never.</permissions instructions>"
)
CODEX_ENV = ("<environment_context>\n  <cwd>{root}</cwd>\n  <approval_policy>never</approval_policy>\n"
             "  <sandbox_mode>workspace-write</sandbox_mode>\n  <network_access>restricted</network_access>\n"
             "  <shell>bash</shell>\n</environment_context>")
CODEX_TOOLS = [
    {"type": "function", "name": "exec_command", "description": "Runs a command in a PTY, returning output.",
     "strict": False, "parameters": {"type": "object", "properties": {
         "cmd": {"type": "string", "description": "Shell command to execute."},
         "workdir": {"type": "string", "description": "Optional working directory."},
         "yield_time_ms": {"type": "number"}, "max_output_tokens": {"type": "number"}},
         "required": ["cmd"], "additionalProperties": False}},
    {"type": "function", "name": "write_stdin", "description": "Writes characters to an existing exec session.",
     "strict": False, "parameters": {"type": "object", "properties": {"session_id": {"type": "number"},
                                                                      "chars": {"type": "string"}},
                                     "required": ["session_id"], "additionalProperties": False}},
    {"type": "custom", "name": "apply_patch",
     "description": "Use the `apply_patch` tool to edit files. This is a FREEFORM tool, so do not wrap the patch in JSON.",
     "format": {"type": "grammar", "syntax": "lark",
                "definition": "start: begin_patch hunk+ end_patch\nbegin_patch: \"*** Begin Patch\" LF\n"
                              "end_patch: \"*** End Patch\" LF?\nhunk: add_hunk | delete_hunk | update_hunk\n"}},
    {"type": "web_search", "external_web_access": True},
]

AIDER_SYSTEM = (
    "Act as an expert software developer.\nAlways use best practices when coding.\nRespect and use existing "
    "conventions, libraries, etc that are already present in the code base.\n\nTake requests for changes to the "
    "supplied code.\nIf the request is ambiguous, ask questions.\n\nOnce you understand the request you MUST:\n"
    "1. Decide if you need to propose *SEARCH/REPLACE* edits to any files that haven't been added to the chat.\n"
    "2. Think step-by-step and explain the needed changes in a few short sentences.\n"
    "3. Describe each change with a *SEARCH/REPLACE block* per the examples below.\n\n"
    "All changes to files must use this *SEARCH/REPLACE block* format.\nONLY EVER RETURN CODE IN A *SEARCH/REPLACE BLOCK*!"
)
AIDER_REMINDER = (
    "# *SEARCH/REPLACE block* Rules:\n\nEvery *SEARCH/REPLACE block* must use this format:\n1. The *FULL* file path "
    "alone on a line, verbatim.\n2. The opening fence and code language, eg: ```python\n3. The start of search block: "
    "<<<<<<< SEARCH\n4. A contiguous chunk of lines to search for in the existing source code\n5. The dividing line: =======\n"
    "6. The lines to replace into the source code\n7. The end of the replace block: >>>>>>> REPLACE\n8. The closing fence: ```"
)

AGENT_SYSTEM = (
    "You are an autonomous coding agent working in the user's repository at {root}. Use the provided tools "
    "to read files, make precise edits and run commands. Prefer minimal diffs. Never print secrets. "
    "When you are done, summarize what you changed."
)


def _fn(name, desc, props, required):
    return {"type": "function", "function": {"name": name, "description": desc,
                                             "parameters": {"type": "object", "properties": props, "required": required}}}


AGENT_TOOLS = [
    _fn("read", "Read a file from the workspace.", {"filePath": {"type": "string"}, "offset": {"type": "integer"}}, ["filePath"]),
    _fn("edit", "Replace oldString with newString in a file.",
        {"filePath": {"type": "string"}, "oldString": {"type": "string"}, "newString": {"type": "string"}},
        ["filePath", "oldString", "newString"]),
    _fn("write", "Create or overwrite a file.", {"filePath": {"type": "string"}, "content": {"type": "string"}},
        ["filePath", "content"]),
    _fn("bash", "Run a shell command.", {"command": {"type": "string"}, "timeout": {"type": "integer"}}, ["command"]),
    _fn("grep", "Search file contents with a regex.", {"pattern": {"type": "string"}, "include": {"type": "string"}},
        ["pattern"]),
]

GEMINI_SYSTEM = (
    "You are an interactive CLI agent specializing in software engineering tasks. Your primary goal is to help "
    "users safely and efficiently, adhering strictly to the following instructions and utilizing your available tools.\n\n"
    "# Core Mandates\n- **Conventions:** Rigorously adhere to existing project conventions.\n- **Libraries/Frameworks:** "
    "NEVER assume a library is available.\n- **Comments:** Add code comments sparingly.\n\n# Primary Workflows\n"
    "1. **Understand** 2. **Plan** 3. **Implement** 4. **Verify (Tests)**"
)
GEMINI_SETUP = ("This is the Gemini CLI. We are setting up the context for our chat.\nToday's date is Monday, June 2, 2025.\n"
                "My operating system is: linux\nI'm currently working in the directory: {root}\n"
                "Showing up to 200 items (files + folders).")


def _decl(name, desc, props, required):
    return {"name": name, "description": desc,
            "parameters": {"type": "OBJECT", "properties": props, "required": required}}


GEMINI_TOOLS = [{"functionDeclarations": [
    _decl("list_directory", "Lists the names of files and subdirectories directly within a specified directory path.",
          {"path": {"type": "STRING"}}, ["path"]),
    _decl("read_file", "Reads and returns the content of a specified file.", {"absolute_path": {"type": "STRING"}},
          ["absolute_path"]),
    _decl("search_file_content", "Searches for a regular expression pattern within files.",
          {"pattern": {"type": "STRING"}, "path": {"type": "STRING"}}, ["pattern"]),
    _decl("replace", "Replaces text within a file.", {"file_path": {"type": "STRING"}, "old_string": {"type": "STRING"},
                                                      "new_string": {"type": "STRING"}}, ["file_path", "old_string", "new_string"]),
    _decl("write_file", "Writes content to a specified file.", {"file_path": {"type": "STRING"}, "content": {"type": "STRING"}},
          ["file_path", "content"]),
    _decl("run_shell_command", "Executes a given shell command.", {"command": {"type": "STRING"}}, ["command"]),
]}]

APP_SYSTEMS = [None, "You are a helpful assistant.", "You are a senior {lang} engineer. Answer precisely.",
               "You are a coding assistant inside an IDE. Be brief."]


def _abs(root, path):
    return path if path.startswith("/") else f"{root}/{path}"


def patch_text(step):
    """An apply_patch envelope for an edit or write step."""
    if step[0] == "write":
        body = "\n".join("+" + line for line in step[2].split("\n"))
        return f"*** Begin Patch\n*** Add File: {step[1]}\n{body}\n*** End Patch\n"
    old = "\n".join("-" + line for line in step[2].split("\n"))
    new = "\n".join("+" + line for line in step[3].split("\n"))
    return f"*** Begin Patch\n*** Update File: {step[1]}\n@@\n{old}\n{new}\n*** End Patch\n"


# ---- Anthropic -------------------------------------------------------------------------------

def anthropic_claude_code(history, root, rng, model):
    messages = []
    first_user = True
    counter = [0]

    def tid():
        counter[0] += 1
        return "toolu_01" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz123456789") for _ in range(20))

    for kind, payload in history:
        if kind == "user":
            content = []
            if first_user:
                content.append({"type": "text", "text": CLAUDE_CODE_REMINDER.format(root=root)})
            content.append({"type": "text", "text": payload})
            messages.append({"role": "user", "content": content})
            first_user = False
        elif kind == "assistant":
            messages.append({"role": "assistant", "content": [{"type": "text", "text": payload}]})
        else:
            for step in payload:
                i = tid()
                if step[0] == "read":
                    name, inp, out, err = "Read", {"file_path": _abs(root, step[1])}, step[2], False
                elif step[0] == "edit":
                    name, inp, out, err = ("Edit", {"file_path": _abs(root, step[1]), "old_string": step[2],
                                                    "new_string": step[3]},
                                           f"The file {_abs(root, step[1])} has been updated.", False)
                elif step[0] == "write":
                    name, inp, out, err = ("Write", {"file_path": _abs(root, step[1]), "content": step[2]},
                                           f"File created successfully at: {_abs(root, step[1])}", False)
                elif step[0] == "bash":
                    name, inp, out, err = "Bash", {"command": step[1], "description": "Run the command"}, step[2], step[3]
                else:
                    name, inp, out, err = "Grep", {"pattern": step[1], "output_mode": "content"}, step[2], False
                blocks = []
                if rng.random() < 0.3:
                    blocks.append({"type": "thinking", "thinking": rng.choice(["The user wants this change; check the file first.",
                                                                               "I should verify before editing."]),
                                   "signature": "Eu8BCkYIBRgCKkD" + "A" * 60})
                if rng.random() < 0.4:
                    blocks.append({"type": "text", "text": rng.choice(["Let me look at that.", "I'll check the code first.",
                                                                      "Now I'll make the change.", "Running it."])})
                blocks.append({"type": "tool_use", "id": i, "name": name, "input": inp})
                messages.append({"role": "assistant", "content": blocks})
                result = {"type": "tool_result", "tool_use_id": i, "content": out}
                if err:
                    result["is_error"] = True
                messages.append({"role": "user", "content": [result]})
    return {"model": model, "messages": messages,
            "system": [{"type": "text", "text": "x-anthropic-billing-header: cc_version=2.1.197.a1c; cc_entrypoint=cli;"},
                       {"type": "text", "text": "You are a Claude agent, built on Anthropic's Claude Agent SDK.",
                        "cache_control": {"type": "ephemeral"}},
                       {"type": "text", "text": CLAUDE_CODE_SYSTEM.format(root=root), "cache_control": {"type": "ephemeral"}}],
            "tools": CLAUDE_CODE_TOOLS, "metadata": {"user_id": "{\"device_id\":\"5f0c\",\"session_id\":\"9a1e\"}"},
            "max_tokens": 32000, "thinking": {"type": "adaptive"}, "stream": True}


def anthropic_plain(history, root, rng, model, lang):
    messages = []
    for kind, payload in history:
        if kind == "user":
            messages.append({"role": "user", "content": payload if rng.random() < 0.6 else [{"type": "text", "text": payload}]})
        elif kind == "assistant":
            messages.append({"role": "assistant", "content": payload})
    body = {"model": model, "max_tokens": rng.choice([1024, 2048, 4096]), "messages": messages}
    system = rng.choice(APP_SYSTEMS)
    if system:
        body["system"] = system.format(lang=lang)
    return body


# ---- OpenAI Chat Completions -----------------------------------------------------------------

def chat_plain(history, root, rng, model, lang):
    messages = []
    system = rng.choice(APP_SYSTEMS)
    if system:
        messages.append({"role": "system", "content": system.format(lang=lang)})
    for kind, payload in history:
        if kind in ("user", "assistant"):
            messages.append({"role": kind, "content": payload})
    body = {"model": model, "messages": messages}
    if rng.random() < 0.4:
        body["temperature"] = rng.choice([0, 0.2, 0.7])
    if rng.random() < 0.3:
        body["stream"] = True
    return body


def chat_aider(history, root, rng, model, files_in_chat, file_texts):
    messages = [{"role": "system", "content": AIDER_SYSTEM}]
    if files_in_chat:
        listing = "".join(f"{p}\n```\n{file_texts[p]}\n```\n\n" for p in files_in_chat)
        messages.append({"role": "user", "content": "I have *added these files to the chat* so you can go ahead and edit them.\n\n"
                                                    "*Trust this message as the true contents of these files!*\n"
                                                    "Any other messages in the chat may contain outdated versions of the files' contents.\n\n" + listing})
        messages.append({"role": "assistant", "content": "Ok, any changes I propose will be to those files."})
    for kind, payload in history:
        if kind in ("user", "assistant"):
            messages.append({"role": kind, "content": payload})
        else:
            for step in payload:
                if step[0] in ("edit", "write"):
                    old = step[2] if step[0] == "edit" else ""
                    new = step[3] if step[0] == "edit" else step[2]
                    messages.append({"role": "assistant", "content":
                                     f"I'll make that change.\n\n{step[1]}\n```\n<<<<<<< SEARCH\n{old}\n=======\n{new}\n>>>>>>> REPLACE\n```"})
                    messages.append({"role": "user", "content": "I committed the changes with git hash 3f9a2c1 & commit msg: wip"})
    messages.append({"role": "system", "content": AIDER_REMINDER})
    return {"model": model, "messages": messages, "temperature": 0, "stream": True}


def chat_agent(history, root, rng, model):
    messages = [{"role": "system", "content": AGENT_SYSTEM.format(root=root)}]
    n = [0]
    for kind, payload in history:
        if kind in ("user", "assistant"):
            messages.append({"role": kind, "content": payload})
            continue
        for step in payload:
            n[0] += 1
            cid = f"call_{n[0]:02d}{rng.randrange(10**6):06d}"
            if step[0] == "read":
                name, args, out = "read", {"filePath": _abs(root, step[1])}, step[2]
            elif step[0] == "edit":
                name, args, out = "edit", {"filePath": _abs(root, step[1]), "oldString": step[2], "newString": step[3]}, "Edit applied."
            elif step[0] == "write":
                name, args, out = "write", {"filePath": _abs(root, step[1]), "content": step[2]}, "Wrote file."
            elif step[0] == "bash":
                name, args, out = "bash", {"command": step[1]}, step[2]
            else:
                name, args, out = "grep", {"pattern": step[1]}, step[2]
            messages.append({"role": "assistant", "content": None,
                             "tool_calls": [{"id": cid, "type": "function",
                                             "function": {"name": name, "arguments": json.dumps(args)}}]})
            messages.append({"role": "tool", "tool_call_id": cid, "content": out})
    return {"model": model, "messages": messages, "tools": AGENT_TOOLS, "tool_choice": "auto", "stream": True}


# ---- OpenAI Responses ------------------------------------------------------------------------

def responses_plain(history, root, rng, model, lang):
    users = [p for k, p in history if k == "user"]
    if len(history) == 1 and rng.random() < 0.5:
        body = {"model": model, "input": users[-1]}
    else:
        items = []
        for kind, payload in history:
            if kind == "user":
                items.append({"role": "user", "content": [{"type": "input_text", "text": payload}]})
            elif kind == "assistant":
                items.append({"role": "assistant", "content": [{"type": "output_text", "text": payload}]})
        body = {"model": model, "input": items}
    system = rng.choice(APP_SYSTEMS)
    if system:
        body["instructions"] = system.format(lang=lang)
    return body


def responses_codex(history, root, rng, model):
    items = [{"type": "message", "role": "developer", "content": [{"type": "input_text", "text": CODEX_BASE}]},
             {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": CODEX_PERMISSIONS}]},
             {"type": "message", "role": "user", "content": [{"type": "input_text", "text": CODEX_ENV.format(root=root)}]}]
    n = [0]
    for kind, payload in history:
        if kind == "user":
            items.append({"type": "message", "role": "user", "content": [{"type": "input_text", "text": payload}]})
        elif kind == "assistant":
            items.append({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": payload}]})
        else:
            for step in payload:
                n[0] += 1
                cid = f"call_{rng.randrange(16**12):012x}"
                if rng.random() < 0.5:
                    items.append({"type": "reasoning", "summary": [], "encrypted_content": "gAAAAB" + "x" * 40})
                if step[0] in ("edit", "write"):
                    items.append({"type": "custom_tool_call", "call_id": cid, "name": "apply_patch", "input": patch_text(step)})
                    items.append({"type": "custom_tool_call_output", "call_id": cid,
                                  "output": f"Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nM {step[1]}\n"})
                    continue
                if step[0] == "read":
                    cmd, out, code = f"sed -n '1,120p' {step[1]}", step[2], 0
                elif step[0] == "bash":
                    cmd, out, code = step[1], step[2], 1 if step[3] else 0
                else:
                    cmd, out, code = f"rg -n \"{step[1]}\"", step[2], 0
                items.append({"type": "function_call", "call_id": cid, "name": "exec_command",
                              "arguments": json.dumps({"cmd": cmd, "workdir": root})})
                items.append({"type": "function_call_output", "call_id": cid,
                              "output": f"Exit code: {code}\nWall time: 0.3 seconds\nOutput:\n{out}"})
    return {"model": model, "input": items, "tools": CODEX_TOOLS, "tool_choice": "auto",
            "parallel_tool_calls": True, "reasoning": {"effort": "medium"}, "store": False, "stream": True,
            "include": ["reasoning.encrypted_content"], "prompt_cache_key": "0197a1c2-7d1e-7f3a-9b2c-5d4e3f2a1b0c",
            "text": {"verbosity": "low"}}


# ---- Gemini ----------------------------------------------------------------------------------

def gemini_plain(history, root, rng, model, lang):
    contents = []
    for kind, payload in history:
        if kind == "user":
            c = {"parts": [{"text": payload}]}
            if len(history) > 1 or rng.random() < 0.7:
                c = {"role": "user", "parts": [{"text": payload}]}
            contents.append(c)
        elif kind == "assistant":
            contents.append({"role": "model", "parts": [{"text": payload}]})
    body = {"contents": contents}
    system = rng.choice(APP_SYSTEMS)
    if system:
        body["systemInstruction"] = {"parts": [{"text": system.format(lang=lang)}]}
    if rng.random() < 0.5:
        body["generationConfig"] = {"temperature": rng.choice([0.2, 1.0]), "maxOutputTokens": 2048}
    return body


def gemini_cli(history, root, rng, model):
    contents = [{"role": "user", "parts": [{"text": GEMINI_SETUP.format(root=root)}]},
                {"role": "model", "parts": [{"text": "Got it. Thanks for the context!"}]}]
    for kind, payload in history:
        if kind == "user":
            contents.append({"role": "user", "parts": [{"text": payload}]})
        elif kind == "assistant":
            contents.append({"role": "model", "parts": [{"text": payload}]})
        else:
            for step in payload:
                if step[0] == "read":
                    name, args, out = "read_file", {"absolute_path": _abs(root, step[1])}, step[2]
                elif step[0] == "edit":
                    name, args, out = "replace", {"file_path": _abs(root, step[1]), "old_string": step[2],
                                                  "new_string": step[3]}, f"Successfully modified file: {_abs(root, step[1])} (1 replacements)."
                elif step[0] == "write":
                    name, args, out = "write_file", {"file_path": _abs(root, step[1]), "content": step[2]}, \
                        f"Successfully created and wrote to new file: {_abs(root, step[1])}."
                elif step[0] == "bash":
                    name, args, out = "run_shell_command", {"command": step[1]}, step[2]
                else:
                    name, args, out = "search_file_content", {"pattern": step[1]}, step[2]
                contents.append({"role": "model", "parts": [{"functionCall": {"name": name, "args": args}}]})
                contents.append({"role": "user", "parts": [{"functionResponse": {"name": name, "response": {"output": out}}}]})
    return {"contents": contents, "systemInstruction": {"parts": [{"text": GEMINI_SYSTEM}]}, "tools": GEMINI_TOOLS,
            "generationConfig": {"temperature": 0, "topP": 1, "thinkingConfig": {"includeThoughts": True}}}
