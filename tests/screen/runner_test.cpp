// The runner's decisions with a fake clock (kiosk/runner.hpp): page turns,
// the minute tick, motion bursts, display hours, a font rebuild, a feed swap,
// an emergency arriving while the screen is dark.
#include "kiosk/runner.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <utility>
#include <vector>
#include <sstream>

#include "kiosk/motion/motion_clock.hpp"
#include "sync/feed_parse.hpp"

namespace campus::kiosk::runner {
namespace {

using namespace std::chrono_literals;

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

Instant at(const char* rfc3339) { return parse_rfc3339(rfc3339)->instant; }

// A fake clock: steady time and wall time advance together.
struct FakeClock {
    SteadyClock::time_point steady = SteadyClock::time_point(1000s);
    Instant wall = at("2026-11-18T10:00:00+08:00");
    void advance(std::chrono::milliseconds d) {
        steady += d;
        wall_precise += d;
    }
    std::chrono::system_clock::time_point wall_precise = std::chrono::system_clock::time_point(wall);
};

Observed seen_at(const FakeClock& clock) {
    Observed seen;
    seen.steady_now = clock.steady;
    seen.wall_now = clock.wall_precise;
    seen.entries = 9;
    return seen;
}

TEST(Runner, TurnsThePageWhenItsTimeIsUpAndNotBefore) {
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady + 15s;
    clock.advance(14999ms);
    EXPECT_EQ(due_turn(loop, seen_at(clock)).turn, Turn::none);
    EXPECT_FALSE(due_turn(loop, seen_at(clock)).expired);
    clock.advance(1ms);
    EXPECT_EQ(due_turn(loop, seen_at(clock)).turn, Turn::next_page);
    // The sleep before it ends at the turn (or the minute, whichever is first).
    FakeClock early;
    LoopState l2;
    l2.next_page_at = early.steady + 15s;
    EXPECT_NEAR(next_wake(l2, seen_at(early)), 15.0, 1e-6);
}

TEST(Runner, NoTimedTurnForThePresenterAOnePageRotationOrADarkScreen) {
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady;
    Observed s = seen_at(clock);
    s.assembly = true;
    EXPECT_EQ(due_turn(loop, s).turn, Turn::none);
    EXPECT_TRUE(due_turn(loop, s).expired);  // the timer restarts all the same
    s = seen_at(clock);
    s.entries = 1;
    EXPECT_EQ(due_turn(loop, s).turn, Turn::none);
    s = seen_at(clock);
    s.screen_on = false;
    EXPECT_EQ(due_turn(loop, s).turn, Turn::none);
    // A long alert shows its parts in turn; a short one stays.
    s = seen_at(clock);
    s.emergency = true;
    s.emergency_parts = 2;
    EXPECT_EQ(due_turn(loop, s).turn, Turn::next_emergency_part);
    s.emergency_parts = 1;
    EXPECT_EQ(due_turn(loop, s).turn, Turn::none);
}

TEST(Runner, SeveralAlertsTakeTurnsEachPartForAsLongAsItNeeds) {
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady;
    Observed s = seen_at(clock);
    s.emergency = true;
    s.emergency_parts = 2;  // two alerts of one part each take turns
    EXPECT_EQ(due_turn(loop, s).turn, Turn::next_emergency_part);
    // A short part stays the page time; a long one as long as it takes to
    // read from a few metres back, but never beyond the cap.
    EXPECT_DOUBLE_EQ(emergency_part_seconds(15, 20), 15);
    EXPECT_DOUBLE_EQ(emergency_part_seconds(15, 200), 2 + 200 / kReadingCharactersPerSecond);
    EXPECT_GT(emergency_part_seconds(15, 200), 15);
    EXPECT_DOUBLE_EQ(emergency_part_seconds(15, 100000), kLongestEmergencyPart);
    EXPECT_DOUBLE_EQ(emergency_part_seconds(300, 100000), 300);  // a longer page time is kept
}

TEST(Runner, TheMinuteTicksTheClockOnlyWhileTheScreenIsOn) {
    FakeClock clock;
    clock.wall_precise += 30s;  // 10:00:30
    LoopState loop;
    loop.next_page_at = clock.steady + 600s;
    EXPECT_NEAR(next_wake(loop, seen_at(clock)), 30.02, 1e-6);  // just after 10:01:00
    Observed frozen = seen_at(clock);
    frozen.live_clock = false;  // --at: no minute to wait for
    EXPECT_NEAR(next_wake(loop, frozen), 600.0, 1e-6);

    // The minute turned: the model shows differently, the page is redrawn.
    const auto snap = load(KIOSK_ASSETS_DIR "/sample-feed.json");
    Options options;
    const ScreenSchedule schedule(options);
    ScreenSetup setup;
    setup.identity = schedule.identity();
    const ScreenModel a = derive(snap, at("2026-11-18T10:00:30+08:00"), schedule, setup, options, {1920, 1080}, false);
    const ScreenModel b = derive(snap, at("2026-11-18T10:01:00+08:00"), schedule, setup, options, {1920, 1080}, false);
    EXPECT_TRUE(due_redraws(&a, b, false, false).page);
    EXPECT_TRUE(due_redraws(&a, b, false, false).clock_only);  // the header's band alone
    EXPECT_FALSE(due_redraws(&a, a, false, false).page);
    EXPECT_FALSE(due_redraws(&a, b, true, false).clock_only);  // new fonts: the whole page
    EXPECT_TRUE(due_redraws(nullptr, a, false, false).page);  // the first frame
}

TEST(Runner, MotionBurstsWakeTheLoopAtTheirPaceThenItSleeps) {
    motion::MotionSettings settings;
    motion::MotionClock motion(settings);
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady + 15s;
    motion.page_arrived(0.0, true);  // a page with its transition
    motion.frame_drawn(0.0, true);
    Observed s = seen_at(clock);
    s.motion_now = 0.0;
    s.motion_animating = motion.animating(0.0);
    s.motion_next_due = motion.next_frame_due();
    EXPECT_NEAR(next_wake(loop, s), 1.0 / settings.transition_fps, 1e-6);  // the transition's pace
    s.motion_now = 1.0 / settings.transition_fps;
    EXPECT_TRUE(motion_due(s));
    EXPECT_TRUE(needs_frame(false, motion_due(s), false, true));
    // A covered page (an alert) or a minimised window has no motion frames.
    Observed covered = s;
    covered.emergency = true;
    EXPECT_FALSE(motion_due(covered));
    EXPECT_FALSE(needs_frame(false, true, false, false));
    // After the wave (it starts when the transition has landed): the last
    // frame drawn, nothing moves, the loop sleeps until the turn.
    const double end = settings.transition_seconds + settings.flag_wave_periods * 1.6 + 0.01;
    motion.frame_drawn(end, true);
    s.motion_now = end;
    s.motion_animating = motion.animating(end);
    s.motion_next_due = motion.next_frame_due();
    EXPECT_FALSE(s.motion_animating);
    EXPECT_FALSE(motion_due(s));
    EXPECT_NEAR(next_wake(loop, s), 15.0, 1e-6);
}

TEST(Runner, ANewFeedWaitsWhileThePageMovesThenGoesInAtRest) {
    motion::MotionSettings settings;
    motion::MotionClock motion(settings);
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady + 15s;
    motion.page_arrived(0.0, true);  // a standings page: its crossfade, then its flags' wave
    motion.frame_drawn(0.0, true);
    // Nothing waiting: nothing held, whatever moves.
    EXPECT_FALSE(hold_update(loop, false, motion.animating(0.0), clock.steady));
    // A feed arrives mid-crossfade: held; the loop checks back soon even between motion frames.
    ASSERT_TRUE(motion.animating(0.1));
    EXPECT_TRUE(hold_update(loop, true, motion.animating(0.1), clock.steady));
    EXPECT_EQ(loop.update_held_since, clock.steady);  // since when, for the bound
    Observed s = seen_at(clock);
    s.motion_now = 0.1;
    s.motion_animating = true;
    s.motion_next_due = 0.1 + 1.0 / settings.flag_fps;
    EXPECT_LE(next_wake(loop, s), kHeldUpdateRecheck + 1e-9);
    // Through the wave it stays held: each motion frame is drawn with the feed it had.
    const double wave_end = settings.transition_seconds + settings.flag_wave_periods * 1.6;
    for (double t = 0.2; t < wave_end - 0.1; t += 0.25) {
        motion.frame_drawn(t, true);
        clock.advance(250ms);
        ASSERT_TRUE(motion.animating(t)) << t;
        EXPECT_TRUE(hold_update(loop, true, motion.animating(t), clock.steady)) << t;
    }
    // The rest pose drawn, nothing moves: it goes in at the next turn of the loop.
    motion.frame_drawn(wave_end + 0.01, true);
    EXPECT_FALSE(motion.animating(wave_end + 0.02));
    EXPECT_FALSE(hold_update(loop, true, motion.animating(wave_end + 0.02), clock.steady));
    EXPECT_FALSE(loop.update_held_since);
    // Never held longer than kUpdateHold, whatever keeps moving.
    EXPECT_TRUE(hold_update(loop, true, true, clock.steady));
    clock.advance(std::chrono::duration_cast<std::chrono::milliseconds>(kUpdateHold) - 1ms);
    EXPECT_TRUE(hold_update(loop, true, true, clock.steady));
    clock.advance(1ms);
    EXPECT_FALSE(hold_update(loop, true, true, clock.steady));
    // Without a held update the resting loop sleeps until the turn, as before.
    EXPECT_FALSE(loop.update_held_since);
    Observed rest = seen_at(clock);
    rest.motion_animating = false;
    EXPECT_GT(next_wake(loop, rest), 1.0);
}

TEST(Runner, OutsideItsHoursTheScreenSleepsUntilTheyBegin) {
    const auto snap = load(KIOSK_ASSETS_DIR "/sample-feed.json");
    Options options;
    options.hours = "mon-fri 07:00-18:30";
    const ScreenSchedule schedule(options);
    const Instant night = at("2026-11-18T22:00:00+08:00");
    LoopState loop;
    loop.next_page_at = SteadyClock::time_point(1000s);
    Observed s;
    s.steady_now = SteadyClock::time_point(1000s);
    s.wall_now = std::chrono::system_clock::time_point(night);
    s.screen_on = false;
    s.next_change = schedule.next_change(snap->feed.get(), night);
    ASSERT_TRUE(s.next_change.has_value());
    EXPECT_EQ(*s.next_change, at("2026-11-19T07:00:00+08:00"));
    // No minute ticks, no page turns, no motion: nine hours of sleep.
    s.motion_animating = true;
    s.motion_next_due = 0;
    EXPECT_NEAR(next_wake(loop, s), 9 * 3600 + 0.02, 1e-3);
}

TEST(Runner, AFontRebuildHoldsFramesForAWhileNotForever) {
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady + 15s;
    loop.font_wait_until = clock.steady + kFontWait;
    Observed s = seen_at(clock);
    s.fonts_pending = true;
    EXPECT_TRUE(waiting_for_fonts(loop, s));
    EXPECT_FALSE(needs_frame(true, false, waiting_for_fonts(loop, s), true));
    // No motion wake-ups while waiting (they could not draw: a spin).
    s.motion_animating = true;
    s.motion_next_due = 0;
    EXPECT_NEAR(next_wake(loop, s), std::chrono::duration<double>(kFontWait).count(), 1e-6);
    clock.advance(3000ms);
    s = seen_at(clock);
    s.fonts_pending = true;  // still not ready: draw with the old atlas now
    EXPECT_FALSE(waiting_for_fonts(loop, s));
    EXPECT_TRUE(needs_frame(true, false, waiting_for_fonts(loop, s), true));
    // The atlas swapped in: a redraw.
    Options options;
    const ScreenSchedule schedule(options);
    ScreenSetup setup;
    const auto snap = load(KIOSK_ASSETS_DIR "/sample-feed.json");
    const ScreenModel m = derive(snap, at("2026-11-18T10:00:00+08:00"), schedule, setup, options, {1920, 1080}, false);
    EXPECT_TRUE(due_redraws(&m, m, true, false).page);
}

TEST(Runner, AFeedSwapRedrawsThePageAnExposeOnlyTheScreen) {
    Options options;
    const ScreenSchedule schedule(options);
    ScreenSetup setup;
    setup.identity = schedule.identity();
    const Instant now = at("2026-11-18T10:00:00+08:00");
    const auto first = load(KIOSK_ASSETS_DIR "/sample-feed.json");
    const auto second = load(KIOSK_FIXTURES_DIR "/valid/roles-announcements.json");
    const ScreenModel a = derive(first, now, schedule, setup, options, {1920, 1080}, false);
    const ScreenModel b = derive(second, now, schedule, setup, options, {1920, 1080}, false);
    EXPECT_TRUE(due_redraws(&a, b, false, false).page);
    EXPECT_FALSE(due_redraws(&a, b, false, false).clock_only);
    const Redraws exposed = due_redraws(&a, a, false, true);
    EXPECT_FALSE(exposed.page);
    EXPECT_TRUE(exposed.screen);
}

TEST(Runner, ANewFeedsPageGoesUpInBandsThatCoverTheScreenOnce) {
    for (const auto& [w, h] : {std::pair{1920, 1080}, std::pair{3840, 2160}, std::pair{1080, 1920}, std::pair{1023, 767}}) {
        const std::vector<ScreenBand> bands = present_bands(w, h);
        ASSERT_EQ(bands.size(), static_cast<std::size_t>(kPresentBands)) << w << "x" << h;
        float top = 0;
        for (const ScreenBand& b : bands) {
            EXPECT_EQ(b.x0, 0.0f);
            EXPECT_EQ(b.x1, static_cast<float>(w));
            EXPECT_EQ(b.y0, top) << "bands follow each other, top to bottom, without gap or overlap";
            EXPECT_EQ(b.y0, std::floor(b.y0)) << "whole pixel rows";
            EXPECT_GT(b.y1, b.y0);
            // No band more than its share (and a row) of the screen: no frame carries more of the update.
            EXPECT_LE(b.y1 - b.y0, std::ceil(static_cast<float>(h) / kPresentBands));
            top = b.y1;
        }
        EXPECT_EQ(top, static_cast<float>(h)) << "the last band ends at the bottom edge";
    }
    EXPECT_EQ(present_bands(640, 3).size(), 3u) << "never an empty band";
    EXPECT_TRUE(present_bands(0, 1080).empty());
    EXPECT_TRUE(present_bands(1920, 0).empty());
}

TEST(Runner, OnlyANewAtlasOutsideATransitionAtTheSameSizeIsBanded) {
    WholeRedraw r;
    r.fonts_swapped = true;
    r.partial_present = true;
    r.same_size = true;
    EXPECT_TRUE(present_in_bands(r));
    WholeRedraw other = r;
    other.fonts_swapped = false;  // a page turn's or a picture's redraw: as before
    EXPECT_FALSE(present_in_bands(other));
    other = r;
    other.partial_present = false;  // a swap shows the whole buffer anyway
    EXPECT_FALSE(present_in_bands(other));
    other = r;
    other.transition_running = true;  // the crossfade composes and presents the page its own way
    EXPECT_FALSE(present_in_bands(other));
    other = r;
    other.same_size = false;  // resized: the window holds nothing of the frame before
    EXPECT_FALSE(present_in_bands(other));
}

TEST(Runner, BandsLeftWakeTheLoopAtOnceEvenWhileANewerAtlasIsAwaited) {
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady + 15s;
    Observed s = seen_at(clock);
    EXPECT_GT(next_wake(loop, s), 1.0);
    loop.bands_left = present_bands(1920, 1080);
    EXPECT_DOUBLE_EQ(next_wake(loop, s), 0.001);
    // Another feed came meanwhile: frames wait for its atlas, but the page
    // already drawn is not left half on screen for that long.
    loop.font_wait_until = clock.steady + kFontWait;
    s.fonts_pending = true;
    ASSERT_TRUE(waiting_for_fonts(loop, s));
    EXPECT_DOUBLE_EQ(next_wake(loop, s), 0.001);
    s.size_ok = false;  // minimised: nothing to present, no spin
    EXPECT_GT(next_wake(loop, s), 0.001);
    loop.bands_left.clear();
    s = seen_at(clock);
    EXPECT_GT(next_wake(loop, s), 1.0);
}

TEST(Runner, APageTurnDueWhileTheAtlasBuildsWaitsForItAndForTheBands) {
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady + 15s;
    loop.font_wait_until = clock.steady + 16s;  // a new feed came a second before the turn
    clock.advance(15000ms);
    Observed s = seen_at(clock);
    s.fonts_pending = true;
    ASSERT_TRUE(waiting_for_fonts(loop, s));
    EXPECT_TRUE(turn_held(loop, s));
    EXPECT_EQ(due_turn(loop, s).turn, Turn::none);
    EXPECT_FALSE(due_turn(loop, s).expired) << "the timer is not restarted: the turn is owed";
    // Nor does the overdue turn make the loop spin: it sleeps until the wait ends (or the worker wakes it).
    EXPECT_NEAR(next_wake(loop, s), 1.0, 1e-6);
    // The atlas is swapped in: its page is drawn in this loop turn, not the next page.
    s.fonts_pending = false;
    s.fonts_swapped = true;
    EXPECT_TRUE(turn_held(loop, s));
    EXPECT_EQ(due_turn(loop, s).turn, Turn::none);
    EXPECT_DOUBLE_EQ(next_wake(loop, s), 0.001) << "the overdue turn comes in the next loop turn";
    s.fonts_swapped = false;
    // That page goes up in bands: the turn still waits.
    loop.bands_left = present_bands(1920, 1080);
    EXPECT_TRUE(turn_held(loop, s));
    EXPECT_EQ(due_turn(loop, s).turn, Turn::none);
    loop.bands_left.clear();
    // Then it is taken at once.
    EXPECT_FALSE(turn_held(loop, s));
    EXPECT_EQ(due_turn(loop, s).turn, Turn::next_page);
    EXPECT_TRUE(due_turn(loop, s).expired);
    // Once the wait is over, a slow atlas holds the turn no longer (it is drawn with the old one).
    loop.bands_left.clear();
    clock.advance(1000ms);
    s = seen_at(clock);
    s.fonts_pending = true;
    EXPECT_FALSE(turn_held(loop, s));
    EXPECT_EQ(due_turn(loop, s).turn, Turn::next_page);
}

TEST(Runner, AnEmergencyWakesADarkScreenAtItsStart) {
    const auto snap = load(KIOSK_FIXTURES_DIR "/valid/roles-announcements.json");
    Options options;
    options.hours = "mon-fri 10:00-18:30";  // dark at 09:00; the drill starts at 09:30
    const ScreenSchedule schedule(options);
    ScreenSetup setup;
    setup.identity = schedule.identity();
    const Instant dark = at("2026-11-18T09:00:00+08:00");
    const ScreenModel before = derive(snap, dark, schedule, setup, options, {1920, 1080}, false);
    ASSERT_FALSE(before.state.on);
    LoopState loop;
    loop.next_page_at = SteadyClock::time_point(1000s);
    Observed s;
    s.steady_now = SteadyClock::time_point(1000s);
    s.wall_now = std::chrono::system_clock::time_point(dark);
    s.screen_on = false;
    s.next_change = schedule.next_change(snap->feed.get(), dark);
    EXPECT_NEAR(next_wake(loop, s), 30 * 60 + 0.02, 1e-3);  // asleep exactly until 09:30
    const ScreenModel alarm = derive(snap, at("2026-11-18T09:30:00+08:00"), schedule, setup, options, {1920, 1080}, false);
    EXPECT_TRUE(alarm.state.on);
    ASSERT_NE(alarm.state.emergency, nullptr);
    EXPECT_TRUE(due_redraws(&before, alarm, false, false).page);
    EXPECT_FALSE(due_redraws(&before, alarm, false, false).clock_only);
}

// A page at rest under systemd's watchdog (WATCHDOG_USEC=2 s, a ping every
// 0.9 s): the loop wakes for nothing but the pings, and never lets two of them
// lie further apart than the ping's period, for as long as it turns.
TEST(Runner, ARestingPageWakesForEveryWatchdogPing) {
    FakeClock clock;
    const auto every = 900ms;
    LoopState loop;
    loop.next_page_at = clock.steady + 24h;  // one page: no turn due
    loop.page_dirty = false;
    loop.watchdog_at = clock.steady;         // the first turn pings
    Observed seen = seen_at(clock);
    seen.live_clock = false;                 // no minute ticks: only the pings wake it
    seen.entries = 1;
    std::vector<SteadyClock::time_point> pings;
    const auto end = clock.steady + 10s;
    while (clock.steady < end) {
        seen.steady_now = clock.steady;
        if (watchdog_due(loop, seen.steady_now)) {
            pings.push_back(clock.steady);
            loop.watchdog_at = clock.steady + every;
        }
        EXPECT_FALSE(watchdog_due(loop, seen.steady_now)) << "one ping per period";
        const double sleep = next_wake(loop, seen);
        EXPECT_LE(sleep, 0.9 + 1e-9);
        clock.advance(std::chrono::milliseconds(static_cast<long>(std::ceil(sleep * 1000))));
    }
    ASSERT_GE(pings.size(), 11u);  // 10 s / 0.9 s, and the first at 0
    for (std::size_t i = 1; i < pings.size(); ++i) EXPECT_EQ(pings[i] - pings[i - 1], every) << "ping " << i;
}

TEST(Runner, TheWatchdogWakesADarkScreenAndNothingWakesItWithout) {
    FakeClock clock;
    LoopState loop;
    loop.next_page_at = clock.steady + 15s;
    Observed dark = seen_at(clock);
    dark.screen_on = false;
    EXPECT_NEAR(next_wake(loop, dark), 86400.0, 1e-6);  // no watchdog: asleep for a day
    EXPECT_FALSE(watchdog_due(loop, dark.steady_now));
    loop.watchdog_at = clock.steady + 7s;
    EXPECT_NEAR(next_wake(loop, dark), 7.0, 1e-6);
    EXPECT_FALSE(watchdog_due(loop, dark.steady_now));
    clock.advance(7000ms);
    EXPECT_TRUE(watchdog_due(loop, clock.steady));
    // Overdue (a slow frame): due at once, and the sleep before it is the least, never negative.
    clock.advance(500ms);
    EXPECT_TRUE(watchdog_due(loop, clock.steady));
    EXPECT_NEAR(next_wake(loop, seen_at(clock)), 0.001, 1e-9);
    // Waiting for fonts (no frame may be drawn): the pings go on.
    LoopState fonts;
    fonts.next_page_at = clock.steady + 15s;
    fonts.font_wait_until = clock.steady + 3s;
    fonts.watchdog_at = clock.steady + 1s;
    Observed waiting = seen_at(clock);
    waiting.fonts_pending = true;
    EXPECT_NEAR(next_wake(fonts, waiting), 1.0, 1e-6);
}

}  // namespace
}  // namespace campus::kiosk::runner
