#include "intel/classifier_features.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <string>

#include "intel/features_text.hpp"

namespace sluice::intel {
namespace {

constexpr std::size_t kMaxWords = 400;
constexpr std::size_t kMaxFileFeatures = 16;  // files looked at, most recent mentions included

// Words that open a question rather than an instruction.
constexpr std::array<std::string_view, 14> kQuestionOpeners{
    "what", "why", "how",  "where", "when", "which", "who",
    "is",   "are", "does", "do",    "can",  "could", "should"};

constexpr std::array<std::string_view, 9> kTraceMarks{"Traceback (most recent call last)",
                                                      "Exception",
                                                      "Error:",
                                                      "error:",
                                                      "panic:",
                                                      "at java.",
                                                      "    at ",
                                                      "Segmentation fault",
                                                      "undefined reference"};

class Hasher {
 public:
  Hasher(std::uint32_t bits, Features& out) : mask_((1u << bits) - 1), out_(out) {}

  void add(std::uint64_t h, float v) {
    // Fold the high bits in: FNV's low bits alone are poorly mixed for short keys.
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 32;
    out_.index.push_back(static_cast<std::uint32_t>(h) & mask_);
    out_.value.push_back(v);
  }
  void add(std::string_view tag, std::string_view s, float v = 1.0f) {
    add(fnv1a(s, fnv1a(tag)), v);
  }
  void add2(std::string_view tag, std::string_view a, std::string_view b, float v) {
    add(fnv1a(b, fnv1a("\x1f", fnv1a(a, fnv1a(tag)))), v);
  }
  // Scales the values added since `from` by 1/sqrt(count): a group's weight does not grow with
  // its length (unit L2 norm when its features are distinct).
  void normalise_from(std::size_t from, float weight = 1.0f) {
    const std::size_t n = out_.value.size() - from;
    if (n == 0) return;
    const float s = weight / std::sqrt(static_cast<float>(n));
    for (std::size_t i = from; i < out_.value.size(); ++i) out_.value[i] *= s;
  }
  std::size_t size() const { return out_.value.size(); }

 private:
  std::uint32_t mask_;
  Features& out_;
};

std::string_view bucket(std::uint32_t n, std::initializer_list<std::uint32_t> edges,
                        std::initializer_list<std::string_view> names) {
  auto name = names.begin();
  for (const auto e : edges) {
    if (n <= e) return *name;
    ++name;
  }
  return *name;
}

void word_features(std::span<const std::string_view> words, Hasher& h) {
  const std::size_t from = h.size();
  std::string_view prev = "<s>";
  for (const auto w : words) {
    h.add("w", w);
    h.add2("b", prev, w, 1.0f);
    prev = w;
  }
  if (!words.empty()) h.add2("b", prev, "</s>", 1.0f);
  h.normalise_from(from);
  // The opening words say what kind of request it is ("fix", "why does", "add a test").
  if (!words.empty()) {
    h.add("f", words[0]);
    if (words.size() > 1) h.add2("f2", words[0], words[1], 1.0f);
  }
  // The same past the pleasantries people open with ("hey, could you please fix ...").
  static constexpr std::array<std::string_view, 20> kFiller{
      "hey",    "hi",  "ok",  "okay",  "so",  "now", "next", "also", "then",  "and",
      "please", "pls", "can", "could", "you", "i",   "need", "to",   "quick", "one"};
  std::size_t head = 0;
  while (head < words.size() &&
         std::find(kFiller.begin(), kFiller.end(), words[head]) != kFiller.end()) {
    ++head;
  }
  if (head < words.size()) {
    h.add("hw", words[head]);
    if (head + 1 < words.size()) h.add2("hw2", words[head], words[head + 1], 1.0f);
  }
}

void char_gram_features(std::span<const std::string_view> words, Hasher& h) {
  const std::size_t from = h.size();
  std::string padded;
  for (const auto w : words) {
    if (w.size() < 3 || w.size() > 24) continue;
    padded.assign(1, '<');
    padded.append(w);
    padded.push_back('>');
    for (std::size_t n = 3; n <= 5; ++n) {
      for (std::size_t i = 0; i + n <= padded.size(); ++i) {
        h.add("c", std::string_view(padded).substr(i, n));
      }
    }
  }
  h.normalise_from(from, 0.7f);
}

// Path words serve twice: as features, and for the sensitive zones a file lies in.
void path_features(const RequestSignals& s, const SensitiveTerms& terms, SensitiveHits& hits,
                   Hasher& h) {
  const std::size_t from = h.size();
  std::string storage;
  std::size_t seen = 0;
  bool any_test = false, any_doc = false, edited_test = false, edited_doc = false,
       edited_other = false;
  for (const auto& f : s.files) {
    const auto words = words_of(f.path, storage);
    const ZoneMask zones = terms.match_words_of_path(f.path, words);
    if (!f.current) {
      // Earlier turns' files are context: they set the scene, not this request's intent.
      hits.earlier |= zones;
      continue;
    }
    const bool test = is_test_path(f.path);
    if (test) {
      // A test named after a zone (checkout.spec.ts) tests it; it does not change it.
      hits.tests |= zones;
    } else {
      hits.current |= zones;
      if (f.edited) hits.edited |= zones;
    }
    if (seen++ >= kMaxFileFeatures) continue;
    for (const auto w : words) h.add("p", w);
    const auto dot = f.path.rfind('.');
    if (dot != std::string::npos && f.path.find('/', dot) == std::string::npos) {
      h.add("e", std::string_view(f.path).substr(dot + 1));
    }
    const bool doc = is_doc_path(f.path);
    any_test = any_test || test;
    any_doc = any_doc || doc;
    if (f.edited) {
      edited_test = edited_test || test;
      edited_doc = edited_doc || doc;
      edited_other = edited_other || (!test && !doc);
    }
  }
  h.normalise_from(from);
  if (any_test) h.add("F", "test_path");
  if (any_doc) h.add("F", "doc_path");
  if (edited_test) h.add("F", "edited_test");
  if (edited_doc) h.add("F", "edited_doc");
  if (edited_other) h.add("F", "edited_code");
}

void zone_features(const SensitiveHits& hits, std::span<const std::string_view> words, Hasher& h) {
  for (std::size_t z = 0; z < kZones; ++z) {
    const auto bit = zone_bit(static_cast<Zone>(z));
    const auto name = zone_name(static_cast<Zone>(z));
    if ((hits.instruction & bit) != 0) h.add("Zi", name);
    if ((hits.current & bit) != 0) h.add("Zc", name);
    if ((hits.edited & bit) != 0) h.add("Ze", name);
    if ((hits.earlier & bit) != 0) h.add("Zo", name);
    if ((hits.tests & bit) != 0) h.add("Zx", name);
  }
  if (hits.task() == 0) return;
  h.add("Z", "task");
  // The words again, conjoined with "a sensitive zone is involved": a linear model cannot learn
  // that "refactor" next to "auth" means high stakes while "test" or "explain" does not.
  const std::size_t from = h.size();
  for (const auto w : words) h.add("Zw", w);
  h.normalise_from(from);
}

// `text` with quoted spans ('...', "...", `...`, on one line) blanked out. A quote opens only
// after a non-word character, so the apostrophe in "don't" opens nothing.
std::string unquoted(std::string_view text) {
  std::string out(text);
  std::size_t i = 0;
  while (i < out.size()) {
    const char q = out[i];
    const bool opens = (q == '\'' || q == '"' || q == '`') &&
                       (i == 0 || !is_alnum(static_cast<unsigned char>(out[i - 1])));
    if (!opens) {
      ++i;
      continue;
    }
    const auto close = out.find(q, i + 1);
    const auto eol = out.find('\n', i + 1);
    if (close == std::string::npos || (eol != std::string::npos && eol < close) || close - i > 80) {
      ++i;
      continue;
    }
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(i),
              out.begin() + static_cast<std::ptrdiff_t>(close) + 1, ' ');
    i = close + 1;
  }
  return out;
}

// Developer vocabulary that marks each kind of request, as one feature per kind: new phrasings
// share these words with the training data even when nothing else matches.
enum Cue : std::uint8_t {
  kAsk = 1,
  kBroken = 2,
  kTests = 4,
  kRestructure = 8,
  kCosmetic = 16,
  kBuild = 32
};

const FlagTable& cue_table() {
  static const auto table = [] {
    FlagTable t;
    auto add = [&](std::uint8_t cue, std::initializer_list<std::string_view> words) {
      for (auto w : words) t.add(fnv1a(w), cue);
    };
    add(kAsk, {"what",      "why",         "how",           "where",      "which",    "who",
               "explain",   "understand",  "understanding", "difference", "overview", "summarize",
               "summarise", "summary",     "meaning",       "mean",       "means",    "recommend",
               "suggest",   "suggestions", "compare",       "opinion",    "thoughts", "advice",
               "tell",      "describe",    "walk",          "question",   "curious",  "learn",
               "thanks",    "thank",       "wondering",     "review",     "audit",    "estimate",
               "ideas",     "status",      "interpret",     "help",       "pros",     "cons",
               "should",    "would",       "could"});
    add(kBroken,
        {"fix",         "bug",       "broken",    "breaks",       "broke",    "breaking",
         "crash",       "crashes",   "crashing",  "error",        "errors",   "exception",
         "fails",       "failing",   "failed",    "failure",      "hang",     "hangs",
         "leak",        "race",      "deadlock",  "regression",   "wrong",    "incorrect",
         "panic",       "segfault",  "traceback", "timeout",      "stuck",    "freeze",
         "investigate", "diagnose",  "debug",     "reproduce",    "issue",    "problem",
         "doesn",       "isn",       "won",       "instead",      "never",    "unexpected",
         "blank",       "missing",   "duplicate", "slow",         "throws",   "corrupt",
         "corrupts",    "ignores",   "stale",     "stops",        "dies",     "returns",
         "nothing",     "negative",  "off",       "twice",        "lost",     "disconnects",
         "break",       "truncated", "garbled",   "intermittent", "sometimes"});
    add(kTests, {"test",   "tests",     "testing",       "unittest",     "coverage", "mock",
                 "mocks",  "mocking",   "stub",          "stubs",        "fixture",  "fixtures",
                 "assert", "assertion", "assertions",    "spec",         "snapshot", "e2e",
                 "flaky",  "pytest",    "jest",          "junit",        "gtest",    "testify",
                 "fuzz",   "doctest",   "doctests",      "harness",      "golden",   "regression",
                 "fake",   "fakes",     "deterministic", "reproducible", "ci",       "verify",
                 "cover",  "covering"});
    add(kRestructure,
        {"refactor",    "restructure",    "extract",     "split",       "move",      "reorganize",
         "reorganise",  "consolidate",    "dedupe",      "duplication", "simplify",  "cleanup",
         "tidy",        "modernize",      "modernise",   "replace",     "convert",   "port",
         "decouple",    "inline",         "generic",     "generics",    "interface", "abstraction",
         "readability", "decompose",      "composition", "rewrite",     "unify",     "merge",
         "layer",       "module",         "modules",     "everywhere",  "callers",   "pattern",
         "across",      "throughout",     "references",  "codebase",    "circular",  "dependency",
         "structure",   "responsibility", "shared",      "common",      "reuse",     "combine",
         "flatten",     "separate"});
    add(kCosmetic,
        {"typo",         "typos",          "spelling",   "misspelled",     "misspelling",
         "comment",      "comments",       "docstring",  "docs",           "documentation",
         "readme",       "changelog",      "format",     "formatting",     "formatter",
         "indentation",  "whitespace",     "lint",       "linter",         "bump",
         "version",      "wording",        "reword",     "label",          "color",
         "colour",       "padding",        "copyright",  "newline",        "unused",
         "annotation",   "annotations",    "hints",      "grammar",        "todo",
         "rename",       "gitignore",      "badge",      "constant",       "log",
         "level",        "quotes",         "capitalize", "capitalization", "markdown",
         "text",         "message",        "deprecated", "title",          "sort",
         "tabs",         "spaces",         "blank",      "indent",         "style",
         "alphabetical", "alphabetically", "prettier",   "black",          "gofmt",
         "rustfmt",      "eslint",         "flake8",     "clippy",         "semicolons",
         "punctuation"});
    add(kBuild, {"add",    "implement", "support",   "create", "build",    "new",      "allow",
                 "enable", "introduce", "feature",   "option", "flag",     "endpoint", "page",
                 "button", "command",   "integrate", "let",    "generate", "expose",   "show",
                 "notify", "send",      "upload",    "export", "import",   "view",     "subcommand",
                 "mode",   "parameter", "filter",    "can",    "users"});
    return t;
  }();
  return table;
}

// "don't change anything", "do not modify it", "read-only", "comments only", "just explain": the
// user says nothing is to change. "Don't touch anything else" (or "change anything else") limits
// a change rather than forbidding one.
bool hands_off(std::span<const std::string_view> words) {
  auto in = [](std::string_view w, std::initializer_list<std::string_view> set) {
    return std::find(set.begin(), set.end(), w) != set.end();
  };
  auto at = [&](std::size_t i) { return i < words.size() ? words[i] : std::string_view{}; };
  for (std::size_t i = 0; i < words.size(); ++i) {
    const auto w = words[i], next = at(i + 1);
    if ((in(w, {"read", "comments", "answer", "explanation"}) && next == "only") ||
        (w == "just" &&
         in(next, {"explain", "list", "tell", "answer", "suggestions", "curious"}))) {
      return true;
    }
    if (!in(w, {"don", "dont", "not", "no", "never"})) continue;
    // "don't change it", "do not modify", "no code": up to two words between.
    for (std::size_t k = i + 1; k < std::min(words.size(), i + 4); ++k) {
      const bool change = in(words[k], {"change", "changes", "modify", "edit", "edits", "fix",
                                        "code", "write", "implement"});
      const bool limits = at(k + 1) == "anything" && at(k + 2) == "else";
      if (change && !limits) return true;
    }
  }
  return false;
}

void cue_features(std::span<const std::string_view> words, const SensitiveHits& hits, Hasher& h) {
  static constexpr std::array<std::string_view, 6> kNames{"ask",         "broken",   "tests",
                                                          "restructure", "cosmetic", "build"};
  std::array<int, 6> count{};
  const auto& table = cue_table();
  for (const auto w : words) {
    const auto cues = table.find(fnv1a(w));
    for (std::size_t c = 0; c < count.size(); ++c) count[c] += (cues >> c) & 1;
  }
  bool any = false;
  for (std::size_t c = 0; c < count.size(); ++c) {
    if (count[c] == 0) continue;
    any = true;
    // Presence matters more than repetition: 1, 2, 3+ occurrences map to 1, 1.4, 1.7.
    h.add("cue", kNames[c], std::sqrt(static_cast<float>(std::min(count[c], 3))));
    // The kind of request within a sensitive zone: building or fixing there is high stakes,
    // asking or testing is not.
    if (hits.task() != 0) h.add("Zq", kNames[c]);
  }
  if (!any && hits.task() != 0) h.add("Zq", "none");
  if (hands_off(words)) {
    h.add("cue", "hands_off");
    if (hits.task() != 0) h.add("Zq", "hands_off");
  }
}

void shape_features(const RequestSignals& s, std::span<const std::string_view> words, Hasher& h) {
  h.add("Sc", bucket(s.change_lines, {0, 3, 20, 80, 300},
                     {"0", "1-3", "4-20", "21-80", "81-300", "300+"}));
  h.add("St", bucket(s.turns, {1, 3, 9}, {"1", "2-3", "4-9", "10+"}));
  h.add("Su", bucket(s.user_turns, {1, 3}, {"1", "2-3", "4+"}));
  h.add("Sk", bucket(s.tool_calls, {0, 3, 12}, {"0", "1-3", "4-12", "13+"}));
  h.add("Se", bucket(s.edit_calls, {0, 1, 4}, {"0", "1", "2-4", "5+"}));
  h.add("Sf",
        bucket(static_cast<std::uint32_t>(s.files.size()), {0, 1, 4}, {"0", "1", "2-4", "5+"}));
  h.add("Sw", bucket(static_cast<std::uint32_t>(words.size()), {0, 3, 8, 20, 60},
                     {"0", "1-3", "4-8", "9-20", "21-60", "61+"}));
  if (s.tool_error) h.add("S", "tool_error");
  if (s.tools_offered) h.add("S", "tools_offered");
  const std::string_view text = s.latest_instruction;
  const auto last = text.find_last_not_of(" \n\t");
  if (last != std::string_view::npos && text[last] == '?') h.add("S", "ends_with_question");
  if (!words.empty() && std::find(kQuestionOpeners.begin(), kQuestionOpeners.end(), words[0]) !=
                            kQuestionOpeners.end()) {
    h.add("S", "question_opener");
  }
  if (text.find("```") != std::string_view::npos) h.add("S", "code_block");
  if (std::any_of(kTraceMarks.begin(), kTraceMarks.end(),
                  [&](auto m) { return text.find(m) != std::string_view::npos; })) {
    h.add("S", "stack_trace");
  }
}

}  // namespace

Features featurize(const RequestSignals& signals, const SensitiveTerms& terms, std::uint32_t bits) {
  Features out;
  out.index.reserve(1024);
  out.value.reserve(1024);
  Hasher h(bits, out);
  std::string storage;
  auto words = words_of(signals.latest_instruction, storage);
  if (words.size() > kMaxWords) words.resize(kMaxWords);
  out.sensitive.instruction = terms.match(words);
  word_features(words, h);
  char_gram_features(words, h);
  path_features(signals, terms, out.sensitive, h);
  zone_features(out.sensitive, words, h);
  // Quoted text is content ('seperate' -> 'separate', the label 'Save'), not the request.
  std::string unquoted_storage;
  const auto plain = unquoted(signals.latest_instruction);
  auto request_words = words_of(plain, unquoted_storage);
  if (request_words.size() > kMaxWords) request_words.resize(kMaxWords);
  cue_features(request_words, out.sensitive, h);
  shape_features(signals, words, h);
  return out;
}

}  // namespace sluice::intel
