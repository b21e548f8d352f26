// Time windows and the zones they are read in.

#include "policy/time_window.hpp"

#include <array>
#include <charconv>
#include <stdexcept>

#include "core/text.hpp"
#include "core/yaml_check.hpp"
#include "policy/tz_config.hpp"

namespace sluice::policy {
namespace {

using std::chrono::seconds;

constexpr std::array<std::string_view, 7> kDays{"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

std::optional<int> number(std::string_view s) {
  int v = 0;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || s.empty()) return std::nullopt;
  return v;
}

/// "+02:00", "-0530", "+2" -> seconds east; nullopt for anything else.
std::optional<seconds> parse_offset(std::string_view s) {
  if (s.size() < 2 || (s[0] != '+' && s[0] != '-')) return std::nullopt;
  const int sign = s[0] == '-' ? -1 : 1;
  s.remove_prefix(1);
  std::string_view hh = s, mm;
  if (auto colon = s.find(':'); colon != std::string_view::npos) {
    hh = s.substr(0, colon);
    mm = s.substr(colon + 1);
  } else if (s.size() == 4) {
    hh = s.substr(0, 2);
    mm = s.substr(2);
  }
  const auto h = number(hh);
  const auto m = mm.empty() ? std::optional<int>(0) : number(mm);
  if (!h || !m || hh.size() > 2 || (!mm.empty() && mm.size() != 2) || *h > 14 || *m > 59) {
    return std::nullopt;
  }
  return seconds(sign * (*h * 3600 + *m * 60));
}

std::optional<int> day_index(std::string_view name) {
  std::string lower(core::trim(name));
  for (auto& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower.size() > 3) lower.resize(3);  // "monday" and "Mon" both name Monday
  for (std::size_t i = 0; i < kDays.size(); ++i) {
    if (kDays[i] == lower) return static_cast<int>(i);
  }
  return std::nullopt;
}

/// "mon", "Monday" or a range "mon-fri" (wrapping: "fri-mon") as a bit mask.
std::uint8_t parse_days_item(const YAML::Node& node) {
  const auto text = core::scalar(node, "time.days");
  const auto dash = text.find('-');
  const auto first = day_index(std::string_view(text).substr(0, dash));
  const auto last =
      dash == std::string::npos ? first : day_index(std::string_view(text).substr(dash + 1));
  if (!first || !last) {
    core::fail(node, "time.days: '" + text + "' is not a day (write mon, tue, ... sun or mon-fri)");
  }
  std::uint8_t mask = 0;
  for (int d = *first;; d = (d + 1) % 7) {
    mask = static_cast<std::uint8_t>(mask | (1u << d));
    if (d == *last) break;
  }
  return mask;
}

/// "HH:MM" -> minutes after midnight; "24:00" is allowed as an end.
std::optional<int> parse_clock(std::string_view s) {
  s = core::trim(s);
  const auto colon = s.find(':');
  if (colon == std::string_view::npos || s.size() - colon != 3) return std::nullopt;
  const auto h = number(s.substr(0, colon));
  const auto m = number(s.substr(colon + 1));
  if (!h || !m || colon > 2 || *m > 59 || *h > 24 || (*h == 24 && *m != 0)) return std::nullopt;
  return *h * 60 + *m;
}

}  // namespace

std::optional<Zone> Zone::parse(std::string_view text, std::string* error) {
  Zone z;
  z.name_ = std::string(core::trim(text));
  if (z.name_ == "UTC" || z.name_ == "Z" || z.name_ == "utc" || z.name_ == "GMT") return z;
  if (!z.name_.empty() && (z.name_[0] == '+' || z.name_[0] == '-')) {
    if (auto off = parse_offset(z.name_)) {
      z.fixed_ = *off;
      return z;
    }
    if (error) *error = "'" + z.name_ + "' is not an offset (write +02:00, -05:30 or +0530)";
    return std::nullopt;
  }
  try {
    z.zone_ = date::locate_zone(z.name_);
    return z;
  } catch (const std::exception&) {
    if (error) {
      *error = "unknown timezone '" + z.name_ +
               "' (write an IANA name such as Europe/Berlin, an offset such as +02:00, or UTC)";
    }
    return std::nullopt;
  }
}

seconds Zone::offset_at(std::chrono::system_clock::time_point t) const {
  if (!zone_) return fixed_;
  return zone_->get_info(std::chrono::time_point_cast<seconds>(t)).offset;
}

bool TimeWindow::contains(std::chrono::system_clock::time_point t, seconds offset) const {
  const auto local = std::chrono::floor<seconds>(t.time_since_epoch()) + offset;
  const auto day = std::chrono::floor<date::days>(local);
  const int minute =
      static_cast<int>(std::chrono::floor<std::chrono::minutes>(local - day).count());
  const int weekday = static_cast<int>(date::weekday(date::sys_days(day)).c_encoding());
  const auto on = [&](int d) { return (days >> d) & 1u; };
  if (start_minute < end_minute)
    return on(weekday) && minute >= start_minute && minute < end_minute;
  // Past midnight: the evening belongs to today, the early morning to yesterday's window.
  if (minute >= start_minute) return on(weekday);
  return minute < end_minute && on((weekday + 6) % 7);
}

TimeWindow parse_time_window(const YAML::Node& node) {
  core::check_keys(node, "time", {"days", "hours", "timezone"});
  TimeWindow w;
  if (const auto& d = node["days"]) {
    w.days = 0;
    if (d.IsSequence()) {
      if (d.size() == 0) core::fail(d, "time.days must name at least one day");
      for (const auto& item : d) w.days = static_cast<std::uint8_t>(w.days | parse_days_item(item));
    } else {
      w.days = parse_days_item(d);
    }
  }
  if (const auto& h = node["hours"]) {
    const auto text = core::scalar(h, "time.hours");
    const auto dash = text.find('-');
    const auto start = parse_clock(std::string_view(text).substr(0, dash));
    const auto end = dash == std::string::npos
                         ? std::nullopt
                         : parse_clock(std::string_view(text).substr(dash + 1));
    if (!start || !end || *start == 24 * 60) {
      core::fail(
          h, "time.hours: '" + text + "' is not a window (write HH:MM-HH:MM, e.g. 09:00-18:00)");
    }
    if (*start == *end) {
      core::fail(h, "time.hours: '" + text + "' is empty (leave hours out for the whole day)");
    }
    w.start_minute = *start;
    w.end_minute = *end == 0 ? 24 * 60 : *end;
  }
  if (const auto& tz = node["timezone"]) {
    std::string error;
    auto zone = Zone::parse(core::scalar(tz, "time.timezone"), &error);
    if (!zone) core::fail(tz, "time.timezone: " + error);
    w.zone = std::move(*zone);
  } else {
    w.zone = *Zone::parse("UTC", nullptr);
  }
  return w;
}

}  // namespace sluice::policy
