#include "core/text.hpp"

#include <cstring>

namespace sluice::core {

std::string_view trim(std::string_view s) {
  constexpr std::string_view kSpace = " \t\r\n";
  const auto b = s.find_first_not_of(kSpace);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(kSpace) - b + 1);
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
  std::string out;
  for (const auto& s : items) {
    if (!out.empty() || &s != &items.front()) out += sep;
    out += s;
  }
  return out;
}

std::vector<std::string> split_list(std::string_view csv) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = csv.find(',');
    const auto item = trim(csv.substr(0, comma));
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    csv.remove_prefix(comma + 1);
  }
  return out;
}

std::size_t find_line_break(std::string_view s) {
  std::size_t end = s.size();
  if (const void* nl = std::memchr(s.data(), '\n', s.size())) {
    end = static_cast<std::size_t>(static_cast<const char*>(nl) - s.data());
  }
  if (const void* cr = std::memchr(s.data(), '\r', end)) {
    end = static_cast<std::size_t>(static_cast<const char*>(cr) - s.data());
  }
  return end == s.size() ? std::string_view::npos : end;
}

}  // namespace sluice::core
