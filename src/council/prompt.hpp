#pragma once
// The reviewer's request and the review notice, from the templates (data/council/*.md).

#include <string>
#include <string_view>
#include <vector>

#include "council/settings.hpp"
#include "council/verdict.hpp"

namespace sluice::council {

/// What a reviewer is shown. Long texts are cut (kMaxInstruction, kMaxAnswer bytes) with a
/// note saying so: a reviewer's context is not the place for a whole conversation.
struct ReviewInput {
  std::string instruction;
  std::string answer;
  std::string intent;  // "" when the request was not classified
  std::string risk;    // "0.82", or ""
  std::vector<std::string> files;
  std::string model;  // the model that answered
};

inline constexpr std::size_t kMaxInstruction = 8 * 1024;
inline constexpr std::size_t kMaxAnswer = 32 * 1024;

/// Replaces each {{name}} of `vars` in `tmpl`; unknown placeholders stay as written.
std::string render(std::string_view tmpl,
                   const std::vector<std::pair<std::string_view, std::string>>& vars);

/// The reviewer's request, an OpenAI Chat Completions body for model `reviewer` (sluice
/// translates it to the reviewer's own wire): the system template, then the user template.
std::string review_request(const Settings& s, std::string_view reviewer, const ReviewInput& in);

/// The reviewer's text from a Chat Completions response body ("" when there is none).
std::string review_reply_text(std::string_view body);

/// The notice added to an answer the gate delivers with one: the notice template with a
/// headline for `d` and the reasons as a list ("- reason").
std::string notice_text(const Templates& t, Decision d, const std::vector<std::string>& reasons);

}  // namespace sluice::council
