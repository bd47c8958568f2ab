// build(export(F)) is F in meaning: a feed written as the school's workbook by
// `kiosk-feed export` and read back by `kiosk-feed build` (read_workbook +
// build_feed) says the same, ids the workbook does not carry (goals,
// announcements, events), `version` and `generated_at` aside. And the template,
// as written and as a clerk fills it in, builds.
//
// [SECTION] Helpers: scratch folder, export, build, parse
// [SECTION] Comparing two feeds by meaning
// [SECTION] The round trips
//
// Both feeds go through the screens' own check (parse_feed) and are compared
// as the screens hold them, then by what a screen shows of the red flag: the
// standings (rank, flag, movement, streak) at dates across the term.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "publish/workbook_export.hpp"
#include "publish/workbook_feed.hpp"
#include "sync/feed_parse.hpp"
#include "sync/standings.hpp"
#include "tests/publish/template_picture.hpp"
#include "tests/scratch_folder.hpp"

namespace campus::publish {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

//-----------------------------------------------------------------------------
// [SECTION] Helpers
//-----------------------------------------------------------------------------

using campus::test_support::ScratchFolder;

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string sample_text() { return read_text(KIOSK_ASSETS_DIR "/sample-feed.json"); }

std::shared_ptr<const Feed> parse_or_fail(const std::string& text, const char* what) {
    const ParseResult parsed = parse_feed(text);
    std::string problems;
    for (const Problem& p : parsed.problems) problems += to_string(p) + "\n";
    EXPECT_TRUE(parsed.ok()) << what << " is not a valid feed:\n" << problems;
    return parsed.feed;
}

// The workbook at `path`, built; the problems, if any, as the clerk sees them.
std::optional<nlohmann::ordered_json> build_or_fail(const std::string& path) {
    const PathBuildResult built = build_feed_from_path(path);
    std::string problems;
    for (const BuildProblem& p : built.result.problems) problems += format_problem(built.file_label, p) + "\n";
    EXPECT_TRUE(built.result.ok()) << "the workbook does not build:\n" << problems;
    return built.result.feed;
}

// export → write → build → parse: the feed a screen would get from the exported workbook.
struct RoundTrip {
    std::shared_ptr<const Feed> original;
    std::shared_ptr<const Feed> built;
    json original_json;
    json built_json;
};

RoundTrip round_trip(const std::string& feed_text_in, const ScratchFolder& folder) {
    RoundTrip out;
    out.original = parse_or_fail(feed_text_in, "the original");
    out.original_json = json::parse(feed_text_in);
    const ExportPlan plan = plan_export(feed_text_in);
    EXPECT_TRUE(plan.ok()) << (plan.problems.empty() ? "" : plan.problems.front());
    if (!plan.ok()) return out;
    const std::string book = folder.file("导出.xlsx");
    EXPECT_EQ(write_plan(plan.plan, book), "");
    const auto feed = build_or_fail(book);
    if (!feed) return out;
    const std::string text = feed_text(*feed);
    out.built_json = json::parse(text);
    out.built = parse_or_fail(text, "the built feed");
    return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Comparing two feeds by meaning
//-----------------------------------------------------------------------------

std::string at(const char* what, std::size_t i) { return std::string(what) + "[" + std::to_string(i) + "]"; }

void expect_same_targets(const std::vector<AnnouncementTarget>& a, const std::vector<AnnouncementTarget>& b,
                         const std::string& where) {
    ASSERT_EQ(a.size(), b.size()) << where;
    for (std::size_t i = 0; i < a.size(); ++i) {
        EXPECT_EQ(a[i].kind, b[i].kind) << where << " target " << i;
        EXPECT_EQ(a[i].value, b[i].value) << where << " target " << i;
        EXPECT_EQ(a[i].grade, b[i].grade) << where << " target " << i;
    }
}

void expect_same_competition(const Competition& a, const Competition& b) {
    const std::string where = "competition " + a.id;
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.name, b.name) << where;
    EXPECT_EQ(a.period, b.period) << where;
    EXPECT_EQ(a.awards, b.awards) << where;
    EXPECT_EQ(a.scope, b.scope) << where;
    EXPECT_EQ(a.ties, b.ties) << where;
    EXPECT_EQ(a.tiebreak, b.tiebreak) << where;
    EXPECT_EQ(a.display.kind, b.display.kind) << where;
    EXPECT_EQ(a.display.top_n, b.display.top_n) << where;
    ASSERT_EQ(a.criteria.size(), b.criteria.size()) << where;
    for (std::size_t k = 0; k < a.criteria.size(); ++k) {
        EXPECT_EQ(a.criteria[k].id, b.criteria[k].id) << where << " " << at("criteria", k);
        EXPECT_EQ(a.criteria[k].name, b.criteria[k].name) << where << " " << at("criteria", k);
        EXPECT_EQ(a.criteria[k].max, b.criteria[k].max) << where << " " << at("criteria", k);
        EXPECT_EQ(a.criteria[k].weight, b.criteria[k].weight) << where << " " << at("criteria", k);
    }
    ASSERT_EQ(a.rounds.size(), b.rounds.size()) << where;
    for (std::size_t r = 0; r < a.rounds.size(); ++r) {
        const Round& ra = a.rounds[r];
        const Round& rb = b.rounds[r];
        const std::string rw = where + " week " + std::to_string(ra.week);
        EXPECT_EQ(ra.week, rb.week) << rw;
        EXPECT_EQ(ra.start, rb.start) << rw;
        ASSERT_EQ(ra.scores.size(), rb.scores.size()) << rw;
        for (std::size_t s = 0; s < ra.scores.size(); ++s) {
            EXPECT_EQ(ra.scores[s].class_id, rb.scores[s].class_id) << rw << " " << at("scores", s);
            EXPECT_EQ(ra.scores[s].values, rb.scores[s].values) << rw << " class " << ra.scores[s].class_id;
            EXPECT_EQ(ra.scores[s].note, rb.scores[s].note) << rw << " class " << ra.scores[s].class_id;
        }
    }
}

// What a screen shows of a competition on a day: the current round and every class's standing.
void expect_same_standings(const Feed& a, const Feed& b, Date today) {
    for (std::size_t c = 0; c < a.competitions.size(); ++c) {
        const CompetitionStandings sa = compute_standings(a, a.competitions[c], today);
        const CompetitionStandings sb = compute_standings(b, b.competitions[c], today);
        const std::string where = a.competitions[c].id + " on " + today.to_string();
        ASSERT_EQ(sa.round == nullptr, sb.round == nullptr) << where;
        if (sa.round) EXPECT_EQ(sa.round->week, sb.round->week) << where;
        ASSERT_EQ(sa.standings.size(), sb.standings.size()) << where;
        for (std::size_t i = 0; i < sa.standings.size(); ++i) {
            const ClassStanding& x = sa.standings[i];
            const ClassStanding& y = sb.standings[i];
            EXPECT_EQ(x.class_id, y.class_id) << where << " row " << i;
            EXPECT_EQ(x.grade, y.grade) << where << " " << x.class_id;
            EXPECT_EQ(x.total, y.total) << where << " " << x.class_id;
            EXPECT_EQ(x.rank, y.rank) << where << " " << x.class_id;
            EXPECT_EQ(x.flag, y.flag) << where << " " << x.class_id;
            EXPECT_EQ(x.movement, y.movement) << where << " " << x.class_id;
            EXPECT_EQ(x.streak, y.streak) << where << " " << x.class_id;
            EXPECT_EQ(x.weakest_criterion, y.weakest_criterion) << where << " " << x.class_id;
        }
        std::vector<std::string> shown_a, shown_b;
        for (const ClassStanding* s : sa.displayed()) shown_a.push_back(s->class_id);
        for (const ClassStanding* s : sb.displayed()) shown_b.push_back(s->class_id);
        EXPECT_EQ(shown_a, shown_b) << where << ": what the display policy shows";
    }
}

// A field the screens' model does not keep (the QR link), from the documents.
std::string raw_link(const json& feed, const char* array, std::size_t i) {
    if (!feed.contains(array) || i >= feed[array].size()) return {};
    return feed[array][i].value("link", "");
}

void expect_same_meaning(const RoundTrip& t) {
    ASSERT_TRUE(t.original && t.built);
    const Feed& a = *t.original;
    const Feed& b = *t.built;
    EXPECT_EQ(a.feed_id, b.feed_id);
    EXPECT_EQ(a.school.name, b.school.name);
    EXPECT_EQ(a.school.short_name, b.school.short_name);
    EXPECT_EQ(a.school.motto, b.school.motto);
    EXPECT_EQ(a.school.timezone_name, b.school.timezone_name);
    EXPECT_EQ(a.term.name, b.term.name);
    EXPECT_EQ(a.term.start, b.term.start);
    EXPECT_EQ(a.term.end, b.term.end);
    EXPECT_EQ(a.term.theme, b.term.theme);

    ASSERT_EQ(a.term.goals.size(), b.term.goals.size());
    for (std::size_t i = 0; i < a.term.goals.size(); ++i) {
        const Goal& x = a.term.goals[i];
        const Goal& y = b.term.goals[i];
        EXPECT_EQ(x.title, y.title) << at("goals", i);
        EXPECT_EQ(x.category, y.category) << at("goals", i);
        EXPECT_EQ(x.detail, y.detail) << at("goals", i);
        ASSERT_EQ(x.progress.has_value(), y.progress.has_value()) << at("goals", i);
        if (x.progress) {
            EXPECT_EQ(x.progress->current, y.progress->current) << at("goals", i);
            EXPECT_EQ(x.progress->target, y.progress->target) << at("goals", i);
            EXPECT_EQ(x.progress->unit, y.progress->unit) << at("goals", i);
        }
    }
    // Ids the workbook does not carry are made g1, g2 … in row order.
    for (std::size_t i = 0; i < b.term.goals.size(); ++i) EXPECT_EQ(b.term.goals[i].id, "g" + std::to_string(i + 1));

    ASSERT_EQ(a.habits.size(), b.habits.size());
    for (std::size_t i = 0; i < a.habits.size(); ++i) {
        EXPECT_EQ(a.habits[i].month, b.habits[i].month) << at("habits", i);
        EXPECT_EQ(a.habits[i].title, b.habits[i].title) << at("habits", i);
        EXPECT_EQ(a.habits[i].detail, b.habits[i].detail) << at("habits", i);
        EXPECT_EQ(a.habits[i].tips, b.habits[i].tips) << at("habits", i);
    }

    ASSERT_EQ(a.classes.size(), b.classes.size());
    for (std::size_t i = 0; i < a.classes.size(); ++i) {
        EXPECT_EQ(a.classes[i].id, b.classes[i].id) << at("classes", i);
        EXPECT_EQ(a.classes[i].grade, b.classes[i].grade) << at("classes", i);
        EXPECT_EQ(a.classes[i].name, b.classes[i].name) << at("classes", i);
        EXPECT_EQ(a.classes[i].teacher, b.classes[i].teacher) << at("classes", i);
    }

    ASSERT_EQ(a.competitions.size(), b.competitions.size());
    for (std::size_t c = 0; c < a.competitions.size(); ++c) expect_same_competition(a.competitions[c], b.competitions[c]);

    ASSERT_EQ(a.announcements.size(), b.announcements.size());
    for (std::size_t i = 0; i < a.announcements.size(); ++i) {
        const Announcement& x = a.announcements[i];
        const Announcement& y = b.announcements[i];
        EXPECT_EQ(x.level, y.level) << at("announcements", i);
        EXPECT_EQ(x.title, y.title) << at("announcements", i);
        EXPECT_EQ(x.body, y.body) << at("announcements", i);
        EXPECT_EQ(x.from, y.from) << at("announcements", i);
        EXPECT_EQ(x.until, y.until) << at("announcements", i);
        expect_same_targets(x.targets, y.targets, at("announcements", i));
        EXPECT_EQ(raw_link(t.original_json, "announcements", i), raw_link(t.built_json, "announcements", i))
            << at("announcements", i);
    }

    ASSERT_EQ(a.events.size(), b.events.size());
    for (std::size_t i = 0; i < a.events.size(); ++i) {
        EXPECT_EQ(a.events[i].title, b.events[i].title) << at("events", i);
        EXPECT_EQ(a.events[i].date, b.events[i].date) << at("events", i);
        EXPECT_EQ(a.events[i].time, b.events[i].time) << at("events", i);
        EXPECT_EQ(a.events[i].place, b.events[i].place) << at("events", i);
        EXPECT_EQ(raw_link(t.original_json, "events", i), raw_link(t.built_json, "events", i)) << at("events", i);
    }

    // Before the first round, in the first weeks, mid-term, the sample's "now", after the last round.
    for (const Date today : {Date{2026, 8, 30}, Date{2026, 9, 1}, Date{2026, 9, 10}, Date{2026, 10, 14},
                             Date{2026, 11, 20}, Date{2027, 1, 10}})
        expect_same_standings(a, b, today);
}

//-----------------------------------------------------------------------------
// [SECTION] The round trips
//-----------------------------------------------------------------------------

TEST(ExportRoundTrip, TheSampleComesBackTheSame) {
    ScratchFolder folder;
    const RoundTrip t = round_trip(sample_text(), folder);
    expect_same_meaning(t);
}

// Everything the sample does not show: ids no name derives to, tie-breaks, top:N,
// every kind of target, links, seconds, a zone other than Shanghai, weights.
TEST(ExportRoundTrip, EveryKindOfFieldComesBackTheSame) {
    json feed = json::parse(sample_text());
    feed["school"]["timezone"] = "Asia/Urumqi";
    feed["school"].erase("short_name");
    feed["term"].erase("theme");
    feed["classes"][0]["id"] = "c101";  // 一年级一班 would derive to 1-1
    feed["classes"].push_back({{"id", "10-1"}, {"grade", 10}, {"name", "高一（1）班"}, {"teacher", "沈卫东"}});
    for (json& competition : feed["competitions"])
        for (json& round : competition["rounds"])
            for (json& score : round["scores"])
                if (score["class"] == "1-1") score["class"] = "c101";
    json& hygiene = feed["competitions"][1];
    hygiene["ties"] = "tiebreak";
    hygiene["tiebreak"] = {"personal", "classroom"};
    hygiene["display"] = "top:3";
    hygiene["criteria"][1]["weight"] = 1.5;
    json& red = feed["competitions"][0];
    red["criteria"][4]["id"] = "clean";  // 卫生 would derive to hygiene
    for (json& round : red["rounds"])
        for (json& score : round["scores"]) {
            score["clean"] = score["hygiene"];
            score.erase("hygiene");
        }
    red["rounds"][11]["scores"].push_back({{"class", "10-1"}, {"discipline", 20}, {"attendance", 20},
                                           {"exercise", 19}, {"appearance", 20}, {"clean", 19.5},
                                           {"note", "新班级，第一次参评"}});
    feed["announcements"][0]["level"] = "emergency";
    feed["announcements"][0]["targets"] = {"class:c101", "screen:lobby-east", "grade:3", "grade:10", "assembly",
                                           "classroom", "class:10-1"};
    feed["announcements"][0]["from"] = "2026-11-01T07:00:30+06:00";
    feed["announcements"][1].erase("until");
    feed["announcements"][2].erase("from");
    feed["announcements"][2].erase("targets");
    feed["events"][0].erase("time");
    feed["events"][1].erase("place");
    feed["term"]["goals"][2]["progress"]["current"] = 0;
    feed["term"]["goals"][2]["progress"].erase("unit");
    feed["habits"][1].erase("tips");
    feed["habits"][2].erase("detail");

    ScratchFolder folder;
    const RoundTrip t = round_trip(feed.dump(2), folder);
    expect_same_meaning(t);
}

// The contract lets 通知 and 活动 carry a 链接 column (an https:// URL, a QR code).
TEST(ExportRoundTrip, LinksComeBackTheSame) {
    json feed = json::parse(sample_text());
    feed["announcements"][0]["link"] = "https://example.edu.cn/civility";
    feed["events"][2]["link"] = "https://example.edu.cn/sports-day";
    ScratchFolder folder;
    expect_same_meaning(round_trip(feed.dump(2), folder));
}

// A list of one sentence that holds 、 is written with a final line break
// (publish/workbook_words.hpp, "Lists inside one cell"): it must read back
// as one item, so the reader looks for line breaks before trimming the cell.
TEST(ExportRoundTrip, OneTipThatHoldsASeparatorStaysWhole) {
    json feed = json::parse(sample_text());
    feed["habits"][3]["tips"] = {"升旗仪式穿校服、佩戴红领巾"};
    ScratchFolder folder;
    expect_same_meaning(round_trip(feed.dump(2), folder));
}

TEST(ExportRoundTrip, TheTemplateBuildsOnceItsExamplePictureIsBesideIt) {
    ScratchFolder folder;
    const std::string book = folder.file("学校数据.xlsx");
    ASSERT_EQ(write_plan(plan_template(), book), "");
    campus::test_support::put_template_example_picture(folder.path());
    const auto built = build_or_fail(book);
    ASSERT_TRUE(built);
    const auto feed = parse_or_fail(feed_text(*built), "the template's feed");
    ASSERT_TRUE(feed);
    EXPECT_EQ(feed->feed_id, "gangcheng-shiyan-primary");
    EXPECT_EQ(feed->school.timezone_name, "Asia/Shanghai");
    EXPECT_EQ(feed->term.start, (Date{2026, 9, 1}));
    ASSERT_EQ(feed->term.goals.size(), 1u);
    ASSERT_TRUE(feed->term.goals[0].progress);
    EXPECT_EQ(feed->term.goals[0].progress->target, 80);
    ASSERT_EQ(feed->habits.size(), 1u);
    EXPECT_EQ(feed->habits[0].tips.size(), 3u);
    ASSERT_EQ(feed->classes.size(), 1u);
    EXPECT_EQ(feed->classes[0].id, "3-2");
    EXPECT_EQ(feed->classes[0].grade, 3);
    ASSERT_EQ(feed->competitions.size(), 1u);
    const Competition& red = feed->competitions[0];
    ASSERT_EQ(red.criteria.size(), 5u);
    EXPECT_EQ(red.criteria[4].id, "hygiene");
    // Week 1 from the score sheet, week 2 from the deduction log: 卫生 20 − 1.5.
    ASSERT_EQ(red.rounds.size(), 2u);
    EXPECT_EQ(red.rounds[0].week, 1);
    EXPECT_EQ(red.rounds[0].scores.at(0).values, (std::vector<double>{18.5, 19.5, 20, 19.5, 17.5}));
    EXPECT_EQ(red.rounds[1].week, 2);
    EXPECT_EQ(red.rounds[1].start, (Date{2026, 9, 7}));
    EXPECT_EQ(red.rounds[1].scores.at(0).values, (std::vector<double>{20, 20, 20, 20, 18.5}));
    ASSERT_EQ(feed->announcements.size(), 1u);
    EXPECT_EQ(feed->announcements[0].level, AnnouncementLevel::urgent);
    ASSERT_EQ(feed->events.size(), 1u);
    ASSERT_TRUE(feed->events[0].time);
    EXPECT_EQ(feed->events[0].time->hour, 8);
    ASSERT_EQ(feed->media.size(), 1u);
    EXPECT_EQ(feed->events[0].image, feed->media[0].id);
    ASSERT_TRUE(feed->gallery);
    ASSERT_EQ(feed->gallery->items.size(), 1u);
    EXPECT_EQ(feed->gallery->items[0].media, feed->media[0].id);
    EXPECT_EQ(feed->gallery->items[0].date, (Date{2026, 11, 26}));
}

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// A clerk fills the template in with another program (openpyxl writes what
// Excel would: plain cells, text dates) and builds it.
TEST(ExportRoundTrip, TheTemplateFilledInByAnotherProgramBuilds) {
    ScratchFolder folder;
    const std::string blank = folder.file("学校数据.xlsx");
    const std::string filled = folder.file("已填写.xlsx");
    ASSERT_EQ(write_plan(plan_template(), blank), "");
    campus::test_support::put_template_example_picture(folder.path());
    const std::string script = std::string(KIOSK_FIXTURES_DIR) + "/../publish/inspect_xlsx.py";
    const std::string command =
        "/usr/bin/python3 " + shell_quote(script) + " --fill " + shell_quote(blank) + " " + shell_quote(filled) + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr);
    std::string output;
    char buffer[4096];
    for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0;) output.append(buffer, n);
    ASSERT_EQ(::pclose(pipe), 0) << output;

    const auto built = build_or_fail(filled);
    ASSERT_TRUE(built);
    const auto feed = parse_or_fail(feed_text(*built), "the filled-in template's feed");
    ASSERT_TRUE(feed);
    ASSERT_EQ(feed->classes.size(), 2u);
    EXPECT_EQ(feed->classes[1].id, "3-3");  // derived from 三年级三班
    EXPECT_EQ(feed->classes[1].teacher, "吴建国");
    const Competition& red = feed->competitions.at(0);
    std::vector<int> weeks;
    for (const Round& r : red.rounds) weeks.push_back(r.week);
    std::sort(weeks.begin(), weeks.end());
    EXPECT_EQ(weeks, (std::vector<int>{1, 2, 3}));
    const CompetitionStandings s = compute_standings(*feed, red, Date{2026, 9, 16});
    ASSERT_NE(s.round, nullptr);
    EXPECT_EQ(s.round->week, 3);
    ASSERT_EQ(s.standings.size(), 2u);
    EXPECT_EQ(s.standings[0].class_id, "3-2");  // 94.5 against 94
    ASSERT_EQ(feed->announcements.size(), 2u);
    expect_same_targets(feed->announcements[1].targets,
                        {AnnouncementTarget{AnnouncementTarget::Kind::role, "classroom", 0},
                         AnnouncementTarget{AnnouncementTarget::Kind::role, "corridor", 0}},
                        "the typed notice");
    ASSERT_EQ(feed->events.size(), 2u);
    EXPECT_EQ(feed->events[1].date, (Date{2027, 1, 14}));
}

}  // namespace
}  // namespace campus::publish
