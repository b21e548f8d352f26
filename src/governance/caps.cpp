// A key's caps (reasoning effort, output tokens, service tier) applied to a request body in the
// client's own wire. Each wire's fields are one row of a table; the rules are written once. The
// body is parsed only when there are caps, and re-serialised only when something changed.

#include "governance/caps.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <algorithm>
#include <array>
#include <span>

#include "protocol/mappings.hpp"

namespace sluice::governance {
namespace {

namespace bj = boost::json;
using ir::Effort;
using protocol::Endpoint;

constexpr std::array<Effort, 4> kOpenAIEfforts{Effort::Minimal, Effort::Low, Effort::Medium,
                                               Effort::High};
// Anthropic's output_config.effort has no "minimal".
constexpr std::array<Effort, 3> kAnthropicEfforts{Effort::Low, Effort::Medium, Effort::High};
// Gemini 3 Pro knows only low and high (Flash adds minimal and medium): write what all accept.
constexpr std::array<Effort, 2> kGeminiLevels{Effort::Low, Effort::High};
constexpr std::array<std::string_view, 5> kOpenAITiers{"auto", "default", "flex", "priority",
                                                       "scale"};
constexpr std::array<std::string_view, 2> kAnthropicTiers{"auto", "standard_only"};

// Anthropic rejects a thinking budget under 1024 tokens, or one not below max_tokens.
constexpr std::int64_t kAnthropicMinBudget = 1024;

/// Where a wire keeps each capped field; paths are dotted, "" when the wire has no such field.
struct WireFields {
  std::array<std::string_view, 2> effort{};  // effort names (the first may be implied)
  std::span<const Effort> effort_values{};   // the names the wire accepts, lowest first
  bool adaptive_means_high = false;          // thinking.type "adaptive" without effort is "high"
  std::string_view budget{};                 // thinking budget tokens
  bool budget_dynamic = false;               // -1: the model decides (unbounded)
  bool budget_below_output = false;          // the budget must stay under the output limit
  std::string_view output{};                 // clamped; set to the cap when no output field is sent
  std::string_view output_alt{};             // also clamped, never set
  std::string_view tier{};
  std::span<const std::string_view> tiers{};  // values the wire accepts
};

// Chat also takes OpenRouter's reasoning.effort and reasoning.max_tokens (the codec reads them).
constexpr WireFields kChat{.effort = {"reasoning_effort", "reasoning.effort"},
                           .effort_values = kOpenAIEfforts,
                           .budget = "reasoning.max_tokens",
                           .output = "max_completion_tokens",
                           .output_alt = "max_tokens",
                           .tier = "service_tier",
                           .tiers = kOpenAITiers};
constexpr WireFields kResponses{.effort = {"reasoning.effort"},
                                .effort_values = kOpenAIEfforts,
                                .output = "max_output_tokens",
                                .tier = "service_tier",
                                .tiers = kOpenAITiers};
constexpr WireFields kAnthropic{.effort = {"output_config.effort"},
                                .effort_values = kAnthropicEfforts,
                                .adaptive_means_high = true,
                                .budget = "thinking.budget_tokens",
                                .budget_below_output = true,
                                .output = "max_tokens",
                                .tier = "service_tier",
                                .tiers = kAnthropicTiers};
constexpr WireFields kGemini{.effort = {"generationConfig.thinkingConfig.thinkingLevel"},
                             .effort_values = kGeminiLevels,
                             .budget = "generationConfig.thinkingConfig.thinkingBudget",
                             .budget_dynamic = true,
                             .output = "generationConfig.maxOutputTokens"};

const WireFields* fields_for(Endpoint e) {
  switch (e) {
    case Endpoint::ChatCompletions:
      return &kChat;
    case Endpoint::Responses:
      return &kResponses;
    case Endpoint::Messages:
      return &kAnthropic;
    case Endpoint::GenerateContent:
    case Endpoint::StreamGenerate:
      return &kGemini;
    default:
      return nullptr;  // embeddings and token counts generate nothing to cap
  }
}

// Gemini accepts every field in lowerCamel or snake_case; the other wires' names are already
// snake_case, so the fallback is harmless there.
std::string snake(std::string_view camel) {
  std::string out;
  for (char c : camel) {
    if (c >= 'A' && c <= 'Z') {
      out.push_back('_');
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bj::value* member(bj::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key)) return v;
  return o.if_contains(snake(key));
}

/// The value at `path`; nullptr when absent, null, or under something that is not an object.
bj::value* find(bj::object& root, std::string_view path) {
  bj::object* o = &root;
  for (;;) {
    const auto dot = path.find('.');
    auto* v = member(*o, path.substr(0, dot));
    if (!v || v->is_null()) return nullptr;
    if (dot == std::string_view::npos) return v;
    o = v->if_object();
    if (!o) return nullptr;
    path.remove_prefix(dot + 1);
  }
}

/// The value at `path`, created (with lowerCamel parents) when absent; nullptr when a parent
/// exists but is not an object (the codec rejects such a body anyway).
bj::value* make(bj::object& root, std::string_view path) {
  bj::object* o = &root;
  for (;;) {
    const auto dot = path.find('.');
    const auto key = path.substr(0, dot);
    auto* v = member(*o, key);
    if (!v) v = &(*o)[key];
    if (dot == std::string_view::npos) return v;
    if (v->is_null()) *v = bj::object{};
    o = v->if_object();
    if (!o) return nullptr;
    path.remove_prefix(dot + 1);
  }
}

std::optional<std::int64_t> as_int(const bj::value* v) {
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return INT64_MAX;  // beyond int64: above any cap
  if (v->is_double()) {
    const double d = v->get_double();
    if (!(d == d)) return std::nullopt;
    return d >= 9.2e18 ? INT64_MAX : (d <= -9.2e18 ? INT64_MIN : static_cast<std::int64_t>(d));
  }
  return std::nullopt;
}

/// An effort name's place in the order none < minimal < low < medium < high < xhigh/max;
/// nullopt for names sluice does not know (left alone).
std::optional<int> rank(std::string_view name) {
  std::string lower(name);
  for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "none") return 0;
  if (auto e = protocol::effort_from(lower)) return 1 + static_cast<int>(*e);
  if (lower == "xhigh" || lower == "max") return 1 + static_cast<int>(Effort::High) + 1;
  return std::nullopt;
}
int rank(Effort e) {
  return 1 + static_cast<int>(e);
}

/// The wire's highest effort not above `cap`; its lowest when every one is above.
Effort fit(std::span<const Effort> values, Effort cap) {
  Effort best = values.front();
  for (auto e : values) {
    if (rank(e) <= rank(cap)) best = e;
  }
  return best;
}

std::string change(std::string_view path, std::string_view from, std::string_view to) {
  std::string s(path);
  s += ' ';
  s += from;
  s += "->";
  s += to;
  return s;
}
std::string change(std::string_view path, std::int64_t from, std::int64_t to) {
  return change(path, std::to_string(from), std::to_string(to));
}

class Capper {
 public:
  Capper(bj::object& root, const WireFields& f, CapOutcome& out) : root_(root), f_(f), out_(out) {}

  void reasoning(Effort cap) {
    const auto to = fit(f_.effort_values, cap);
    const auto name = protocol::effort_name(to);
    for (auto path : f_.effort) {
      if (path.empty()) continue;
      auto* v = find(root_, path);
      if (v && v->is_string()) {
        const std::string current(v->get_string());
        if (const auto r = rank(current); r && rank(to) < *r) {
          *v = name;
          out_.applied.push_back(change(path, current, name));
        }
      } else if (!v && path == f_.effort[0] && f_.adaptive_means_high &&
                 thinking_type() == "adaptive" && rank(to) < rank(Effort::High)) {
        if (auto* slot = make(root_, path)) {
          *slot = name;
          out_.applied.push_back(change(path, "(unset)", name));
        }
      }
    }
    if (!f_.budget.empty()) {
      auto* v = find(root_, f_.budget);
      const auto n = as_int(v);
      const auto limit = protocol::effort_to_budget(cap);
      if (n && (*n > limit || (f_.budget_dynamic && *n == -1))) {
        *v = limit;
        out_.applied.push_back(change(f_.budget, *n, limit));
      }
    }
  }

  void output(std::int64_t cap) {
    bool sent = false;
    for (auto path : {f_.output, f_.output_alt}) {
      if (path.empty()) continue;
      auto* v = find(root_, path);
      if (!v) continue;
      sent = true;
      if (const auto n = as_int(v); n && *n > cap) {
        *v = cap;
        out_.applied.push_back(change(path, *n, cap));
      }
    }
    if (!sent) {
      if (auto* v = make(root_, f_.output)) {
        *v = cap;
        out_.applied.push_back(change(f_.output, "(unset)", std::to_string(cap)));
      }
    }
    if (f_.budget_below_output) keep_budget_below_output();
  }

  /// False when the tier is refused (out_.refused is set).
  bool tier(const Caps& caps) {
    if (f_.tier.empty()) return true;
    auto* v = find(root_, f_.tier);
    if (!v || !v->is_string()) return true;
    const std::string current(v->get_string());
    const auto& allowed = caps.service_tiers;
    if (std::find(allowed.begin(), allowed.end(), current) != allowed.end()) return true;
    if (!caps.downgrade_tier) {
      std::string list;
      for (const auto& t : allowed) list += (list.empty() ? "" : ", ") + t;
      out_.refused = core::GatewayError{
          core::ErrorKind::PermissionDenied,
          "service tier '" + current + "' is not allowed for this key; allowed: " + list,
          "service_tier", "service_tier_not_allowed"};
      return false;
    }
    for (const auto& t : allowed) {
      if (std::find(f_.tiers.begin(), f_.tiers.end(), t) != f_.tiers.end()) {
        *v = t;
        out_.applied.push_back(change(f_.tier, current, t));
        return true;
      }
    }
    // No allowed tier exists on this wire: the provider's default applies.
    root_.erase(f_.tier);
    out_.applied.push_back(change(f_.tier, current, "(unset)"));
    return true;
  }

 private:
  std::string_view thinking_type() {
    const auto* t = find(root_, "thinking");
    const auto* o = t ? t->if_object() : nullptr;
    const auto* type = o ? o->if_contains("type") : nullptr;
    return type && type->is_string() ? std::string_view(type->get_string()) : "";
  }

  // Anthropic: budget_tokens must stay below max_tokens (and at least 1024), so a capped
  // max_tokens may squeeze the budget, or leave no room for thinking at all.
  void keep_budget_below_output() {
    if (thinking_type() != "enabled") return;
    auto* b = find(root_, f_.budget);
    const auto budget = as_int(b);
    const auto max = as_int(find(root_, f_.output));
    if (!budget || !max || *budget < *max) return;
    if (*max - 1 >= kAnthropicMinBudget) {
      *b = *max - 1;
      out_.applied.push_back(change(f_.budget, *budget, *max - 1));
      return;
    }
    *find(root_, "thinking") = bj::object{{"type", "disabled"}};
    out_.applied.push_back(change("thinking", "enabled", "disabled"));
  }

  bj::object& root_;
  const WireFields& f_;
  CapOutcome& out_;
};

}  // namespace

CapOutcome apply_caps(protocol::Endpoint endpoint, std::string_view body, const Caps& caps) {
  CapOutcome out;
  const auto* fields = fields_for(endpoint);
  if (caps.empty() || !fields) return out;
  boost::system::error_code ec;
  auto doc = bj::parse(bj::string_view(body.data(), body.size()), ec);
  if (ec || !doc.is_object()) return out;
  Capper capper(doc.get_object(), *fields, out);
  if (!caps.service_tiers.empty() && !capper.tier(caps)) {
    out.applied.clear();
    return out;
  }
  if (caps.max_reasoning) capper.reasoning(*caps.max_reasoning);
  if (caps.max_output_tokens > 0) capper.output(caps.max_output_tokens);
  if (!out.applied.empty()) out.body = bj::serialize(doc);
  return out;
}

bool known_service_tier(std::string_view tier) {
  return std::find(kOpenAITiers.begin(), kOpenAITiers.end(), tier) != kOpenAITiers.end() ||
         std::find(kAnthropicTiers.begin(), kAnthropicTiers.end(), tier) != kAnthropicTiers.end();
}

}  // namespace sluice::governance
