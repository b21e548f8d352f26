// Match blocks: YAML -> conditions (validated once, here) and their evaluation.

#include "policy/match.hpp"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/glob.hpp"
#include "core/text.hpp"
#include "core/yaml_check.hpp"

namespace sluice::policy {
namespace {

using Kind = Condition::Kind;
using Field = Condition::Field;

constexpr std::array<protocol::Endpoint, 9> kEndpoints{
    protocol::Endpoint::ChatCompletions, protocol::Endpoint::Responses,
    protocol::Endpoint::Embeddings,      protocol::Endpoint::Messages,
    protocol::Endpoint::CountTokens,     protocol::Endpoint::GenerateContent,
    protocol::Endpoint::StreamGenerate,  protocol::Endpoint::GeminiCountTokens,
    protocol::Endpoint::GeminiEmbed};

std::uint32_t bit(protocol::Endpoint e) {
  return 1u << static_cast<unsigned>(e);
}

struct FieldName {
  std::string_view key;
  Field field;
};
constexpr std::array<FieldName, 9> kFields{{{"key", Field::Key},
                                            {"user", Field::User},
                                            {"team", Field::Team},
                                            {"project", Field::Project},
                                            {"role", Field::Role},
                                            {"model", Field::Model},
                                            {"route", Field::Route},
                                            {"region", Field::Region},
                                            {"intent", Field::Intent}}};

std::optional<std::string_view> field_value(const RequestFacts& f, Field field) {
  switch (field) {
    case Field::Key:
      return f.key_id;
    case Field::User:
      return f.user;
    case Field::Team:
      return f.team;
    case Field::Project:
      return f.project;
    case Field::Role:
      return f.role;
    case Field::Model:
      return f.model;
    case Field::Route:
      return f.route;
    case Field::Region:
      return f.region;
    case Field::Intent:
      return f.intent;  // no intent yet: the condition does not hold
  }
  return std::nullopt;
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return s;
}

Globs globs_of(const YAML::Node& node, std::string_view what) {
  Globs g;
  for (auto& item : string_list(node, what)) g.add(std::move(item));
  return g;
}

std::uint32_t wire_mask(const YAML::Node& node) {
  std::uint32_t mask = 0;
  const auto names = string_list(node, "wire");
  std::size_t i = 0;
  for (const auto& name : names) {
    std::uint32_t m = 0;
    for (auto e : kEndpoints) {
      if (protocol::wire_name(e) == name) m |= bit(e);
    }
    if (m == 0) {
      const auto& at = node.IsSequence() ? node[i] : node;
      core::fail(at, "wire: '" + name +
                         "' is not a wire (openai_chat, openai_responses, anthropic, gemini)");
    }
    mask |= m;
    ++i;
  }
  return mask;
}

std::uint32_t budget_mask(const YAML::Node& node) {
  std::uint32_t mask = 0;
  std::size_t i = 0;
  for (const auto& s : string_list(node, "budget")) {
    if (s == "ok") {
      mask |= 1u << static_cast<unsigned>(BudgetState::Ok);
    } else if (s == "warned") {
      mask |= 1u << static_cast<unsigned>(BudgetState::Warned);
    } else if (s == "exhausted") {
      mask |= 1u << static_cast<unsigned>(BudgetState::Exhausted);
    } else {
      core::fail(node.IsSequence() ? node[i] : node,
                 "budget: '" + s + "' is not a budget state (ok, warned, exhausted)");
    }
    ++i;
  }
  return mask;
}

std::optional<double> parse_double(std::string_view s) {
  s = core::trim(s);
  double v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

void parse_risk(const YAML::Node& node, Condition& c) {
  const auto bad = [&](const YAML::Node& at) {
    core::fail(at,
               "risk must be a comparison such as \">= 0.7\" or \"< 0.3\", or {min: 0.3, "
               "max: 0.7}, with numbers between 0 and 1");
  };
  if (node.IsMap()) {
    core::check_keys(node, "risk", {"min", "max"});
    if (!node["min"] && !node["max"]) bad(node);
    if (node["min"]) c.lo = core::number(node["min"], "risk.min", 0, 1);
    if (node["max"]) c.hi = core::number(node["max"], "risk.max", 0, 1);
    if (c.lo > c.hi) core::fail(node, "risk: min is above max");
    return;
  }
  const auto raw = core::scalar(node, "risk");
  std::string_view text = core::trim(raw);
  std::string op;
  while (!text.empty() && (text[0] == '<' || text[0] == '>' || text[0] == '=')) {
    op += text[0];
    text.remove_prefix(1);
  }
  const auto v = parse_double(text);
  if (!v || *v < 0 || *v > 1) bad(node);
  if (op == ">=") {
    c.lo = *v;
  } else if (op == ">") {
    c.lo = *v;
    c.lo_open = true;
  } else if (op == "<=") {
    c.hi = *v;
  } else if (op == "<") {
    c.hi = *v;
    c.hi_open = true;
  } else if (op == "==" || op == "=") {
    c.lo = c.hi = *v;
  } else {
    bad(node);
  }
}

/// `header: {name: glob}` / `metadata: {field: glob}`: one condition per entry (all must hold).
void add_pairs(const YAML::Node& node, Kind kind, std::vector<Condition>& out) {
  const std::string what = kind == Kind::Header ? "header" : "metadata";
  if (!node.IsMap() || node.size() == 0) {
    core::fail(node, what + " must be a mapping of " +
                         (kind == Kind::Header ? "header names" : "field names") + " to globs");
  }
  for (const auto& kv : node) {
    Condition c;
    c.kind = kind;
    c.name = core::scalar(kv.first, what + " name");
    if (kind == Kind::Header) c.name = lower(c.name);
    c.globs = globs_of(kv.second, what + "." + c.name);
    out.push_back(std::move(c));
  }
}

bool any_glob(const Globs& g, std::span<const std::string_view> items) {
  return std::any_of(items.begin(), items.end(), [&](std::string_view s) { return g.any(s); });
}

std::string flow(const YAML::Node& node) {
  YAML::Emitter e;
  e.SetMapFormat(YAML::Flow);
  e.SetSeqFormat(YAML::Flow);
  e << node;
  return e.c_str();
}

}  // namespace

void Globs::add(std::string pattern) {
  if (pattern.find_first_of("*?") == std::string::npos) {
    exact_.push_back(std::move(pattern));
  } else {
    globs_.push_back(std::move(pattern));
  }
}

bool Globs::any(std::string_view text) const {
  for (const auto& e : exact_) {
    if (e == text) return true;
  }
  for (const auto& g : globs_) {
    if (core::glob_match(g, text)) return true;
  }
  return false;
}

bool EvalState::content_hit(Scope scope, int id) {
  const auto s = scope == Scope::Prompt ? 0 : 1;
  if (!scanned_[s]) {
    content_.scan(scope, scope == Scope::Prompt ? facts_.prompt : facts_.latest, hits_[s]);
    scanned_[s] = true;
  }
  const auto i = static_cast<std::size_t>(id);
  return i < hits_[s].size() && hits_[s][i];
}

bool Condition::holds(EvalState& st) const {
  const auto& f = st.facts();
  switch (kind) {
    case Kind::Wire:
      return (mask & bit(f.endpoint)) != 0;
    case Kind::Budget:
      return (mask & (1u << static_cast<unsigned>(f.budget))) != 0;
    case Kind::Risk:
      return f.risk && (lo_open ? *f.risk > lo : *f.risk >= lo) &&
             (hi_open ? *f.risk < hi : *f.risk <= hi);
    case Kind::Field: {
      const auto v = field_value(f, field);
      return v && globs.any(*v);
    }
    case Kind::Tools:
      return any_glob(globs, f.tools);
    case Kind::Finding:
      return any_glob(globs, f.findings);
    case Kind::Header:
      return std::any_of(f.headers.begin(), f.headers.end(), [&](const http::Header& h) {
        return h.name == name && globs.any(h.value);
      });
    case Kind::Metadata:
      return std::any_of(f.metadata.begin(), f.metadata.end(),
                         [&](const MetaField& m) { return m.name == name && globs.any(m.value); });
    case Kind::Time:
      return time->contains(f.now, time->zone.offset_at(f.now));
    case Kind::Not:
      return !inner->matches(st);
    case Kind::Content:
      return std::any_of(ids.begin(), ids.end(), [&](int id) { return st.content_hit(scope, id); });
  }
  return false;
}

bool Match::matches(EvalState& st) const {
  for (const auto& c : conditions_) {
    if (!c.holds(st)) return false;
  }
  return true;
}

bool Match::reads(Condition::Kind kind) const {
  return std::any_of(conditions_.begin(), conditions_.end(), [kind](const Condition& c) {
    return c.kind == kind || (c.kind == Kind::Not && c.inner->reads(kind));
  });
}

std::vector<std::string> string_list(const YAML::Node& node, std::string_view what) {
  std::vector<std::string> out;
  if (node.IsSequence()) {
    if (node.size() == 0) core::fail(node, std::string(what) + " must list at least one value");
    for (const auto& item : node) out.push_back(core::scalar(item, what));
  } else {
    out.push_back(core::scalar(node, what));
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty()) {
      core::fail(node.IsSequence() ? node[i] : node, std::string(what) + " must not be empty");
    }
  }
  return out;
}

Match compile_match(const YAML::Node& node, ContentIndex& content, std::string_view what) {
  Match m;
  if (!node || node.IsNull()) return m;
  core::check_keys(node, what,
                   {"key",  "user",    "team",           "project", "role",  "model",  "route",
                    "wire", "content", "content_latest", "finding", "tools", "header", "metadata",
                    "time", "budget",  "region",         "intent",  "risk",  "not"});
  auto& out = m.conditions_;
  for (const auto& kv : node) {
    const auto key = kv.first.as<std::string>();
    const auto& v = kv.second;
    Condition c;
    if (auto it = std::find_if(kFields.begin(), kFields.end(),
                               [&](const FieldName& n) { return n.key == key; });
        it != kFields.end()) {
      c.kind = Kind::Field;
      c.field = it->field;
      c.globs = globs_of(v, key);
    } else if (key == "wire") {
      c.kind = Kind::Wire;
      c.mask = wire_mask(v);
    } else if (key == "budget") {
      c.kind = Kind::Budget;
      c.mask = budget_mask(v);
    } else if (key == "risk") {
      c.kind = Kind::Risk;
      parse_risk(v, c);
    } else if (key == "tools" || key == "finding") {
      c.kind = key == "tools" ? Kind::Tools : Kind::Finding;
      c.globs = globs_of(v, key);
    } else if (key == "header" || key == "metadata") {
      add_pairs(v, key == "header" ? Kind::Header : Kind::Metadata, out);
      continue;
    } else if (key == "time") {
      c.kind = Kind::Time;
      c.time = parse_time_window(v);
    } else if (key == "not") {
      c.kind = Kind::Not;
      if (!v.IsMap() || v.size() == 0) core::fail(v, "not must be a non-empty match block");
      c.inner = std::make_shared<const Match>(compile_match(v, content, "not"));
    } else {  // content, content_latest
      c.kind = Kind::Content;
      c.scope = key == "content" ? Scope::Prompt : Scope::Latest;
      const auto patterns = string_list(v, key);
      for (std::size_t i = 0; i < patterns.size(); ++i) {
        std::string error;
        const auto id = content.add(c.scope, patterns[i], &error);
        if (!id) {
          core::fail(v.IsSequence() ? v[i] : v,
                     key + ": invalid regular expression '" + patterns[i] + "': " + error);
        }
        c.ids.push_back(*id);
      }
    }
    out.push_back(std::move(c));
  }
  for (auto& c : out) {
    c.cost = static_cast<int>(c.kind);
    if (c.kind == Kind::Not) {
      for (const auto& inner : c.inner->conditions_) c.cost = std::max(c.cost, inner.cost);
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Condition& a, const Condition& b) { return a.cost < b.cost; });
  m.source_ = flow(node);
  return m;
}

}  // namespace sluice::policy
