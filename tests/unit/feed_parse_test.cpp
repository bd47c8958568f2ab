// parse_feed: the contract's rules (one fixture per rule in fixtures/invalid/),
// the reading limits, and hostile input (bad UTF-8, truncation, deep nesting).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sync/feed_parse.hpp"

namespace campus {
namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    EXPECT_TRUE(in.good()) << "cannot open " << path;
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

fs::path fixtures() { return fs::path(KIOSK_FIXTURES_DIR); }

std::string minimal_text() { return read_text(fixtures() / "valid" / "minimal.json"); }

nlohmann::ordered_json minimal_json() { return nlohmann::ordered_json::parse(minimal_text()); }

std::string all_problems(const ParseResult& r) {
    std::string out;
    for (const Problem& p : r.problems) out += "  " + to_string(p) + "\n";
    return out;
}

bool has_problem(const ParseResult& r, const std::string& pointer, const std::string& fragment) {
    return std::any_of(r.problems.begin(), r.problems.end(), [&](const Problem& p) {
        return p.pointer == pointer && p.message.find(fragment) != std::string::npos;
    });
}

// A string of n copies of one UTF-8 character.
std::string repeat(const std::string& unit, std::size_t n) {
    std::string s;
    s.reserve(unit.size() * n);
    for (std::size_t i = 0; i < n; ++i) s += unit;
    return s;
}

//-----------------------------------------------------------------------------
// The valid fixture
//-----------------------------------------------------------------------------

TEST(FeedParse, MinimalFeedParsesIntoModel) {
    const ParseResult r = parse_feed(minimal_text());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_TRUE(r.problems.empty());
    const Feed& f = *r.feed;

    EXPECT_EQ(f.format_version, 1);
    EXPECT_EQ(f.feed_id, "demo-primary");
    EXPECT_EQ(f.version, 12);
    EXPECT_EQ(f.generated_at.offset_seconds, 8 * 3600);
    EXPECT_EQ(f.generated_at.instant, parse_rfc3339("2023-11-05T23:30:00Z")->instant);
    ASSERT_TRUE(f.expires_at);
    EXPECT_EQ(f.expires_at->instant - f.generated_at.instant, std::chrono::hours(24 * 7));

    EXPECT_EQ(f.school.name, "实验小学");
    EXPECT_EQ(f.school.short_name, "实小");
    EXPECT_EQ(f.school.motto, "勤学 守纪");
    EXPECT_EQ(f.school.timezone_name, "Asia/Shanghai");
    ASSERT_NE(f.school.timezone, nullptr);
    EXPECT_EQ(f.school.timezone->offset_at(f.generated_at.instant), 8 * 3600);

    EXPECT_EQ(f.term.name, "2023—2024学年第一学期");
    EXPECT_EQ(f.term.start, (Date{2023, 9, 1}));
    EXPECT_EQ(f.term.end, (Date{2024, 1, 19}));
    EXPECT_EQ(f.term.theme, "每天提升一点点");
    ASSERT_EQ(f.term.goals.size(), 2u);
    EXPECT_EQ(f.term.goals[0].id, "g1");
    EXPECT_EQ(f.term.goals[0].category, "德育");
    ASSERT_TRUE(f.term.goals[0].progress);
    EXPECT_DOUBLE_EQ(f.term.goals[0].progress->current, 3);
    EXPECT_DOUBLE_EQ(f.term.goals[0].progress->target, 5);
    EXPECT_EQ(f.term.goals[0].progress->unit, "项");
    EXPECT_FALSE(f.term.goals[1].progress);

    ASSERT_EQ(f.habits.size(), 1u);
    EXPECT_EQ(f.habits[0].month, (YearMonth{2023, 11}));
    EXPECT_EQ(f.habits[0].title, "语言文明");
    EXPECT_EQ(f.habits[0].tips, (std::vector<std::string>{"请", "谢谢"}));

    ASSERT_EQ(f.classes.size(), 2u);
    EXPECT_EQ(f.classes[0].id, "3-1");
    EXPECT_EQ(f.classes[0].grade, 3);
    EXPECT_EQ(f.classes[0].teacher, "王老师");
    EXPECT_EQ(f.classes[1].name, "三年级二班");
    ASSERT_NE(f.find_class("3-2"), nullptr);
    EXPECT_EQ(f.find_class("3-2")->name, "三年级二班");
    EXPECT_EQ(f.find_class("9-9"), nullptr);

    ASSERT_EQ(f.competitions.size(), 1u);
    const Competition& c = f.competitions[0];
    EXPECT_EQ(c.id, "red-flag");
    EXPECT_EQ(c.name, "流动红旗");
    EXPECT_EQ(c.period, "week");
    EXPECT_EQ(c.awards, 1);
    EXPECT_EQ(c.scope, CompetitionScope::school);
    ASSERT_EQ(c.criteria.size(), 2u);
    EXPECT_EQ(c.criteria[0].id, "discipline");
    EXPECT_DOUBLE_EQ(c.criteria[0].weight, 1);  // the default
    EXPECT_DOUBLE_EQ(c.criteria[1].weight, 2);
    EXPECT_DOUBLE_EQ(c.criteria[1].max, 20);
    EXPECT_EQ(c.ties, TiePolicy::tiebreak);
    EXPECT_EQ(c.tiebreak, (std::vector<int>{1}));
    EXPECT_EQ(c.display.kind, DisplayPolicy::Kind::top);
    EXPECT_EQ(c.display.top_n, 10);
    ASSERT_EQ(c.rounds.size(), 1u);
    EXPECT_EQ(c.rounds[0].week, 10);
    EXPECT_EQ(c.rounds[0].start, (Date{2023, 11, 6}));
    ASSERT_EQ(c.rounds[0].scores.size(), 2u);
    EXPECT_EQ(c.rounds[0].scores[0].class_id, "3-1");
    EXPECT_EQ(c.rounds[0].scores[0].values, (std::vector<double>{19, 18.5}));
    EXPECT_EQ(c.rounds[0].scores[1].note, "全勤");

    ASSERT_EQ(f.announcements.size(), 2u);
    const Announcement& a = f.announcements[0];
    EXPECT_EQ(a.level, AnnouncementLevel::urgent);
    EXPECT_EQ(a.body, "请添衣");
    ASSERT_TRUE(a.from && a.until);
    EXPECT_EQ(*a.until - *a.from, std::chrono::hours(48));
    ASSERT_EQ(a.targets.size(), 4u);
    EXPECT_EQ(a.targets[0].kind, AnnouncementTarget::Kind::role);
    EXPECT_EQ(a.targets[0].value, "lobby");
    EXPECT_EQ(a.targets[1].kind, AnnouncementTarget::Kind::grade);
    EXPECT_EQ(a.targets[1].grade, 3);
    EXPECT_EQ(a.targets[2].kind, AnnouncementTarget::Kind::class_id);
    EXPECT_EQ(a.targets[2].value, "3-2");
    EXPECT_EQ(a.targets[3].kind, AnnouncementTarget::Kind::screen);
    EXPECT_EQ(a.targets[3].value, "hall-1");
    // No targets means every screen.
    ASSERT_EQ(f.announcements[1].targets.size(), 1u);
    EXPECT_EQ(f.announcements[1].targets[0].kind, AnnouncementTarget::Kind::all);
    EXPECT_FALSE(f.announcements[1].from);

    ASSERT_EQ(f.events.size(), 1u);
    EXPECT_EQ(f.events[0].id, "sports-day");
    EXPECT_EQ(f.events[0].date, (Date{2023, 11, 20}));
    ASSERT_TRUE(f.events[0].time);
    EXPECT_EQ(*f.events[0].time, (TimeOfDay{8, 30, 0}));
    EXPECT_EQ(f.events[0].place, "操场");
}

TEST(FeedParse, DefaultsWhenOptionalFieldsAreLeftOut) {
    auto j = minimal_json();
    j["school"].erase("timezone");
    j.erase("expires_at");
    j.erase("announcements");
    j.erase("events");
    j["term"].erase("goals");
    auto& c = j["competitions"][0];
    c.erase("ties");
    c.erase("tiebreak");
    c.erase("display");
    const ParseResult r = parse_feed(j.dump());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.feed->school.timezone_name, "Asia/Shanghai");
    ASSERT_NE(r.feed->school.timezone, nullptr);
    EXPECT_FALSE(r.feed->expires_at);
    EXPECT_TRUE(r.feed->announcements.empty());
    EXPECT_TRUE(r.feed->events.empty());
    EXPECT_TRUE(r.feed->term.goals.empty());
    EXPECT_EQ(r.feed->competitions[0].ties, TiePolicy::share);
    EXPECT_EQ(r.feed->competitions[0].display.kind, DisplayPolicy::Kind::all);
}

TEST(FeedParse, UnknownFieldsAreIgnored) {
    auto j = minimal_json();
    j["publisher_note"] = {{"anything", {1, 2, 3}}};
    j["school"]["logo"] = "logo.png";
    j["competitions"][0]["rounds"][0]["scores"][0]["inspector"] = "李老师";
    const ParseResult r = parse_feed(j.dump());
    EXPECT_TRUE(r.ok()) << all_problems(r);
}

TEST(FeedParse, WholeNumbersMayBeWrittenWithDecimalZero) {
    auto j = minimal_json();
    j["format_version"] = 1.0;
    j["classes"][0]["grade"] = 3.0;
    const ParseResult r = parse_feed(j.dump());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.feed->classes[0].grade, 3);
}

TEST(FeedParse, MediaGalleryImagesAndLinksParseIntoModel) {
    const ParseResult r = parse_feed(read_text(fixtures() / "valid" / "media.json"));
    ASSERT_TRUE(r.ok()) << all_problems(r);
    const Feed& f = *r.feed;
    ASSERT_EQ(f.media.size(), 3u);
    EXPECT_EQ(f.media[0].id, "sports-day");
    EXPECT_EQ(f.media[0].url, "media/sports-day.jpg");
    EXPECT_EQ(f.media[0].sha256.size(), 64u);
    EXPECT_EQ(f.media[0].width, 4000);
    EXPECT_EQ(f.media[0].height, 3000);
    EXPECT_EQ(f.media[0].alt, "秋季运动会开幕式");
    EXPECT_EQ(f.media[1].url, "https://cdn.example.invalid/school/flag.png");
    EXPECT_TRUE(f.media[1].alt.empty());
    ASSERT_NE(f.find_media("reading"), nullptr);
    EXPECT_EQ(f.find_media("reading")->width, 2048);
    EXPECT_EQ(f.find_media("nope"), nullptr);
    ASSERT_TRUE(f.gallery);
    EXPECT_EQ(f.gallery->title, "校园风采");
    ASSERT_EQ(f.gallery->items.size(), 3u);
    EXPECT_EQ(f.gallery->items[0].media, "sports-day");
    ASSERT_TRUE(f.gallery->items[0].date);
    EXPECT_EQ(f.gallery->items[0].date->to_string(), "2023-11-20");
    EXPECT_EQ(f.gallery->items[1].caption, "升旗仪式");
    EXPECT_FALSE(f.gallery->items[2].date);
    EXPECT_TRUE(f.gallery->items[2].caption.empty());
    EXPECT_EQ(f.announcements[1].image, "reading");
    EXPECT_EQ(f.announcements[1].link, "https://school.example.invalid/notice/reading?id=2");
    EXPECT_TRUE(f.announcements[0].image.empty());
    EXPECT_TRUE(f.announcements[0].link.empty());
    EXPECT_EQ(f.events[0].image, "sports-day");
    EXPECT_EQ(f.events[0].link, "https://school.example.invalid/events/sports-day");
}

TEST(FeedParse, AFeedWithoutMediaHasNoGallery) {
    const ParseResult r = parse_feed(minimal_text());
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_TRUE(r.feed->media.empty());
    EXPECT_FALSE(r.feed->gallery);
}

// Each place a picture or a link can be wrong, with the words a clerk reads.
TEST(FeedParse, MediaUrlsAndLinksAreCheckedWhereTheyAre) {
    auto j = nlohmann::json::parse(read_text(fixtures() / "valid" / "media.json"));
    j["media"][0]["url"] = "javascript:alert(1)";
    j["media"][1]["url"] = "HTTPS://cdn.example.invalid/a b.png";
    j["media"][2]["height"] = "2048";
    j["announcements"][1]["link"] = "https://";
    j["events"][0]["image"] = 3;
    j["gallery"]["items"][0]["date"] = "2023-11-31";
    const ParseResult r = parse_feed(j.dump());
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(has_problem(r, "/media/0/url", "is a javascript: address")) << all_problems(r);
    EXPECT_TRUE(has_problem(r, "/media/1/url", "spaces and control characters")) << all_problems(r);
    EXPECT_TRUE(has_problem(r, "/media/2/height", "expected a whole number")) << all_problems(r);
    EXPECT_TRUE(has_problem(r, "/announcements/1/link", "is not an https:// address")) << all_problems(r);
    EXPECT_TRUE(has_problem(r, "/events/0/image", "expected text")) << all_problems(r);
    EXPECT_TRUE(has_problem(r, "/gallery/items/0/date", "is not a real date")) << all_problems(r);
    EXPECT_EQ(r.problems.size(), 6u) << all_problems(r);

    // An absolute http:// picture and a relative one with a colon later in its path are fine.
    auto k = nlohmann::json::parse(read_text(fixtures() / "valid" / "media.json"));
    k["media"][0]["url"] = "http://192.0.2.1/p.jpg";
    k["media"][1]["url"] = "media/12:30.png";
    const ParseResult ok = parse_feed(k.dump());
    EXPECT_TRUE(ok.ok()) << all_problems(ok);
}

//-----------------------------------------------------------------------------
// One fixture per rule
//-----------------------------------------------------------------------------

struct RuleCase {
    const char* file;      // in fixtures/invalid/, without ".json"
    const char* pointer;   // the exact place reported
    const char* fragment;  // part of the message
};

const RuleCase kRules[] = {
    {"not-an-object", "", "must be a JSON object"},
    {"wrong-format", "/format", "\"campus-feed\" is not a campus kiosk feed"},
    {"unknown-format-version", "/format_version", "format version 2 is not known to this screen: it knows format version 1"},
    {"missing-format-version", "/format_version", "missing"},
    {"bad-feed-id", "/feed_id", "\"Demo_Primary\" is not a valid feed id"},
    {"zero-version", "/version", "must be 1 or more, got 0"},
    {"version-not-a-number", "/version", "expected a whole number, got \"abc\""},
    {"fractional-version", "/version", "expected a whole number, got 1.5"},
    {"generated-at-without-offset", "/generated_at", "is not an RFC 3339 time with an offset"},
    {"bad-expires-at", "/expires_at", "\"next week\" is not an RFC 3339 time"},
    {"missing-school-name", "/school/name", "missing"},
    {"bad-timezone", "/school/timezone", "\"Mars/Olympus\" is not a known IANA time zone"},
    {"impossible-date", "/term/start", "\"2023-02-30\" is not a real date"},
    {"bad-date-format", "/term/end", "YYYY-MM-DD"},
    {"term-ends-before-start", "/term/end", "ends on 2023-08-01, before it starts on 2023-09-01"},
    {"duplicate-goal-id", "/term/goals/1/id", "duplicate goal id \"g1\": already used at /term/goals/0/id"},
    {"missing-goal-title", "/term/goals/0/title", "missing"},
    {"zero-progress-target", "/term/goals/0/progress/target", "must be above 0, got 0"},
    {"negative-progress", "/term/goals/0/progress/current", "0 or more, got -1"},
    {"bad-habit-month", "/habits/0/month", "\"2023-13\" is not a month"},
    {"habits-not-a-list", "/habits", "expected a list"},
    {"duplicate-class-id", "/classes/2/id", "duplicate class id \"3-1\""},
    {"grade-out-of-range", "/classes/0/grade", "grade 13 is outside grades 1 to 12"},
    {"grade-not-a-number", "/classes/0/grade", "expected a whole number, got \"三\""},
    {"missing-class-name", "/classes/1/name", "missing"},
    {"duplicate-competition-id", "/competitions/1/id", "duplicate competition id \"red-flag\""},
    {"bad-period", "/competitions/0/period", "unknown period \"month\""},
    {"zero-awards", "/competitions/0/awards", "1 or more, got 0"},
    {"bad-scope", "/competitions/0/scope", "unknown scope \"class\""},
    {"duplicate-criterion-id", "/competitions/0/criteria/2/id", "duplicate criterion id \"hygiene\""},
    {"zero-criterion-max", "/competitions/0/criteria/0/max", "maximum must be above 0, got 0"},
    {"negative-weight", "/competitions/0/criteria/1/weight", "0 or more, got -2"},
    {"no-criteria", "/competitions/0/criteria", "at least one criterion"},
    {"reserved-criterion-id", "/competitions/0/criteria/0/id", "\"note\" cannot be a criterion id"},
    {"bad-ties", "/competitions/0/ties", "unknown ties policy \"random\""},
    {"unknown-tiebreak-criterion", "/competitions/0/tiebreak/0", "\"speed\" is not one of this competition's criteria"},
    {"tiebreak-without-list", "/competitions/0/tiebreak", "no criteria are listed"},
    {"bad-display", "/competitions/0/display", "\"top:0\" is not a display policy"},
    {"score-above-max", "/competitions/0/rounds/0/scores/1/hygiene", "23 is above the maximum 20 for 卫生"},
    {"negative-score", "/competitions/0/rounds/0/scores/0/discipline", "-1 is below the minimum 0 for 纪律"},
    {"missing-criterion", "/competitions/0/rounds/0/scores/0/hygiene", "missing: the score for 卫生"},
    {"score-not-a-number", "/competitions/0/rounds/0/scores/0/discipline", "expected a number, got \"19\""},
    {"unknown-class", "/competitions/0/rounds/0/scores/1/class", "unknown class \"9-9\""},
    {"class-scored-twice", "/competitions/0/rounds/0/scores/1/class",
     "class \"3-1\" is scored twice in this round: also at /competitions/0/rounds/0/scores/0"},
    {"bad-round-week", "/competitions/0/rounds/0/week", "school week 0"},
    {"impossible-round-start", "/competitions/0/rounds/0/start", "\"2023-11-31\" is not a real date"},
    {"duplicate-round-start", "/competitions/0/rounds/1/start", "another round also starts on 2023-11-06"},
    {"duplicate-round-week", "/competitions/0/rounds/1/week", "week 10 already has a round"},
    {"missing-scores", "/competitions/0/rounds/0/scores", "missing"},
    {"bad-announcement-level", "/announcements/0/level", "unknown level \"critical\""},
    {"announcement-ends-before-start", "/announcements/0/until", "before or when it starts"},
    {"bad-target", "/announcements/0/targets/1", "\"floor:3\" is not a target"},
    {"target-unknown-class", "/announcements/0/targets/2", "unknown class \"9-9\""},
    {"target-bad-grade", "/announcements/0/targets/1", "\"grade:13\" does not name a grade"},
    {"empty-targets", "/announcements/0/targets", "empty"},
    {"duplicate-announcement-id", "/announcements/1/id", "duplicate announcement id \"a1\""},
    {"bad-event-date", "/events/0/date", "\"2023-11-31\" is not a real date"},
    {"bad-event-time", "/events/0/time", "\"8:30 am\" is not a time of day"},
    {"duplicate-event-id", "/events/1/id", "duplicate event id \"sports-day\""},
    {"missing-event-title", "/events/0/title", "missing"},
    {"unknown-image-media", "/announcements/1/image", "unknown media id \"sportsday\": it is not listed in /media"},
    {"gallery-unknown-media", "/gallery/items/1/media", "unknown media id \"flags\""},
    {"bad-media-sha256", "/media/0/sha256", "is not a SHA-256 digest"},
    {"bad-media-url", "/media/2/url", "is a file: address"},
    {"duplicate-media-id", "/media/2/id", "duplicate media id \"flag\": already used at /media/1/id"},
    {"link-not-https", "/events/0/link", "is not an https:// address"},
    {"zero-media-width", "/media/1/width", "must be 1 or more, got 0"},
    {"gallery-without-items", "/gallery/items", "missing"},
};

class FeedParseRule : public ::testing::TestWithParam<RuleCase> {};

// Each fixture breaks exactly one rule, so exactly one problem is expected:
// a second one would mean a cascade of misleading messages.
TEST_P(FeedParseRule, RejectsWithPlaceAndReason) {
    const RuleCase& rule = GetParam();
    const ParseResult r = parse_feed(read_text(fixtures() / "invalid" / (std::string(rule.file) + ".json")));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.feed, nullptr);
    ASSERT_EQ(r.problems.size(), 1u) << all_problems(r);
    EXPECT_EQ(r.problems[0].pointer, rule.pointer) << all_problems(r);
    EXPECT_NE(r.problems[0].message.find(rule.fragment), std::string::npos)
        << "expected \"" << rule.fragment << "\" in:\n" << all_problems(r);
}

INSTANTIATE_TEST_SUITE_P(FeedParse, FeedParseRule, ::testing::ValuesIn(kRules),
                         [](const ::testing::TestParamInfo<RuleCase>& param_info) {
                             std::string name = param_info.param.file;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

// Others add invalid fixtures too (the JSON Schema's, marked with
// "_expect_refused_at"): the parser must refuse every one, at that place.
TEST(FeedParse, EveryInvalidFixtureIsRejected) {
    std::size_t count = 0;
    for (const auto& entry : fs::directory_iterator(fixtures() / "invalid")) {
        if (entry.path().extension() != ".json") continue;
        ++count;
        SCOPED_TRACE(entry.path().filename().string());
        const std::string text = read_text(entry.path());
        const ParseResult r = parse_feed(text);
        EXPECT_FALSE(r.ok());
        EXPECT_FALSE(r.problems.empty());
        const auto j = nlohmann::json::parse(text);
        if (j.is_object() && j.contains("_expect_refused_at")) {
            const std::string where = j["_expect_refused_at"];
            EXPECT_TRUE(std::any_of(r.problems.begin(), r.problems.end(),
                                    [&](const Problem& p) { return p.pointer.rfind(where, 0) == 0; }))
                << "expected a problem at or under " << where << ":\n" << all_problems(r);
        }
    }
    EXPECT_GE(count, std::size(kRules));
}

TEST(FeedParse, EveryValidFixtureAndTheSampleFeedParse) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(fixtures() / "valid")) {
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    const fs::path sample = fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json";
    if (fs::exists(sample)) files.push_back(sample);
    ASSERT_FALSE(files.empty());
    for (const fs::path& file : files) {
        const ParseResult r = parse_feed(read_text(file));
        EXPECT_TRUE(r.ok()) << file << ":\n" << all_problems(r);
    }
}

TEST(FeedParse, CollectsEveryProblemNotJustTheFirst) {
    auto j = minimal_json();
    j["version"] = 0;
    j["classes"][0]["grade"] = 0;
    j["competitions"][0]["rounds"][0]["scores"][0]["discipline"] = 21;
    j["competitions"][0]["rounds"][0]["scores"][1]["hygiene"] = 25;
    j["events"][0]["date"] = "2023-02-29";
    const ParseResult r = parse_feed(j.dump());
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.problems.size(), 5u) << all_problems(r);
    EXPECT_TRUE(has_problem(r, "/version", "1 or more"));
    EXPECT_TRUE(has_problem(r, "/classes/0/grade", "grade 0"));
    EXPECT_TRUE(has_problem(r, "/competitions/0/rounds/0/scores/0/discipline", "21 is above the maximum 20 for 纪律"));
    EXPECT_TRUE(has_problem(r, "/competitions/0/rounds/0/scores/1/hygiene", "25 is above the maximum 20 for 卫生"));
    EXPECT_TRUE(has_problem(r, "/events/0/date", "not a real date"));
}

// A feed broken everywhere gets a bounded list, not millions of lines.
TEST(FeedParse, StopsListingAfterFiveHundredProblems) {
    auto j = minimal_json();
    auto& scores = j["competitions"][0]["rounds"][0]["scores"];
    scores = nlohmann::ordered_json::array();
    for (int i = 0; i < 4000; ++i) scores.push_back({{"class", "3-1"}});  // twice scored, criteria missing
    const ParseResult r = parse_feed(j.dump());
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.problems.size(), 501u);
    EXPECT_EQ(r.problems[0].pointer, "/competitions/0/rounds/0/scores/0/discipline");
    EXPECT_EQ(r.problems.back().pointer, "");
    EXPECT_NE(r.problems.back().message.find("stopped after 500 problems"), std::string::npos);
}

TEST(FeedParse, PointersEscapeSlashAndTilde) {
    auto j = minimal_json();
    j["competitions"][0]["criteria"][0]["id"] = "a/b~c";
    j["competitions"][0]["rounds"][0]["scores"][1]["a/b~c"] = 3;
    const ParseResult r = parse_feed(j.dump());
    ASSERT_EQ(r.problems.size(), 1u) << all_problems(r);
    EXPECT_EQ(r.problems[0].pointer, "/competitions/0/rounds/0/scores/0/a~1b~0c");
}

TEST(FeedParse, ProblemToString) {
    EXPECT_EQ(to_string(Problem{"/competitions/0/rounds/2/scores/5/hygiene", "23 is above the maximum 20 for 卫生"}),
              "/competitions/0/rounds/2/scores/5/hygiene: 23 is above the maximum 20 for 卫生");
    EXPECT_EQ(to_string(Problem{"", "not valid JSON"}), "not valid JSON");
}

//-----------------------------------------------------------------------------
// Hostile bytes
//-----------------------------------------------------------------------------

TEST(FeedParse, RejectsInvalidJson) {
    for (const char* text : {"", "   ", "{", "}", "{\"format\": }", "[1, 2,]", "{\"a\": 1} trailing", "nul",
                             "{\"a\": 01}", "{'a': 1}", "{\"a\": \"\\x\"}", "/* comment */ {}"}) {
        SCOPED_TRACE(text);
        const ParseResult r = parse_feed(text);
        ASSERT_FALSE(r.ok());
        ASSERT_EQ(r.problems.size(), 1u);
        EXPECT_EQ(r.problems[0].pointer, "");
        EXPECT_NE(r.problems[0].message.find("not valid JSON"), std::string::npos) << r.problems[0].message;
    }
}

TEST(FeedParse, RejectsInvalidUtf8) {
    const std::string text = minimal_text();
    const std::size_t at = text.find("实验小学");
    ASSERT_NE(at, std::string::npos);
    // A lone continuation byte, a byte never used in UTF-8, an overlong "/",
    // a UTF-16 surrogate, a code point above U+10FFFF, a cut-off Han character.
    for (const std::string& bad : {std::string("\x80"), std::string("\xFF"), std::string("\xC0\xAF"),
                                  std::string("\xED\xA0\x80"), std::string("\xF4\x90\x80\x80"),
                                  std::string("\xE5\xAE")}) {
        std::string feed = text;
        feed.insert(at, bad);
        const ParseResult r = parse_feed(feed);
        ASSERT_FALSE(r.ok());
        ASSERT_EQ(r.problems.size(), 1u);
        EXPECT_NE(r.problems[0].message.find("not valid UTF-8"), std::string::npos) << r.problems[0].message;
        EXPECT_NE(r.problems[0].message.find("line 8"), std::string::npos) << r.problems[0].message;
    }
}

TEST(FeedParse, RejectsTruncationAtEveryByte) {
    std::string text = minimal_text();
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
    ASSERT_TRUE(parse_feed(text).ok());
    for (std::size_t n = 0; n < text.size(); ++n) {
        const ParseResult r = parse_feed(std::string_view(text).substr(0, n));
        ASSERT_FALSE(r.ok()) << "accepted a feed cut at byte " << n;
        ASSERT_FALSE(r.problems.empty()) << "no reason given for a feed cut at byte " << n;
    }
}

// The minimal feed with an unknown field "extra" holding `levels` nested lists:
// the document's depth is levels + 1 (the top object counts).
std::string feed_with_nesting(int levels) {
    std::string text = minimal_text();
    const std::size_t brace = text.find('{');
    const std::string nested = repeat("[", static_cast<std::size_t>(levels)) + repeat("]", static_cast<std::size_t>(levels));
    text.insert(brace + 1, "\"extra\": " + nested + ",");
    return text;
}

TEST(FeedParse, DepthSixteenPassesSeventeenIsRejected) {
    const ParseResult ok = parse_feed(feed_with_nesting(15));
    EXPECT_TRUE(ok.ok()) << all_problems(ok);

    const ParseResult r = parse_feed(feed_with_nesting(16));
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.problems.size(), 1u);
    std::string pointer = "/extra";
    for (int i = 0; i < 15; ++i) pointer += "/0";
    EXPECT_EQ(r.problems[0].pointer, pointer);
    EXPECT_NE(r.problems[0].message.find("more than 16 levels"), std::string::npos) << r.problems[0].message;
}

TEST(FeedParse, HundredThousandLevelsAreRejectedWithoutCrashing) {
    const std::size_t n = 100000;
    for (const auto& [open, close] : {std::pair<std::string, std::string>{"[", "]"}, {"{\"a\":", "}"}}) {
        for (const bool closed : {true, false}) {
            std::string text = repeat(open, n);
            if (closed) {
                text += '1';
                text += repeat(close, n);
            }
            const ParseResult r = parse_feed(text);
            ASSERT_FALSE(r.ok());
            ASSERT_EQ(r.problems.size(), 1u);
            EXPECT_NE(r.problems[0].message.find("levels deep"), std::string::npos) << r.problems[0].message;
        }
    }
}

TEST(FeedParse, StringLimitCountsCodePointsNotBytes) {
    auto j = minimal_json();
    j["school"]["name"] = repeat("校", 2000);  // 6,000 bytes, 2,000 characters
    const ParseResult han = parse_feed(j.dump());
    EXPECT_TRUE(han.ok()) << all_problems(han);

    j["school"]["name"] = repeat("校", 2001);
    const ParseResult han_over = parse_feed(j.dump());
    ASSERT_EQ(han_over.problems.size(), 1u);
    EXPECT_EQ(han_over.problems[0].pointer, "/school/name");
    EXPECT_NE(han_over.problems[0].message.find("2001 characters is over the limit of 2000"), std::string::npos)
        << han_over.problems[0].message;

    j["school"]["name"] = repeat("a", 2001);
    const ParseResult ascii_over = parse_feed(j.dump());
    ASSERT_EQ(ascii_over.problems.size(), 1u);
    EXPECT_EQ(ascii_over.problems[0].pointer, "/school/name");

    // Keys count too: a 2,001-character field name is over the limit.
    j["school"]["name"] = "实验小学";
    j["school"][repeat("k", 2001)] = 1;
    const ParseResult key_over = parse_feed(j.dump());
    ASSERT_EQ(key_over.problems.size(), 1u);
    EXPECT_NE(key_over.problems[0].message.find("over the limit"), std::string::npos);
}

TEST(FeedParse, ArrayLimitIsFiveThousandItems) {
    auto j = minimal_json();
    j["extra"] = std::vector<int>(5000, 0);
    EXPECT_TRUE(parse_feed(j.dump()).ok());

    j["extra"] = std::vector<int>(5001, 0);
    const ParseResult r = parse_feed(j.dump());
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].pointer, "/extra");
    EXPECT_NE(r.problems[0].message.find("more than 5000 items"), std::string::npos) << r.problems[0].message;
}

TEST(FeedParse, BodyLimitIsFourMebibytes) {
    std::string text = minimal_text();
    const FeedLimits limits;
    text.resize(limits.max_bytes, ' ');  // trailing white space is still valid JSON
    EXPECT_TRUE(parse_feed(text).ok());

    text.push_back(' ');
    const ParseResult r = parse_feed(text);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].pointer, "");
    EXPECT_NE(r.problems[0].message.find("4194305 bytes, over the limit of 4194304"), std::string::npos)
        << r.problems[0].message;
}

TEST(FeedParse, LimitsCanBeTightened) {
    FeedLimits limits;
    limits.max_array_items = 1;
    const ParseResult r = parse_feed(minimal_text(), limits);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].pointer, "/term/goals");
}

//-----------------------------------------------------------------------------
// A big school: 2,000 classes × 20 weekly rounds (about 3 MB)
//-----------------------------------------------------------------------------

std::string big_feed(int classes, int rounds) {
    auto j = minimal_json();
    auto& list = j["classes"];
    list = nlohmann::ordered_json::array();
    for (int i = 0; i < classes; ++i) {
        const std::string number = std::to_string(i);
        list.push_back({{"id", std::string(1, 'c') += number}, {"grade", 1 + i % 12}, {"name", std::string("班级") += number}});
    }
    auto& c = j["competitions"][0];
    c["criteria"] = nlohmann::ordered_json::array();
    for (const char* id : {"discipline", "attendance", "exercise", "appearance", "hygiene"}) {
        c["criteria"].push_back({{"id", id}, {"name", id}, {"max", 20}});
    }
    c["tiebreak"] = {"hygiene"};
    c["rounds"] = nlohmann::ordered_json::array();
    for (int r = 0; r < rounds; ++r) {
        nlohmann::ordered_json scores = nlohmann::ordered_json::array();
        for (int i = 0; i < classes; ++i) {
            scores.push_back({{"class", std::string(1, 'c') += std::to_string(i)},
                              {"discipline", (i + r) % 21},
                              {"attendance", 20},
                              {"exercise", (i * 7 + r) % 21},
                              {"appearance", 19.5},
                              {"hygiene", (i * 3) % 21}});
        }
        const Date start = Date{2023, 9, 4}.plus_days(7 * r);
        c["rounds"].push_back({{"week", r + 1}, {"start", start.to_string()}, {"scores", std::move(scores)}});
    }
    j["announcements"][0]["targets"] = {"all"};
    return j.dump();
}

TEST(FeedParse, BigSchoolFeedParses) {
    const std::string text = big_feed(2000, 20);
    EXPECT_GT(text.size(), 2u << 20);
    ParseResult r;
    double best_ms = 1e9;
    for (int attempt = 0; attempt < 3; ++attempt) {  // the first run pays for page faults
        const auto t0 = std::chrono::steady_clock::now();
        r = parse_feed(text);
        const auto t1 = std::chrono::steady_clock::now();
        best_ms = std::min(best_ms, std::chrono::duration<double, std::milli>(t1 - t0).count());
    }
    ASSERT_TRUE(r.ok()) << all_problems(r);
    EXPECT_EQ(r.feed->classes.size(), 2000u);
    EXPECT_EQ(r.feed->competitions[0].rounds.size(), 20u);
    EXPECT_EQ(r.feed->competitions[0].rounds[19].scores[1999].values.size(), 5u);
    EXPECT_EQ(r.feed->competitions[0].rounds[19].scores[1999].class_id, "c1999");
    // Reported, not asserted: timing goals live in bench/, not in tests, and
    // this machine may be busy.
    RecordProperty("parse_ms", static_cast<int>(best_ms));
    std::printf("    %zu bytes parsed and checked in %.1f ms (best of 3)\n", text.size(), best_ms);
}

}  // namespace
}  // namespace campus
