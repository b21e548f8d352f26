#pragma once
// Helpers shared by the guardrail tests: guards with given actions, the labelled sample corpus
// and the clean corpus (tests/guard_corpus), and readable views of findings.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "guard/guard.hpp"

namespace sluice::guard::testing {

inline std::filesystem::path corpus_dir() {
  return std::filesystem::path(SLUICE_SOURCE_DIR) / "tests" / "guard_corpus";
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// One labelled line of positive.jsonl: `kind` is empty for a near-miss that must not fire.
struct Sample {
  std::string kind;
  std::string text;
  std::optional<std::string> match;
  std::string note;
};

inline std::vector<Sample> samples() {
  std::vector<Sample> out;
  std::ifstream in(corpus_dir() / "positive.jsonl");
  for (std::string line; std::getline(in, line);) {
    if (line.empty()) continue;
    const auto v = boost::json::parse(line).as_object();
    Sample s;
    if (v.at("kind").is_string()) s.kind = std::string(v.at("kind").as_string());
    s.text = std::string(v.at("text").as_string());
    if (v.at("match").is_string()) s.match = std::string(v.at("match").as_string());
    s.note = std::string(v.at("note").as_string());
    out.push_back(std::move(s));
  }
  return out;
}

/// The clean corpus: (file name, contents).
inline std::vector<std::pair<std::string, std::string>> clean_files() {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& e : std::filesystem::directory_iterator(corpus_dir() / "clean")) {
    if (e.is_regular_file()) out.emplace_back(e.path().filename().string(), read_file(e.path()));
  }
  return out;
}

/// A guard whose categories all default to `fallback`, with per-kind overrides.
inline GuardConfig config_with(Action fallback,
                               std::initializer_list<std::pair<Kind, Action>> kinds = {}) {
  GuardConfig c;
  c.category_actions = {fallback, fallback, fallback};
  for (const auto& [k, a] : kinds) c.kind_actions[static_cast<std::size_t>(k)] = a;
  return c;
}

/// "kind{matched text}" for each finding, in order.
inline std::vector<std::string> describe(const Guard& g, std::string_view text,
                                         const std::vector<Finding>& found) {
  std::vector<std::string> out;
  for (const auto& f : found) {
    out.push_back(std::string(g.kind_name(f.kind)) + "{" +
                  std::string(text.substr(f.begin, f.end - f.begin)) + "}");
  }
  return out;
}

/// A JSON string's text (anything else serialised), for comparisons with std::string.
inline std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : boost::json::serialize(v);
}

inline std::vector<std::string> scan(const Guard& g, std::string_view text) {
  return describe(g, text, g.scan(text));
}

}  // namespace sluice::guard::testing
