// The campus feed, format 1, as the program holds it after validation
// (shared/feed-contract.md is the authority; sync/schema/ has its JSON Schema).
//
// A Feed is built once by parse_feed() and never changed afterwards: the sync
// thread hands it to the screen as std::shared_ptr<const Feed>, so nothing locks
// while drawing. Every field here has passed the contract's rules; code that
// reads a Feed does not check them again.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sync/civil_time.hpp"

namespace campus {

struct School {
    std::string name;
    std::string short_name;  // empty when absent
    std::string motto;       // empty when absent
    std::string timezone_name = "Asia/Shanghai";
    std::shared_ptr<const TimeZone> timezone;  // never null in a valid feed
};

struct GoalProgress {
    double current = 0;  // >= 0
    double target = 1;   // > 0
    std::string unit;    // empty when absent
    double fraction() const { return current >= target ? 1.0 : current / target; }
};

struct Goal {
    std::string id;
    std::string title;
    std::string category;  // 德育, 教学, … ; empty when absent
    std::string detail;
    std::optional<GoalProgress> progress;
};

struct Term {
    std::string name;
    Date start;
    Date end;
    std::string theme;
    std::vector<Goal> goals;
};

struct Habit {
    YearMonth month;
    std::string title;
    std::string detail;
    std::vector<std::string> tips;
};

struct SchoolClass {
    std::string id;  // "3-2"
    int grade = 1;   // 1..12
    std::string name;     // 三年级二班
    std::string teacher;  // empty when absent
};

struct Criterion {
    std::string id;
    std::string name;
    double max = 1;     // > 0
    double weight = 1;  // default 1
};

// One class's scores in one round. `values[i]` is the score for the
// competition's criteria[i], so every criterion is present by construction.
struct Score {
    std::string class_id;
    std::vector<double> values;
    std::string note;
};

struct Round {
    int week = 0;
    Date start;
    std::vector<Score> scores;
};

enum class CompetitionScope { school, grade };
enum class TiePolicy { share, tiebreak };

struct DisplayPolicy {
    enum class Kind { all, winners, top } kind = Kind::all;
    int top_n = 0;  // for Kind::top
};

struct Competition {
    std::string id;
    std::string name;
    std::string period = "week";
    int awards = 1;
    CompetitionScope scope = CompetitionScope::school;
    std::vector<Criterion> criteria;
    TiePolicy ties = TiePolicy::share;
    std::vector<int> tiebreak;  // indices into `criteria`, in order
    DisplayPolicy display;
    std::vector<Round> rounds;  // in feed order; standings sort by start date
};

enum class AnnouncementLevel { info, urgent, emergency };

struct AnnouncementTarget {
    enum class Kind { all, role, grade, class_id, screen } kind = Kind::all;
    std::string value;  // role name, class id or screen id
    int grade = 0;      // for Kind::grade
};

struct Announcement {
    std::string id;
    AnnouncementLevel level = AnnouncementLevel::info;
    std::string title;
    std::string body;
    std::optional<Instant> from;
    std::optional<Instant> until;
    std::vector<AnnouncementTarget> targets;  // never empty: defaults to {all}
};

struct SchoolEvent {
    std::string id;
    std::string title;
    Date date;
    std::optional<TimeOfDay> time;
    std::string place;
};

struct Feed {
    int format_version = 1;
    std::string feed_id;
    int64_t version = 1;
    ZonedStamp generated_at;
    std::optional<ZonedStamp> expires_at;
    School school;
    Term term;
    std::vector<Habit> habits;
    std::vector<SchoolClass> classes;
    std::vector<Competition> competitions;
    std::vector<Announcement> announcements;
    std::vector<SchoolEvent> events;

    const SchoolClass* find_class(std::string_view id) const;
};

}  // namespace campus
