#pragma once
// Skills: an organisation's practices as Markdown, appended to the system prompt of the requests
// they match. A file is YAML front matter between two `---` lines, then the text:
//
//   ---
//   name: migration-safety
//   description: Safe database migrations
//   match: {content: "(?i)\\b(alter|drop)\\s+table\\b"}
//   mode: hard              # soft (default): the client may switch it off; hard: it may not
//   priority: 10            # higher first
//   on_disabled: deny       # hard only: what a request that tries to switch it off gets
//   ---
//   Before changing a schema, ...

#include <optional>
#include <string>
#include <string_view>

#include "policy/content_index.hpp"
#include "policy/match.hpp"

namespace sluice::policy {

enum class SkillMode { Soft, Hard };
/// What happens when a request tries to switch a hard skill off. In every case the skill is
/// still injected.
enum class OnDisabled { Ignore, Deny, RequireCouncil };

struct Skill {
  std::string name;
  std::string description;
  std::string file;
  SkillMode mode = SkillMode::Soft;
  int priority = 0;
  OnDisabled on_disabled = OnDisabled::Ignore;
  std::optional<Match> match;  // none: injected only when a rule's inject_skill names it
  std::string text;            // the Markdown body, trimmed
  std::string wrapped;         // <org-skill name="...">text</org-skill>, as injected
};

/// Parses a skill file's text. Throws core::YamlFail with positions in the file (front-matter
/// lines are counted from the file's first line).
Skill parse_skill(std::string_view text, const std::string& file, ContentIndex& content);

/// The opening tag that marks injected text, so a reader (and a test) can find it.
std::string skill_open_tag(std::string_view name);
inline constexpr std::string_view kSkillCloseTag = "</org-skill>";

}  // namespace sluice::policy
