#include "intel/features_collect.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include <re2/re2.h>

#include "intel/features_text.hpp"

namespace sluice::intel::detail {
namespace {

// Argument names under which agents pass the file a tool reads or writes (Claude Code, Codex,
// Gemini CLI, OpenCode, Cline, Continue, aider-style function tools).
constexpr std::array<std::string_view, 11> kPathKeys{
    "file_path",   "filePath",      "filepath",      "path",          "file",  "filename",
    "target_file", "absolute_path", "notebook_path", "relative_path", "target"};
constexpr std::array<std::string_view, 3> kOldKeys{"old_string", "oldString", "old_str"};
constexpr std::array<std::string_view, 4> kNewKeys{"new_string", "newString", "new_str",
                                                   "new_source"};
// A whole file's text: an edit only when the call also names the file (Write, write_file).
constexpr std::array<std::string_view, 3> kContentKeys{"content", "file_text", "contents"};

// Decoding cap for an edit's old/new text; longer payloads are sized from their raw newlines.
constexpr std::size_t kMaxEditDecode = 64 * 1024;
// How much of a tool's output, at each end, is searched for a failure: tracebacks start it,
// test summaries end it.
constexpr std::size_t kResultScan = 1024;

bool reports_failure(std::string_view raw) {
  static const re2::RE2 kFailure(
      R"(Traceback \(most recent call last\)|FAILED|panic:|npm ERR!|error\[E\d|[Ee]xit code:? [1-9])"
      R"(|Segmentation fault|AssertionError|--- FAIL|\d+ failed)");
  const auto head = raw.substr(0, kResultScan);
  const auto tail =
      raw.size() > 2 * kResultScan ? raw.substr(raw.size() - kResultScan) : std::string_view{};
  return re2::RE2::PartialMatch(head, kFailure) ||
         (!tail.empty() && re2::RE2::PartialMatch(tail, kFailure));
}

template <std::size_t N>
bool one_of(std::string_view key, const std::array<std::string_view, N>& keys) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

// Whole-message scaffolding can be recognised on the raw bytes, before any decoding.
bool raw_is_reminder(std::string_view raw) {
  constexpr std::string_view kOpen = "<system-reminder>", kClose = "</system-reminder>";
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == 'n' || raw.back() == '\\')) {
    if (raw.ends_with(kClose)) break;
    raw.remove_suffix(raw.back() == 'n' && raw.size() >= 2 && raw[raw.size() - 2] == '\\' ? 2 : 1);
  }
  return raw.starts_with(kOpen) && raw.ends_with(kClose) &&
         raw.find(kOpen, kOpen.size()) == std::string_view::npos;
}

bool plausible_path(std::string_view p) {
  // Glob patterns and multi-line values are not files.
  return !p.empty() && p.size() < 512 && std::none_of(p.begin(), p.end(), [](char c) {
    return c == '*' || c == '\n' || c == '?' || c == '{';
  });
}

}  // namespace

Role role_from(std::string_view raw) {
  if (raw == "user") return Role::User;
  if (raw == "assistant" || raw == "model") return Role::Assistant;
  if (raw == "tool" || raw == "function") return Role::Tool;
  return Role::Other;
}

void Collector::begin_message(Role role) {
  role_ = role;
  text_.clear();
  if (role == Role::Other) return;
  const bool user_side = role != Role::Assistant;
  if (!any_turn_ || user_side != user_side_) ++out_.turns;
  any_turn_ = true;
  user_side_ = user_side;
}

void Collector::text(std::string_view raw) {
  if (role_ == Role::Assistant) {
    // aider and chat-only agents answer with diffs or SEARCH/REPLACE blocks in plain text.
    if (may_hold_patch(raw)) add_patch(unescape(raw, kMaxInstructionBytes * 8));
    return;
  }
  if (role_ != Role::User || raw_is_reminder(raw)) return;
  const std::string decoded = unescape(raw, kMaxInstructionBytes * 2);
  if (out_.cwd.empty()) out_.cwd = stated_cwd(decoded);
  // aider lists the files it has added to the chat: no instruction, but the working set.
  if (decoded.starts_with("I have *added these files to the chat*")) {
    for (auto& p : fenced_file_names(decoded)) {
      add_file(p, false);
      chat_files_.push_back(std::move(p));
    }
    return;
  }
  std::string part = strip_scaffolding(decoded);
  if (part.empty()) return;
  if (!text_.empty()) text_.push_back('\n');
  text_ += part;
}

void Collector::system_text(std::string_view raw) {
  if (out_.cwd.empty()) out_.cwd = unescape(stated_cwd(raw));
}

void Collector::tool_call_object(std::string_view raw_object) {
  ++out_.tool_calls;
  out_.has_tool_calls = true;
  JsonSkim s(raw_object);
  if (s.peek() != JsonSkim::Kind::Object || !s.enter_object()) return;
  const auto patched_before = out_.change_lines;
  std::array<std::string, 4> paths;  // a call names one file, rarely a few
  std::size_t n_paths = 0;
  bool edits = false;
  std::uint32_t lines = 0;
  auto old_new = [&](std::string_view old_raw, std::string_view new_raw) {
    if (old_raw.size() + new_raw.size() > kMaxEditDecode) {
      lines +=
          static_cast<std::uint32_t>(escaped_line_count(old_raw) + escaped_line_count(new_raw));
    } else {
      const auto before = unescape(old_raw), after = unescape(new_raw);
      lines += changed_lines(before, after);
      add_definitions(after, out_.symbols, kMaxSymbols);
    }
    edits = true;
  };
  std::string_view old_raw, new_raw;
  bool saw_new = false;
  std::optional<std::string_view> content;
  while (auto key = s.next_key()) {
    if (one_of(*key, kPathKeys)) {
      const auto v = s.string();
      if (v && n_paths < paths.size()) paths[n_paths++] = unescape(*v);
    } else if (one_of(*key, kOldKeys)) {
      old_raw = s.string().value_or(std::string_view{});
    } else if (one_of(*key, kNewKeys)) {
      new_raw = s.string().value_or(std::string_view{});
      saw_new = true;
    } else if (one_of(*key, kContentKeys)) {
      content = s.string();
    } else if (*key == "edits" && s.peek() == JsonSkim::Kind::Array) {
      // Claude Code's MultiEdit: [{old_string, new_string}, ...].
      s.enter_array();
      while (s.next_element()) {
        JsonSkim e(s.skip());
        std::string_view o, n;
        if (!e.enter_object()) continue;
        while (auto k = e.next_key()) {
          if (one_of(*k, kOldKeys)) {
            o = e.string().value_or(std::string_view{});
          } else if (one_of(*k, kNewKeys)) {
            n = e.string().value_or(std::string_view{});
          } else {
            e.skip();
          }
        }
        old_new(o, n);
      }
    } else if (s.peek() == JsonSkim::Kind::String) {
      // apply_patch through a shell command, a `patch`/`diff` argument, ...
      const auto v = s.string();
      if (v && may_hold_patch(*v)) add_patch(unescape(*v));
    } else if (s.peek() == JsonSkim::Kind::Array) {
      // Codex's older shell tool: {"command": ["apply_patch", "*** Begin Patch ..."]}.
      s.enter_array();
      while (s.next_element()) {
        const auto v = s.string();
        if (v && may_hold_patch(*v)) add_patch(unescape(*v));
      }
    } else {
      s.skip();
    }
  }
  if (saw_new) old_new(old_raw, new_raw);
  if (content && n_paths > 0) {
    lines += static_cast<std::uint32_t>(escaped_line_count(*content));
    edits = true;
  }
  edits = edits || out_.change_lines > patched_before;
  for (std::size_t i = 0; i < n_paths; ++i) {
    if (plausible_path(paths[i])) add_file(paths[i], edits);
  }
  if (edits) counted_edit(lines);
}

void Collector::tool_call_json(std::string_view raw_string) {
  const std::string json = unescape(raw_string);
  JsonSkim probe(json);
  if (probe.peek() == JsonSkim::Kind::Object) {
    tool_call_object(json);
  } else {
    tool_call_text(raw_string);
  }
}

void Collector::tool_call_text(std::string_view raw_string) {
  ++out_.tool_calls;
  out_.has_tool_calls = true;
  if (may_hold_patch(raw_string)) {
    const auto before = out_.change_lines;
    add_patch(unescape(raw_string));
    if (out_.change_lines > before) ++out_.edit_calls;
  }
}

void Collector::tool_result(std::string_view raw_value, bool is_error) {
  // Only the last result says where the agent stands; it is read once, in finish().
  ++out_.tool_results;
  last_result_ = raw_value;
  last_result_error_ = is_error;
}

void Collector::end_message() {
  if (role_ == Role::User && !text_.empty()) {
    ++out_.user_turns;
    if (text_.size() > kMaxInstructionBytes) text_.resize(kMaxInstructionBytes);
    out_.latest_instruction = std::move(text_);
    // A new instruction starts a new change: only what follows it is the change in progress.
    out_.change_lines = 0;
    out_.edit_calls = 0;
    for (auto& f : out_.files) f.current = false;
    if (may_hold_patch(out_.latest_instruction)) add_patch(out_.latest_instruction);
    for (const auto& p : paths_in_text(out_.latest_instruction)) {
      // A pasted diff names its files again as a/path and b/path.
      const bool diff_side = (p.starts_with("a/") || p.starts_with("b/")) &&
                             std::any_of(out_.files.begin(), out_.files.end(),
                                         [&](const auto& f) { return f.path == p.substr(2); });
      if (!diff_side) add_file(p, false);
    }
  }
  text_.clear();
  role_ = Role::Other;
}

void Collector::add_patch(std::string_view decoded) {
  const auto scan = scan_patches(decoded);
  for (const auto& p : scan.paths) add_file(p, true);
  for (const auto& s : scan.symbols) {
    if (out_.symbols.size() < kMaxSymbols &&
        std::find(out_.symbols.begin(), out_.symbols.end(), s) == out_.symbols.end()) {
      out_.symbols.push_back(s);
    }
  }
  out_.change_lines += scan.lines;
}

void Collector::counted_edit(std::uint32_t lines) {
  out_.change_lines += lines;
  ++out_.edit_calls;
}

void Collector::add_file(std::string_view path, bool edited) {
  for (auto& f : out_.files) {
    if (f.path == path) {
      f.edited = f.edited || edited;
      f.current = true;
      return;
    }
  }
  if (out_.files.size() < kMaxFiles) out_.files.push_back({std::string(path), edited, true});
}

void Collector::finish() {
  // Files added to an aider chat stay the working set whatever instruction follows.
  for (auto& f : out_.files) {
    if (std::find(chat_files_.begin(), chat_files_.end(), f.path) != chat_files_.end())
      f.current = true;
  }
  out_.tool_error = last_result_error_ || (out_.tool_results > 0 && reports_failure(last_result_));
  // Relative to the working directory, an absolute path and the same file named relatively
  // become one entry.
  if (!out_.cwd.empty()) {
    std::string prefix = out_.cwd;
    if (prefix.back() != '/') prefix.push_back('/');
    std::vector<TouchedFile> merged;
    for (auto& f : out_.files) {
      if (f.path.starts_with(prefix)) f.path.erase(0, prefix.size());
      if (f.path.starts_with("./")) f.path.erase(0, 2);
      auto same =
          std::find_if(merged.begin(), merged.end(), [&](auto& m) { return m.path == f.path; });
      if (same == merged.end()) {
        merged.push_back(std::move(f));
      } else {
        same->edited = same->edited || f.edited;
        same->current = same->current || f.current;
      }
    }
    out_.files = std::move(merged);
  }
  // The instruction's own names come first: they are what the user is talking about.
  auto named = symbols_in_text(out_.latest_instruction, kMaxSymbols);
  for (auto& s : out_.symbols) {
    if (named.size() >= kMaxSymbols) break;
    if (std::find(named.begin(), named.end(), s) == named.end()) named.push_back(std::move(s));
  }
  out_.symbols = std::move(named);
}

}  // namespace sluice::intel::detail
