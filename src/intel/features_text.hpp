#pragma once
// Reading files, symbols and change sizes out of free text, edit payloads and patches in the
// formats coding agents use: unified diffs (`+++ b/path`), Codex apply_patch (`*** Update File:
// path`) and aider's SEARCH/REPLACE blocks. Plain scanning, no regexes: these run on every
// request.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::intel {

// ASCII character classes: locale-free and inlined (the <cctype> calls cost a function call per
// byte, which showed in the profile). Bytes >= 0x80 belong to no class.
constexpr bool is_upper(unsigned char c) {
  return c >= 'A' && c <= 'Z';
}
constexpr bool is_lower(unsigned char c) {
  return c >= 'a' && c <= 'z';
}
constexpr bool is_alpha(unsigned char c) {
  return is_upper(c) || is_lower(c);
}
constexpr bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}
constexpr bool is_alnum(unsigned char c) {
  return is_alpha(c) || is_digit(c);
}
constexpr char to_lower(unsigned char c) {
  return static_cast<char>(is_upper(c) ? c + 32 : c);
}

/// Tokens in `text` that look like file paths: a known source/config extension (`auth.py`,
/// `src/app/main.tsx:42`, `@docs/setup.md`), or a directory-shaped token (`./scripts/`,
/// `src/auth/`). URLs and framework names such as Node.js are not paths.
std::vector<std::string> paths_in_text(std::string_view text);

/// File names written alone on the line before a code fence ("app/cart.py\n```"), the way
/// aider lists the files in a chat and people paste files.
std::vector<std::string> fenced_file_names(std::string_view text);

/// Code identifiers named in `text`: `backticked`, called `like_this()`, CamelCase or
/// snake_case. At most `limit`.
std::vector<std::string> symbols_in_text(std::string_view text, std::size_t limit);

/// What a patch-like text changes.
struct PatchScan {
  std::vector<std::string> paths;    // files the patch writes
  std::vector<std::string> symbols;  // functions/types defined on changed or context lines
  std::uint32_t lines = 0;           // lines added plus removed
};

/// Scans unified diffs, apply_patch envelopes and SEARCH/REPLACE blocks in `text` (any mix);
/// other text is ignored. Cheap when none are present.
PatchScan scan_patches(std::string_view text);

/// True when `text` may hold a patch that scan_patches reads (a fast pre-check on raw bytes).
bool may_hold_patch(std::string_view text);

/// Lines changed when `before` becomes `after` (an Edit tool's old/new strings): both sides
/// minus the lines they share at the start and at the end.
std::uint32_t changed_lines(std::string_view before, std::string_view after);

/// Functions/types a code fragment defines (`def x`, `func (r *T) x`, `class X`, `fn x`, ...),
/// appended to `out` up to `limit`, skipping duplicates.
void add_definitions(std::string_view code, std::vector<std::string>& out, std::size_t limit);

/// `text` without agent scaffolding: <system-reminder> and <local-command-stdout> blocks are
/// cut out, and a text that is wholly context (Codex's <environment_context>, AGENTS.md or
/// user_instructions, the Gemini CLI's set-up message) becomes empty. Trimmed.
std::string strip_scaffolding(std::string_view text);

/// The working directory named in an <environment_context> block (`<cwd>/repo</cwd>`) or in a
/// "Primary working directory: /repo" line, or empty.
std::string stated_cwd(std::string_view text);

/// Lower-case words of `text`: runs of letters and digits (bytes >= 0x80 count as letters),
/// split at camelCase boundaries, appended as views into `storage` (which is overwritten).
std::vector<std::string_view> words_of(std::string_view text, std::string& storage);

/// True for a path that names a test file or a test directory.
bool is_test_path(std::string_view path);
/// True for documentation (Markdown, reStructuredText, text, docs/ directories).
bool is_doc_path(std::string_view path);

}  // namespace sluice::intel
