#pragma once
// steady_clock's time as the kernel's last tick (CLOCK_MONOTONIC_COARSE: at most a tick, 4 ms
// here, behind steady_clock::now()). Reading it costs ~3 ns where steady_clock::now() costs
// ~23 ns on this VM's clock source, and a chat request read the clock 23 times, mostly for
// deadlines. For deadlines, ages and health windows; a latency is measured with
// steady_clock::now() at both ends (never a coarse time against a precise one).

#include <time.h>

#include <chrono>

namespace sluice::core {

inline std::chrono::steady_clock::time_point coarse_now() noexcept {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec)));
}

}  // namespace sluice::core
