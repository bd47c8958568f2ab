// Display hours and burn-in shift (sync/display_hours.hpp): the schedule's
// syntax and errors, on/off at the edges of a range, the next switch in the
// school's time zone, and the slow orbit of the burn-in shift.

#include "sync/display_hours.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <set>

namespace campus {
namespace {

Instant at(std::string_view rfc3339) {
    const auto s = parse_rfc3339(rfc3339);
    EXPECT_TRUE(s) << rfc3339;
    return s ? s->instant : Instant{};
}

std::shared_ptr<const TimeZone> shanghai() {
    auto zone = TimeZone::load("Asia/Shanghai");
    EXPECT_TRUE(zone) << "Asia/Shanghai did not load from " << zoneinfo_dir();
    return zone;
}

LocalTime local(Date date, int hour, int minute, int second = 0) { return LocalTime{date, {hour, minute, second}, 8 * 3600}; }

std::string parse_error(std::string_view schedule) {
    try {
        parse_display_hours(schedule);
    } catch (const DisplayHoursError& e) {
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << schedule;
    return "";
}

constexpr int H = 3600;
// 2026-11-16 is a Monday.
constexpr Date kMonday{2026, 11, 16};

//-----------------------------------------------------------------------------
// Parsing
//-----------------------------------------------------------------------------

TEST(DisplayHoursParse, WeekdayRangesAndASaturday) {
    const DisplayHours h = parse_display_hours("mon-fri 07:00-18:30; sat 08:00-12:00");
    EXPECT_FALSE(h.always_on);
    for (int d = 0; d < 5; ++d) {
        EXPECT_EQ(h.by_weekday[static_cast<std::size_t>(d)], (std::vector<HoursRange>{{7 * H, 18 * H + 30 * 60}})) << d;
    }
    EXPECT_EQ(h.by_weekday[5], (std::vector<HoursRange>{{8 * H, 12 * H}}));
    EXPECT_TRUE(h.by_weekday[6].empty());
    EXPECT_EQ(format_display_hours(h), "mon-fri 07:00-18:30; sat 08:00-12:00");
}

TEST(DisplayHoursParse, EmptyScheduleIsAlwaysOn) {
    for (std::string_view s : {"", "   ", " ; ;"}) {
        const DisplayHours h = parse_display_hours(s);
        EXPECT_TRUE(h.always_on) << '"' << s << '"';
        EXPECT_TRUE(screen_on(h, local(kMonday.plus_days(6), 3, 0)));
        EXPECT_EQ(next_change(h, *shanghai(), at("2026-11-16T03:00:00+08:00")), std::nullopt);
        EXPECT_EQ(format_display_hours(h), "");
    }
}

TEST(DisplayHoursParse, SeveralRangesADayAndLooseSpelling) {
    const DisplayHours h = parse_display_hours("Mon - Fri  07:00-12:00 , 13:30 - 18:30;SUN 9:00-11:00;");
    EXPECT_EQ(h.by_weekday[2], (std::vector<HoursRange>{{7 * H, 12 * H}, {13 * H + 1800, 18 * H + 1800}}));
    EXPECT_EQ(h.by_weekday[6], (std::vector<HoursRange>{{9 * H, 11 * H}}));
    EXPECT_TRUE(h.by_weekday[5].empty());
}

TEST(DisplayHoursParse, DayListsWrapsAndDaily) {
    const DisplayHours wrap = parse_display_hours("fri-mon 10:00-11:00");
    EXPECT_EQ(format_display_hours(wrap), "mon 10:00-11:00; fri-sun 10:00-11:00");
    const DisplayHours list = parse_display_hours("mon,wed,fri 10:00-11:00");
    EXPECT_FALSE(list.by_weekday[0].empty());
    EXPECT_TRUE(list.by_weekday[1].empty());
    EXPECT_FALSE(list.by_weekday[2].empty());
    EXPECT_EQ(format_display_hours(parse_display_hours("daily 06:00-22:00")), "mon-sun 06:00-22:00");
}

TEST(DisplayHoursParse, OverlappingAndTouchingRangesJoin) {
    const DisplayHours h = parse_display_hours("mon 07:00-12:00, 11:00-14:00; mon 14:00-15:00; mon 16:00-17:00");
    EXPECT_EQ(h.by_weekday[0], (std::vector<HoursRange>{{7 * H, 15 * H}, {16 * H, 17 * H}}));
}

TEST(DisplayHoursParse, ARangeAcrossMidnightIsRejectedWithTheWayToWriteIt) {
    const std::string why = parse_error("fri 22:00-02:00");
    EXPECT_NE(why.find("crosses midnight"), std::string::npos) << why;
    EXPECT_NE(why.find("fri 22:00-24:00"), std::string::npos) << why;
    EXPECT_NE(why.find("00:00-02:00"), std::string::npos) << why;
    // Written as the message says, it is accepted.
    const DisplayHours h = parse_display_hours("fri 22:00-24:00; sat 00:00-02:00");
    EXPECT_EQ(h.by_weekday[4], (std::vector<HoursRange>{{22 * H, 24 * H}}));
}

TEST(DisplayHoursParse, ErrorsQuoteTheClauseAndTheFault) {
    std::string why = parse_error("mon-fry 07:00-18:30");
    EXPECT_NE(why.find("\"fry\" is not a day"), std::string::npos) << why;
    EXPECT_NE(why.find("mon-fry 07:00-18:30"), std::string::npos) << why;
    EXPECT_NE(parse_error("07:00-18:30").find("name the days"), std::string::npos);
    EXPECT_NE(parse_error("mon-fri").find("no hours"), std::string::npos);
    EXPECT_NE(parse_error("mon 07:00").find("not a range"), std::string::npos);
    EXPECT_NE(parse_error("mon 25:00-26:00").find("\"25:00\" is not a time of day"), std::string::npos);
    EXPECT_NE(parse_error("mon 07:60-08:00").find("\"07:60\""), std::string::npos);
    EXPECT_NE(parse_error("mon 24:00-24:00").find("\"24:00\" is not a time of day"), std::string::npos);
    EXPECT_NE(parse_error("mon 08:00-08:00").find("is empty"), std::string::npos);
    EXPECT_NE(parse_error("mon 08:00-09:00,").find("empty range"), std::string::npos);
    EXPECT_NE(parse_error("mon,,tue 08:00-09:00").find("empty day"), std::string::npos);
    EXPECT_NE(parse_error("mon 8-9").find("\"8\" is not a time of day"), std::string::npos);
}

//-----------------------------------------------------------------------------
// On and off
//-----------------------------------------------------------------------------

TEST(DisplayHoursOn, StartInclusiveEndExclusive) {
    const DisplayHours h = parse_display_hours("mon-fri 07:00-18:30; sat 08:00-12:00");
    EXPECT_FALSE(screen_on(h, local(kMonday, 6, 59, 59)));
    EXPECT_TRUE(screen_on(h, local(kMonday, 7, 0)));
    EXPECT_TRUE(screen_on(h, local(kMonday, 18, 29, 59)));
    EXPECT_FALSE(screen_on(h, local(kMonday, 18, 30)));
    EXPECT_TRUE(screen_on(h, local(kMonday.plus_days(4), 12, 0)));  // Friday
    EXPECT_TRUE(screen_on(h, local(kMonday.plus_days(5), 11, 59)));  // Saturday
    EXPECT_FALSE(screen_on(h, local(kMonday.plus_days(5), 12, 0)));
    EXPECT_FALSE(screen_on(h, local(kMonday.plus_days(6), 10, 0)));  // Sunday
}

TEST(DisplayHoursOn, DarkOverTheLunchBreak) {
    const DisplayHours h = parse_display_hours("mon-fri 07:00-12:00, 13:30-18:30");
    EXPECT_TRUE(screen_on(h, local(kMonday, 11, 59)));
    EXPECT_FALSE(screen_on(h, local(kMonday, 12, 0)));
    EXPECT_FALSE(screen_on(h, local(kMonday, 13, 29)));
    EXPECT_TRUE(screen_on(h, local(kMonday, 13, 30)));
}

TEST(DisplayHoursOn, UsesTheSchoolsTimeZone) {
    const auto zone = shanghai();
    const DisplayHours h = parse_display_hours("mon-fri 07:00-18:30");
    // 23:00 UTC on Sunday is 07:00 on Monday in Shanghai.
    EXPECT_TRUE(screen_on(h, *zone, at("2026-11-15T23:00:00Z")));
    EXPECT_FALSE(screen_on(h, *zone, at("2026-11-15T22:59:59Z")));
    // The same hours in a zone at UTC: Sunday, off.
    EXPECT_FALSE(screen_on(h, *TimeZone::fixed("UTC", 0), at("2026-11-15T23:00:00Z")));
}

//-----------------------------------------------------------------------------
// The next switch
//-----------------------------------------------------------------------------

TEST(DisplayHoursNextChange, ThroughAWeekInShanghai) {
    const auto zone = shanghai();
    const DisplayHours h = parse_display_hours("mon-fri 07:00-18:30; sat 08:00-12:00");
    // Friday evening: on until 18:30.
    EXPECT_EQ(next_change(h, *zone, at("2026-11-20T18:00:00+08:00")), at("2026-11-20T18:30:00+08:00"));
    // Exactly at 18:30 it has just switched off: the next switch is Saturday 08:00.
    EXPECT_EQ(next_change(h, *zone, at("2026-11-20T18:30:00+08:00")), at("2026-11-21T08:00:00+08:00"));
    EXPECT_EQ(next_change(h, *zone, at("2026-11-21T12:00:00+08:00")), at("2026-11-23T07:00:00+08:00"));
    // Before dawn on a Monday, and the same instant written in UTC (Sunday 22:00).
    EXPECT_EQ(next_change(h, *zone, at("2026-11-15T22:00:00Z")), at("2026-11-16T07:00:00+08:00"));
}

TEST(DisplayHoursNextChange, NoDaylightSavingInShanghai) {
    const auto zone = shanghai();
    const DisplayHours h = parse_display_hours("mon-fri 07:00-18:30");
    // Winter and summer: 07:00 in Shanghai is 23:00 UTC the day before, all year.
    EXPECT_EQ(next_change(h, *zone, at("2026-01-05T00:00:00+08:00")), at("2026-01-04T23:00:00Z"));
    EXPECT_EQ(next_change(h, *zone, at("2026-07-06T00:00:00+08:00")), at("2026-07-05T23:00:00Z"));
    EXPECT_EQ(next_change(h, *zone, at("2026-03-09T00:00:00+08:00")), at("2026-03-08T23:00:00Z"));
}

TEST(DisplayHoursNextChange, StepsOverMidnightWhenTheScreenStaysOn) {
    const auto zone = shanghai();
    const DisplayHours h = parse_display_hours("fri 22:00-24:00; sat 00:00-02:00");
    EXPECT_EQ(next_change(h, *zone, at("2026-11-20T23:00:00+08:00")), at("2026-11-21T02:00:00+08:00"));
    EXPECT_EQ(next_change(h, *zone, at("2026-11-21T02:00:00+08:00")), at("2026-11-27T22:00:00+08:00"));
}

TEST(DisplayHoursNextChange, NeverWhenOnAroundTheClock) {
    const auto zone = shanghai();
    EXPECT_EQ(next_change(parse_display_hours("daily 00:00-24:00"), *zone, at("2026-11-20T23:00:00+08:00")),
              std::nullopt);
    // Only Sunday: from a Monday, the next switch is six days away.
    EXPECT_EQ(next_change(parse_display_hours("sun 00:00-24:00"), *zone, at("2026-11-16T09:00:00+08:00")),
              at("2026-11-22T00:00:00+08:00"));
}

TEST(DisplayHoursNextChange, AgreesWithScreenOnMinuteByMinute) {
    const auto zone = shanghai();
    const DisplayHours h = parse_display_hours("mon-fri 07:00-12:00, 13:30-18:30; sat 08:00-12:00");
    Instant t = at("2026-11-16T00:00:00+08:00");
    const Instant end = at("2026-11-23T00:00:00+08:00");
    int switches = 0;
    while (t < end) {
        const auto next = next_change(h, *zone, t);
        ASSERT_TRUE(next);
        const bool on = screen_on(h, *zone, t);
        for (Instant u = t; u < *next && u < end; u += std::chrono::minutes(1)) ASSERT_EQ(screen_on(h, *zone, u), on);
        EXPECT_NE(screen_on(h, *zone, *next), on);
        if (*next < end) ++switches;
        t = *next;
    }
    EXPECT_EQ(switches, 5 * 4 + 2);
}

//-----------------------------------------------------------------------------
// Burn-in shift
//-----------------------------------------------------------------------------

TEST(DisplayHoursBurnIn, StaysInsideTheRadiusAndMovesOnePixelAStep) {
    const Instant start = at("2026-11-16T07:00:00+08:00");
    for (int max_px : {1, 2, 3, 5, 8}) {
        std::set<std::pair<int, int>> seen;
        Shift previous = burn_in_shift(start, max_px);
        for (Instant t = start; t < start + std::chrono::hours(24); t += burn_in_step) {
            const Shift s = burn_in_shift(t, max_px);
            EXPECT_LE(std::abs(s.dx), max_px);
            EXPECT_LE(std::abs(s.dy), max_px);
            EXPECT_LE(std::abs(s.dx - previous.dx), 1) << max_px;
            EXPECT_LE(std::abs(s.dy - previous.dy), 1) << max_px;
            seen.insert({s.dx, s.dy});
            previous = s;
        }
        // An orbit, not a wobble between two places.
        EXPECT_GE(seen.size(), 8u) << max_px;
    }
}

TEST(DisplayHoursBurnIn, StillWithinAStepAndDeterministic) {
    const Instant t = at("2026-11-16T07:01:00+08:00");
    const Instant next = next_burn_in_step(t);
    EXPECT_GT(next, t);
    EXPECT_LE(next - t, burn_in_step);
    EXPECT_EQ(next.time_since_epoch().count() % burn_in_step.count(), 0);
    EXPECT_EQ(burn_in_shift(t, 3), burn_in_shift(next - std::chrono::seconds(1), 3));
    EXPECT_EQ(burn_in_shift(t, 3), burn_in_shift(t, 3));
    EXPECT_EQ(next_burn_in_step(next), next + burn_in_step);
    // Over a few steps the content does move.
    std::set<std::pair<int, int>> within_half_hour;
    for (Instant u = t; u < t + std::chrono::minutes(30); u += burn_in_step) {
        const Shift s = burn_in_shift(u, 3);
        within_half_hour.insert({s.dx, s.dy});
    }
    EXPECT_GE(within_half_hour.size(), 5u);
}

TEST(DisplayHoursBurnIn, ZeroRadiusIsStill) {
    const Instant t = at("2026-11-16T07:01:00+08:00");
    EXPECT_EQ(burn_in_shift(t, 0), (Shift{0, 0}));
    EXPECT_EQ(burn_in_shift(t + std::chrono::hours(5), -2), (Shift{0, 0}));
}

}  // namespace
}  // namespace campus
