#include "policy/content_index.hpp"

#include <algorithm>

namespace sluice::policy {
namespace {

RE2::Options options() {
  RE2::Options o;
  o.set_log_errors(false);  // a bad pattern is reported at its YAML position instead
  o.set_max_mem(64 << 20);  // a set of a few hundred patterns fits; the default 8 MiB may not
  return o;
}

}  // namespace

ContentIndex::ContentIndex() = default;
ContentIndex::~ContentIndex() = default;
ContentIndex::ContentIndex(ContentIndex&&) noexcept = default;
ContentIndex& ContentIndex::operator=(ContentIndex&&) noexcept = default;

std::optional<int> ContentIndex::add(Scope scope, const std::string& pattern, std::string* error) {
  auto& patterns = patterns_[index(scope)];
  if (auto it = std::find(patterns.begin(), patterns.end(), pattern); it != patterns.end()) {
    return static_cast<int>(it - patterns.begin());
  }
  auto re = std::make_unique<RE2>(pattern, options());
  if (!re->ok()) {
    if (error) *error = re->error();
    return std::nullopt;
  }
  patterns.push_back(pattern);
  singles_[index(scope)].push_back(std::move(re));
  return static_cast<int>(patterns.size() - 1);
}

bool ContentIndex::compile(std::string* error) {
  for (std::size_t s = 0; s < 2; ++s) {
    if (patterns_[s].empty()) continue;
    auto set = std::make_unique<RE2::Set>(options(), RE2::UNANCHORED);
    for (const auto& p : patterns_[s]) {
      std::string e;
      if (set->Add(p, &e) < 0) {
        if (error) *error = "content pattern '" + p + "': " + e;
        return false;
      }
    }
    if (!set->Compile()) {
      if (error) *error = "the content patterns do not fit in RE2's memory budget";
      return false;
    }
    sets_[s] = std::move(set);
  }
  return true;
}

void ContentIndex::scan(Scope scope, std::string_view text,
                        std::vector<unsigned char>& hits) const {
  const auto s = index(scope);
  hits.assign(patterns_[s].size(), 0);
  if (!sets_[s]) return;
  std::vector<int> found;
  RE2::Set::ErrorInfo info{};
  if (sets_[s]->Match(re2::StringPiece(text.data(), text.size()), &found, &info)) {
    for (int id : found) hits[static_cast<std::size_t>(id)] = 1;
    return;
  }
  if (info.kind == RE2::Set::kNoError) return;  // nothing matched
  // The DFA gave up (its cache is bounded); each pattern alone still answers, just slower.
  for (std::size_t i = 0; i < singles_[s].size(); ++i) {
    hits[i] = RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *singles_[s][i]);
  }
}

}  // namespace sluice::policy
