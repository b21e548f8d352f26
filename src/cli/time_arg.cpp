#include "cli/time_arg.hpp"

#include <chrono>
#include <cstdio>

#include "governance/keys.hpp"

namespace sluice::cli {

std::optional<std::int64_t> parse_time(const std::string& text, std::int64_t now) {
  if (auto ago = governance::parse_lifetime(text)) {
    return now - std::chrono::duration_cast<std::chrono::milliseconds>(*ago).count();
  }
  // libstdc++ 12 has the calendar types but not std::chrono::parse.
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  char tail = 0;
  const bool date_only =
      text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3;
  const bool date_time = !date_only && std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ%c", &y,
                                                   &mo, &d, &h, &mi, &sec, &tail) == 6;
  if (!date_only && !date_time) return std::nullopt;
  const std::chrono::year_month_day ymd{std::chrono::year(y),
                                        std::chrono::month(static_cast<unsigned>(mo)),
                                        std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 60) return std::nullopt;
  const auto t = std::chrono::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) +
                 std::chrono::seconds(sec);
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace sluice::cli
