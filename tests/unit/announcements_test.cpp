// Announcements on one screen (sync/announcements.hpp): targeting by role,
// grade, class and screen id; the [from, until) window in the school's time
// zone; which emergency takes over; when the screen must next wake.
// Feeds are built in code, except the sample-feed test, which goes through
// the parser so that offsets in the feed's text are honoured end to end.

#include "sync/announcements.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "sync/feed_parse.hpp"

namespace campus {
namespace {

Instant at(std::string_view rfc3339) {
    const auto s = parse_rfc3339(rfc3339);
    EXPECT_TRUE(s) << rfc3339;
    return s ? s->instant : Instant{};
}

AnnouncementTarget target(std::string_view text) {
    AnnouncementTarget t;
    if (text == "all") return t;
    if (text.starts_with("grade:")) {
        t.kind = AnnouncementTarget::Kind::grade;
        t.grade = std::stoi(std::string(text.substr(6)));
    } else if (text.starts_with("class:")) {
        t.kind = AnnouncementTarget::Kind::class_id;
        t.value = std::string(text.substr(6));
    } else if (text.starts_with("screen:")) {
        t.kind = AnnouncementTarget::Kind::screen;
        t.value = std::string(text.substr(7));
    } else {
        t.kind = AnnouncementTarget::Kind::role;
        t.value = std::string(text);
    }
    return t;
}

Announcement notice(std::string id, AnnouncementLevel level, std::vector<std::string_view> targets = {"all"},
                    std::optional<std::string_view> from = std::nullopt,
                    std::optional<std::string_view> until = std::nullopt) {
    Announcement a;
    a.id = id;
    a.title = std::move(id);
    a.level = level;
    for (std::string_view t : targets) a.targets.push_back(target(t));
    if (from) a.from = at(*from);
    if (until) a.until = at(*until);
    return a;
}

SchoolClass school_class(std::string id, int grade) {
    SchoolClass c;
    c.id = std::move(id);
    c.grade = grade;
    c.name = c.id;
    return c;
}

Feed school() {
    Feed feed;
    feed.school.name = "实验小学";
    feed.school.timezone = TimeZone::load("Asia/Shanghai");
    EXPECT_TRUE(feed.school.timezone) << "Asia/Shanghai did not load from " << zoneinfo_dir();
    feed.classes = {school_class("3-1", 3), school_class("3-2", 3), school_class("6-1", 6)};
    return feed;
}

ScreenIdentity lobby() { return {"lobby", "", 0, ""}; }
ScreenIdentity assembly() { return {"assembly", "", 0, ""}; }
ScreenIdentity corridor(int grade) { return {"corridor", "", grade, ""}; }
ScreenIdentity classroom(std::string class_id) { return {"classroom", std::move(class_id), 0, ""}; }

std::vector<std::string> ids(const std::vector<const Announcement*>& list) {
    std::vector<std::string> out;
    for (const Announcement* a : list) out.push_back(a->id);
    return out;
}

const Instant kNow = Instant{} + std::chrono::hours(24 * 20000);  // any time: these notices have no window

//-----------------------------------------------------------------------------
// Targeting
//-----------------------------------------------------------------------------

TEST(AnnounceTargets, LobbyOnlyNoticeNeverOnAClassroomScreen) {
    Feed feed = school();
    feed.announcements = {notice("open-day", AnnouncementLevel::info, {"lobby"}),
                          notice("gate-closed", AnnouncementLevel::urgent, {"lobby"}),
                          notice("visitor-alert", AnnouncementLevel::emergency, {"lobby"})};
    for (const char* c : {"3-1", "3-2", "6-1"}) {
        const ActiveAnnouncements shown = active_announcements(feed, classroom(c), kNow);
        EXPECT_TRUE(shown.empty()) << c;
        EXPECT_EQ(shown.emergency, nullptr) << c;
    }
    EXPECT_TRUE(active_announcements(feed, corridor(3), kNow).empty());
    EXPECT_TRUE(active_announcements(feed, assembly(), kNow).empty());

    const ActiveAnnouncements in_lobby = active_announcements(feed, lobby(), kNow);
    EXPECT_EQ(ids(in_lobby.info), std::vector<std::string>{"open-day"});
    EXPECT_EQ(ids(in_lobby.urgent), std::vector<std::string>{"gate-closed"});
    ASSERT_NE(in_lobby.emergency, nullptr);
    EXPECT_EQ(in_lobby.emergency->id, "visitor-alert");
}

TEST(AnnounceTargets, AllAndAnAbsentListReachEveryScreen) {
    Feed feed = school();
    Announcement everyone = notice("everyone", AnnouncementLevel::info, {"all"});
    Announcement unlisted = notice("unlisted", AnnouncementLevel::info, {});
    for (const ScreenIdentity& s : {lobby(), assembly(), corridor(0), corridor(3), classroom("3-2"), classroom("")}) {
        EXPECT_TRUE(targets_screen(everyone, s, feed)) << s.role;
        EXPECT_TRUE(targets_screen(unlisted, s, feed)) << s.role;
    }
}

TEST(AnnounceTargets, RoleTargetsMatchOnlyThatRole) {
    const Feed feed = school();
    const Announcement drill = notice("drill", AnnouncementLevel::info, {"classroom", "corridor"});
    EXPECT_TRUE(targets_screen(drill, classroom("3-2"), feed));
    EXPECT_TRUE(targets_screen(drill, corridor(0), feed));
    EXPECT_FALSE(targets_screen(drill, lobby(), feed));
    EXPECT_FALSE(targets_screen(drill, assembly(), feed));
}

TEST(AnnounceTargets, ClassTargetIsThatClassroomOnly) {
    const Feed feed = school();
    const Announcement a = notice("3-2-trip", AnnouncementLevel::urgent, {"class:3-2"});
    EXPECT_TRUE(targets_screen(a, classroom("3-2"), feed));
    EXPECT_FALSE(targets_screen(a, classroom("3-1"), feed));  // same grade, other class
    EXPECT_FALSE(targets_screen(a, corridor(3), feed));       // that class's floor is not its room
    EXPECT_FALSE(targets_screen(a, lobby(), feed));
    // A lobby screen given --class by mistake is still a lobby.
    EXPECT_FALSE(targets_screen(a, ScreenIdentity{"lobby", "3-2", 0, ""}, feed));
}

TEST(AnnounceTargets, GradeTargetMatchesItsClassroomsAndItsCorridor) {
    const Feed feed = school();
    const Announcement a = notice("grade3-exam", AnnouncementLevel::info, {"grade:3"});
    EXPECT_TRUE(targets_screen(a, classroom("3-1"), feed));
    EXPECT_TRUE(targets_screen(a, classroom("3-2"), feed));
    EXPECT_FALSE(targets_screen(a, classroom("6-1"), feed));
    EXPECT_TRUE(targets_screen(a, corridor(3), feed));
    EXPECT_FALSE(targets_screen(a, corridor(6), feed));
    EXPECT_FALSE(targets_screen(a, corridor(0), feed));  // a corridor without --grade serves no grade
    EXPECT_FALSE(targets_screen(a, lobby(), feed));
    EXPECT_FALSE(targets_screen(a, ScreenIdentity{"lobby", "", 3, ""}, feed));
    EXPECT_FALSE(targets_screen(a, assembly(), feed));
}

TEST(AnnounceTargets, AClassroomsGradeComesFromTheFeedsClass) {
    const Feed feed = school();
    // 6-1 started with a wrong --grade 3: the feed says 6-1 is grade 6.
    const ScreenIdentity six_one{"classroom", "6-1", 3, ""};
    EXPECT_EQ(screen_grade(six_one, feed), 6);
    EXPECT_TRUE(targets_screen(notice("g6", AnnouncementLevel::info, {"grade:6"}), six_one, feed));
    EXPECT_FALSE(targets_screen(notice("g3", AnnouncementLevel::info, {"grade:3"}), six_one, feed));
    // A class the feed does not (yet) list falls back to --grade.
    const ScreenIdentity new_class{"classroom", "3-9", 3, ""};
    EXPECT_EQ(screen_grade(new_class, feed), 3);
    EXPECT_TRUE(targets_screen(notice("g3", AnnouncementLevel::info, {"grade:3"}), new_class, feed));
}

TEST(AnnounceTargets, ScreenTargetMatchesTheScreenId) {
    const Feed feed = school();
    const Announcement a = notice("canteen", AnnouncementLevel::info, {"screen:canteen-1"});
    EXPECT_TRUE(targets_screen(a, ScreenIdentity{"corridor", "", 0, "canteen-1"}, feed));
    EXPECT_TRUE(targets_screen(a, ScreenIdentity{"lobby", "", 0, "canteen-1"}, feed));
    EXPECT_FALSE(targets_screen(a, ScreenIdentity{"corridor", "", 0, "canteen-2"}, feed));
    EXPECT_FALSE(targets_screen(a, ScreenIdentity{"corridor", "", 0, ""}, feed));
}

TEST(AnnounceTargets, AnyListedTargetIsEnough) {
    const Feed feed = school();
    const Announcement parents = notice("parents", AnnouncementLevel::info, {"grade:6", "lobby"});
    EXPECT_TRUE(targets_screen(parents, lobby(), feed));
    EXPECT_TRUE(targets_screen(parents, classroom("6-1"), feed));
    EXPECT_FALSE(targets_screen(parents, classroom("3-2"), feed));
    EXPECT_FALSE(targets_screen(parents, assembly(), feed));
}

//-----------------------------------------------------------------------------
// Windows
//-----------------------------------------------------------------------------

TEST(AnnounceWindow, FromIsInclusiveUntilExclusiveInShanghaiTime) {
    const Announcement a = notice("drill", AnnouncementLevel::urgent, {"all"}, "2026-11-20T08:00:00+08:00",
                                 "2026-11-20T10:00:00+08:00");
    EXPECT_FALSE(is_active(a, at("2026-11-20T07:59:59+08:00")));
    EXPECT_TRUE(is_active(a, at("2026-11-20T08:00:00+08:00")));
    EXPECT_TRUE(is_active(a, at("2026-11-20T00:00:00Z")));  // the same instant, written in UTC
    EXPECT_TRUE(is_active(a, at("2026-11-20T09:59:59+08:00")));
    EXPECT_FALSE(is_active(a, at("2026-11-20T10:00:00+08:00")));
    EXPECT_FALSE(is_active(a, at("2026-11-20T02:00:00Z")));
    // 08:00 in UTC is 16:00 in Shanghai: long over.
    EXPECT_FALSE(is_active(a, at("2026-11-20T08:00:00Z")));
}

TEST(AnnounceWindow, AbsentBoundsAreOpen) {
    const Instant t = at("2026-11-20T08:00:00+08:00");
    const Announcement open_both = notice("a", AnnouncementLevel::info);
    EXPECT_TRUE(is_active(open_both, t));
    Announcement only_from = open_both;
    only_from.from = t;
    EXPECT_FALSE(is_active(only_from, t - std::chrono::seconds(1)));
    EXPECT_TRUE(is_active(only_from, t + std::chrono::hours(24 * 3650)));
    Announcement only_until = open_both;
    only_until.until = t;
    EXPECT_TRUE(is_active(only_until, Instant{}));
    EXPECT_FALSE(is_active(only_until, t));
}

TEST(AnnounceWindow, BackToBackNoticesNeitherOverlapNorLeaveAGap) {
    Feed feed = school();
    feed.announcements = {
        notice("first", AnnouncementLevel::urgent, {"all"}, "2026-11-20T08:00:00+08:00", "2026-11-20T10:00:00+08:00"),
        notice("second", AnnouncementLevel::urgent, {"all"}, "2026-11-20T10:00:00+08:00", "2026-11-20T12:00:00+08:00")};
    const Instant ten = at("2026-11-20T10:00:00+08:00");
    EXPECT_EQ(ids(active_announcements(feed, lobby(), ten - std::chrono::seconds(1)).urgent),
              std::vector<std::string>{"first"});
    EXPECT_EQ(ids(active_announcements(feed, lobby(), ten).urgent), std::vector<std::string>{"second"});
}

TEST(AnnounceWindow, SampleFeedThroughTheParser) {
    const std::filesystem::path path = std::filesystem::path(KIOSK_ASSETS_DIR) / "sample-feed.json";
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    const ParseResult parsed = parse_feed(bytes.str());
    ASSERT_TRUE(parsed.ok()) << (parsed.problems.empty() ? "" : to_string(parsed.problems.front()));
    const Feed& feed = *parsed.feed;

    // The urgent flu notice runs 2026-11-16T07:00+08:00 .. 2026-11-27T18:00+08:00, to every screen.
    const ScreenIdentity room{"classroom", "3-2", 0, ""};
    EXPECT_TRUE(active_announcements(feed, room, at("2026-11-15T23:00:00Z")).urgent.size() >= 1);  // 07:00 Shanghai
    EXPECT_TRUE(active_announcements(feed, room, at("2026-11-15T22:59:59Z")).urgent.empty());
    // The open-day invitation targets the lobby only: never on a classroom, at any time it runs.
    for (Instant t = at("2026-11-09T07:00:00+08:00"); t < at("2026-12-04T12:00:00+08:00"); t += std::chrono::hours(7)) {
        for (const Announcement* a : active_announcements(feed, room, t).info) EXPECT_NE(a->id, "open-day-invitation");
        const auto lobby_info = ids(active_announcements(feed, lobby(), t).info);
        EXPECT_NE(std::find(lobby_info.begin(), lobby_info.end(), "open-day-invitation"), lobby_info.end());
    }
}

//-----------------------------------------------------------------------------
// Levels and the emergency
//-----------------------------------------------------------------------------

TEST(AnnounceLevels, SortedIntoLevelsInFeedOrder) {
    Feed feed = school();
    feed.announcements = {notice("i1", AnnouncementLevel::info), notice("u1", AnnouncementLevel::urgent),
                          notice("i2", AnnouncementLevel::info), notice("u2", AnnouncementLevel::urgent)};
    const ActiveAnnouncements shown = active_announcements(feed, lobby(), kNow);
    EXPECT_EQ(ids(shown.info), (std::vector<std::string>{"i1", "i2"}));
    EXPECT_EQ(ids(shown.urgent), (std::vector<std::string>{"u1", "u2"}));
    EXPECT_EQ(shown.emergency, nullptr);
    EXPECT_TRUE(shown.other_emergencies.empty());
}

TEST(AnnounceEmergency, TheMostRecentActiveEmergencyTakesOver) {
    Feed feed = school();
    feed.announcements = {
        notice("storm", AnnouncementLevel::emergency, {"all"}, "2026-11-20T09:00:00+08:00", "2026-11-20T12:00:00+08:00"),
        notice("fire-drill", AnnouncementLevel::emergency, {"all"}, "2026-11-20T09:30:00+08:00",
               "2026-11-20T10:00:00+08:00"),
        // Newer still, but for the lobby only.
        notice("gate", AnnouncementLevel::emergency, {"lobby"}, "2026-11-20T09:40:00+08:00", "2026-11-20T11:00:00+08:00"),
        notice("banner", AnnouncementLevel::urgent, {"all"})};
    const ScreenIdentity room = classroom("3-2");

    ActiveAnnouncements shown = active_announcements(feed, room, at("2026-11-20T09:15:00+08:00"));
    ASSERT_NE(shown.emergency, nullptr);
    EXPECT_EQ(shown.emergency->id, "storm");

    shown = active_announcements(feed, room, at("2026-11-20T09:45:00+08:00"));
    ASSERT_NE(shown.emergency, nullptr);
    EXPECT_EQ(shown.emergency->id, "fire-drill");
    EXPECT_EQ(ids(shown.other_emergencies), std::vector<std::string>{"storm"});
    EXPECT_EQ(ids(shown.urgent), std::vector<std::string>{"banner"});  // kept for after the emergency

    shown = active_announcements(feed, lobby(), at("2026-11-20T09:45:00+08:00"));
    ASSERT_NE(shown.emergency, nullptr);
    EXPECT_EQ(shown.emergency->id, "gate");
    EXPECT_EQ(ids(shown.other_emergencies), (std::vector<std::string>{"fire-drill", "storm"}));

    // The drill ends at 10:00: the storm warning, still on, comes back.
    shown = active_announcements(feed, room, at("2026-11-20T10:00:00+08:00"));
    ASSERT_NE(shown.emergency, nullptr);
    EXPECT_EQ(shown.emergency->id, "storm");
    EXPECT_EQ(active_announcements(feed, room, at("2026-11-20T12:00:00+08:00")).emergency, nullptr);
}

TEST(AnnounceEmergency, AnOpenStartCountsAsTheOldestAndTiesGoToTheLaterEntry) {
    Feed feed = school();
    feed.announcements = {notice("dated", AnnouncementLevel::emergency, {"all"}, "2026-11-20T09:00:00+08:00"),
                          notice("undated", AnnouncementLevel::emergency)};
    ActiveAnnouncements shown = active_announcements(feed, lobby(), at("2026-11-20T09:00:00+08:00"));
    ASSERT_NE(shown.emergency, nullptr);
    EXPECT_EQ(shown.emergency->id, "dated");

    feed.announcements = {notice("earlier-entry", AnnouncementLevel::emergency, {"all"}, "2026-11-20T09:00:00+08:00"),
                          notice("later-entry", AnnouncementLevel::emergency, {"all"}, "2026-11-20T09:00:00+08:00")};
    shown = active_announcements(feed, lobby(), at("2026-11-20T09:00:00+08:00"));
    ASSERT_NE(shown.emergency, nullptr);
    EXPECT_EQ(shown.emergency->id, "later-entry");
    EXPECT_EQ(ids(shown.other_emergencies), std::vector<std::string>{"earlier-entry"});
}

//-----------------------------------------------------------------------------
// Waking the screen
//-----------------------------------------------------------------------------

TEST(AnnounceNextChange, TheNextBoundaryOfANoticeForThisScreen) {
    Feed feed = school();
    feed.announcements = {
        notice("drill", AnnouncementLevel::emergency, {"all"}, "2026-11-20T10:00:00+08:00", "2026-11-20T10:20:00+08:00"),
        notice("lobby-only", AnnouncementLevel::emergency, {"lobby"}, "2026-11-20T09:30:00+08:00"),
        notice("banner", AnnouncementLevel::urgent, {"class:3-2"}, std::nullopt, "2026-11-20T16:00:00+08:00")};
    const ScreenIdentity room = classroom("3-2");

    // The lobby-only notice at 09:30 does not wake a classroom.
    EXPECT_EQ(next_announcement_change(feed, room, at("2026-11-20T09:00:00+08:00")), at("2026-11-20T10:00:00+08:00"));
    EXPECT_EQ(next_announcement_change(feed, lobby(), at("2026-11-20T09:00:00+08:00")), at("2026-11-20T09:30:00+08:00"));
    // A boundary exactly at now has happened: the next one is later.
    EXPECT_EQ(next_announcement_change(feed, room, at("2026-11-20T10:00:00+08:00")), at("2026-11-20T10:20:00+08:00"));
    EXPECT_EQ(next_announcement_change(feed, room, at("2026-11-20T10:20:00+08:00")), at("2026-11-20T16:00:00+08:00"));
    EXPECT_EQ(next_announcement_change(feed, room, at("2026-11-20T16:00:00+08:00")), std::nullopt);
    EXPECT_EQ(next_announcement_change(feed, classroom("3-1"), at("2026-11-20T10:20:00+08:00")), std::nullopt);
}

// Sleeping from one reported change to the next never misses a change: between
// two consecutive wake-ups what the screen shows is the same throughout.
TEST(AnnounceNextChange, WakingAtEachChangeMissesNone) {
    Feed feed = school();
    feed.announcements = {
        notice("a", AnnouncementLevel::emergency, {"all"}, "2026-11-20T08:00:00+08:00", "2026-11-20T08:10:00+08:00"),
        notice("b", AnnouncementLevel::urgent, {"grade:3"}, "2026-11-20T08:05:00+08:00", "2026-11-20T09:00:00+08:00"),
        notice("c", AnnouncementLevel::info, {"corridor"}, "2026-11-20T08:07:00+08:00", "2026-11-20T08:30:00+08:00"),
        notice("d", AnnouncementLevel::emergency, {"lobby"}, "2026-11-20T08:03:00+08:00", "2026-11-20T08:04:00+08:00")};
    const ScreenIdentity floor3 = corridor(3);
    const auto state = [&](Instant t) {
        const ActiveAnnouncements s = active_announcements(feed, floor3, t);
        return std::make_tuple(s.emergency ? s.emergency->id : "", ids(s.urgent), ids(s.info));
    };
    std::vector<Instant> wakes;
    Instant t = at("2026-11-20T07:00:00+08:00");
    while (const auto next = next_announcement_change(feed, floor3, t)) {
        ASSERT_GT(*next, t);
        // Same state all the way from t to just before the wake-up, minute by minute.
        for (Instant u = t; u < *next; u += std::chrono::seconds(60)) EXPECT_EQ(state(u), state(t));
        EXPECT_EQ(state(*next - std::chrono::seconds(1)), state(t));
        wakes.push_back(*next);
        t = *next;
    }
    EXPECT_EQ(wakes, (std::vector<Instant>{at("2026-11-20T08:00:00+08:00"), at("2026-11-20T08:05:00+08:00"),
                                           at("2026-11-20T08:07:00+08:00"), at("2026-11-20T08:10:00+08:00"),
                                           at("2026-11-20T08:30:00+08:00"), at("2026-11-20T09:00:00+08:00")}));
}

}  // namespace
}  // namespace campus
