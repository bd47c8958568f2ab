// Sleep at night (kiosk/power/): when the display is switched, with a fake
// clock over a school day through the real screen model, and the switches
// themselves: child processes, their failures and timeouts, the cec tools,
// the worker that keeps them off the render loop.
//
// [SECTION] the decision over a day
// [SECTION] failures
// [SECTION] child processes
// [SECTION] the worker
#include "kiosk/power/display_power.hpp"
#include "kiosk/power/power_switch.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "kiosk/screen_model.hpp"
#include "sync/feed_parse.hpp"
#include "tests/scratch_folder.hpp"

namespace campus::kiosk::power {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

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

// [SECTION] the decision over a day -----------------------------------------------

// One switch the loop asked for, and the fake clock's time then.
struct Asked {
    Switch which;
    Instant when;
    bool operator==(const Asked&) const = default;
};

// The loop's turns from `from` to `to`, every `step`, as app.cpp takes them:
// the model's state, then DisplayPower::decide; a backend that answers at once.
std::vector<Asked> day(const std::string& feed, const std::string& hours, Instant from, Instant to,
                       std::chrono::seconds step, Backend backend = Backend::command) {
    const auto snap = load(feed);
    Options options;
    options.hours = hours;
    const ScreenSchedule schedule(options);
    ScreenSetup setup;
    setup.identity = schedule.identity();
    DisplayPower power(backend);
    std::vector<Asked> asked;
    for (Instant now = from; now <= to; now += step) {
        const ScreenModel model = derive(snap, now, schedule, setup, options, {1920, 1080}, false);
        const Switch due = power.decide(model.state.on);
        if (due != Switch::none) {
            asked.push_back({due, now});
            power.finished(due, "");
        }
        // A turn with nothing new asks nothing: the wake-ups between minutes.
        EXPECT_EQ(power.decide(model.state.on), Switch::none);
    }
    return asked;
}

TEST(DisplayPowerDay, OffOutsideTheHoursOnWhenTheyBeginOnceEach) {
    const auto asked = day(KIOSK_ASSETS_DIR "/sample-feed.json", "mon-fri 07:00-18:30",
                           at("2026-11-18T05:00:00+08:00"), at("2026-11-19T07:30:00+08:00"), 60s);
    const std::vector<Asked> expected = {
        {Switch::off, at("2026-11-18T05:00:00+08:00")},  // at start: the state a restart finds is unknown
        {Switch::on, at("2026-11-18T07:00:00+08:00")},
        {Switch::off, at("2026-11-18T18:30:00+08:00")},
        {Switch::on, at("2026-11-19T07:00:00+08:00")},
    };
    EXPECT_EQ(asked, expected);
}

TEST(DisplayPowerDay, AnEmergencyAtNightSwitchesItOnAndItsEndOffAgain) {
    // roles-announcements: the drill is an emergency for every screen, 09:30–11:00.
    const auto asked = day(KIOSK_FIXTURES_DIR "/valid/roles-announcements.json", "mon-fri 10:00-18:30",
                           at("2026-11-18T09:00:00+08:00"), at("2026-11-18T19:00:00+08:00"), 60s);
    const std::vector<Asked> expected = {
        {Switch::off, at("2026-11-18T09:00:00+08:00")},
        {Switch::on, at("2026-11-18T09:30:00+08:00")},   // the drill, before the hours
        {Switch::off, at("2026-11-18T18:30:00+08:00")},  // at 10:00 the hours take over: no second "on"
    };
    EXPECT_EQ(asked, expected);
    // The same drill with the hours beginning after it: off again at its end.
    const auto after = day(KIOSK_FIXTURES_DIR "/valid/roles-announcements.json", "mon-fri 12:00-18:30",
                           at("2026-11-18T09:00:00+08:00"), at("2026-11-18T12:00:00+08:00"), 60s);
    const std::vector<Asked> expected_after = {
        {Switch::off, at("2026-11-18T09:00:00+08:00")},
        {Switch::on, at("2026-11-18T09:30:00+08:00")},
        {Switch::off, at("2026-11-18T11:00:00+08:00")},
        {Switch::on, at("2026-11-18T12:00:00+08:00")},
    };
    EXPECT_EQ(after, expected_after);
}

TEST(DisplayPowerDay, AlwaysOnAsksOnceAndNoneNever) {
    const auto always = day(KIOSK_ASSETS_DIR "/sample-feed.json", "", at("2026-11-18T00:00:00+08:00"),
                            at("2026-11-19T00:00:00+08:00"), 600s);
    ASSERT_EQ(always.size(), 1u);
    EXPECT_EQ(always[0].which, Switch::on);
    EXPECT_TRUE(day(KIOSK_ASSETS_DIR "/sample-feed.json", "mon-fri 07:00-18:30", at("2026-11-18T00:00:00+08:00"),
                    at("2026-11-19T00:00:00+08:00"), 600s, Backend::none)
                    .empty());
}

// [SECTION] failures ----------------------------------------------------------------

TEST(DisplayPowerFailure, IsNotRetriedUntilTheWantedStateChangesAndIsLoggedOnce) {
    DisplayPower power(Backend::command);
    ASSERT_EQ(power.decide(true), Switch::on);
    power.finished(Switch::on, "");
    EXPECT_TRUE(power.lit());
    ASSERT_EQ(power.decide(false), Switch::off);
    EXPECT_TRUE(power.busy());
    EXPECT_EQ(power.decide(false), Switch::none);  // still running: nothing more
    EXPECT_EQ(power.decide(true), Switch::none);   // nor while it runs; looked at again after
    power.finished(Switch::off, "off_command tv: exited with 1: no answer");
    EXPECT_TRUE(power.lit()) << "the off failed: the panel is still lit (black)";
    EXPECT_EQ(power.problem(), "off_command tv: exited with 1: no answer");
    EXPECT_TRUE(power.take_new_problem());
    EXPECT_FALSE(power.take_new_problem());
    // The loop wanted "on" again while the off ran: now it is asked.
    EXPECT_EQ(power.decide(true), Switch::on);
    power.finished(Switch::on, "");
    EXPECT_EQ(power.problem(), "");
    // The next night it fails the same way: news again after a good switch.
    ASSERT_EQ(power.decide(false), Switch::off);
    power.finished(Switch::off, "off_command tv: exited with 1: no answer");
    EXPECT_TRUE(power.take_new_problem());
    for (int turn = 0; turn < 100; ++turn) EXPECT_EQ(power.decide(false), Switch::none);  // no retry every turn
    ASSERT_EQ(power.decide(true), Switch::on);
    power.finished(Switch::on, "");
    ASSERT_EQ(power.decide(false), Switch::off);
    power.finished(Switch::off, "");
    EXPECT_FALSE(power.lit());
}

TEST(DisplayPowerFailure, WithoutABackendLitFollowsTheHours) {
    DisplayPower power(Backend::none);
    EXPECT_EQ(power.decide(false), Switch::none);
    EXPECT_FALSE(power.lit());
    EXPECT_EQ(power.decide(true), Switch::none);
    EXPECT_TRUE(power.lit());
}

// [SECTION] child processes ---------------------------------------------------------

using campus::test_support::ScratchFolder;

std::string read_text(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

const std::atomic<bool> kNotCancelled{false};

TEST(PowerCommand, RunsTheArgumentListWithoutAShell) {
    ScratchFolder dir;
    const std::string odd = (dir.path() / "$(touch pwned); echo").string();
    EXPECT_EQ(run_command("off_command", {"touch", odd}, "", 5s, kNotCancelled), "");
    EXPECT_TRUE(fs::exists(odd)) << "the argument reached the program as it is";
    EXPECT_FALSE(fs::exists(dir.path() / "pwned"));
    // stdin: the input given, else /dev/null (a command waiting for a terminal would hang).
    const fs::path got = dir.path() / "stdin";
    EXPECT_EQ(run_command("cec", {"sh", "-c", "cat > \"$0\"", got.string()}, "standby 0\n", 5s, kNotCancelled), "");
    EXPECT_EQ(read_text(got), "standby 0\n");
    EXPECT_EQ(run_command("on_command", {"sh", "-c", "cat > \"$0\"", got.string()}, "", 5s, kNotCancelled), "");
    EXPECT_EQ(read_text(got), "");
}

TEST(PowerCommand, AFailureSaysWhichCommandAndWhy) {
    EXPECT_EQ(run_command("off_command", {"sh", "-c", "echo starting; echo 'port /dev/ttyS0 busy' >&2; exit 2"}, "", 5s,
                          kNotCancelled),
              "off_command sh: exited with 2: port /dev/ttyS0 busy");
    const std::string missing = run_command("on_command", {"/nonexistent/tv-power", "on"}, "", 5s, kNotCancelled);
    EXPECT_EQ(missing, "on_command /nonexistent/tv-power: cannot run it: No such file or directory");
    EXPECT_EQ(run_command("off_command", {"sh", "-c", "kill -9 $$"}, "", 5s, kNotCancelled),
              "off_command sh: was killed by signal 9");
    EXPECT_EQ(run_command("off_command", {}, "", 5s, kNotCancelled), "off_command: no program to run");
}

TEST(PowerCommand, OneThatHangsIsKilledAtItsTimeoutWithWhatItStarted) {
    ScratchFolder dir;
    const fs::path late = dir.path() / "late";
    const auto started = std::chrono::steady_clock::now();
    // The child's own child must go too: the whole process group is killed.
    const std::string why = run_command(
        "off_command", {"sh", "-c", "(sleep 1; touch \"$0\") & sleep 30", late.string()}, "", 300ms, kNotCancelled);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(why, "off_command sh: did not finish within 0.3 s (power.timeout_seconds); killed");
    EXPECT_LT(took, 2s);
    ::usleep(1'500'000);
    EXPECT_FALSE(fs::exists(late)) << "the background child outlived the kill";
}

TEST(PowerCommand, CecUsesCecCtlElseCecClientElseSaysNeither) {
    ScratchFolder dir;
    const char* saved = std::getenv("PATH");
    const std::string old_path = saved != nullptr ? saved : "";
    const auto fake = [&](const char* name) {
        const fs::path tool = dir.path() / name;
        std::ofstream(tool) << "#!/bin/sh\nexit 0\n";
        fs::permissions(tool, fs::perms::owner_all);
    };
    ::setenv("PATH", dir.path().c_str(), 1);
    EXPECT_FALSE(cec_command(Switch::off).has_value());
    fake("cec-client");
    auto client = cec_command(Switch::off);
    ASSERT_TRUE(client.has_value());
    EXPECT_EQ(client->argv, (std::vector<std::string>{"cec-client", "-s", "-d", "1"}));
    EXPECT_EQ(client->input, "standby 0\n");
    EXPECT_EQ(cec_command(Switch::on)->input, "on 0\n");
    fake("cec-ctl");
    auto ctl = cec_command(Switch::on);
    ASSERT_TRUE(ctl.has_value());
    EXPECT_EQ(ctl->argv, (std::vector<std::string>{"cec-ctl", "--playback", "--to", "0", "--image-view-on"}));
    EXPECT_EQ(ctl->input, "");
    EXPECT_EQ(cec_command(Switch::off)->argv.back(), "--standby");
    ::setenv("PATH", old_path.c_str(), 1);
}

// [SECTION] the worker --------------------------------------------------------------

TEST(PowerSwitchWorker, RunsTheCommandsOffTheCallersThreadAndAnswers) {
    ScratchFolder dir;
    const fs::path log = dir.path() / "power.log";
    PowerSettings settings;
    settings.backend = Backend::command;
    settings.off_command = {"sh", "-c", "sleep 0.3; echo off >> \"$0\"", log.string()};
    settings.on_command = {"sh", "-c", "echo on >> \"$0\"; exit 3", log.string()};
    std::atomic<int> answers{0};
    PowerSwitch power(settings, [&] { ++answers; });
    const auto asked = std::chrono::steady_clock::now();
    power.request(Switch::off);
    EXPECT_LT(std::chrono::steady_clock::now() - asked, 100ms) << "request() waited for the command";
    std::optional<PowerSwitch::Finished> done;
    for (int i = 0; i < 500 && !done; ++i) {
        done = power.take_finished();
        if (!done) ::usleep(10'000);
    }
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->which, Switch::off);
    EXPECT_EQ(done->problem, "");
    EXPECT_EQ(answers.load(), 1);
    power.request(Switch::on);
    done.reset();
    for (int i = 0; i < 500 && !done; ++i) {
        done = power.take_finished();
        if (!done) ::usleep(10'000);
    }
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->problem, "on_command sh: exited with 3");
    EXPECT_EQ(read_text(log), "off\non\n");
}

TEST(PowerSwitchWorker, StopsAHangingSwitchWhenTheKioskStops) {
    PowerSettings settings;
    settings.backend = Backend::command;
    settings.off_command = {"sleep", "30"};
    settings.on_command = {"true"};
    settings.timeout = 60s;
    const auto started = std::chrono::steady_clock::now();
    {
        PowerSwitch power(settings, [] {});
        power.request(Switch::off);
        ::usleep(200'000);
    }
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

TEST(PowerSwitchWorker, DpmsWithoutAnXServerSaysSo) {
    const char* saved = std::getenv("DISPLAY");
    const std::string old_display = saved != nullptr ? saved : "";
    ::setenv("DISPLAY", ":987", 1);  // nothing listens there
    PowerSettings settings;
    settings.backend = Backend::dpms;
    PowerSwitch power(settings, [] {});
    power.request(Switch::off);
    std::optional<PowerSwitch::Finished> done;
    for (int i = 0; i < 500 && !done; ++i) {
        done = power.take_finished();
        if (!done) ::usleep(10'000);
    }
    ASSERT_TRUE(done.has_value());
    EXPECT_EQ(done->problem, "dpms: cannot open the X display :987");
    if (saved != nullptr) ::setenv("DISPLAY", old_display.c_str(), 1);
    else ::unsetenv("DISPLAY");
}

}  // namespace
}  // namespace campus::kiosk::power
