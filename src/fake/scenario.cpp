#include "fake/scenario.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>

namespace sluice::fake {
namespace {

struct Control {
  std::string_view name;  // script key; the header is "x-fake-" + name with '_' as '-'
  std::string_view header;
  int min;
  int max;
  std::optional<int> Faults::*field;
};

constexpr int kMaxMs = 3'600'000;
constexpr std::array<Control, 9> kControls = {{
    {"status", "x-fake-status", 100, 599, &Faults::status},
    {"retry_after", "x-fake-retry-after", 0, 86'400, &Faults::retry_after},
    {"latency_ms", "x-fake-latency-ms", 0, kMaxMs, &Faults::latency_ms},
    {"first_byte_ms", "x-fake-first-byte-ms", 0, kMaxMs, &Faults::first_byte_ms},
    {"chunks", "x-fake-chunks", 1, 100'000, &Faults::chunks},
    {"chunk_gap_ms", "x-fake-chunk-gap-ms", 0, kMaxMs, &Faults::chunk_gap_ms},
    {"linger_ms", "x-fake-linger-ms", 0, kMaxMs, &Faults::linger_ms},
    {"reset_after", "x-fake-reset-after", 0, 1'000'000, &Faults::reset_after},
    {"error_after", "x-fake-error-after", 0, 1'000'000, &Faults::error_after},
}};
constexpr std::string_view kMalformedHeader = "x-fake-malformed";
constexpr std::string_view kReplyHeader = "x-fake-reply";
constexpr std::string_view kToolCallHeader = "x-fake-tool-call";
constexpr std::size_t kMaxToolName = 128;

/// A tool name as the wires accept it (OpenAI: ^[a-zA-Z0-9_-]{1,64}$; the others are laxer).
bool valid_tool_name(std::string_view s) {
  return !s.empty() && s.size() <= kMaxToolName && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == ':';
  });
}

std::optional<long long> parse_int(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  long long v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
    return std::nullopt;
  }
  return v;
}

std::optional<bool> parse_bool(std::string_view s) {
  if (s == "1" || s == "true" || s == "yes" || s == "on") {
    return true;
  }
  if (s == "0" || s == "false" || s == "no" || s == "off") {
    return false;
  }
  return std::nullopt;
}

std::string where(std::string_view name, const YAML::Mark& mark) {
  std::string out(name);
  if (!mark.is_null()) {
    out += ':' + std::to_string(mark.line + 1) + ':' + std::to_string(mark.column + 1);
  }
  return out;
}

/// Uniform in [0, 1), from a per-thread generator (no lock on the request path).
double unit_random() {
  thread_local std::mt19937_64 gen{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(gen);
}

ScenarioError script_error(std::string_view name, const YAML::Node& node, std::string_view what) {
  return {where(name, node.Mark()) + ": " + std::string(what)};
}

constexpr std::string_view kRuleKeys =
    "match, times, chance, status, retry_after, latency_ms, first_byte_ms, chunks, chunk_gap_ms, "
    "linger_ms, reset_after, error_after, malformed, reply, tool_call";

ScenarioResult<Script::Rule> parse_rule(const YAML::Node& node, std::string_view name,
                                        std::size_t index) {
  std::string label = "rule " + std::to_string(index + 1);
  if (!node.IsMap()) {
    return script_error(name, node,
                        label +
                            " must be a mapping (e.g. {match: {path: \"/v1/*\"}, "
                            "status: 500})");
  }
  Script::Rule rule;
  rule.line = node.Mark().line + 1;
  for (const auto& kv : node) {
    auto key = kv.first.as<std::string>();
    const YAML::Node& value = kv.second;
    if (key == "match") {
      if (!value.IsMap()) {
        return script_error(name, value,
                            label + ": 'match' must be a mapping with path and/or model");
      }
      for (const auto& m : value) {
        auto mkey = m.first.as<std::string>();
        if (mkey != "path" && mkey != "model") {
          return script_error(
              name, m.first, label + ": unknown match key '" + mkey + "' (expected path or model)");
        }
        if (!m.second.IsScalar()) {
          return script_error(name, m.second, label + ": match." + mkey + " must be a glob string");
        }
        (mkey == "path" ? rule.path : rule.model) = m.second.Scalar();
      }
      continue;
    }
    if (key == "times") {
      auto v = value.IsScalar() ? parse_int(value.Scalar()) : std::nullopt;
      if (!v || *v < 0) {
        return script_error(name, value, label + ": 'times' must be a non-negative integer");
      }
      rule.times = *v;
      continue;
    }
    if (key == "chance") {
      double v = -1;
      try {
        v = value.as<double>();
      } catch (const YAML::Exception&) {
      }
      if (!(v >= 0 && v <= 1)) {
        return script_error(name, value, label + ": 'chance' must be a number from 0 to 1");
      }
      rule.chance = v;
      continue;
    }
    if (key == "malformed") {
      auto v = value.IsScalar() ? parse_bool(value.Scalar()) : std::nullopt;
      if (!v) {
        return script_error(name, value, label + ": 'malformed' must be true or false");
      }
      rule.faults.malformed = *v;
      continue;
    }
    if (key == "reply" || key == "tool_call") {
      if (!value.IsScalar()) {
        return script_error(name, value, label + ": '" + key + "' must be a string");
      }
      if (key == "tool_call" && !valid_tool_name(value.Scalar())) {
        return script_error(name, value,
                            label + ": 'tool_call' must be a tool name (letters, digits, _-.:)");
      }
      (key == "reply" ? rule.faults.reply : rule.faults.tool_call) = value.Scalar();
      continue;
    }
    const Control* control = nullptr;
    for (const auto& c : kControls) {
      if (c.name == key) {
        control = &c;
      }
    }
    if (control == nullptr) {
      return script_error(
          name, kv.first,
          label + ": unknown key '" + key + "' (expected one of " + std::string(kRuleKeys) + ")");
    }
    auto v = value.IsScalar() ? parse_int(value.Scalar()) : std::nullopt;
    if (!v || *v < control->min || *v > control->max) {
      return script_error(name, value,
                          label + ": '" + key + "' must be an integer from " +
                              std::to_string(control->min) + " to " + std::to_string(control->max));
    }
    rule.faults.*(control->field) = static_cast<int>(*v);
  }
  return rule;
}

}  // namespace

void throw_exception_from_error(const ScenarioError& e, const boost::source_location&) {
  throw std::runtime_error(e.message);
}

void Faults::merge(const Faults& over) {
  for (const auto& c : kControls) {
    if (over.*(c.field)) {
      this->*(c.field) = over.*(c.field);
    }
  }
  if (over.malformed) {
    malformed = over.malformed;
  }
  if (over.reply) {
    reply = over.reply;
  }
  if (over.tool_call) {
    tool_call = over.tool_call;
  }
}

ScenarioResult<Faults> faults_from_headers(const http::Headers& headers) {
  Faults f;
  for (const auto& h : headers) {
    if (h.name.size() < 7 || h.name.compare(0, 7, "x-fake-") != 0) {
      continue;
    }
    if (h.name == kMalformedHeader) {
      auto v = parse_bool(h.value);
      if (!v) {
        return ScenarioError{"x-fake-malformed must be 1 or 0, got '" + h.value + "'"};
      }
      f.malformed = *v;
      continue;
    }
    if (h.name == kReplyHeader) {
      f.reply = h.value;
      continue;
    }
    if (h.name == kToolCallHeader) {
      if (!valid_tool_name(h.value)) {
        return ScenarioError{
            "x-fake-tool-call must be a tool name of 1 to 128 letters, digits "
            "and _-.:, got '" +
            h.value + "'"};
      }
      f.tool_call = h.value;
      continue;
    }
    const Control* control = nullptr;
    for (const auto& c : kControls) {
      if (c.header == h.name) {
        control = &c;
      }
    }
    if (control == nullptr) {
      return ScenarioError{"unknown fault control header '" + h.name +
                           "' (see docs/fake-upstream.md)"};
    }
    auto v = parse_int(h.value);
    if (!v || *v < control->min || *v > control->max) {
      return ScenarioError{h.name + " must be an integer from " + std::to_string(control->min) +
                           " to " + std::to_string(control->max) + ", got '" + h.value + "'"};
    }
    f.*(control->field) = static_cast<int>(*v);
  }
  return f;
}

ScenarioResult<Script> Script::parse(std::string_view yaml, std::string_view name) {
  try {
    return parse_script(YAML::Load(std::string(yaml)), name);
  } catch (const YAML::Exception& e) {
    return ScenarioError{where(name, e.mark) + ": " + e.msg};
  }
}

ScenarioResult<Script> Script::parse_script(const YAML::Node& root, std::string_view name) {
  if (!root.IsMap() || !root["rules"]) {
    return script_error(name, root,
                        "a script is a mapping with a 'rules:' list (see docs/fake-upstream.md)");
  }
  for (const auto& kv : root) {
    if (kv.first.as<std::string>() != "rules") {
      return script_error(
          name, kv.first,
          "unknown top-level key '" + kv.first.as<std::string>() + "' (expected 'rules')");
    }
  }
  const YAML::Node rules = root["rules"];
  if (!rules.IsSequence()) {
    return script_error(name, rules, "'rules' must be a list");
  }
  Script script;
  for (std::size_t i = 0; i < rules.size(); ++i) {
    auto rule = parse_rule(rules[i], name, i);
    if (!rule) {
      return rule.error();
    }
    script.rules_.push_back(std::move(*rule));
  }
  script.remaining_ = std::make_unique<std::atomic<std::int64_t>[]>(script.rules_.size());
  for (std::size_t i = 0; i < script.rules_.size(); ++i) {
    script.remaining_[i].store(script.rules_[i].times, std::memory_order_relaxed);
  }
  return script;
}

ScenarioResult<Script> Script::load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return ScenarioError{path + ": cannot open the script file"};
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse(text.str(), path);
}

std::optional<Faults> Script::match(std::string_view path, std::string_view model) const {
  for (std::size_t i = 0; i < rules_.size(); ++i) {
    const Rule& r = rules_[i];
    if (!core::glob_match(r.path, path) || !core::glob_match(r.model, model)) {
      continue;
    }
    if (r.chance < 1 && unit_random() >= r.chance) {
      continue;  // not this time: chaos runs draw per request
    }
    if (r.times >= 0) {
      auto& left = remaining_[i];
      std::int64_t n = left.load(std::memory_order_relaxed);
      while (n > 0 && !left.compare_exchange_weak(n, n - 1, std::memory_order_relaxed)) {
      }
      if (n <= 0) {
        continue;  // used up: fall through to the next rule
      }
    }
    return r.faults;
  }
  return std::nullopt;
}

std::int64_t Script::remaining(std::size_t i) const {
  return remaining_[i].load(std::memory_order_relaxed);
}

}  // namespace sluice::fake
