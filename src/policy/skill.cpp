// Skill files: front matter + Markdown body.

#include "policy/skill.hpp"

#include <algorithm>

#include "core/text.hpp"
#include "core/yaml_check.hpp"

namespace sluice::policy {
namespace {

bool skill_name(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

[[noreturn]] void fail_at(int line, std::string message) {
  YAML::Mark m;
  m.line = line;
  m.column = 0;
  throw core::YamlFail{m, std::move(message)};
}

/// The line without its line break (and a CR before it).
std::string_view line_at(std::string_view text, std::size_t pos, std::size_t* next) {
  auto end = text.find('\n', pos);
  *next = end == std::string_view::npos ? text.size() : end + 1;
  auto line = text.substr(pos, (end == std::string_view::npos ? text.size() : end) - pos);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

bool fence(std::string_view line) {
  return core::trim(line) == "---";
}

}  // namespace

std::string skill_open_tag(std::string_view name) {
  return "<org-skill name=\"" + std::string(name) + "\">";
}

Skill parse_skill(std::string_view text, const std::string& file, ContentIndex& content) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 BOM
  std::size_t pos = 0, next = 0;
  if (!fence(line_at(text, 0, &next))) {
    fail_at(0, "a skill file starts with a '---' line, then YAML front matter, then '---'");
  }
  const std::size_t front_begin = next;
  std::size_t front_end = std::string_view::npos;
  int line = 1;
  for (pos = next; pos < text.size(); pos = next, ++line) {
    if (fence(line_at(text, pos, &next))) {
      front_end = pos;
      break;
    }
  }
  if (front_end == std::string_view::npos) {
    fail_at(0, "the front matter has no closing '---' line");
  }
  Skill s;
  s.file = file;
  try {
    const auto fm = YAML::Load(std::string(text.substr(front_begin, front_end - front_begin)));
    if (!fm.IsMap()) core::fail(fm, "the front matter must be a YAML mapping (name: ..., ...)");
    core::check_keys(fm, "skill front matter",
                     {"name", "description", "match", "mode", "priority", "on_disabled"});
    if (!fm["name"]) core::fail(fm, "a skill needs a name");
    s.name = core::scalar(fm["name"], "name");
    if (!skill_name(s.name)) {
      core::fail(fm["name"], "name '" + s.name + "' must be letters, digits, '-', '_' or '.'");
    }
    if (fm["description"]) s.description = core::scalar(fm["description"], "description");
    if (const auto& m = fm["mode"]) {
      const auto mode = core::scalar(m, "mode");
      if (mode != "soft" && mode != "hard") core::fail(m, "mode must be soft or hard");
      s.mode = mode == "hard" ? SkillMode::Hard : SkillMode::Soft;
    }
    if (fm["priority"]) {
      s.priority = static_cast<int>(core::whole(fm["priority"], "priority", -1000, 1000));
    }
    if (const auto& d = fm["on_disabled"]) {
      const auto v = core::scalar(d, "on_disabled");
      if (s.mode != SkillMode::Hard) {
        core::fail(d, "on_disabled applies to hard skills only (a soft skill may be switched off)");
      }
      if (v == "deny") {
        s.on_disabled = OnDisabled::Deny;
      } else if (v == "require_council") {
        s.on_disabled = OnDisabled::RequireCouncil;
      } else {
        core::fail(d, "on_disabled must be deny or require_council");
      }
    }
    if (fm["match"]) s.match = compile_match(fm["match"], content, "skill '" + s.name + "' match");
  } catch (core::YamlFail& f) {
    f.mark.line += 1;  // the front matter starts on the file's second line
    throw;
  } catch (const YAML::Exception& e) {
    YAML::Mark m = e.mark;
    m.line += 1;
    throw core::YamlFail{m, e.msg};
  }
  s.text = std::string(core::trim(text.substr(next)));
  if (s.text.empty()) fail_at(line, "skill '" + s.name + "' has no text after its front matter");
  s.wrapped = skill_open_tag(s.name) + "\n" + s.text + "\n" + std::string(kSkillCloseTag);
  return s;
}

}  // namespace sluice::policy
