// The school calendar (see calendar.hpp): today's date at the school, school
// week N, the month's habit and the coming events. Every answer is read in the
// school's own time zone, never the machine's: a screen whose system clock is
// set to UTC must still turn the page at midnight in Shanghai.

#include "sync/calendar.hpp"

#include <algorithm>

namespace campus {

namespace {

// A valid feed always carries a zone; the fallback keeps a hand-built Feed
// (tests, tools) from crashing and reads it as UTC.
const TimeZone& zone_of(const Feed& feed) {
    static const auto utc = TimeZone::fixed("UTC", 0);
    return feed.school.timezone ? *feed.school.timezone : *utc;
}

int64_t floor_div(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

LocalTime school_local_time(const Feed& feed, Instant now) {
    return zone_of(feed).to_local(now);
}

int school_week(Date term_start, Date date) {
    // Week 1 starts on the Monday on or before term.start, so a term that
    // opens on a Wednesday still has its first Monday in week 1.
    const int64_t first_monday = term_start.days_since_epoch() - term_start.weekday();
    return static_cast<int>(floor_div(date.days_since_epoch() - first_monday, 7) + 1);
}

SchoolDay school_day(const Feed& feed, Instant now) {
    SchoolDay day;
    day.local = school_local_time(feed, now);
    const Date today = day.local.date;
    day.phase = today < feed.term.start ? TermPhase::before
              : today > feed.term.end   ? TermPhase::after
                                        : TermPhase::during;
    day.week = school_week(feed.term.start, today);
    return day;
}

HabitOfMonth habit_of_month(const Feed& feed, Date today) {
    const YearMonth this_month{today.year, today.month};
    HabitOfMonth result;
    for (const Habit& habit : feed.habits) {
        if (habit.month == this_month) return {&habit, false};  // the first entry for the month wins
        // Otherwise the soonest later month; on a tie, the first in feed order.
        if (habit.month > this_month && (!result.habit || habit.month < result.habit->month)) {
            result = {&habit, true};
        }
    }
    return result;
}

std::vector<ComingEvent> coming_events(const Feed& feed, Instant now) {
    const TimeZone& zone = zone_of(feed);
    const Date today = zone.to_local(now).date;
    const int64_t today_days = today.days_since_epoch();
    std::vector<ComingEvent> coming;
    for (const SchoolEvent& event : feed.events) {
        if (event.date < today) continue;
        // Today's event with a time stays up until that time has passed; one
        // without a time stays all day. Compared as instants, so a DST change
        // on the day would not shift it.
        if (event.date == today && event.time && now > zone.from_local(event.date, *event.time)) continue;
        coming.push_back({&event, static_cast<int>(event.date.days_since_epoch() - today_days)});
    }
    // Soonest first: by day, then by time (an event with no time is all-day and
    // leads its day), then in feed order.
    std::stable_sort(coming.begin(), coming.end(), [](const ComingEvent& a, const ComingEvent& b) {
        if (a.days_left != b.days_left) return a.days_left < b.days_left;
        const int ta = a.event->time ? a.event->time->seconds_since_midnight() : -1;
        const int tb = b.event->time ? b.event->time->seconds_since_midnight() : -1;
        return ta < tb;
    });
    return coming;
}

}  // namespace campus
