// Civil dates, RFC 3339 and TZif time zones (sync/civil_time.hpp).

#include "sync/civil_time.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>

namespace campus {
namespace {

Instant at_utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0) {
    return Instant{std::chrono::seconds{Date{y, mo, d}.days_since_epoch() * 86400 + h * 3600 + mi * 60 + s}};
}

std::shared_ptr<const TimeZone> load_or_skip(const char* name) {
    auto zone = TimeZone::load(name);
    if (!zone) ADD_FAILURE() << name << " did not load from " << zoneinfo_dir() << " (is tzdata installed?)";
    return zone;
}

TEST(CivilTimeDate, DaysSinceEpochRoundTripsAcrossCenturies) {
    EXPECT_EQ((Date{1970, 1, 1}.days_since_epoch()), 0);
    EXPECT_EQ((Date{1969, 12, 31}.days_since_epoch()), -1);
    EXPECT_EQ((Date{2000, 2, 29}.days_since_epoch()), 11016);
    EXPECT_EQ((Date{2023, 11, 6}.days_since_epoch()), 19667);
    for (int64_t d = -800000; d <= 800000; d += 997) {
        const Date date = Date::from_days_since_epoch(d);
        ASSERT_EQ(date.days_since_epoch(), d) << date.to_string();
        ASSERT_GE(date.day, 1);
        ASSERT_LE(date.day, days_in_month(date.year, date.month));
    }
}

TEST(CivilTimeDate, WeekdayIsMondayZero) {
    EXPECT_EQ((Date{2023, 11, 6}.weekday()), 0);  // a Monday
    EXPECT_EQ((Date{2023, 9, 1}.weekday()), 4);   // a Friday
    EXPECT_EQ((Date{2023, 9, 3}.weekday()), 6);   // a Sunday
    EXPECT_EQ((Date{1970, 1, 1}.weekday()), 3);   // a Thursday
    EXPECT_EQ((Date{1969, 12, 29}.weekday()), 0); // before the epoch too
}

TEST(CivilTimeDate, PlusDaysCrossesMonthsAndLeapDays) {
    EXPECT_EQ((Date{2024, 2, 28}.plus_days(1)), (Date{2024, 2, 29}));
    EXPECT_EQ((Date{2023, 2, 28}.plus_days(1)), (Date{2023, 3, 1}));
    EXPECT_EQ((Date{2023, 12, 31}.plus_days(1)), (Date{2024, 1, 1}));
    EXPECT_EQ((Date{2023, 1, 1}.plus_days(-1)), (Date{2022, 12, 31}));
    EXPECT_EQ((Date{2023, 9, 3}.to_string()), "2023-09-03");
}

TEST(CivilTimeDate, LeapYearsFollowTheGregorianRule) {
    EXPECT_TRUE(is_leap_year(2000));
    EXPECT_FALSE(is_leap_year(1900));
    EXPECT_TRUE(is_leap_year(2024));
    EXPECT_FALSE(is_leap_year(2023));
    EXPECT_EQ(days_in_month(2024, 2), 29);
    EXPECT_EQ(days_in_month(2100, 2), 28);
    EXPECT_EQ(days_in_month(2023, 4), 30);
    EXPECT_EQ(days_in_month(2023, 13), 0);
}

TEST(CivilTimeParse, DateIsStrict) {
    EXPECT_EQ(parse_date("2023-09-01"), (Date{2023, 9, 1}));
    EXPECT_EQ(parse_date("2024-02-29"), (Date{2024, 2, 29}));
    for (const char* bad : {"2022-02-30", "2023-02-29", "2023-13-01", "2023-00-10", "2023-04-31", "2023-9-1",
                            "2023-09-01 ", " 2023-09-01", "2023/09/01", "20230901", "", "2023-09-0a",
                            "+023-09-01", "2023-09-00"}) {
        EXPECT_FALSE(parse_date(bad)) << bad;
    }
}

TEST(CivilTimeParse, YearMonthIsStrict) {
    EXPECT_EQ(parse_year_month("2023-11"), (YearMonth{2023, 11}));
    EXPECT_EQ((YearMonth{2023, 9}.to_string()), "2023-09");
    for (const char* bad : {"2023-13", "2023-00", "2023-1", "2023-11-01", "2023_11", "23-11"}) {
        EXPECT_FALSE(parse_year_month(bad)) << bad;
    }
}

TEST(CivilTimeParse, TimeOfDay) {
    EXPECT_EQ(parse_time_of_day("07:30"), (TimeOfDay{7, 30, 0}));
    EXPECT_EQ(parse_time_of_day("23:59:59"), (TimeOfDay{23, 59, 59}));
    EXPECT_EQ(parse_time_of_day("07:30")->seconds_since_midnight(), 27000);
    for (const char* bad : {"24:00", "7:30", "07:60", "07:30:60", "07:30:", "07-30", "0730", "07:30:5"}) {
        EXPECT_FALSE(parse_time_of_day(bad)) << bad;
    }
}

TEST(CivilTimeParse, Rfc3339WithOffsets) {
    const auto s = parse_rfc3339("2023-11-06T07:30:00+08:00");
    ASSERT_TRUE(s);
    EXPECT_EQ(s->instant, at_utc(2023, 11, 5, 23, 30));
    EXPECT_EQ(s->offset_seconds, 8 * 3600);

    const auto z = parse_rfc3339("2023-10-31T17:00:00Z");
    ASSERT_TRUE(z);
    EXPECT_EQ(z->instant, at_utc(2023, 10, 31, 17));
    EXPECT_EQ(z->offset_seconds, 0);

    EXPECT_EQ(parse_rfc3339("2023-10-31t17:00:00z")->instant, z->instant);
    EXPECT_EQ(parse_rfc3339("2023-10-31 17:00:00Z")->instant, z->instant);  // RFC 3339 §5.6 note
    EXPECT_EQ(parse_rfc3339("2023-10-31T12:30:00-04:30")->instant, z->instant);
    EXPECT_EQ(parse_rfc3339("2023-10-31T12:30:00-04:30")->offset_seconds, -(4 * 3600 + 1800));
    // Fractional seconds are accepted and dropped.
    EXPECT_EQ(parse_rfc3339("2023-10-31T17:00:00.999999Z")->instant, z->instant);
    EXPECT_EQ(parse_rfc3339("2023-10-31T17:00:00.5+00:00")->instant, z->instant);
    // A leap second reads as :59.
    EXPECT_EQ(parse_rfc3339("2016-12-31T23:59:60Z")->instant, at_utc(2016, 12, 31, 23, 59, 59));
}

TEST(CivilTimeParse, Rfc3339RejectsWhatIsNotStrictlyRfc3339) {
    for (const char* bad : {
             "2023-11-06T07:30:00",          // no offset
             "2023-11-06",                   // a date is not a date-time
             "2023-11-06T07:30+08:00",       // no seconds
             "2023-02-30T07:30:00+08:00",    // impossible date
             "2023-11-06T24:00:00Z",         // hour 24
             "2023-11-06T07:60:00Z",         //
             "2023-11-06T07:30:61Z",         //
             "2023-11-06T07:30:00+0800",     // offset without colon
             "2023-11-06T07:30:00+08",       //
             "2023-11-06T07:30:00+24:00",    //
             "2023-11-06T07:30:00.Z",        // '.' with no digits
             "2023-11-06T07:30:00ZZ",        // trailing bytes
             "2023-11-06T07:30:00+08:00 ",   //
             "2023-11-06X07:30:00Z",         // bad separator
             "2023-11-06T7:30:00Z",          //
             "",
         }) {
        EXPECT_FALSE(parse_rfc3339(bad)) << bad;
    }
}

TEST(CivilTimeFormat, Rfc3339RoundTrips) {
    EXPECT_EQ(format_rfc3339(at_utc(2023, 11, 5, 23, 30), 8 * 3600), "2023-11-06T07:30:00+08:00");
    EXPECT_EQ(format_rfc3339(at_utc(2023, 10, 31, 17)), "2023-10-31T17:00:00Z");
    EXPECT_EQ(format_rfc3339(at_utc(2023, 10, 31, 17), -(4 * 3600 + 1800)), "2023-10-31T12:30:00-04:30");
    EXPECT_EQ(format_rfc3339(at_utc(1969, 12, 31, 23, 59, 59)), "1969-12-31T23:59:59Z");
    for (const char* text : {"2023-11-06T07:30:00+08:00", "1999-12-31T23:59:59-11:00", "2024-02-29T00:00:00Z"}) {
        const auto s = parse_rfc3339(text);
        ASSERT_TRUE(s) << text;
        EXPECT_EQ(format_rfc3339(s->instant, s->offset_seconds), text);
    }
}

TEST(CivilTimeZone, FixedOffset) {
    const auto zone = TimeZone::fixed("UTC+8", 8 * 3600);
    EXPECT_EQ(zone->name(), "UTC+8");
    EXPECT_EQ(zone->offset_at(at_utc(1900, 1, 1)), 8 * 3600);
    const LocalTime local = zone->to_local(at_utc(2023, 10, 31, 17));
    EXPECT_EQ(local.date, (Date{2023, 11, 1}));
    EXPECT_EQ(local.time, (TimeOfDay{1, 0, 0}));
    EXPECT_EQ(local.offset_seconds, 8 * 3600);
    EXPECT_EQ(zone->from_local(Date{2023, 11, 1}, TimeOfDay{1, 0, 0}), at_utc(2023, 10, 31, 17));
}

TEST(CivilTimeZone, ShanghaiIsEightHoursAheadToday) {
    const auto zone = load_or_skip("Asia/Shanghai");
    ASSERT_TRUE(zone);
    EXPECT_EQ(zone->name(), "Asia/Shanghai");
    EXPECT_EQ(zone->offset_at(at_utc(2023, 11, 6)), 8 * 3600);
    EXPECT_EQ(zone->offset_at(at_utc(2023, 7, 1)), 8 * 3600);  // no DST since 1991
    EXPECT_EQ(zone->offset_at(at_utc(2090, 7, 1)), 8 * 3600);  // the footer "CST-8"
    const LocalTime local = zone->to_local(at_utc(2023, 10, 31, 17));
    EXPECT_EQ(local.date, (Date{2023, 11, 1}));
    EXPECT_EQ(local.time, (TimeOfDay{1, 0, 0}));
    EXPECT_EQ(zone->from_local(Date{2023, 11, 6}, TimeOfDay{7, 30, 0}), at_utc(2023, 11, 5, 23, 30));
}

TEST(CivilTimeZone, ShanghaiHadDaylightSavingFrom1986To1991) {
    const auto zone = load_or_skip("Asia/Shanghai");
    ASSERT_TRUE(zone);
    // 1986: CDT (+9) from Sun May 4 02:00 CST to Sun Sep 14 02:00 CDT.
    EXPECT_EQ(zone->offset_at(at_utc(1986, 5, 3, 17, 59, 59)), 8 * 3600);
    EXPECT_EQ(zone->offset_at(at_utc(1986, 5, 3, 18)), 9 * 3600);
    EXPECT_EQ(zone->offset_at(at_utc(1986, 9, 13, 16, 59, 59)), 9 * 3600);
    EXPECT_EQ(zone->offset_at(at_utc(1986, 9, 13, 17)), 8 * 3600);
    // 1991, the last year: Apr 14 to Sep 15.
    EXPECT_EQ(zone->offset_at(at_utc(1991, 4, 13, 18)), 9 * 3600);
    EXPECT_EQ(zone->offset_at(at_utc(1991, 9, 14, 17)), 8 * 3600);
    EXPECT_EQ(zone->offset_at(at_utc(1992, 7, 1)), 8 * 3600);
    EXPECT_EQ(zone->offset_at(at_utc(1985, 7, 1)), 8 * 3600);

    // Summer 1988 reads as +9 on the wall clock.
    const LocalTime summer = zone->to_local(at_utc(1988, 7, 1));
    EXPECT_EQ(summer.offset_seconds, 9 * 3600);
    EXPECT_EQ(summer.time, (TimeOfDay{9, 0, 0}));

    // The gap (02:00–03:00 on 1986-05-04 did not exist) is read with the offset before it.
    EXPECT_EQ(zone->from_local(Date{1986, 5, 4}, TimeOfDay{2, 30, 0}), at_utc(1986, 5, 3, 18, 30));
    // The overlap (01:00–02:00 on 1986-09-14 happened twice): the earlier offset (+9) wins.
    EXPECT_EQ(zone->from_local(Date{1986, 9, 14}, TimeOfDay{1, 30, 0}), at_utc(1986, 9, 13, 16, 30));
}

TEST(CivilTimeZone, FooterRulesCarryDaylightSavingPastTheTable) {
    // Debian's zic output is "slim": New York's table stops in 2007 and the
    // footer "EST5EDT,M3.2.0,M11.1.0" gives every later year.
    const auto ny = load_or_skip("America/New_York");
    ASSERT_TRUE(ny);
    EXPECT_EQ(ny->offset_at(at_utc(2023, 3, 12, 6, 59, 59)), -5 * 3600);
    EXPECT_EQ(ny->offset_at(at_utc(2023, 3, 12, 7)), -4 * 3600);
    EXPECT_EQ(ny->offset_at(at_utc(2023, 11, 5, 5, 59, 59)), -4 * 3600);
    EXPECT_EQ(ny->offset_at(at_utc(2023, 11, 5, 6)), -5 * 3600);
    EXPECT_EQ(ny->offset_at(at_utc(2090, 7, 1)), -4 * 3600);
    EXPECT_EQ(ny->offset_at(at_utc(2090, 1, 1)), -5 * 3600);
    // Southern hemisphere: DST spans the new year.
    const auto sydney = load_or_skip("Australia/Sydney");
    ASSERT_TRUE(sydney);
    EXPECT_EQ(sydney->offset_at(at_utc(2060, 1, 15)), 11 * 3600);
    EXPECT_EQ(sydney->offset_at(at_utc(2060, 7, 15)), 10 * 3600);
}

// Cross-checks offset_at against the C library, which reads the same files.
TEST(CivilTimeZone, AgreesWithTheCLibrary) {
    const char* old_tz = std::getenv("TZ");
    const std::string saved = old_tz ? old_tz : "";
    for (const char* name : {"Asia/Shanghai", "Europe/Berlin", "America/Sao_Paulo", "Australia/Lord_Howe",
                             "Asia/Kolkata", "UTC"}) {
        const auto zone = load_or_skip(name);
        ASSERT_TRUE(zone);
        setenv("TZ", name, 1);
        tzset();
        // Every 7 days and 1 hour from 1950 to 2037 (glibc's own range for slim files is exact there).
        for (int64_t t = at_utc(1950, 1, 1).time_since_epoch().count(); t < at_utc(2037, 1, 1).time_since_epoch().count();
             t += 7 * 86400 + 3600) {
            const std::time_t tt = static_cast<std::time_t>(t);
            std::tm tm{};
            localtime_r(&tt, &tm);
            ASSERT_EQ(zone->offset_at(Instant{std::chrono::seconds{t}}), tm.tm_gmtoff)
                << name << " at " << format_rfc3339(Instant{std::chrono::seconds{t}});
        }
    }
    if (old_tz) setenv("TZ", saved.c_str(), 1);
    else unsetenv("TZ");
    tzset();
}

TEST(CivilTimeZone, RejectsNamesThatAreNotIana) {
    EXPECT_FALSE(TimeZone::load("../etc/passwd"));
    EXPECT_FALSE(TimeZone::load("Asia/../../etc/passwd"));
    EXPECT_FALSE(TimeZone::load("/etc/localtime"));
    EXPECT_FALSE(TimeZone::load("/usr/share/zoneinfo/Asia/Shanghai"));
    EXPECT_FALSE(TimeZone::load("Asia/Shanghai/"));
    EXPECT_FALSE(TimeZone::load("Asia//Shanghai"));
    EXPECT_FALSE(TimeZone::load("Asia/Shang hai"));
    EXPECT_FALSE(TimeZone::load(""));
    EXPECT_FALSE(TimeZone::load("Mars/Olympus_Mons"));  // well-shaped, but no such zone
    EXPECT_FALSE(TimeZone::load("Asia"));               // a directory, not a TZif file
    EXPECT_FALSE(TimeZone::load("zone.tab"));           // '.' is never in an IANA name
    EXPECT_FALSE(TimeZone::load("iso3166.tab"));
}

TEST(CivilTimeZone, ZoneinfoDirFollowsTzdirAndRejectsNonTzifFiles) {
    const char* old = std::getenv("TZDIR");
    const std::string saved = old ? old : "";
    const std::string dir = ::testing::TempDir() + "civil_time_zoneinfo";
    std::filesystem::create_directories(dir + "/Test");
    {
        FILE* f = std::fopen((dir + "/Test/Garbage").c_str(), "wb");
        ASSERT_TRUE(f);
        std::fputs("TZif2 not really a zone file, only its magic", f);
        std::fclose(f);
    }
    setenv("TZDIR", dir.c_str(), 1);
    EXPECT_EQ(zoneinfo_dir(), dir);
    EXPECT_FALSE(TimeZone::load("Test/Garbage"));
    EXPECT_FALSE(TimeZone::load("Asia/Shanghai"));  // not in this directory
    if (old) setenv("TZDIR", saved.c_str(), 1);
    else unsetenv("TZDIR");
    EXPECT_TRUE(TimeZone::load("Asia/Shanghai"));
}

}  // namespace
}  // namespace campus
