#pragma once
// A compiled `match:` block, shared by rules and skills: every condition must hold (AND), a list
// value holds when any item does (OR), and `not:` negates a nested block. Conditions are sorted
// cheapest first, so a rule that fails on its model or team never pays for a content scan.

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/content_index.hpp"
#include "policy/facts.hpp"
#include "policy/time_window.hpp"

namespace sluice::policy {

/// Shell-style globs ('*', '?'; see core/glob.hpp), any of which may match. Items without a
/// wildcard compare exactly.
class Globs {
 public:
  void add(std::string pattern);
  bool any(std::string_view text) const;
  bool empty() const { return exact_.empty() && globs_.empty(); }

 private:
  std::vector<std::string> exact_;
  std::vector<std::string> globs_;
};

/// What one request's evaluation has learnt so far: the content scans run at most once each,
/// when the first condition that needs them is reached. One per evaluation; not shared.
class EvalState {
 public:
  EvalState(const RequestFacts& facts, const ContentIndex& content)
      : facts_(facts), content_(content) {}
  const RequestFacts& facts() const { return facts_; }
  bool content_hit(Scope scope, int id);
  /// How many content scans ran (0, 1 or 2): for tests and benchmarks.
  int scans() const { return scanned_[0] + scanned_[1]; }

 private:
  const RequestFacts& facts_;
  const ContentIndex& content_;
  std::vector<unsigned char> hits_[2];
  bool scanned_[2] = {false, false};
};

class Match;

/// One condition of a match block.
struct Condition {
  // In order of cost: a rule checks its conditions in this order and stops at the first miss.
  enum class Kind {
    Wire,
    Budget,
    Risk,
    Field,
    Tools,
    Finding,
    Header,
    Metadata,
    Time,
    Not,
    Content
  };
  enum class Field { Key, User, Team, Project, Role, Model, Route, Region, Intent };

  Kind kind = Kind::Field;
  int cost = 0;
  Field field = Field::Model;
  Globs globs;             // Field, Tools, Finding, Header, Metadata
  std::string name;        // Header (lower-case) and Metadata field names
  std::uint32_t mask = 0;  // Wire: endpoint bits; Budget: state bits
  double lo = 0, hi = 1;   // Risk bounds
  bool lo_open = false, hi_open = false;
  std::optional<TimeWindow> time;
  std::shared_ptr<const Match> inner;  // Not
  Scope scope = Scope::Prompt;         // Content
  std::vector<int> ids;                // Content: pattern ids, any of which may be found

  bool holds(EvalState& st) const;
};

class Match {
 public:
  /// True when every condition holds; an empty block always holds.
  bool matches(EvalState& st) const;
  bool always() const { return conditions_.empty(); }
  /// Whether some condition (maybe nested) is of this kind: the pipeline gathers the costlier
  /// facts (the prompt text, the tools, the metadata) only for a set that reads them.
  bool reads(Condition::Kind kind) const;
  bool reads_content() const { return reads(Condition::Kind::Content); }
  /// The block as the file wrote it, on one line (for `sluice skills list` and explanations).
  const std::string& source() const { return source_; }

 private:
  friend Match compile_match(const YAML::Node& node, ContentIndex& content, std::string_view what);
  std::vector<Condition> conditions_;
  std::string source_;
};

/// Compiles a `match:` mapping (null: always). Throws core::YamlFail at the offending node for
/// unknown fields, bad globs, regexes, time windows and risk expressions; `what` names the block
/// in messages ("rule 'x' match").
Match compile_match(const YAML::Node& node, ContentIndex& content, std::string_view what);

/// "a" or ["a", "b"] -> the items, each non-empty; throws core::YamlFail otherwise.
std::vector<std::string> string_list(const YAML::Node& node, std::string_view what);

}  // namespace sluice::policy
