#pragma once
// Time arguments of the CLI (--since, --until): a date, a UTC time, or a lifetime ago.

#include <cstdint>
#include <optional>
#include <string>

namespace sluice::cli {

/// "2026-11-01", "2026-11-01T12:00:00Z" or a lifetime ago ("7d", "12h") as Unix milliseconds;
/// nullopt if it is none of these.
std::optional<std::int64_t> parse_time(const std::string& text, std::int64_t now);

}  // namespace sluice::cli
