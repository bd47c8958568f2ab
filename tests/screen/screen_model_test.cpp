// ScreenModel: derived once from (snapshot, now, setup, size); what it holds
// and when two models show differently (kiosk/screen_model.hpp).
#include "kiosk/screen_model.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "sync/feed_parse.hpp"

namespace campus::kiosk {
namespace {

std::shared_ptr<const FeedSnapshot> load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    ParseResult parsed = parse_feed(bytes.str());
    EXPECT_TRUE(parsed.ok()) << path;
    auto snapshot = std::make_shared<FeedSnapshot>();
    snapshot->feed = parsed.feed;
    return snapshot;
}

std::shared_ptr<const FeedSnapshot> sample() { return load(KIOSK_ASSETS_DIR "/sample-feed.json"); }
std::shared_ptr<const FeedSnapshot> roles() { return load(KIOSK_FIXTURES_DIR "/valid/roles-announcements.json"); }

Instant at(const char* rfc3339) { return parse_rfc3339(rfc3339)->instant; }

struct Screen {
    Options options;
    ScreenSchedule schedule;
    ScreenSetup setup;
    explicit Screen(Options o) : options(std::move(o)), schedule(options) {
        setup.role = options.role;
        setup.identity = schedule.identity();
        setup.enabled = options.pages;
    }
    ScreenModel derive(std::shared_ptr<const FeedSnapshot> snap, Instant now, ScreenSize size = {1920, 1080}) const {
        return kiosk::derive(std::move(snap), now, schedule, setup, options, size, false);
    }
};

Options lobby() { return Options{}; }

TEST(ScreenModel, HoldsTheDayThePagesTheHeaderAndEveryStandings) {
    const Screen screen(lobby());
    const auto snap = sample();
    const ScreenModel m = screen.derive(snap, at("2026-11-18T10:00:00+08:00"));
    ASSERT_TRUE(m.day.has_value());
    EXPECT_EQ(m.day->week, 12);
    EXPECT_EQ(m.showing(), Showing::page);
    EXPECT_EQ(m.standings.size(), snap->feed->competitions.size());
    for (std::size_t i = 0; i < m.standings.size(); ++i) {
        EXPECT_EQ(m.standings[i].competition, &snap->feed->competitions[i]);
        EXPECT_NE(m.standings[i].round, nullptr);
        EXPECT_EQ(m.standings_of(snap->feed->competitions[i].id), &m.standings[i]);
    }
    EXPECT_EQ(m.standings_of("no-such-competition"), nullptr);
    // The same list the rotation used to work out every frame.
    EXPECT_EQ(m.pages, pages_for_role(*snap->feed, screen.setup, m.now));
    EXPECT_EQ(m.header.school, snap->feed->school.name);
    EXPECT_NE(m.header.term_line.find("第12周"), std::string::npos);
    EXPECT_EQ(m.header.time_line, "10:00");
}

TEST(ScreenModel, IsValidUntilTheNextMinuteOrTheNextChange) {
    const Screen screen(lobby());
    const ScreenModel m = screen.derive(sample(), at("2026-11-18T10:00:20+08:00"));
    EXPECT_LE(m.valid_until, at("2026-11-18T10:01:00+08:00"));
    EXPECT_GT(m.valid_until, m.now);
}

TEST(ScreenModel, AnEmergencyTakesTheScreenAndEndsWithItsWindow) {
    const Screen screen(lobby());
    const auto snap = roles();
    const ScreenModel before = screen.derive(snap, at("2026-11-18T09:29:00+08:00"));
    EXPECT_EQ(before.state.emergency, nullptr);
    // The alert's start is the model's horizon: the loop derives again exactly then.
    EXPECT_EQ(before.valid_until, at("2026-11-18T09:30:00+08:00"));
    const ScreenModel during = screen.derive(snap, at("2026-11-18T09:30:00+08:00"));
    ASSERT_NE(during.state.emergency, nullptr);
    EXPECT_EQ(during.state.emergency->id, "drill-alarm");
    EXPECT_EQ(during.showing(), Showing::emergency);
    EXPECT_TRUE(shows_differently(before, during));
    // The urgent banner and the lobby's own info notice, worked out once.
    ASSERT_FALSE(during.state.urgent.empty());
    bool welcome = false;
    for (const Announcement* a : during.info) welcome |= a->id == "lobby-welcome";
    EXPECT_TRUE(welcome);
}

// Three alerts at once, each for every screen (empty targets: the
// contract's default), added to the sample feed.
std::shared_ptr<const FeedSnapshot> three_emergencies() {
    auto feed = std::make_shared<Feed>(*sample()->feed);
    const auto alert = [](const char* id, const char* from, const char* until) {
        Announcement a;
        a.id = id;
        a.title = id;
        a.level = AnnouncementLevel::emergency;
        a.from = at(from);
        a.until = at(until);
        return a;
    };
    feed->announcements.push_back(alert("typhoon", "2026-11-18T08:00:00+08:00", "2026-11-18T18:00:00+08:00"));
    feed->announcements.push_back(alert("fire", "2026-11-18T09:50:00+08:00", "2026-11-18T11:00:00+08:00"));
    feed->announcements.push_back(alert("gas", "2026-11-18T09:40:00+08:00", "2026-11-18T12:00:00+08:00"));
    auto snapshot = std::make_shared<FeedSnapshot>();
    snapshot->feed = std::move(feed);
    return snapshot;
}

std::vector<std::string> ids(const std::vector<const Announcement*>& list) {
    std::vector<std::string> out;
    for (const Announcement* a : list) out.push_back(a->id);
    return out;
}

TEST(ScreenModel, EveryActiveEmergencyIsOnTheScreenNewestFirst) {
    const Screen screen(lobby());
    const auto snap = three_emergencies();
    const ScreenModel m = screen.derive(snap, at("2026-11-18T10:00:00+08:00"));
    ASSERT_EQ(m.showing(), Showing::emergency);
    EXPECT_EQ(ids(m.state.emergencies), (std::vector<std::string>{"fire", "gas", "typhoon"}));
    ASSERT_NE(m.state.emergency, nullptr);
    EXPECT_EQ(m.state.emergency, m.state.emergencies.front());
    // The fire alarm ends at 11:00: the two others stay, and the screen redraws.
    const ScreenModel later = screen.derive(snap, at("2026-11-18T11:00:00+08:00"));
    EXPECT_EQ(ids(later.state.emergencies), (std::vector<std::string>{"gas", "typhoon"}));
    EXPECT_TRUE(shows_differently(m, later));
    // An older alert leaving changes what the screen shows, though the newest stays.
    const ScreenModel noon = screen.derive(snap, at("2026-11-18T12:00:00+08:00"));
    EXPECT_EQ(ids(noon.state.emergencies), std::vector<std::string>{"typhoon"});
    const ScreenModel evening = screen.derive(snap, at("2026-11-18T18:00:00+08:00"));
    EXPECT_TRUE(evening.state.emergencies.empty());
    EXPECT_EQ(evening.showing(), Showing::page);
}

TEST(ScreenModel, AnOlderAlertEndingIsAChangeOnScreen) {
    const Screen screen(lobby());
    const auto snap = three_emergencies();
    // 10:00 and 10:30 show the same three; at 11:00 the newest (fire) ends.
    const ScreenModel a = screen.derive(snap, at("2026-11-18T10:00:00+08:00"));
    ScreenModel b = screen.derive(snap, at("2026-11-18T10:00:00+08:00"));
    EXPECT_FALSE(shows_differently(a, b));
    b.state.emergencies.pop_back();  // as if typhoon, the oldest, had gone: the newest is unchanged
    EXPECT_EQ(a.state.emergency, b.state.emergency);
    EXPECT_TRUE(shows_differently(a, b));
}

TEST(ScreenModel, APageListHasTheRoleTheLobbyAndTheTermToFallBackOn) {
    Options o = lobby();
    o.pages = {"events"};  // nothing coming in a feed without events: the rotation falls back
    const Screen screen(o);
    const ScreenModel m = screen.derive(sample(), at("2026-11-18T10:00:00+08:00"));
    EXPECT_EQ(m.pages, (std::vector<PageSpec>{{"events", {}}}));
    ASSERT_FALSE(m.fallback.empty());
    EXPECT_EQ(m.fallback.front(), (PageSpec{"goals", {}}));
    EXPECT_EQ(m.fallback.back(), (PageSpec{"term", {}}));
    EXPECT_NE(std::find(m.fallback.begin(), m.fallback.end(), PageSpec{"standings", "red-flag"}), m.fallback.end());
    // An assembly without competitions has no page of its own: the lobby's, then the term.
    Options a;
    a.role = Role::assembly;
    const Screen hall(a);
    auto no_competitions = std::make_shared<Feed>(*sample()->feed);
    no_competitions->competitions.clear();
    auto snap = std::make_shared<FeedSnapshot>();
    snap->feed = no_competitions;
    const ScreenModel empty_hall = hall.derive(snap, at("2026-11-18T10:00:00+08:00"));
    EXPECT_TRUE(empty_hall.pages.empty());
    EXPECT_EQ(empty_hall.fallback.front(), (PageSpec{"goals", {}}));
    EXPECT_EQ(empty_hall.fallback.back(), (PageSpec{"term", {}}));
    // Each spec once.
    for (std::size_t i = 0; i < m.fallback.size(); ++i)
        for (std::size_t j = i + 1; j < m.fallback.size(); ++j) EXPECT_FALSE(m.fallback[i] == m.fallback[j]);
}

TEST(ScreenModel, DarkOutsideTheHoursAndNoFeedMeansWaiting) {
    Options o = lobby();
    o.hours = "mon-fri 07:00-18:30";
    const Screen screen(o);
    const ScreenModel night = screen.derive(sample(), at("2026-11-18T22:00:00+08:00"));
    EXPECT_FALSE(night.state.on);
    EXPECT_EQ(night.showing(), Showing::dark);
    auto empty = std::make_shared<FeedSnapshot>();
    const ScreenModel waiting = Screen(lobby()).derive(empty, at("2026-11-18T10:00:00+08:00"));
    EXPECT_EQ(waiting.showing(), Showing::waiting);
    EXPECT_TRUE(waiting.pages.empty());
    EXPECT_FALSE(waiting.day.has_value());
}

TEST(ScreenModel, AClassroomTakesItsGradeFromItsClass) {
    Options o;
    o.role = Role::classroom;
    o.class_id = "3-2";
    const Screen screen(o);
    const ScreenModel m = screen.derive(sample(), at("2026-11-18T10:00:00+08:00"));
    EXPECT_EQ(m.grade, 3);
    ASSERT_FALSE(m.pages.empty());
    EXPECT_EQ(m.pages.front().kind, "class");
}

TEST(ScreenModel, ShowsDifferentlyOnlyForWhatTheScreenShows) {
    const Screen screen(lobby());
    const auto snap = sample();
    const ScreenModel a = screen.derive(snap, at("2026-11-18T10:00:00+08:00"));
    const ScreenModel same_minute = screen.derive(snap, at("2026-11-18T10:00:40+08:00"));
    EXPECT_FALSE(shows_differently(a, same_minute));
    const ScreenModel next_minute = screen.derive(snap, at("2026-11-18T10:01:00+08:00"));
    EXPECT_TRUE(shows_differently(a, next_minute));  // the clock
    // A poll that changed nothing the screen shows (a new snapshot, same feed).
    auto polled = std::make_shared<FeedSnapshot>(*snap);
    polled->state.last_attempt = at("2026-11-18T10:00:30+08:00");
    EXPECT_FALSE(shows_differently(a, screen.derive(polled, at("2026-11-18T10:00:30+08:00"))));
    auto offline = std::make_shared<FeedSnapshot>(*snap);
    offline->state.offline = true;
    EXPECT_TRUE(shows_differently(a, screen.derive(offline, at("2026-11-18T10:00:30+08:00"))));
    // A new feed (another parse of the same bytes is another feed).
    EXPECT_TRUE(shows_differently(a, screen.derive(sample(), at("2026-11-18T10:00:00+08:00"))));
    EXPECT_TRUE(shows_differently(a, screen.derive(snap, at("2026-11-18T10:00:00+08:00"), {3840, 2160})));
}

}  // namespace
}  // namespace campus::kiosk
