// `kiosk-feed fleet` (publish/fleet.hpp): nginx's combined log lines parsed,
// screens told apart by their User-Agent, the last poll kept, silence and
// "behind" judged, odd lines reported with their place and never fatal.

#include "publish/fleet.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sync/sync_state.hpp"
#include "sync/user_agent.hpp"

namespace campus {
namespace {

// A line as nginx's `combined` format writes it.
std::string line(const std::string& addr, const std::string& time, const std::string& ua, int status = 200,
                 const std::string& path = "/feed.json") {
    return addr + " - - [" + time + "] \"GET " + path + " HTTP/1.1\" " + std::to_string(status) + " 612 \"-\" \"" + ua +
           "\"\n";
}

std::string kiosk_ua(const std::string& screen, int64_t version, bool offline = false) {
    SyncState state;
    state.offline = offline;
    return poll_user_agent(screen, version, state);
}

Instant at(const char* rfc3339) { return parse_rfc3339(rfc3339)->instant; }

TEST(CombinedLogLine, ParsesEveryField) {
    std::string error;
    auto e = parse_combined_log_line(
        "127.0.0.1 - - [01/Dec/2026:21:34:53 +0800] \"GET /feed.json HTTP/1.1\" 304 0 \"-\" "
        "\"campus-kiosk/0.1.0 (screen hall; feed v37; online)\"",
        &error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->remote_addr, "127.0.0.1");
    EXPECT_EQ(e->time, at("2026-12-01T13:34:53Z"));
    EXPECT_EQ(e->utc_offset_seconds, 8 * 3600);
    EXPECT_EQ(e->request, "GET /feed.json HTTP/1.1");
    EXPECT_EQ(e->status, 304);
    EXPECT_EQ(e->user_agent, "campus-kiosk/0.1.0 (screen hall; feed v37; online)");
}

TEST(CombinedLogLine, UnescapesNginxHexEscapes) {
    std::string error;
    auto e = parse_combined_log_line(
        "10.0.0.7 - admin [01/Dec/2026:21:34:53 +0000] \"GET /a\\x22b HTTP/1.1\" 404 153 \"http://x/\" "
        "\"Mozilla \\x22quoted\\x22 \\xE6\\xA0\\xA1\"",
        &error);
    ASSERT_TRUE(e) << error;
    EXPECT_EQ(e->request, "GET /a\"b HTTP/1.1");
    EXPECT_EQ(e->user_agent, "Mozilla \"quoted\" 校");
}

TEST(CombinedLogLine, OtherFormatsAreRefusedSayingWhat) {
    for (const char* bad : {"", "GET /feed.json 200 612 612 \"\" \"\"",  // the tests' own "campus" format
                            "127.0.0.1 - - [1/Dec/2026:21:34:53 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
                            "127.0.0.1 - - [01/Dek/2026:21:34:53 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x\"",
                            "127.0.0.1 - - [01/Dec/2026:21:34:53 +0000] \"GET / HTTP/1.1\" OK 1 \"-\" \"x\"",
                            "127.0.0.1 - - [01/Dec/2026:21:34:53 +0000] \"GET / HTTP/1.1\" 200 1 \"-\"",
                            "127.0.0.1 - - [01/Dec/2026:21:34:53 +0000] \"GET / HTTP/1.1\" 200 1 \"-\" \"x"}) {
        std::string error;
        EXPECT_FALSE(parse_combined_log_line(bad, &error)) << bad;
        EXPECT_NE(error.find("combined"), std::string::npos) << error;
    }
}

TEST(Duration, UnitsAndRefusals) {
    EXPECT_EQ(parse_duration("15m"), std::chrono::seconds(900));
    EXPECT_EQ(parse_duration("90s"), std::chrono::seconds(90));
    EXPECT_EQ(parse_duration("2h"), std::chrono::seconds(7200));
    EXPECT_EQ(parse_duration("1d"), std::chrono::seconds(86400));
    EXPECT_EQ(parse_duration("45"), std::chrono::seconds(45));
    for (const char* bad : {"", "m", "0m", "-5m", "15 m", "15min", "1.5h"}) EXPECT_FALSE(parse_duration(bad)) << bad;
}

TEST(Fleet, LastPollPerScreenBehindAndSilent) {
    std::stringstream log;
    log << line("10.0.0.2", "01/Dec/2026:08:00:00 +0800", kiosk_ua("hall", 36));
    log << line("10.0.0.3", "01/Dec/2026:08:00:05 +0800", kiosk_ua("三年级二班", 37));
    log << line("10.0.0.9", "01/Dec/2026:08:00:06 +0800", "Mozilla/5.0 (X11; Linux x86_64)");  // a person, not a screen
    log << "this is not a log line\n";
    log << line("10.0.0.2", "01/Dec/2026:08:14:00 +0800", kiosk_ua("hall", 37), 200, "/feed.json.minisig");
    log << line("10.0.0.4", "01/Dec/2026:07:30:00 +0800", kiosk_ua("gym", 0, true), 304);
    FleetOptions options;
    options.expected_screens = {"hall", "office"};
    options.silent_after = std::chrono::minutes(15);
    options.published_version = 37;
    options.now = at("2026-12-01T08:20:00+08:00");
    FleetReport r = read_fleet(log, "access.log", options);
    EXPECT_EQ(r.lines, 6);
    EXPECT_EQ(r.polls, 4);
    EXPECT_EQ(r.bad_lines, 1);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].rfind("access.log:4: not nginx's combined log format", 0), 0u) << r.problems[0];
    ASSERT_EQ(r.screens.size(), 4u);  // gym, hall, office, 三年级二班 (byte order)
    const ScreenSeen& gym = r.screens[0];
    EXPECT_EQ(gym.screen, "gym");
    EXPECT_TRUE(gym.silent);  // 50 min
    EXPECT_TRUE(gym.behind);  // no feed at all
    EXPECT_EQ(gym.condition, "offline");
    const ScreenSeen& hall = r.screens[1];
    EXPECT_EQ(hall.screen, "hall");
    EXPECT_EQ(hall.polls, 2);
    EXPECT_EQ(hall.feed_version, 37);
    EXPECT_FALSE(hall.behind);
    EXPECT_FALSE(hall.silent);
    EXPECT_EQ(hall.last_poll, at("2026-12-01T08:14:00+08:00"));
    const ScreenSeen& office = r.screens[2];
    EXPECT_FALSE(office.polled);
    EXPECT_TRUE(office.silent);
    const ScreenSeen& room = r.screens[3];
    EXPECT_EQ(room.screen, "三年级二班");
    EXPECT_FALSE(room.behind);
    EXPECT_TRUE(room.silent);  // 19m 55s > 15m
    EXPECT_TRUE(r.any_silent());

    const std::string text = format_fleet(r, options);
    EXPECT_NE(text.find("gym: shows no feed, BEHIND (published v37), offline; last poll 2026-12-01T07:30:00+08:00 (50m ago)"),
              std::string::npos) << text;
    EXPECT_NE(text.find("hall: shows v37, up to date, online; last poll 2026-12-01T08:14:00+08:00 (6m ago), 2 polls from 10.0.0.2"),
              std::string::npos) << text;
    EXPECT_NE(text.find("office: never polled; SILENT\n"), std::string::npos) << text;
    EXPECT_NE(text.find("4 screens; 1 behind the published v37: gym; 3 silent for over 15m: gym, office, 三年级二班\n"),
              std::string::npos) << text;
}

TEST(Fleet, AllQuietIsNotSilentAndNoFeedMeansNobodyBehind) {
    std::stringstream log;
    log << line("10.0.0.2", "01/Dec/2026:08:19:30 +0800", kiosk_ua("hall", 2));
    FleetOptions options;
    options.now = at("2026-12-01T08:20:00+08:00");
    FleetReport r = read_fleet(log, "a.log", options);
    ASSERT_EQ(r.screens.size(), 1u);
    EXPECT_FALSE(r.screens[0].behind);
    EXPECT_FALSE(r.any_silent());
    EXPECT_EQ(format_fleet(r, options),
              "hall: shows v2, online; last poll 2026-12-01T08:19:30+08:00 (30s ago), 1 poll from 10.0.0.2, kiosk " +
                  std::string(kiosk_version()) + "\n1 screen; none silent for over 15m\n");
}

TEST(Fleet, PublishedVersionFromTheFeedOrItsFolder) {
    namespace fs = std::filesystem;
    char tmpl[] = "/tmp/fleet-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const fs::path dir = tmpl;
    std::ofstream(dir / "feed.json") << R"({"format":"campus-kiosk-feed","version":41})";
    std::ofstream(dir / "broken.json") << R"({"version":"41"})";
    std::string error;
    EXPECT_EQ(read_published_version(dir.string(), &error), 41) << error;
    EXPECT_EQ(read_published_version((dir / "feed.json").string(), &error), 41) << error;
    EXPECT_FALSE(read_published_version((dir / "broken.json").string(), &error));
    EXPECT_NE(error.find("broken.json: /version"), std::string::npos) << error;
    EXPECT_FALSE(read_published_version((dir / "missing.json").string(), &error));
    EXPECT_NE(error.find("missing.json: cannot read"), std::string::npos) << error;
    fs::remove_all(dir);
}

}  // namespace
}  // namespace campus
