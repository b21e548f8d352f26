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

// Atoms shorter than this say little about a text ("ab" is everywhere) and are not looked for.
constexpr int kMinAtomLength = 3;
// More patterns than this passing the filter: one set pass beats running each alone.
constexpr std::size_t kMaxSingles = 3;

// UTF-8 of the two characters whose simple case folding is an ASCII letter: KELVIN SIGN (k)
// and LATIN SMALL LETTER LONG S (s). RE2's (?i) matches them; an ASCII-lowered text hides them.
bool folds_into_ascii(std::string_view text) {
  return text.find("\xE2\x84\xAA") != std::string_view::npos ||
         text.find("\xC5\xBF") != std::string_view::npos;
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
    auto filtered = std::make_unique<re2::FilteredRE2>(kMinAtomLength);
    for (const auto& p : patterns_[s]) {
      int id = 0;
      filtered->Add(p, options(), &id);  // compiles: add() checked each pattern
    }
    std::vector<std::string> atoms;
    filtered->Compile(&atoms);
    literals_[s] = std::make_unique<LiteralFilter>(std::move(atoms));
    filtered_[s] = std::move(filtered);
  }
  return true;
}

void ContentIndex::scan(Scope scope, std::string_view text,
                        std::vector<unsigned char>& hits) const {
  const auto s = index(scope);
  hits.assign(patterns_[s].size(), 0);
  if (!sets_[s]) return;
  if (folds_into_ascii(text)) return scan_set(s, text, hits);
  std::vector<int> atoms;
  literals_[s]->find(text, atoms);
  std::vector<int> passed;
  filtered_[s]->AllPotentials(atoms, &passed);
  if (passed.size() > kMaxSingles) return scan_set(s, text, hits);
  for (int id : passed) {
    hits[static_cast<std::size_t>(id)] =
        RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), filtered_[s]->GetRE2(id));
  }
}

void ContentIndex::scan_set(std::size_t s, std::string_view text,
                            std::vector<unsigned char>& hits) const {
  std::vector<int> found;
  RE2::Set::ErrorInfo info{};
  if (sets_[s]->Match(re2::StringPiece(text.data(), text.size()), &found, &info)) {
    for (int id : found) hits[static_cast<std::size_t>(id)] = 1;
    return;
  }
  if (info.kind == RE2::Set::kNoError) return;  // nothing matched
  // The DFA gave up (its cache is bounded); each pattern alone still answers, just slower.
  for (std::size_t i = 0; i < patterns_[s].size(); ++i) {
    hits[i] = RE2::PartialMatch(re2::StringPiece(text.data(), text.size()),
                                filtered_[s]->GetRE2(static_cast<int>(i)));
  }
}

}  // namespace sluice::policy
