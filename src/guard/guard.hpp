#pragma once
// A compiled guardrail configuration: which kinds to look for and what to do with each, the
// custom patterns, and the tool lists. Built once per config generation and shared, immutable,
// by every request and thread (hold it in a std::shared_ptr<const Guard>).

#include <re2/re2.h>
#include <re2/set.h>

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "guard/config.hpp"
#include "guard/detectors.hpp"
#include "guard/kinds.hpp"

namespace sluice::guard {

/// Findings counted by kind name ("email", "custom:employee_id"): all that leaves the guard
/// about what a text contained.
using Counts = std::map<std::string, std::uint32_t, std::less<>>;

class Guard {
 public:
  /// Throws std::invalid_argument for a custom pattern RE2 rejects (parse_guard_config reports
  /// those with their position first).
  explicit Guard(GuardConfig config);
  ~Guard();
  Guard(const Guard&) = delete;
  Guard& operator=(const Guard&) = delete;

  const GuardConfig& config() const { return config_; }

  /// Kind ids are the built-in kinds, then one per custom pattern.
  std::size_t kind_count() const { return names_.size(); }
  std::string_view kind_name(KindId id) const { return names_[id]; }
  Category category(KindId id) const;
  Action action(KindId id) const { return actions_[id]; }

  /// Whether any kind is looked for (some action other than off).
  bool scans_text() const { return scans_text_; }
  bool has_tool_rules() const { return !config_.tool_allow.empty() || !config_.tool_deny.empty(); }
  /// Whether answers are scanned: `responses` is on and there is something to look for.
  bool scans_responses() const { return config_.responses && (scans_text_ || has_tool_rules()); }
  std::size_t max_lookbehind() const { return config_.max_lookbehind; }

  /// The findings of every kind not turned off, sorted by position. Overlaps are resolved:
  /// one finding per span and kind, and a generic_secret inside a specific secret is dropped.
  std::vector<Finding> scan(std::string_view text) const;

  /// Whether a raw JSON body may hold a finding in a decoded string; false is certain. With
  /// custom patterns (which cannot be checked through JSON escapes) the answer is always true.
  bool json_may_match(std::string_view body) const;

  /// `text` with each finding whose action is redact replaced by "[REDACTED:<kind>]".
  /// Overlapping findings become one placeholder (the first one's kind).
  std::string redact(std::string_view text, std::span<const Finding> findings) const;
  std::string placeholder(KindId id) const;

  /// The strongest action among `findings` (Off when there are none).
  Action strongest(std::span<const Finding> findings) const;
  /// The first finding whose action is block, or nullptr.
  const Finding* first_block(std::span<const Finding> findings) const;

  /// A tool name the config forbids: it matches a deny glob, or an allow list exists and it
  /// matches none of it. For tools offered upstream and tool calls in responses alike.
  bool tool_denied(std::string_view name) const;

  void count(std::span<const Finding> findings, Counts& counts) const;

 private:
  void scan_custom(std::string_view text, std::vector<Finding>& out) const;

  GuardConfig config_;
  DetectorSettings settings_;
  std::vector<std::string> names_;
  std::vector<Action> actions_;
  bool scans_text_ = false;
  std::vector<std::unique_ptr<RE2>> custom_;  // by custom index; null when its action is off
  std::unique_ptr<RE2::Set> custom_set_;      // the active ones, to skip texts none matches
  std::vector<int> custom_set_index_;         // set index -> custom index
};

/// The error a request blocked by the guardrails is answered with (400, code
/// "guardrail_blocked"), naming the kind, never the content.
core::GatewayError blocked_error(std::string_view kind);

/// "aws_access_key=1, email=2": counts as the x-sluice-guardrails header shows them.
std::string counts_text(const Counts& counts);

}  // namespace sluice::guard
