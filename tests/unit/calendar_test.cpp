// The school calendar (sync/calendar.hpp): school week, term phase, the
// month's habit and coming events, in the school's time zone. Feeds are built
// in code so these tests do not depend on the parser.

#include "sync/calendar.hpp"

#include <gtest/gtest.h>

namespace campus {
namespace {

Instant utc(std::string_view rfc3339) {
    const auto s = parse_rfc3339(rfc3339);
    EXPECT_TRUE(s) << rfc3339;
    return s ? s->instant : Instant{};
}

Feed shanghai_feed() {
    Feed feed;
    feed.school.name = "实验小学";
    feed.school.timezone_name = "Asia/Shanghai";
    feed.school.timezone = TimeZone::load("Asia/Shanghai");
    EXPECT_TRUE(feed.school.timezone) << "Asia/Shanghai did not load from " << zoneinfo_dir();
    feed.term.name = "2023—2024学年第一学期";
    feed.term.start = Date{2023, 9, 1};  // a Friday
    feed.term.end = Date{2024, 1, 19};
    return feed;
}

Habit habit(int year, int month, std::string title) {
    Habit h;
    h.month = YearMonth{year, month};
    h.title = std::move(title);
    return h;
}

SchoolEvent event(std::string id, Date date, std::optional<TimeOfDay> time = std::nullopt) {
    SchoolEvent e;
    e.id = id;
    e.title = std::move(id);
    e.date = date;
    e.time = time;
    return e;
}

TEST(CalendarWeek, WeekOneIsTheWeekHoldingTermStart) {
    const Date friday_start{2023, 9, 1};
    EXPECT_EQ(school_week(friday_start, Date{2023, 8, 28}), 1);  // that week's Monday
    EXPECT_EQ(school_week(friday_start, Date{2023, 9, 1}), 1);
    EXPECT_EQ(school_week(friday_start, Date{2023, 9, 3}), 1);   // Sunday still week 1
    EXPECT_EQ(school_week(friday_start, Date{2023, 9, 4}), 2);   // next Monday
    EXPECT_EQ(school_week(friday_start, Date{2023, 11, 6}), 11);
    EXPECT_EQ(school_week(friday_start, Date{2023, 8, 27}), 0);  // the Sunday before
    EXPECT_EQ(school_week(friday_start, Date{2023, 8, 21}), 0);
    EXPECT_EQ(school_week(friday_start, Date{2023, 8, 20}), -1);
}

TEST(CalendarWeek, TermStartingMidWeekCountsFromThatMonday) {
    const Date wednesday_start{2024, 2, 21};  // a Wednesday
    ASSERT_EQ(wednesday_start.weekday(), 2);
    EXPECT_EQ(school_week(wednesday_start, Date{2024, 2, 19}), 1);  // Monday before the start
    EXPECT_EQ(school_week(wednesday_start, Date{2024, 2, 25}), 1);
    EXPECT_EQ(school_week(wednesday_start, Date{2024, 2, 26}), 2);
    EXPECT_EQ(school_week(wednesday_start, Date{2024, 3, 4}), 3);   // across the month boundary
    const Date monday_start{2024, 2, 19};
    EXPECT_EQ(school_week(monday_start, Date{2024, 2, 19}), 1);
    EXPECT_EQ(school_week(monday_start, Date{2024, 2, 18}), 0);
}

TEST(CalendarDay, PhaseAndWeekAroundTheTerm) {
    const Feed feed = shanghai_feed();
    const SchoolDay before = school_day(feed, utc("2023-08-31T12:00:00+08:00"));
    EXPECT_EQ(before.phase, TermPhase::before);
    EXPECT_EQ(before.week, 1);  // the Thursday of week 1, before the Friday start
    const SchoolDay summer = school_day(feed, utc("2023-08-01T12:00:00+08:00"));
    EXPECT_EQ(summer.phase, TermPhase::before);
    EXPECT_LE(summer.week, 0);

    const SchoolDay first = school_day(feed, utc("2023-09-01T08:00:00+08:00"));
    EXPECT_EQ(first.phase, TermPhase::during);
    EXPECT_EQ(first.week, 1);

    const SchoolDay last = school_day(feed, utc("2024-01-19T23:59:59+08:00"));
    EXPECT_EQ(last.phase, TermPhase::during);
    const SchoolDay after = school_day(feed, utc("2024-01-20T00:00:00+08:00"));
    EXPECT_EQ(after.phase, TermPhase::after);
    EXPECT_EQ(after.week, last.week);  // Saturday, same week as the last Friday
    EXPECT_GT(after.week, 20);
}

TEST(CalendarDay, SchoolDateIsReadInTheSchoolsZoneNotUtc) {
    const Feed feed = shanghai_feed();
    // 17:00 UTC on Oct 31 is 01:00 on Nov 1 in Shanghai.
    const LocalTime local = school_local_time(feed, utc("2023-10-31T17:00:00Z"));
    EXPECT_EQ(local.date, (Date{2023, 11, 1}));
    EXPECT_EQ(local.time, (TimeOfDay{1, 0, 0}));
    EXPECT_EQ(local.offset_seconds, 8 * 3600);
    // One second before Shanghai's midnight: still October.
    EXPECT_EQ(school_local_time(feed, utc("2023-10-31T15:59:59Z")).date, (Date{2023, 10, 31}));
    // Sunday 16:00 UTC is Monday in Shanghai: already the next school week.
    EXPECT_EQ(school_day(feed, utc("2023-11-05T16:00:00Z")).week, 11);
    EXPECT_EQ(school_day(feed, utc("2023-11-05T15:59:59Z")).week, 10);
}

TEST(CalendarHabit, MonthBoundaryInShanghaiAgainstUtc) {
    Feed feed = shanghai_feed();
    feed.habits = {habit(2023, 10, "大课间跑步和广播体操"), habit(2023, 11, "语言文明")};
    const Date today = school_local_time(feed, utc("2023-10-31T17:00:00Z")).date;
    const HabitOfMonth h = habit_of_month(feed, today);
    ASSERT_TRUE(h.habit);
    EXPECT_EQ(h.habit->title, "语言文明");
    EXPECT_FALSE(h.upcoming);
    // In UTC it would still be October's: the zone matters.
    const HabitOfMonth utc_reading = habit_of_month(feed, Date{2023, 10, 31});
    ASSERT_TRUE(utc_reading.habit);
    EXPECT_EQ(utc_reading.habit->title, "大课间跑步和广播体操");
}

TEST(CalendarHabit, UpcomingWhenTheCurrentMonthHasNone) {
    Feed feed = shanghai_feed();
    // Listed out of order: the soonest later month is the upcoming one.
    feed.habits = {habit(2024, 1, "一月"), habit(2023, 12, "学生仪表"), habit(2023, 9, "九月")};
    const HabitOfMonth h = habit_of_month(feed, Date{2023, 11, 15});
    ASSERT_TRUE(h.habit);
    EXPECT_EQ(h.habit->title, "学生仪表");
    EXPECT_TRUE(h.upcoming);
    // Across the year boundary.
    const HabitOfMonth late = habit_of_month(feed, Date{2023, 12, 31});
    EXPECT_EQ(late.habit->title, "学生仪表");
    EXPECT_FALSE(late.upcoming);
    const HabitOfMonth jan = habit_of_month(feed, Date{2024, 1, 1});
    EXPECT_EQ(jan.habit->title, "一月");
    EXPECT_FALSE(jan.upcoming);
}

TEST(CalendarHabit, NoneWhenEveryHabitIsPast) {
    Feed feed = shanghai_feed();
    EXPECT_FALSE(habit_of_month(feed, Date{2023, 11, 1}).habit);  // no habits at all
    feed.habits = {habit(2023, 9, "九月"), habit(2023, 10, "十月")};
    const HabitOfMonth h = habit_of_month(feed, Date{2023, 11, 1});
    EXPECT_FALSE(h.habit);
    EXPECT_FALSE(h.upcoming);
}

TEST(CalendarEvents, ComingEventsSoonestFirstWithDaysLeft) {
    Feed feed = shanghai_feed();
    feed.events = {
        event("期末考试", Date{2024, 1, 15}),
        event("运动会", Date{2023, 11, 10}, TimeOfDay{8, 0, 0}),
        event("开放日", Date{2023, 11, 1}),                          // past
        event("升旗仪式", Date{2023, 11, 6}, TimeOfDay{7, 40, 0}),   // today, still to come
        event("早读", Date{2023, 11, 6}, TimeOfDay{7, 0, 0}),        // today, already over
        event("全天活动", Date{2023, 11, 6}),                         // today, all day
    };
    // Monday 2023-11-06 07:30 in Shanghai.
    const auto coming = coming_events(feed, utc("2023-11-06T07:30:00+08:00"));
    ASSERT_EQ(coming.size(), 4u);
    EXPECT_EQ(coming[0].event->id, "全天活动");
    EXPECT_EQ(coming[0].days_left, 0);
    EXPECT_EQ(coming[1].event->id, "升旗仪式");
    EXPECT_EQ(coming[1].days_left, 0);
    EXPECT_EQ(coming[2].event->id, "运动会");
    EXPECT_EQ(coming[2].days_left, 4);
    EXPECT_EQ(coming[3].event->id, "期末考试");
    EXPECT_EQ(coming[3].days_left, 70);

    // At 07:40 sharp the ceremony is still on; a second later it has passed.
    EXPECT_EQ(coming_events(feed, utc("2023-11-06T07:40:00+08:00")).size(), 4u);
    EXPECT_EQ(coming_events(feed, utc("2023-11-06T07:40:01+08:00")).size(), 3u);
}

TEST(CalendarEvents, DaysLeftCountInTheSchoolsZone) {
    Feed feed = shanghai_feed();
    feed.events = {event("运动会", Date{2023, 11, 10})};
    // Nov 5 17:00 UTC is already Nov 6 in Shanghai: 4 days left, not 5.
    const auto coming = coming_events(feed, utc("2023-11-05T17:00:00Z"));
    ASSERT_EQ(coming.size(), 1u);
    EXPECT_EQ(coming[0].days_left, 4);
    // The day after, in Shanghai, it is gone.
    EXPECT_TRUE(coming_events(feed, utc("2023-11-10T16:00:00Z")).empty());
}

TEST(CalendarEvents, FeedWithoutZoneReadsAsUtc) {
    Feed feed;
    feed.term.start = Date{2023, 9, 1};
    feed.term.end = Date{2024, 1, 19};
    EXPECT_EQ(school_local_time(feed, utc("2023-10-31T17:00:00Z")).date, (Date{2023, 10, 31}));
}

}  // namespace
}  // namespace campus
