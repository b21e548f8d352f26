#include "providers/catalog.hpp"

#include <cctype>

#include "core/config_sections.hpp"

namespace sluice::providers {
namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

/// "claude-sonnet-4-20250514" -> "claude-sonnet-4"; "gpt-4o-2024-08-06" -> "gpt-4o".
std::string_view without_date(std::string_view id) {
  if (auto dash = id.rfind('-'); dash != std::string_view::npos) {
    auto tail = id.substr(dash + 1);
    if (tail.size() == 8 && all_digits(tail)) return id.substr(0, dash);
  }
  if (id.size() > 11) {
    auto tail = id.substr(id.size() - 11);  // "-YYYY-MM-DD"
    if (tail[0] == '-' && all_digits(tail.substr(1, 4)) && tail[5] == '-' &&
        all_digits(tail.substr(6, 2)) && tail[8] == '-' && all_digits(tail.substr(9, 2))) {
      return id.substr(0, id.size() - 11);
    }
  }
  return id;
}

}  // namespace

Catalog::Catalog() : Catalog(std::vector<core::ModelInfo>{}) {}

Catalog::Catalog(const std::vector<core::ModelInfo>& overrides) {
  entries_ = core::shipped_catalog();
  for (std::size_t i = 0; i < entries_.size(); ++i) index_.emplace(entries_[i].id, i);
  for (const auto& o : overrides) {
    if (auto it = index_.find(o.id); it != index_.end()) {
      entries_[it->second] = o;  // the loader already merged the override onto the shipped entry
    } else {
      index_.emplace(o.id, entries_.size());
      entries_.push_back(o);
    }
  }
}

const core::ModelInfo* Catalog::exact(std::string_view id) const {
  auto it = index_.find(id);
  return it == index_.end() ? nullptr : &entries_[it->second];
}

const core::ModelInfo* Catalog::find(std::string_view model) const {
  if (const auto* m = exact(model)) return m;
  std::string_view id = model;
  if (id.starts_with("models/")) id.remove_prefix(7);  // Gemini's resource names
  if (auto colon = id.rfind(':');
      colon != std::string_view::npos && id.substr(colon) == ":latest") {
    id = id.substr(0, colon);
  }
  if (const auto* m = exact(id)) return m;
  if (const auto* m = exact(without_date(id))) return m;
  if (auto slash = id.rfind('/'); slash != std::string_view::npos) {
    return exact(without_date(id.substr(slash + 1)));
  }
  return nullptr;
}

double estimate_cost_usd(const core::ModelInfo& m, std::uint64_t input, std::uint64_t output) {
  return (static_cast<double>(input) * m.input + static_cast<double>(output) * m.output) / 1e6;
}

}  // namespace sluice::providers
