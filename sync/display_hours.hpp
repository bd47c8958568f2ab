// Display hours and burn-in: when a screen is on, and how still content
// creeps so that nothing is etched into a panel that shows the school's name
// in the same place ten hours a day.
//
// Sections: [display hours] [burn-in shift]
//
// Schedule syntax (the config file's "hours" key, docs/config.md):
//
//   schedule := clause (";" clause)*         empty or blank = always on
//   clause   := days ranges
//   days     := dayspec ("," dayspec)*       mon tue wed thu fri sat sun, or daily
//   dayspec  := day | day "-" day            "mon-fri"; "fri-mon" wraps over the weekend
//   ranges   := range ("," range)*
//   range    := HH:MM "-" HH:MM              start < end; end may be 24:00
//
//   "mon-fri 07:00-18:30; sat 08:00-12:00"
//   "mon-fri 07:00-12:00, 13:30-18:30"      (dark over the lunch break)
//
// Day names are case-insensitive. Days a schedule does not name are off. A
// range may not cross midnight ("22:00-02:00" is rejected, saying how to write
// it: "fri 22:00-24:00; sat 00:00-02:00"): a range that belongs to the day it
// starts on is easy to misread on the day it ends on, and school screens are
// dark at night anyway. Overlapping or touching ranges join.
//
// Times are wall-clock times in the school's time zone (the feed's
// school.timezone). Asia/Shanghai has had no daylight saving since 1991; in a
// zone with DST, a range boundary that falls in a gap uses the earlier offset
// (TimeZone::from_local).
//
// Thread safety: pure functions over immutable values; call from any thread.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "sync/civil_time.hpp"

namespace campus {

//-----------------------------------------------------------------------------
// [SECTION] display hours
//-----------------------------------------------------------------------------

// Half-open [start, end) in seconds since local midnight; end <= 86400.
struct HoursRange {
    int start = 0;
    int end = 0;
    bool operator==(const HoursRange&) const = default;
};

struct DisplayHours {
    // Index 0 = Monday … 6 = Sunday (Date::weekday()). Each day's ranges are
    // sorted, non-empty, and neither overlap nor touch (parse joins them).
    std::array<std::vector<HoursRange>, 7> by_weekday;
    // True for the empty schedule: the screen never goes dark.
    bool always_on = true;
};

// Thrown by parse_display_hours. what() quotes the schedule, the offending
// part and the rule, e.g.
//   "mon-fry 07:00-18:30": "fry" is not a day (mon, tue, wed, thu, fri, sat, sun, daily)
struct DisplayHoursError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

DisplayHours parse_display_hours(std::string_view schedule);

// Back to the syntax above, normalised ("mon 07:00-18:30; tue 07:00-18:30; …",
// one clause per day), for logs and the status file. "" for always on.
std::string format_display_hours(const DisplayHours& hours);

// Whether the screen is on at a local wall time.
bool screen_on(const DisplayHours& hours, const LocalTime& local);
bool screen_on(const DisplayHours& hours, const TimeZone& zone, Instant now);

// The next instant after `now` at which screen_on() flips, so a dark screen
// sleeps until exactly then. nullopt when it never flips (always on, or on
// around the clock every day).
std::optional<Instant> next_change(const DisplayHours& hours, const TimeZone& zone, Instant now);

//-----------------------------------------------------------------------------
// [SECTION] burn-in shift
//-----------------------------------------------------------------------------

// How far to move everything drawn, in pixels.
struct Shift {
    int dx = 0;
    int dy = 0;
    bool operator==(const Shift&) const = default;
};

// How long the content stays in one place. Three minutes: far below the hours
// it takes to mark an LCD or OLED, far above anything a passer-by notices.
inline constexpr std::chrono::seconds burn_in_step{180};

// A slow orbit on a circle of radius `max_px` (|dx|, |dy| <= max_px): the
// position changes once every burn_in_step, by about one pixel, and comes
// back after a full turn. Deterministic in `now` alone, so every frame of a
// step agrees, a dump is reproducible and two screens side by side move
// together. max_px <= 0 gives {0, 0}.
Shift burn_in_shift(Instant now, int max_px);

// When the shift next changes (the start of the next step): a still page
// needs one redraw then, not 60 a second.
Instant next_burn_in_step(Instant now);

}  // namespace campus
