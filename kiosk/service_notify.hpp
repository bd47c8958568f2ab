// The kiosk as a systemd service (sd_notify(3), through libsystemd): the
// unit is Type=notify with WatchdogSec= (packaging/campus-kiosk.service), so
//   READY=1     is sent once the first frame is on screen: the screen is up,
//               not merely the process;
//   WATCHDOG=1  is sent by the render loop itself, a little more often than
//               half of WATCHDOG_USEC, resting pages included (the loop wakes
//               for it: runner::next_wake). A loop stuck in a frame, a GL call
//               or a lock sends none, and systemd kills and restarts the screen;
//   STATUS=     says in a few words what is shown ("v37 · 在线"), when that
//               changes, for `systemctl status campus-kiosk`;
//   STOPPING=1  when the loop ends on purpose.
// Outside systemd (no NOTIFY_SOCKET) nothing is sent and nothing wakes the loop.
//
// Under xinit the kiosk is not the unit's main process: the unit sets
// NotifyAccess=all and UnsetEnvironment=WATCHDOG_PID (else libsystemd takes
// the watchdog for xinit's), and READY=1 carries MAINPID= of the kiosk, so
// the watchdog's SIGABRT reaches the process that hung (its core dump shows
// where) rather than xinit.
//
// Thread safety: ServiceNotify on the main thread only (the render loop's);
// status_words is pure.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "sync/sync_state.hpp"

namespace campus::kiosk {

// What STATUS= says: the feed's version (or that there is none, or the
// bundled sample), the sync side's condition, and a dark screen or an alert
// when one covers the page. "v37 · 在线", "v37 · 离线 · 熄屏", "等待内容 · 离线".
struct StatusFacts {
    std::int64_t feed_version = 0;  // 0: no feed shown
    bool sample = false;            // the bundled sample feed (no --feed)
    SyncState sync;
    bool screen_on = true;
    bool emergency = false;
};
std::string status_words(const StatusFacts& facts);

class ServiceNotify {
public:
    using SteadyClock = std::chrono::steady_clock;

    // Reads NOTIFY_SOCKET and WATCHDOG_USEC (sd_watchdog_enabled). Logs what
    // it found, once.
    ServiceNotify();

    // A notify socket is set: something listens for READY/WATCHDOG/STATUS.
    bool active() const { return active_; }
    // How often the loop pings; nullopt when systemd asked for no watchdog.
    std::optional<SteadyClock::duration> watchdog_every() const { return every_; }

    // The first frame is on screen: READY=1 (and MAINPID=), once.
    void ready();
    bool ready_sent() const { return ready_sent_; }
    // WATCHDOG=1. The loop calls it when runner::watchdog_due says so.
    void watchdog();
    // STATUS=words, unless the last one sent said the same.
    void status(const std::string& words);
    // STOPPING=1: the loop ended on purpose (a signal, the window closed).
    void stopping();

private:
    void send(const std::string& message);

    bool active_ = false;
    std::optional<SteadyClock::duration> every_;
    bool ready_sent_ = false;
    std::string last_status_;
    bool send_failed_ = false;  // logged once, not once a second
};

// KIOSK_TEST_HANG_AFTER_S=N (tests only, tests/integration/service_tests.py):
// N seconds (0 < N ≤ 86400) after the loop started, it stops inside a turn for
// good, as if a frame were stuck in a GL call, so a test sees the watchdog's
// pings stop. Unset, empty or not such a number: nullopt (a bad value is logged).
std::optional<double> test_hang_after_seconds();

}  // namespace campus::kiosk
