// libFuzzer target: arbitrary bytes through everything a screen does with a
// downloaded feed — parse_feed, then the standings of every competition, the
// month's habit, the coming events and the school day — plus the civil-time
// parsers on the raw bytes. Besides the sanitizers' crashes, the invariants
// below trap: a screen must never show a rank or a flag that breaks the rules.
//
// Built by tests/fuzz/CMakeLists.txt (see there how to run it).

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "sync/calendar.hpp"
#include "sync/civil_time.hpp"
#include "sync/feed_parse.hpp"
#include "sync/standings.hpp"

namespace {

using namespace campus;

void check(bool ok) {
    if (!ok) __builtin_trap();
}

void check_standings(const Competition& competition, const CompetitionStandings& s) {
    check(s.competition == &competition);
    if (!s.round) {
        check(s.standings.empty() && !s.previous_round);
        return;
    }
    check(s.standings.size() == s.round->scores.size());
    for (std::size_t i = 0; i < s.standings.size(); ++i) {
        const ClassStanding& row = s.standings[i];
        check(row.rank >= 1 && static_cast<std::size_t>(row.rank) <= s.standings.size());
        check(row.flag == (row.rank <= competition.awards));
        check(row.flag ? row.streak >= 1 : row.streak == 0);
        check(!row.movement || s.previous_round);
        check(row.weakest_criterion >= -1 && row.weakest_criterion < static_cast<int>(competition.criteria.size()));
        if (i > 0) {
            const ClassStanding& prev = s.standings[i - 1];
            // Sorted by grade then rank (scope grade), or by rank.
            if (competition.scope == CompetitionScope::grade && prev.grade != row.grade) {
                check(prev.grade < row.grade && row.rank == 1);
            } else {
                check(prev.rank <= row.rank);
                check(row.rank == prev.rank || row.rank == static_cast<int>(i) + 1 || competition.scope == CompetitionScope::grade);
            }
        } else {
            check(row.rank == 1);
        }
        check(s.find(row.class_id) != nullptr);
    }
    const auto shown = s.displayed();
    check(shown.size() <= s.standings.size());
}

void exercise_civil_time(std::string_view text) {
    if (const auto stamp = parse_rfc3339(text)) {
        // What we print we must read back as the same instant.
        const auto again = parse_rfc3339(format_rfc3339(stamp->instant, stamp->offset_seconds));
        check(again && again->instant == stamp->instant && again->offset_seconds == stamp->offset_seconds);
    }
    if (const auto date = parse_date(text)) {
        check(parse_date(date->to_string()) == date);
        check(Date::from_days_since_epoch(date->days_since_epoch()) == *date);
    }
    if (const auto ym = parse_year_month(text)) check(parse_year_month(ym->to_string()) == ym);
    (void)parse_time_of_day(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    if (size <= 64) exercise_civil_time(bytes);

    const ParseResult result = parse_feed(bytes);
    if (!result.ok()) {
        check(!result.problems.empty());
        for (const Problem& p : result.problems) (void)to_string(p);
        return 0;
    }
    const Feed& feed = *result.feed;
    check(feed.school.timezone != nullptr);

    // "Now" at a few moments the data makes interesting: when the office built
    // it, the term's first Monday, and every round's own start.
    const Instant built = feed.generated_at.instant;
    const Date today = school_local_time(feed, built).date;
    (void)school_day(feed, built);
    for (const Date d : {today, feed.term.start, feed.term.end}) {
        const HabitOfMonth habit = habit_of_month(feed, d);
        check(!habit.habit || habit.upcoming == !(habit.habit->month == YearMonth{d.year, d.month}));
    }
    const auto coming = coming_events(feed, built);
    for (std::size_t i = 1; i < coming.size(); ++i) check(coming[i - 1].days_left <= coming[i].days_left);
    for (const ComingEvent& e : coming) check(e.days_left >= 0);

    for (const Competition& competition : feed.competitions) {
        check_standings(competition, compute_standings(feed, competition, today));
        // A bounded handful of rounds, so one input cannot make an iteration slow.
        std::size_t n = 0;
        for (const Round& round : competition.rounds) {
            if (++n > 4) break;
            check_standings(competition, compute_standings(feed, competition, round.start));
        }
    }
    return 0;
}
