// The school calendar: what day it is for the school, which school week, which
// month's habit, which events are coming. Every computation takes "now" as an
// argument so tests and `--at` can freeze it.
#pragma once

#include <optional>
#include <vector>

#include "sync/feed.hpp"

namespace campus {

// Local date and time at the school for `now` (in the feed's time zone).
LocalTime school_local_time(const Feed& feed, Instant now);

enum class TermPhase { before, during, after };

struct SchoolDay {
    LocalTime local;
    TermPhase phase = TermPhase::during;
    // School week N: week 1 is the week (Monday..Sunday) holding term.start.
    // Computed even outside the term (0 or negative before it, past the end after it).
    int week = 0;
};

SchoolDay school_day(const Feed& feed, Instant now);

// School week number of `date` for a term starting on `term_start`.
int school_week(Date term_start, Date date);

struct HabitOfMonth {
    const Habit* habit = nullptr;  // null when the feed has no current or upcoming habit
    bool upcoming = false;         // true when this is the next month's, not the current one
};
HabitOfMonth habit_of_month(const Feed& feed, Date today);

struct ComingEvent {
    const SchoolEvent* event = nullptr;
    int days_left = 0;  // 0 = today
};
// Events dated today or later (today's stay until their time has passed, when
// they have one), soonest first.
std::vector<ComingEvent> coming_events(const Feed& feed, Instant now);

}  // namespace campus
