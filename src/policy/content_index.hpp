#pragma once
// The regular expressions of every `content` and `content_latest` condition of a policy set,
// compiled once per scope (the whole prompt, the latest instruction). A request's text is
// scanned at most once per scope, and only when a rule whose cheaper conditions all held asks;
// a rule then looks up its pattern ids in the result.
//
// A scan first looks for the literals each pattern needs (RE2's FilteredRE2 atoms, found by a
// LiteralFilter in one pass) and runs only the patterns whose literals are all there, each on
// its own; ordinary text holds few of them, and the filter pass is several times faster than
// a DFA's. When more than a few patterns pass (or the text holds a character that Unicode case
// folding maps onto an ASCII letter, which the ASCII filter cannot see), one RE2::Set pass over
// the text answers for all of them instead, so the worst case is the set's.

#include <re2/filtered_re2.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/literal_filter.hpp"

namespace sluice::policy {

enum class Scope { Prompt, Latest };

class ContentIndex {
 public:
  ContentIndex();
  ~ContentIndex();
  ContentIndex(ContentIndex&&) noexcept;
  ContentIndex& operator=(ContentIndex&&) noexcept;

  /// Adds a pattern and returns its id within `scope`; nullopt and RE2's reason in `error` when
  /// the pattern does not compile. Identical patterns share an id.
  std::optional<int> add(Scope scope, const std::string& pattern, std::string* error);
  /// Builds the sets; false (with a reason) when RE2 cannot, e.g. past its memory budget.
  bool compile(std::string* error);

  bool empty(Scope scope) const { return patterns_[index(scope)].empty(); }
  std::size_t size(Scope scope) const { return patterns_[index(scope)].size(); }
  /// hits[id] is 1 for every pattern of `scope` found in `text`. Thread-safe (RE2 is).
  void scan(Scope scope, std::string_view text, std::vector<unsigned char>& hits) const;

 private:
  static std::size_t index(Scope s) { return s == Scope::Prompt ? 0 : 1; }

  void scan_set(std::size_t s, std::string_view text, std::vector<unsigned char>& hits) const;

  std::vector<std::string> patterns_[2];
  // Each pattern alone, behind its literals' filter; also the fallback when the set's DFA
  // runs out of memory on some input.
  std::unique_ptr<re2::FilteredRE2> filtered_[2];
  std::unique_ptr<LiteralFilter> literals_[2];
  std::unique_ptr<RE2::Set> sets_[2];
};

}  // namespace sluice::policy
