#pragma once
// `time:` conditions: days of the week and an hours window in a timezone. IANA names come from
// the system's zoneinfo through Howard Hinnant's tz library (the reference implementation of
// C++20's std::chrono tzdb, which libstdc++ 12 lacks), so daylight-saving rules follow tzdata
// updates without a rebuild; fixed offsets and UTC need no database.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace date {
class time_zone;
}

namespace sluice::policy {

/// A timezone as a rule names it: an IANA zone, or a fixed offset (UTC is +00:00).
class Zone {
 public:
  /// "UTC", "Z", "+02:00", "-0530", "+2" or an IANA name ("Europe/Berlin"); nullopt and a
  /// reason in `error` when it is none of these or the zone is not in the system's zoneinfo.
  static std::optional<Zone> parse(std::string_view text, std::string* error);

  /// The zone's offset from UTC at `t` (seconds east of Greenwich).
  std::chrono::seconds offset_at(std::chrono::system_clock::time_point t) const;
  const std::string& name() const { return name_; }
  bool fixed() const { return zone_ == nullptr; }

 private:
  std::string name_;
  const date::time_zone* zone_ = nullptr;  // null: fixed offset
  std::chrono::seconds fixed_{0};
};

/// Days and hours in one zone. A window whose end is before its start runs past midnight, and
/// its early-morning part belongs to the day it started on: `days: [fri], hours: 22:00-06:00`
/// holds on Friday 23:00 and on Saturday 05:00, not on Friday 05:00.
struct TimeWindow {
  std::uint8_t days = 0x7f;  // bit 0 = Sunday ... bit 6 = Saturday
  int start_minute = 0;      // [start, end) in minutes after local midnight
  int end_minute = 24 * 60;
  Zone zone;

  /// Whether `t` falls in the window, given the zone's offset at `t`.
  bool contains(std::chrono::system_clock::time_point t, std::chrono::seconds offset) const;
};

/// Parses a `time:` mapping ({days, hours, timezone}); throws core::YamlFail at the offending
/// node.
TimeWindow parse_time_window(const YAML::Node& node);

}  // namespace sluice::policy
