#include "core/log.hpp"

#include <spdlog/sinks/stdout_sinks.h>

#include <atomic>
#include <cstdio>
#include <mutex>

namespace sluice::log {
namespace {
std::atomic<bool> g_access{true};
std::mutex g_access_mutex;

struct Init {
  Init() {
    auto logger = spdlog::stderr_logger_mt("sluice");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    spdlog::set_default_logger(logger);
    spdlog::set_level(spdlog::level::info);
  }
};
const Init g_init;
}  // namespace

bool set_level(std::string_view level) {
  auto lvl = spdlog::level::from_str(std::string(level));
  if (lvl == spdlog::level::off && level != "off") return false;
  spdlog::set_level(lvl);
  return true;
}

void access(std::string_view json_line) {
  if (!g_access.load(std::memory_order_relaxed)) return;
  std::lock_guard lock(g_access_mutex);
  std::fwrite(json_line.data(), 1, json_line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

void set_access_enabled(bool on) { g_access.store(on, std::memory_order_relaxed); }

}  // namespace sluice::log
