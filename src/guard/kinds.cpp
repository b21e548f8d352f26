#include "guard/kinds.hpp"

#include <algorithm>

namespace sluice::guard {
namespace {

// Indexed by the enums' values.
constexpr std::array<std::string_view, 3> kCategoryNames{"pii", "secret", "custom"};
constexpr std::array<std::string_view, 4> kActionNames{"off", "log", "redact", "block"};

/// The index of `name` in `names`, if present.
template <std::size_t N>
std::optional<std::size_t> index_of(const std::array<std::string_view, N>& names,
                                    std::string_view name) {
  const auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) return std::nullopt;
  return static_cast<std::size_t>(it - names.begin());
}

}  // namespace

std::optional<Kind> kind_from_name(std::string_view name) {
  for (const auto& k : kKinds) {
    if (k.name == name) return k.kind;
  }
  return std::nullopt;
}

std::string_view to_string(Category c) {
  return kCategoryNames[static_cast<std::size_t>(c)];
}

std::optional<Category> category_from_name(std::string_view name) {
  const auto i = index_of(kCategoryNames, name);
  return i ? std::optional<Category>(static_cast<Category>(*i)) : std::nullopt;
}

std::string_view to_string(Action a) {
  return kActionNames[static_cast<std::size_t>(a)];
}

std::optional<Action> action_from_name(std::string_view name) {
  const auto i = index_of(kActionNames, name);
  return i ? std::optional<Action>(static_cast<Action>(*i)) : std::nullopt;
}

}  // namespace sluice::guard
