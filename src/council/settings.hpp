#pragma once
// The `council:` section of the config (docs/council.md): which models review answers, how many,
// whether the answer waits for them, and what happens when they reject it.
//
//   council:
//     reviewers: [fake-anthropic/claude-fake-haiku, fake-gemini/gemini-fake-flash, cheap-route]
//     k: 2                  # reviewers per council (default 2; at most the list's length)
//     mode: async           # async (default): answer at once; gate: hold it until they decide
//     decide: majority      # majority (default), any (one reject rejects), unanimous
//     risk_threshold: 0.7   # requests classified at or above this risk get a council
//     on_reject: notice     # gate: notice (the answer plus a review notice) or refuse
//     on_timeout: notice    # gate, no verdict in time: pass, notice or refuse
//     max_tokens: 512       # each reviewer's output cap
//     timeout: 30s          # a council's deadline; reviewers still out are cut off
//     templates: council/   # a directory with system.md, user.md, notice.md (default: shipped)

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace YAML {
class Node;
}

namespace sluice::core {
struct Config;
}

namespace sluice::council {

enum class Mode { Async, Gate };
/// How the reviewers' votes make the council's decision: how many rejects reject.
enum class Rule { Majority, Any, Unanimous };
/// What a gate does with the answer: deliver it as it is, with a review notice, or refuse it.
enum class Delivery { Pass, Notice, Refuse };

/// The prompts: the reviewer's system prompt, the user message ({{instruction}}, {{answer}},
/// {{intent}}, {{risk}}, {{files}}, {{model}}) and the notice added to a rejected answer
/// ({{headline}}, {{reasons}}).
struct Templates {
  std::string system;
  std::string user;
  std::string notice;
};

struct Settings {
  std::vector<std::string> reviewers;  // model, alias or route names, in preference order
  int k = 2;
  Mode mode = Mode::Async;
  Rule rule = Rule::Majority;
  std::optional<double> risk_threshold;  // unset: only policy rules call a council
  Delivery on_reject = Delivery::Notice;
  Delivery on_timeout = Delivery::Notice;
  std::int64_t max_tokens = 512;
  std::chrono::milliseconds timeout{30'000};
  std::string templates_dir;  // "" = the shipped templates
  Templates templates;        // read when the config is
};

std::string_view to_string(Mode m);
std::string_view to_string(Rule r);
std::string_view to_string(Delivery d);
std::optional<Mode> mode_from(std::string_view s);
std::optional<Rule> rule_from(std::string_view s);

/// The shipped templates (data/council/*.md, compiled in).
Templates shipped_templates();

/// Parses `council:`; reviewer names are checked against `cfg`'s providers, routes and aliases
/// (so load it after those). Throws core::YamlFail at the offending node.
Settings read_council_config(const YAML::Node& node, const core::Config& cfg);

}  // namespace sluice::council
