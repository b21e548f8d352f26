#include "policy/literal_filter.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace sluice::policy {
namespace {

constexpr std::size_t kWindow = 3;
constexpr std::size_t kBits = 1u << 16;

// The window's three bytes, from a 4-byte load (callers keep one byte of slack past the
// window). A 3-byte memcpy into a register-sized value would compile to two narrow stores and
// a wide reload, which the CPU cannot forward: ten times slower than this.
std::uint32_t window(const char* p) {
  std::uint32_t x;
  std::memcpy(&x, p, sizeof x);
  if constexpr (std::endian::native == std::endian::little) {
    x &= 0x00FFFFFFu;
  } else {
    x >>= 8;
  }
  return x | 0x00202020u;
}

// The last window of a text, which has no slack byte after it.
std::uint32_t last_window(const char* p) {
  char padded[4] = {p[0], p[1], p[2], 0};
  return window(padded);
}

std::uint16_t hash(std::uint32_t w) {
  return static_cast<std::uint16_t>((w * 2654435761u) >> 16);
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + ('a' - 'A')) : c;
}

bool ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

}  // namespace

LiteralFilter::LiteralFilter(std::vector<std::string> atoms)
    : atoms_(std::move(atoms)), bitmap_(kBits / 64, 0) {
  for (std::size_t i = 0; i < atoms_.size(); ++i) {
    auto& a = atoms_[i];
    std::transform(a.begin(), a.end(), a.begin(), lower);
    const int id = static_cast<int>(i);
    if (a.size() < kWindow || !ascii(a)) {
      always_.push_back(id);
      continue;
    }
    const auto h = hash(last_window(a.data()));
    bitmap_[h >> 6] |= std::uint64_t{1} << (h & 63);
    heads_.emplace_back(h, id);
  }
  std::sort(heads_.begin(), heads_.end());
}

bool LiteralFilter::verify(std::string_view text, std::size_t at, int atom) const {
  const auto& a = atoms_[static_cast<std::size_t>(atom)];
  if (text.size() - at < a.size()) return false;
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (lower(text[at + j]) != a[j]) return false;
  }
  return true;
}

void LiteralFilter::find(std::string_view text, std::vector<int>& found) const {
  found = always_;
  if (heads_.empty() || text.size() < kWindow) return;
  std::vector<unsigned char> seen(atoms_.size(), 0);
  std::size_t remaining = heads_.size();
  // Whether the window at `i` starts atoms not seen yet; false once every atom is found.
  const auto visit = [&](std::size_t i, std::uint16_t h) {
    auto it = std::lower_bound(heads_.begin(), heads_.end(), std::make_pair(h, -1));
    for (; it != heads_.end() && it->first == h; ++it) {
      const auto id = static_cast<std::size_t>(it->second);
      if (seen[id] || !verify(text, i, it->second)) continue;
      seen[id] = 1;
      found.push_back(it->second);
      if (--remaining == 0) return false;  // every atom is in: nothing left to learn
    }
    return true;
  };
  const char* p = text.data();
  const std::size_t last = text.size() - kWindow;
  for (std::size_t i = 0; i < last; ++i) {
    const auto h = hash(window(p + i));
    if (((bitmap_[h >> 6] >> (h & 63)) & 1) && !visit(i, h)) return;
  }
  const auto h = hash(last_window(p + last));
  if ((bitmap_[h >> 6] >> (h & 63)) & 1) visit(last, h);
}

}  // namespace sluice::policy
