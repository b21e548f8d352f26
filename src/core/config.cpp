#include "core/config.hpp"

#include <charconv>

namespace sluice::core {

const ProviderConfig* Config::find_provider(std::string_view name) const {
  for (const auto& p : providers) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

const ProviderConfig* Config::default_for(protocol::Family family) const {
  if (auto it = default_provider.find(family); it != default_provider.end()) {
    return it->second.empty() ? nullptr : find_provider(it->second);
  }
  for (const auto& p : providers) {
    if (p.type == family) return &p;
  }
  return nullptr;
}

const RouteConfig* Config::find_route(std::string_view name) const {
  for (const auto& r : routes) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

namespace {
constexpr std::pair<std::string_view, Strategy> kStrategies[] = {
    {"fallback", Strategy::Fallback},      {"weighted", Strategy::Weighted},
    {"round-robin", Strategy::RoundRobin}, {"least-latency", Strategy::LeastLatency},
    {"cheapest", Strategy::Cheapest},      {"scored", Strategy::Scored},
};
}  // namespace

std::string_view to_string(Strategy s) {
  for (const auto& [name, v] : kStrategies) {
    if (v == s) return name;
  }
  return "fallback";
}

std::optional<Strategy> strategy_from_string(std::string_view s) {
  for (const auto& [name, v] : kStrategies) {
    if (name == s) return v;
  }
  return std::nullopt;
}

std::string ConfigError::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  return out + ": " + message;
}

namespace {
std::optional<double> leading_number(std::string_view& text) {
  double v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || v < 0) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(p - text.data()));
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  return v;
}
}  // namespace

std::optional<milliseconds> parse_duration(std::string_view text) {
  auto v = leading_number(text);
  if (!v) return std::nullopt;
  double ms = 0;
  if (text.empty() || text == "s") {
    ms = *v * 1000;
  } else if (text == "ms") {
    ms = *v;
  } else if (text == "m") {
    ms = *v * 60'000;
  } else if (text == "h") {
    ms = *v * 3'600'000;
  } else {
    return std::nullopt;
  }
  return milliseconds(static_cast<long long>(ms));
}

std::optional<std::size_t> parse_size(std::string_view text) {
  auto v = leading_number(text);
  if (!v) return std::nullopt;
  double mult = 0;
  if (text.empty() || text == "B") {
    mult = 1;
  } else if (text == "KiB" || text == "K") {
    mult = 1024;
  } else if (text == "MiB" || text == "M") {
    mult = 1024.0 * 1024;
  } else if (text == "GiB" || text == "G") {
    mult = 1024.0 * 1024 * 1024;
  } else if (text == "KB") {
    mult = 1000;
  } else if (text == "MB") {
    mult = 1e6;
  } else if (text == "GB") {
    mult = 1e9;
  } else {
    return std::nullopt;
  }
  return static_cast<std::size_t>(*v * mult);
}

std::string interpolate_env(std::string_view text, EnvLookup env,
                            std::vector<std::string>* missing) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    auto start = text.find("${", i);
    if (start == std::string_view::npos) {
      out.append(text.substr(i));
      break;
    }
    out.append(text.substr(i, start - i));
    auto end = text.find('}', start + 2);
    if (end == std::string_view::npos) {
      out.append(text.substr(start));
      break;
    }
    std::string_view expr = text.substr(start + 2, end - start - 2);
    std::optional<std::string> fallback;
    if (auto d = expr.find(":-"); d != std::string_view::npos) {
      fallback = std::string(expr.substr(d + 2));
      expr = expr.substr(0, d);
    }
    std::string name(expr);
    auto value = env(name.c_str());
    if (value && !value->empty()) {
      out += *value;
    } else if (fallback) {
      out += *fallback;
    } else if (missing) {
      missing->push_back(name);
    }
    i = end + 1;
  }
  return out;
}

}  // namespace sluice::core
