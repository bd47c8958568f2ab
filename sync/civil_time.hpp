// Civil dates, RFC 3339 instants and IANA time zones, without a dependency on a
// tz library: libstdc++ 12 has no std::chrono::tzdb, so we read the system's
// TZif files (/usr/share/zoneinfo, Debian package tzdata) ourselves.
//
// Every date the school sees ("today", school week N, the month's habit) is a
// civil date in the school's time zone, computed from an Instant that tests set.
//
// Thread safety: every function here is safe to call from any thread; a
// TimeZone is immutable once loaded.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace campus {

// A point in time, UTC, whole seconds.
using Instant = std::chrono::sys_seconds;

// A proleptic Gregorian calendar date. Always valid when produced by this module.
struct Date {
    int year = 1970;
    int month = 1;  // 1..12
    int day = 1;    // 1..31

    // Days since 1970-01-01 (negative before).
    int64_t days_since_epoch() const;
    static Date from_days_since_epoch(int64_t days);
    // 0 = Monday … 6 = Sunday (ISO), as Chinese calendars print weeks.
    int weekday() const;
    Date plus_days(int64_t n) const { return from_days_since_epoch(days_since_epoch() + n); }

    std::string to_string() const;  // YYYY-MM-DD
    auto operator<=>(const Date&) const = default;
};

// "YYYY-MM" of a habit.
struct YearMonth {
    int year = 1970;
    int month = 1;
    std::string to_string() const;  // YYYY-MM
    auto operator<=>(const YearMonth&) const = default;
};

// A wall-clock time of day, as in an event's "time": "HH:MM" (seconds optional).
struct TimeOfDay {
    int hour = 0, minute = 0, second = 0;
    int seconds_since_midnight() const { return hour * 3600 + minute * 60 + second; }
    auto operator<=>(const TimeOfDay&) const = default;
};

// Parsing. Each returns nullopt on anything malformed or impossible
// (2022-02-30, 24:00, month 13, a missing offset in RFC 3339).
std::optional<Date> parse_date(std::string_view text);            // YYYY-MM-DD exactly
std::optional<YearMonth> parse_year_month(std::string_view text); // YYYY-MM exactly
std::optional<TimeOfDay> parse_time_of_day(std::string_view text); // HH:MM or HH:MM:SS

// RFC 3339 date-time with an offset ("Z", "+08:00"); fractional seconds are
// accepted and dropped. The offset is kept so the screen can print the office's
// own wall time ("数据更新于 11月6日 07:30").
struct ZonedStamp {
    Instant instant{};
    int offset_seconds = 0;
};
std::optional<ZonedStamp> parse_rfc3339(std::string_view text);
std::string format_rfc3339(Instant t, int offset_seconds = 0);  // 2023-11-06T07:30:00+08:00

bool is_leap_year(int year);
int days_in_month(int year, int month);

// The local civil time at an instant in some zone.
struct LocalTime {
    Date date;
    TimeOfDay time;
    int offset_seconds = 0;
};

// An IANA time zone, loaded from a TZif file. Immutable.
class TimeZone {
public:
    // Loads "Asia/Shanghai" from the system zoneinfo directory. Returns nullptr
    // when the name is not a valid IANA name (".." or an absolute path is never
    // accepted) or when no readable, well-formed TZif file exists for it.
    static std::shared_ptr<const TimeZone> load(std::string_view iana_name);
    // The zone for tests that must not depend on tzdata: a fixed offset.
    static std::shared_ptr<const TimeZone> fixed(std::string name, int offset_seconds);

    const std::string& name() const { return name_; }
    int offset_at(Instant t) const;      // seconds east of UTC
    LocalTime to_local(Instant t) const;
    // The instant at which the given local wall time happens. In a gap or an
    // overlap (DST), the earlier offset is used; China has had none since 1991.
    Instant from_local(Date date, TimeOfDay time = {}) const;

    struct Transition {
        int64_t at;  // unix seconds
        int offset;  // offset from that instant on
    };

private:
    std::string name_;
    int initial_offset_ = 0;               // before the first transition
    std::vector<Transition> transitions_;  // sorted by `at`
    std::string footer_tz_;                // POSIX TZ rule for after the table (kept simple: fixed-offset rules only)
    friend struct TimeZoneLoader;
};

// Where TimeZone::load looks; tests may point it elsewhere. Default: $TZDIR or
// /usr/share/zoneinfo.
std::string zoneinfo_dir();

}  // namespace campus
