#include "guard/guard.hpp"

#include <algorithm>
#include <stdexcept>

#include "core/glob.hpp"

namespace sluice::guard {
namespace {

// Custom patterns run over whole texts; a runaway pattern ("\w") must not flood the results.
constexpr std::size_t kMaxCustomMatches = 1000;

RE2::Options custom_options() {
  RE2::Options o;
  o.set_log_errors(false);
  return o;
}

bool overlaps(const Finding& a, const Finding& b) {
  return a.begin < b.end && b.begin < a.end;
}

}  // namespace

Guard::Guard(GuardConfig config) : config_(std::move(config)) {
  settings_.generic_min_length = config_.generic_min_length;
  settings_.generic_min_entropy = config_.generic_min_entropy;
  for (const auto& k : kKinds) {
    names_.emplace_back(k.name);
    const auto a = config_.action_for(k.kind);
    actions_.push_back(a);
    settings_.enabled.set(static_cast<std::size_t>(k.kind), a != Action::Off);
  }
  custom_set_ = std::make_unique<RE2::Set>(custom_options(), RE2::UNANCHORED);
  for (const auto& p : config_.custom) {
    names_.push_back("custom:" + p.name);
    const auto a = config_.action_for(p);
    actions_.push_back(a);
    if (a == Action::Off) {
      custom_.emplace_back();
      continue;
    }
    auto re = std::make_unique<RE2>(p.pattern, custom_options());
    if (!re->ok()) {
      throw std::invalid_argument("guardrails: invalid pattern for custom:" + p.name + ": " +
                                  re->error());
    }
    custom_set_index_.push_back(static_cast<int>(custom_.size()));
    custom_set_->Add(p.pattern, nullptr);
    custom_.push_back(std::move(re));
  }
  if (custom_set_index_.empty()) {
    custom_set_.reset();
  } else if (!custom_set_->Compile()) {
    throw std::invalid_argument("guardrails: the custom patterns do not fit in memory together");
  }
  scans_text_ = settings_.enabled.any() || custom_set_ != nullptr;
}

Guard::~Guard() = default;

Category Guard::category(KindId id) const {
  return id < kBuiltinKinds ? category_of(static_cast<Kind>(id)) : Category::Custom;
}

std::string Guard::placeholder(KindId id) const {
  return "[REDACTED:" + names_[id] + "]";
}

void Guard::scan_custom(std::string_view text, std::vector<Finding>& out) const {
  if (!custom_set_) return;
  std::vector<int> hits;
  if (!custom_set_->Match(text, &hits)) return;
  const re2::StringPiece whole(text.data(), text.size());
  for (int h : hits) {
    const auto index = static_cast<std::size_t>(custom_set_index_[static_cast<std::size_t>(h)]);
    const RE2& re = *custom_[index];
    const auto id = static_cast<KindId>(kBuiltinKinds + index);
    std::size_t pos = 0;
    for (std::size_t n = 0; n < kMaxCustomMatches && pos <= text.size(); ++n) {
      re2::StringPiece m;
      if (!re.Match(whole, pos, text.size(), RE2::UNANCHORED, &m, 1)) break;
      const auto begin = static_cast<std::size_t>(m.data() - text.data());
      const auto end = begin + m.size();
      if (end > begin) out.push_back(Finding{id, begin, end});
      pos = end > begin ? end : end + 1;
    }
  }
}

std::vector<Finding> Guard::scan(std::string_view text) const {
  std::vector<Finding> found;
  if (!scans_text_ || text.empty()) return found;
  Detectors::instance().scan(text, settings_, found);
  scan_custom(text, found);
  if (found.size() < 2) return found;
  std::sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end > b.end;
  });
  // Same kind overlapping (a number seen from two windows): keep the first, longest. A
  // generic_secret overlapping any other finding is that finding's value, already counted.
  const auto generic = id_of(Kind::GenericSecret);
  std::vector<Finding> kept;
  kept.reserve(found.size());
  std::size_t longest = 0;  // no kept finding reaching f.begin starts before f.begin - longest
  for (const auto& f : found) {
    bool drop = false;
    for (auto it = kept.rbegin(); it != kept.rend() && it->begin + longest > f.begin; ++it) {
      if (!overlaps(*it, f)) continue;
      if (it->kind == f.kind || f.kind == generic) {
        drop = true;
        break;
      }
      if (it->kind == generic) it->end = it->begin;  // emptied, removed below
    }
    if (!drop) {
      kept.push_back(f);
      longest = std::max(longest, f.end - f.begin);
    }
  }
  std::erase_if(kept, [](const Finding& f) { return f.end == f.begin; });
  return kept;
}

bool Guard::json_may_match(std::string_view body) const {
  if (custom_set_) return true;
  return Detectors::instance().json_may_match(body, settings_);
}

std::string Guard::redact(std::string_view text, std::span<const Finding> findings) const {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (const auto& f : findings) {
    if (actions_[f.kind] != Action::Redact || f.end <= pos) continue;
    out.append(text.substr(pos, f.begin > pos ? f.begin - pos : 0));
    if (f.begin >= pos) out += placeholder(f.kind);
    pos = f.end;
  }
  out.append(text.substr(std::min(pos, text.size())));
  return out;
}

Action Guard::strongest(std::span<const Finding> findings) const {
  Action a = Action::Off;
  for (const auto& f : findings) a = std::max(a, actions_[f.kind]);
  return a;
}

const Finding* Guard::first_block(std::span<const Finding> findings) const {
  for (const auto& f : findings) {
    if (actions_[f.kind] == Action::Block) return &f;
  }
  return nullptr;
}

bool Guard::tool_denied(std::string_view name) const {
  for (const auto& g : config_.tool_deny) {
    if (core::glob_match(g, name)) return true;
  }
  if (config_.tool_allow.empty()) return false;
  return std::none_of(config_.tool_allow.begin(), config_.tool_allow.end(),
                      [&](const std::string& g) { return core::glob_match(g, name); });
}

void Guard::count(std::span<const Finding> findings, Counts& counts) const {
  for (const auto& f : findings) {
    const auto name = kind_name(f.kind);
    auto it = counts.find(name);
    if (it == counts.end()) it = counts.emplace(std::string(name), 0).first;
    ++it->second;
  }
}

core::GatewayError blocked_error(std::string_view kind) {
  core::GatewayError e;
  e.kind = core::ErrorKind::InvalidRequest;
  e.message = "request blocked by guardrails: it contains " + std::string(kind) +
              " (remove it and retry; the content was not stored)";
  e.code = "guardrail_blocked";
  return e;
}

std::string counts_text(const Counts& counts) {
  std::string out;
  for (const auto& [kind, n] : counts) {
    if (!out.empty()) out += ", ";
    out += kind + "=" + std::to_string(n);
  }
  return out;
}

}  // namespace sluice::guard
