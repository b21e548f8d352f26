#include <yaml-cpp/yaml.h>

#include "core/model_info.hpp"
#include "core/yaml_check.hpp"

namespace sluice::core {
namespace {

constexpr std::pair<std::string_view, Capability> kCapabilities[] = {
    {"tools", kTools}, {"vision", kVision}, {"json", kJson}, {"reasoning", kReasoning}};

constexpr double kMaxPrice = 10'000;  // USD per million tokens; anything above is a typo

}  // namespace

std::string capability_names(std::uint8_t caps) {
  std::string out;
  for (const auto& [name, bit] : kCapabilities) {
    if (!(caps & bit)) continue;
    if (!out.empty()) out += ',';
    out += name;
  }
  return out;
}

ModelInfo parse_model_info(const YAML::Node& n, const ModelInfo* base) {
  check_keys(n, "a catalog entry",
             {"id", "vendor", "hosts", "input", "output", "cache_read", "cache_write", "context",
              "max_output", "capabilities", "tier", "source", "as_of"});
  if (!n["id"]) fail(n, "a catalog entry needs an id (the model name the provider takes)");
  ModelInfo m = base ? *base : ModelInfo{};
  m.id = scalar(n["id"], "id");
  if (m.id.empty()) fail(n["id"], "id must not be empty");
  if (!base) {
    for (const char* key : {"input", "output", "context"}) {
      if (!n[key]) {
        fail(n, "catalog entry '" + m.id + "' is not in the shipped catalog, so it needs " + key +
                    " (input and output are USD per million tokens, context is tokens)");
      }
    }
  }
  if (n["vendor"]) m.vendor = scalar(n["vendor"], "vendor");
  if (auto h = n["hosts"]) {
    if (!h.IsSequence()) fail(h, "hosts must be a list");
    m.hosts.clear();
    for (const auto& x : h) m.hosts.push_back(scalar(x, "host"));
  }
  if (n["input"]) m.input = number(n["input"], "input", 0, kMaxPrice);
  if (n["output"]) m.output = number(n["output"], "output", 0, kMaxPrice);
  if (n["cache_read"]) m.cache_read = number(n["cache_read"], "cache_read", 0, kMaxPrice);
  if (n["cache_write"]) m.cache_write = number(n["cache_write"], "cache_write", 0, kMaxPrice);
  if (n["context"]) {
    m.context = static_cast<std::uint64_t>(whole(n["context"], "context", 1, 100'000'000));
  }
  if (n["max_output"]) {
    m.max_output = static_cast<std::uint64_t>(whole(n["max_output"], "max_output", 0, 100'000'000));
  }
  if (auto c = n["capabilities"]) {
    if (!c.IsSequence()) fail(c, "capabilities must be a list of tools, vision, json, reasoning");
    m.caps = 0;
    for (const auto& x : c) {
      auto name = scalar(x, "capability");
      bool known = false;
      for (const auto& [cname, bit] : kCapabilities) {
        if (cname == name) {
          m.caps |= bit;
          known = true;
        }
      }
      if (!known)
        fail(x, "unknown capability '" + name + "' (known: tools, vision, json, reasoning)");
    }
  }
  if (n["tier"]) m.tier = static_cast<int>(whole(n["tier"], "tier", 1, 5));
  if (n["source"]) m.source = scalar(n["source"], "source");
  if (n["as_of"]) m.as_of = scalar(n["as_of"], "as_of");
  return m;
}

}  // namespace sluice::core
