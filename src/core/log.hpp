#pragma once
// Logging: human-readable diagnostics on stderr (spdlog), and one JSON access-log line per
// request on stdout. Nothing passed to either may contain a secret; callers redact first.

#include <spdlog/spdlog.h>

#include <string>
#include <string_view>

namespace sluice::log {

/// Sets the diagnostic level from "trace|debug|info|warn|error|off"; returns false if unknown.
bool set_level(std::string_view level);

template <class... Args>
void debug(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::debug(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void info(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::info(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void warn(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::warn(fmt, std::forward<Args>(args)...);
}
template <class... Args>
void error(spdlog::format_string_t<Args...> fmt, Args&&... args) {
  spdlog::error(fmt, std::forward<Args>(args)...);
}

/// Writes one already-serialised JSON object as a line on stdout (the access log).
void access(std::string_view json_line);
/// Turns the access log on or off (off for the fake upstream under benchmark load).
void set_access_enabled(bool on);

}  // namespace sluice::log
