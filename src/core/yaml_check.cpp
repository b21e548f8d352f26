#include "core/yaml_check.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "core/config.hpp"

namespace sluice::core {

void fail(const YAML::Node& node, std::string message) {
  throw YamlFail{node.Mark(), std::move(message)};
}

void check_keys(const YAML::Node& map, std::string_view what,
                std::initializer_list<std::string_view> known) {
  if (!map.IsMap()) fail(map, std::string(what) + " must be a mapping");
  for (const auto& kv : map) {
    auto key = kv.first.as<std::string>();
    if (std::find(known.begin(), known.end(), key) == known.end()) {
      std::string list;
      for (auto k : known) {
        if (!list.empty()) list += ", ";
        list += k;
      }
      fail(kv.first,
           "unknown key '" + key + "' in " + std::string(what) + " (known: " + list + ")");
    }
  }
}

std::string scalar(const YAML::Node& node, std::string_view what) {
  if (!node.IsScalar()) fail(node, std::string(what) + " must be a string");
  return node.as<std::string>();
}

bool boolean(const YAML::Node& node, std::string_view what) {
  try {
    return node.as<bool>();
  } catch (const YAML::Exception&) {
    fail(node, std::string(what) + " must be true or false");
  }
}

double number(const YAML::Node& node, std::string_view what, double lo, double hi) {
  double v = 0;
  try {
    v = node.as<double>();
  } catch (const YAML::Exception&) {
    fail(node, std::string(what) + " must be a number");
  }
  if (!std::isfinite(v) || v < lo || v > hi) {
    fail(node, std::string(what) + fmt::format(" must be between {} and {}", lo, hi));
  }
  return v;
}

long long whole(const YAML::Node& node, std::string_view what, long long lo, long long hi) {
  long long v = 0;
  try {
    v = node.as<long long>();
  } catch (const YAML::Exception&) {
    fail(node, std::string(what) + " must be a whole number");
  }
  if (v < lo || v > hi) {
    fail(node, std::string(what) + " must be between " + std::to_string(lo) + " and " +
                   std::to_string(hi));
  }
  return v;
}

std::chrono::milliseconds duration(const YAML::Node& node, std::string_view what) {
  auto d = parse_duration(scalar(node, what));
  if (!d || d->count() <= 0) {
    fail(node, std::string(what) + " must be a positive duration such as 500ms, 30s, 5m or 1h");
  }
  return *d;
}

std::size_t size(const YAML::Node& node, std::string_view what) {
  auto s = parse_size(scalar(node, what));
  if (!s || *s == 0)
    fail(node, std::string(what) + " must be a positive size such as 64KiB or 32MiB");
  return *s;
}

}  // namespace sluice::core
