// The systemd notify protocol (see kiosk/service_notify.hpp).
#include "kiosk/service_notify.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

namespace campus::kiosk {

std::string status_words(const StatusFacts& f) {
    std::string out;
    const auto add = [&out](std::string_view word) {
        if (!out.empty()) out += " · ";
        out += word;
    };
    if (f.sample) {
        add("示例数据");  // no --feed: nothing to be online with
    } else {
        add(f.feed_version > 0 ? "v" + std::to_string(f.feed_version) : std::string("等待内容"));
        if (f.sync.offline)
            add("离线");
        else if (f.sync.refused)
            add("新数据被拒绝");  // the server answered with something not shown (see the status file)
        else if (f.sync.last_attempt)
            add("在线");
        else
            add("连接中");  // the first poll has not come back yet
        if (f.sync.stale) add("已过期");
    }
    if (!f.screen_on)
        add("熄屏");
    else if (f.emergency)
        add("紧急通知");
    return out;
}

ServiceNotify::ServiceNotify() {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    active_ = socket != nullptr && socket[0] != '\0';
    if (!active_) return;
    std::uint64_t usec = 0;
    const int r = sd_watchdog_enabled(0, &usec);
    if (r < 0) {
        spdlog::warn("systemd: WATCHDOG_USEC/WATCHDOG_PID unreadable ({}): no watchdog pings", std::strerror(-r));
    } else if (r > 0 && usec > 0) {
        // A little under half the period (sd_watchdog_enabled(3) asks for
        // half): a wake-up that comes a few milliseconds late, as it does on
        // a loaded machine, still lands inside the half.
        every_ = std::chrono::duration_cast<SteadyClock::duration>(std::chrono::microseconds(usec) * 45 / 100);
    }
    if (every_)
        spdlog::info("systemd: notify socket {}, watchdog every {:.3f} s (WATCHDOG_USEC={})", socket,
                     std::chrono::duration<double>(*every_).count(), usec);
    else
        spdlog::info("systemd: notify socket {}, no watchdog", socket);
}

void ServiceNotify::send(const std::string& message) {
    if (!active_) return;
    // 0: NOTIFY_SOCKET stays set; every later message reads it again.
    const int r = sd_notify(0, message.c_str());
    if (r > 0) {
        if (send_failed_) spdlog::info("systemd: notify socket reachable again");
        send_failed_ = false;
        return;
    }
    if (!send_failed_)
        spdlog::warn("systemd: cannot send \"{}\" to the notify socket: {}", message.substr(0, message.find('\n')),
                     r < 0 ? std::strerror(-r) : "NOTIFY_SOCKET unset");
    send_failed_ = true;
}

void ServiceNotify::ready() {
    if (ready_sent_ || !active_) return;
    ready_sent_ = true;
    send("READY=1\nMAINPID=" + std::to_string(::getpid()));
    spdlog::info("systemd: ready (the first frame is on screen)");
}

void ServiceNotify::watchdog() { send("WATCHDOG=1"); }

void ServiceNotify::status(const std::string& words) {
    if (!active_ || words == last_status_) return;
    last_status_ = words;
    send("STATUS=" + words);
}

void ServiceNotify::stopping() { send("STOPPING=1"); }

std::optional<double> test_hang_after_seconds() {
    const char* value = std::getenv("KIOSK_TEST_HANG_AFTER_S");
    if (value == nullptr || value[0] == '\0') return std::nullopt;
    char* end = nullptr;
    errno = 0;
    const double seconds = std::strtod(value, &end);
    if (errno != 0 || end == value || *end != '\0' || !(seconds > 0 && seconds <= 86400)) {
        spdlog::error("KIOSK_TEST_HANG_AFTER_S={}: not a number of seconds in (0, 86400]; ignored", value);
        return std::nullopt;
    }
    spdlog::warn("KIOSK_TEST_HANG_AFTER_S={}: the render loop will hang on purpose (a test hook)", value);
    return seconds;
}

}  // namespace campus::kiosk
