// sluice policy check | policy test | skills list: the policy engine offline, for an org's CI
// and for trying a rule against a sample request before it goes live.

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>

#include "cli/config_source.hpp"
#include "core/text.hpp"
#include "governance/caps.hpp"
#include "policy/explain.hpp"
#include "policy/inject.hpp"
#include "policy/sample.hpp"
#include "policy/sources.hpp"
#include "protocol/mappings.hpp"

namespace sluice::cli {
namespace {

namespace bj = boost::json;
using policy::PolicySetPtr;

/// Where the policy under test comes from: a config's `policy:` section, and/or directories
/// (or single files) of rules and skills.
struct Inputs {
  std::string config;
  std::string policies;
  std::string skills;
  std::string request;
  std::string wire;
  bool json = false;
  bool body = false;
};

void add_inputs(CLI::App* cmd, Inputs& in) {
  cmd->add_option("-c,--config", in.config,
                  "Config whose policy: section to use (default: $SLUICE_CONFIG or ./sluice.yaml)");
  cmd->add_option("--policies", in.policies, "Rules: a directory of *.yaml files, or one file");
  cmd->add_option("--skills", in.skills, "Skills: a directory of *.md files, or one file");
  cmd->add_flag("--json", in.json, "Print JSON for machines");
}

std::variant<PolicySetPtr, core::ConfigError> load(const Inputs& in, bool require_skills) {
  policy::Sources src;
  const auto config = find_config(in.config);
  const bool explicit_dirs = !in.policies.empty() || !in.skills.empty();
  if (!config.empty() && (!explicit_dirs || !in.config.empty())) {
    if (auto e = policy::add_path(config, src)) return *e;
  }
  for (const auto* p : {&in.policies, &in.skills}) {
    if (!p->empty()) {
      if (auto e = policy::add_path(*p, src)) return *e;
    }
  }
  policy::CompileOptions opt;
  opt.require_known_skills = require_skills;
  return policy::PolicySet::compile(src.rules, src.skills, opt);
}

/// The policy to run, or null after printing why it could not be loaded.
PolicySetPtr load_or_report(const Inputs& in) {
  auto loaded = load(in, true);
  if (auto* e = std::get_if<core::ConfigError>(&loaded)) {
    std::cerr << e->to_string() << "\n";
    return nullptr;
  }
  return std::get<PolicySetPtr>(loaded);
}

std::variant<policy::SampleRequest, std::string> load_sample(const Inputs& in) {
  const auto text = policy::read_text(in.request);
  if (!text) return in.request + ": cannot read the file";
  auto s = policy::parse_sample(*text, in.wire);
  if (auto* e = std::get_if<std::string>(&s)) return in.request + ": " + *e;
  return s;
}

bj::object error_json(const core::ConfigError& e) {
  return {{"file", e.file}, {"line", e.line}, {"column", e.column}, {"message", e.message}};
}

// ---- policy check ----------------------------------------------------------------------------

int run_check(const std::vector<std::string>& files, const Inputs& in) {
  std::vector<core::ConfigError> errors;
  policy::Sources all;
  std::vector<std::string> paths = files;
  if (paths.empty()) {
    if (const auto c = find_config(in.config); !c.empty()) paths.push_back(c);
  }
  if (paths.empty()) {
    std::cerr << "nothing to check: name rule files, skill files or directories (or a config)\n";
    return 2;
  }
  // Each file alone first, so every broken file is reported, not just the first.
  for (const auto& p : paths) {
    policy::Sources one;
    auto e = policy::add_path(p, one);
    if (!e) {
      auto set = policy::PolicySet::compile(one.rules, one.skills, {.require_known_skills = false});
      if (auto* err = std::get_if<core::ConfigError>(&set)) e = *err;
    }
    if (e) {
      errors.push_back(*e);
      continue;
    }
    for (auto& r : one.rules) all.rules.push_back(std::move(r));
    for (auto& s : one.skills) all.skills.push_back(std::move(s));
  }
  std::size_t rules = 0, skills = 0;
  if (errors.empty()) {
    // Together: duplicate ids across files, and skills the rules name.
    auto set = policy::PolicySet::compile(all.rules, all.skills,
                                          {.require_known_skills = !all.skills.empty()});
    if (auto* err = std::get_if<core::ConfigError>(&set)) {
      errors.push_back(*err);
    } else {
      rules = std::get<PolicySetPtr>(set)->rules().size();
      skills = std::get<PolicySetPtr>(set)->skills().size();
    }
  }
  if (in.json) {
    bj::array errs;
    for (const auto& e : errors) errs.push_back(error_json(e));
    std::cout << bj::serialize(bj::object{{"ok", errors.empty()},
                                          {"rules", rules},
                                          {"skills", skills},
                                          {"errors", std::move(errs)}})
              << "\n";
  } else if (errors.empty()) {
    std::cout << fmt::format("ok: {} rule(s), {} skill(s)\n", rules, skills);
  } else {
    for (const auto& e : errors) std::cerr << e.to_string() << "\n";
  }
  return errors.empty() ? 0 : 1;
}

// ---- policy test -----------------------------------------------------------------------------

std::string list_text(const std::vector<std::string_view>& items) {
  std::string out;
  for (auto i : items) out += (out.empty() ? "" : ", ") + std::string(i);
  return out;
}

std::string caps_text(const governance::Caps& c) {
  std::vector<std::string> parts;
  if (c.max_reasoning)
    parts.push_back("reasoning " + std::string(protocol::effort_name(*c.max_reasoning)));
  if (c.max_output_tokens > 0) parts.push_back("max_tokens " + std::to_string(c.max_output_tokens));
  if (!c.service_tiers.empty()) parts.push_back("service_tier " + core::join(c.service_tiers, "|"));
  return core::join(parts, ", ");
}

/// Why a skill is injected: the first matched rule naming it, else its own match.
std::string skill_reason(const policy::PolicySet& set, const policy::Decision& d,
                         const policy::Skill& s) {
  for (auto id : d.matched) {
    for (const auto& r : set.rules()) {
      if (r.id != id) continue;
      const auto& names = r.then.inject_skill;
      if (std::find(names.begin(), names.end(), s.name) != names.end()) {
        return "rule " + r.id;
      }
    }
  }
  return "match";
}

int run_test(const Inputs& in) {
  const auto loaded = load_or_report(in);
  if (!loaded) return 1;
  const auto& set = *loaded;
  auto sample_or = load_sample(in);
  if (auto* e = std::get_if<std::string>(&sample_or)) {
    std::cerr << *e << "\n";
    return 2;
  }
  auto& sample = std::get<policy::SampleRequest>(sample_or);
  const auto d = set.evaluate(sample.facts());
  std::string body = sample.body;
  std::optional<policy::Injection> inj;
  governance::CapOutcome capped;
  if (!d.denied()) {
    inj = policy::inject_text(sample.endpoint, body, d.skill_text());
    if (inj) body = inj->body;
    capped = governance::apply_caps(sample.endpoint, body, d.caps);
    if (capped.body) body = *capped.body;
  }
  const auto wire = protocol::wire_name(sample.endpoint);
  if (in.json) {
    bj::object o{{"wire", wire}, {"model", sample.model}, {"decision", policy::to_json(d)}};
    if (inj) o["injection"] = {{"where", inj->where}, {"at", inj->at}, {"added", inj->added}};
    bj::array applied;
    for (const auto& a : capped.applied) applied.emplace_back(a);
    o["caps_applied"] = std::move(applied);
    if (capped.refused) o["caps_refused"] = capped.refused->message;
    o["header"] = d.header();
    o["body_changed"] = body != sample.body;
    o["body"] = body;
    std::cout << bj::serialize(o) << "\n";
    return 0;
  }
  std::cout << fmt::format("request   {}{} model {}, {} tool(s), prompt {} bytes\n", wire,
                           sample.wire_guessed ? " (guessed; pass --wire)" : "", sample.model,
                           sample.tools.size(), sample.prompt.size());
  std::cout << "matched   " << (d.matched.empty() ? "no rule" : list_text(d.matched)) << "\n";
  for (auto id : d.matched) {
    for (const auto& r : set.rules()) {
      if (r.id == id) std::cout << fmt::format("          {}  ({}:{})\n", r.id, r.file, r.line);
    }
  }
  if (d.denied()) {
    std::cout << fmt::format("decision  deny {} \"{}\" (by {})\n", d.deny_status, d.deny_message,
                             d.decided_by);
  } else if (d.verdict == policy::Verdict::Allow) {
    std::cout << fmt::format("decision  allow (by {})\n", d.decided_by);
  } else {
    std::cout << "decision  none (no rule allowed or denied; the request goes on)\n";
  }
  if (!d.route.empty()) std::cout << fmt::format("route     {} (rule {})\n", d.route, d.route_rule);
  if (!d.caps.empty()) std::cout << "caps      " << caps_text(d.caps) << "\n";
  for (const auto& a : capped.applied) std::cout << "          applied: " << a << "\n";
  if (capped.refused) std::cout << "          refused: " << capped.refused->message << "\n";
  for (const auto* s : d.skills) {
    std::cout << fmt::format("skill     {} ({}, {})\n", s->name,
                             s->mode == policy::SkillMode::Hard ? "hard" : "soft",
                             skill_reason(set, d, *s));
  }
  if (!d.skills_off.empty())
    std::cout << "skills off (client): " << list_text(d.skills_off) << "\n";
  if (!d.skills_kept.empty()) {
    std::cout << "hard skills kept despite the client: " << list_text(d.skills_kept) << "\n";
  }
  if (!d.tags.empty()) std::cout << "tags      " << list_text(d.tags) << "\n";
  if (!d.redact.empty()) std::cout << "redact    " << list_text(d.redact) << "\n";
  if (d.council) {
    std::cout << fmt::format("council   required (k {}, mode {}, decide {})\n",
                             d.council->k ? std::to_string(d.council->k) : "default",
                             d.council->mode.empty() ? "default" : d.council->mode,
                             d.council->decide.empty() ? "default" : d.council->decide);
  }
  if (inj) {
    std::cout << fmt::format("body      {}; the client's first {} bytes unchanged, +{} bytes\n",
                             inj->where, inj->at, inj->added - inj->removed);
  } else if (body == sample.body) {
    std::cout << "body      unchanged\n";
  }
  if (!d.matched.empty()) std::cout << "header    x-sluice-policy: " << d.header() << "\n";
  if (in.body) std::cout << body << "\n";
  return 0;
}

// ---- skills list -----------------------------------------------------------------------------

int run_skills_list(const Inputs& in) {
  const auto loaded = load_or_report(in);
  if (!loaded) return 1;
  const auto& set = *loaded;
  std::optional<policy::Decision> d;
  if (!in.request.empty()) {
    auto sample_or = load_sample(in);
    if (auto* e = std::get_if<std::string>(&sample_or)) {
      std::cerr << *e << "\n";
      return 2;
    }
    d = set.evaluate(std::get<policy::SampleRequest>(sample_or).facts());
  }
  const auto status = [&](const policy::Skill& s) -> std::string {
    if (!d) return "";
    const auto in_list = [&](const std::vector<std::string_view>& l) {
      return std::find(l.begin(), l.end(), s.name) != l.end();
    };
    for (const auto* x : d->skills) {
      if (x == &s) return "injected (" + skill_reason(set, *d, s) + ")";
    }
    if (in_list(d->skills_off)) return "switched off by the client";
    if (d->denied()) return "-- (request denied)";
    return "--";
  };
  if (in.json) {
    bj::array a;
    for (const auto& s : set.skills()) {
      bj::object o{{"name", s.name},
                   {"description", s.description},
                   {"mode", s.mode == policy::SkillMode::Hard ? "hard" : "soft"},
                   {"priority", s.priority},
                   {"match", s.match ? s.match->source() : ""},
                   {"file", s.file}};
      if (d) o["request"] = status(s);
      a.push_back(std::move(o));
    }
    std::cout << bj::serialize(a) << "\n";
    return 0;
  }
  if (set.skills().empty()) {
    std::cout << "no skills loaded (pass --skills DIR or set policy.skills in the config)\n";
    return 0;
  }
  std::cout << fmt::format("{:<22} {:<5} {:>5}  {:<36} {}\n", "NAME", "MODE", "PRIO",
                           d ? "THIS REQUEST" : "MATCH", "DESCRIPTION");
  for (const auto& s : set.skills()) {
    const auto what = d ? status(s) : (s.match ? s.match->source() : "(by rules only)");
    std::cout << fmt::format("{:<22} {:<5} {:>5}  {:<36} {}\n", s.name,
                             s.mode == policy::SkillMode::Hard ? "hard" : "soft", s.priority, what,
                             s.description);
  }
  return 0;
}

void fail_with(int rc) {
  if (rc != 0) throw CLI::RuntimeError(rc);
}

}  // namespace

void add_policy(CLI::App& app) {
  auto* cmd = app.add_subcommand("policy", "Check policy files and try them on sample requests");
  cmd->require_subcommand(1);

  auto check_in = std::make_shared<Inputs>();
  auto files = std::make_shared<std::vector<std::string>>();
  auto* check = cmd->add_subcommand(
      "check", "Validate rule files, skill files, directories or a config (exit 1 on errors)");
  check->add_option("files", *files, "Rule files (.yaml), skill files (.md), directories, configs");
  check->add_option("-c,--config", check_in->config, "Check this config's policy: section");
  check->add_flag("--json", check_in->json, "Print JSON for machines");
  check->callback([files, check_in] { fail_with(run_check(*files, *check_in)); });

  auto test_in = std::make_shared<Inputs>();
  auto* test =
      cmd->add_subcommand("test", "Show which rules match a sample request and what happens");
  test->add_option("--request", test_in->request, "Sample request (JSON: body plus facts)")
      ->required();
  test->add_option("--wire", test_in->wire,
                   "The request's wire: openai_chat, openai_responses, anthropic or gemini");
  test->add_flag("--body", test_in->body, "Also print the rewritten body");
  add_inputs(test, *test_in);
  test->callback([test_in] { fail_with(run_test(*test_in)); });
}

void add_skills(CLI::App& app) {
  auto* cmd = app.add_subcommand("skills", "List skills and which match a sample request");
  cmd->require_subcommand(1);
  auto in = std::make_shared<Inputs>();
  auto* list = cmd->add_subcommand("list", "List skills (and, with --request, which match it)");
  list->add_option("--request", in->request, "Sample request (JSON: body plus facts)");
  list->add_option("--wire", in->wire, "The request's wire (default: from the file or guessed)");
  add_inputs(list, *in);
  list->callback([in] { fail_with(run_skills_list(*in)); });
}

}  // namespace sluice::cli
