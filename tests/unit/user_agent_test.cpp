// The poll's User-Agent (sync/user_agent.hpp): written as the office reads it,
// any screen name survives the round trip, and other agents are not polls.

#include "sync/user_agent.hpp"

#include <gtest/gtest.h>

#include "sync/sync_state.hpp"

namespace campus {
namespace {

TEST(PollUserAgent, SaysWhoAsksAndWhatItShows) {
    SyncState state;
    EXPECT_EQ(poll_user_agent("lobby-east", 37, state),
              std::string("campus-kiosk/") + kiosk_version() + " (screen lobby-east; feed v37; online)");
    state.offline = true;
    EXPECT_EQ(poll_user_agent("lobby-east", 0, state),
              std::string("campus-kiosk/") + kiosk_version() + " (screen lobby-east; no feed; offline)");
    state.offline = false;
    state.refused = true;
    EXPECT_NE(poll_user_agent("x", 2, state).find("; feed v2; refused)"), std::string::npos);
}

TEST(PollUserAgent, VersionIsTheProjectVersion) {
    EXPECT_STRNE(kiosk_version(), "");
    EXPECT_NE(std::string(kiosk_version()).find('.'), std::string::npos) << kiosk_version();
}

TEST(PollUserAgent, ScreenNameFallsBackToTheHostName) {
    EXPECT_EQ(screen_name("corridor-3"), "corridor-3");
    EXPECT_FALSE(screen_name("").empty());
}

TEST(PollUserAgent, AnyScreenNameRoundTrips) {
    SyncState state;
    for (std::string name : {"lobby", "三年级二班", "a b;c(d)%e\"f\\g", "tab\there"}) {
        const std::string ua = poll_user_agent(name, 5, state);
        for (unsigned char c : ua) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << ua;
        auto parsed = parse_poll_user_agent(ua);
        ASSERT_TRUE(parsed) << ua;
        EXPECT_EQ(parsed->screen, name);
        EXPECT_EQ(parsed->feed_version, 5);
        EXPECT_EQ(parsed->condition, "online");
        EXPECT_EQ(parsed->kiosk_version, kiosk_version());
    }
}

TEST(PollUserAgent, ParsesEachPart) {
    auto p = parse_poll_user_agent("campus-kiosk/0.2.0 (screen hall; no feed; refused)");
    ASSERT_TRUE(p);
    EXPECT_EQ(p->kiosk_version, "0.2.0");
    EXPECT_EQ(p->screen, "hall");
    EXPECT_EQ(p->feed_version, 0);
    EXPECT_EQ(p->condition, "refused");
}

TEST(PollUserAgent, OtherAgentsAreNotPolls) {
    for (const char* ua : {"curl/7.88.1", "Mozilla/5.0 (X11; Linux x86_64)", "campus-kiosk/0.1 (feed sync)",
                           "campus-kiosk/0.1.0 (screen hall; feed v; online)",
                           "campus-kiosk/0.1.0 (screen hall; feed v0; online)",
                           "campus-kiosk/0.1.0 (screen hall; feed v3; sleeping)",
                           "campus-kiosk/0.1.0 (screen hall%E; feed v3; online)",
                           "campus-kiosk/0.1.0 (screen hall; feed v3; online) extra", ""})
        EXPECT_FALSE(parse_poll_user_agent(ua)) << ua;
}

}  // namespace
}  // namespace campus
