#include "council/prompt.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace sluice::council {
namespace {

namespace json = boost::json;

std::string cut(std::string_view s, std::size_t max) {
  if (s.size() <= max) return std::string(s);
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "\n[... cut by sluice after " + std::to_string(n) + " of " +
         std::to_string(s.size()) + " bytes]";
}

}  // namespace

std::string render(std::string_view tmpl,
                   const std::vector<std::pair<std::string_view, std::string>>& vars) {
  std::string out;
  out.reserve(tmpl.size() + 256);
  std::size_t pos = 0;
  while (pos < tmpl.size()) {
    const auto open = tmpl.find("{{", pos);
    if (open == std::string_view::npos) break;
    const auto close = tmpl.find("}}", open + 2);
    if (close == std::string_view::npos) break;
    out.append(tmpl.substr(pos, open - pos));
    const auto name = tmpl.substr(open + 2, close - open - 2);
    bool found = false;
    for (const auto& [k, v] : vars) {
      if (k == name) {
        out += v;
        found = true;
        break;
      }
    }
    if (!found) out.append(tmpl.substr(open, close + 2 - open));
    pos = close + 2;
  }
  out.append(tmpl.substr(std::min(pos, tmpl.size())));
  return out;
}

std::string review_request(const Settings& s, std::string_view reviewer, const ReviewInput& in) {
  std::string files;
  for (const auto& f : in.files) {
    if (!files.empty()) files += ", ";
    files += f;
  }
  const std::string user =
      render(s.templates.user, {{"instruction", cut(in.instruction, kMaxInstruction)},
                                {"answer", cut(in.answer, kMaxAnswer)},
                                {"intent", in.intent.empty() ? "unknown" : in.intent},
                                {"risk", in.risk.empty() ? "unknown" : in.risk},
                                {"files", files.empty() ? "none named" : files},
                                {"model", in.model.empty() ? "unknown" : in.model}});
  // max_completion_tokens: what sluice itself sends OpenAI (its reasoning models refuse
  // max_tokens); translation reads it for the other wires.
  json::object body{
      {"model", reviewer},
      {"max_completion_tokens", s.max_tokens},
      {"stream", false},
      {"messages", json::array{json::object{{"role", "system"}, {"content", s.templates.system}},
                               json::object{{"role", "user"}, {"content", user}}}}};
  return json::serialize(body);
}

std::string review_reply_text(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const auto* choices = v.as_object().if_contains("choices");
  if (!choices || !choices->is_array() || choices->as_array().empty()) return {};
  const auto& first = choices->as_array()[0];
  if (!first.is_object()) return {};
  const auto* msg = first.as_object().if_contains("message");
  if (!msg || !msg->is_object()) return {};
  const auto* content = msg->as_object().if_contains("content");
  return content && content->is_string() ? std::string(content->as_string()) : std::string();
}

std::string notice_text(const Templates& t, Decision d, const std::vector<std::string>& reasons) {
  const char* headline = d == Decision::Reject
                             ? "the reviewers rejected this answer; do not rely on it as it is."
                             : "the reviewers did not reach a verdict in time; this answer was "
                               "not reviewed.";
  std::string list;
  for (const auto& r : reasons) {
    list += "- ";
    list += r;
    list += '\n';
  }
  return render(t.notice, {{"headline", headline}, {"reasons", list}});
}

}  // namespace sluice::council
