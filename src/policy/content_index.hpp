#pragma once
// The regular expressions of every `content` and `content_latest` condition of a policy set,
// compiled once into two RE2::Sets (one over the whole prompt, one over the latest instruction).
// A request's text is scanned at most once per set, and only when a rule whose cheaper
// conditions all held asks; a rule then looks up its pattern ids in the result.

#include <re2/re2.h>
#include <re2/set.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

  std::vector<std::string> patterns_[2];
  // Each pattern alone: the fallback when the set's DFA runs out of memory on some input.
  std::vector<std::unique_ptr<RE2>> singles_[2];
  std::unique_ptr<RE2::Set> sets_[2];
};

}  // namespace sluice::policy
