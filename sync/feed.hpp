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
    std::string image;  // a media id listed in Feed::media; empty when absent
    std::string link;   // an https:// URL, shown as a QR code; empty when absent
};

struct SchoolEvent {
    std::string id;
    std::string title;
    Date date;
    std::optional<TimeOfDay> time;
    std::string place;
    std::string image;  // a media id listed in Feed::media; empty when absent
    std::string link;   // an https:// URL, shown as a QR code; empty when absent
};

// A picture the feed refers to. The feed's signature covers `sha256`, so a
// screen that shows only bytes matching it shows only what the office signed.
// Whether the bytes are at hand is the sync side's business (MediaStore); the
// feed only says what they must be.
struct MediaItem {
    std::string id;
    std::string url;     // relative to the feed's URL, or absolute http(s)://
    std::string sha256;  // 64 lowercase hex digits
    int width = 1;       // as the office measured it, >= 1; the decoder checks the real size
    int height = 1;
    std::string alt;     // a description; empty when absent
};

struct GalleryItem {
    std::string media;    // a media id listed in Feed::media
    std::string caption;  // empty when absent
    std::optional<Date> date;
};

// The 校园风采 page: photos shown one at a time with their captions.
struct Gallery {
    std::string title;  // empty when absent (the page says 校园风采)
    std::vector<GalleryItem> items;
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
    std::vector<MediaItem> media;
    std::optional<Gallery> gallery;

    const SchoolClass* find_class(std::string_view id) const;
    const MediaItem* find_media(std::string_view id) const;  // null when not listed
};

}  // namespace campus
