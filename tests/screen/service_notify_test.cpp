// The kiosk as a systemd service: what STATUS= says (kiosk/service_notify.hpp),
// and the shipped unit and configs agreeing on where a packaged screen keeps
// its files (packaging/campus-kiosk.service's directories, the paths in
// packaging/kiosk.json and assets/kiosk.example.json).
#include "kiosk/service_notify.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "kiosk/config_file.hpp"

namespace campus::kiosk {
namespace {

namespace fs = std::filesystem;

TEST(ServiceStatus, SaysTheVersionAndHowTheLastPollWent) {
    StatusFacts f;
    f.feed_version = 37;
    f.sync.last_attempt = Instant{std::chrono::seconds{1'800'000'000}};
    EXPECT_EQ(status_words(f), "v37 · 在线");
    f.sync.offline = true;
    EXPECT_EQ(status_words(f), "v37 · 离线");
    f.sync.offline = false;
    f.sync.refused = true;
    EXPECT_EQ(status_words(f), "v37 · 新数据被拒绝");
    f.sync.refused = false;
    f.sync.stale = true;
    EXPECT_EQ(status_words(f), "v37 · 在线 · 已过期");
}

TEST(ServiceStatus, SaysWhatCoversThePageAndWhenThereIsNone) {
    StatusFacts f;
    EXPECT_EQ(status_words(f), "等待内容 · 连接中");  // before the first poll comes back
    f.sync.offline = true;
    EXPECT_EQ(status_words(f), "等待内容 · 离线");
    f.feed_version = 5;
    f.screen_on = false;
    EXPECT_EQ(status_words(f), "v5 · 离线 · 熄屏");
    f.screen_on = true;
    f.emergency = true;
    EXPECT_EQ(status_words(f), "v5 · 离线 · 紧急通知");
    StatusFacts sample;
    sample.sample = true;
    EXPECT_EQ(status_words(sample), "示例数据");
}

TEST(ServiceNotify, OutsideSystemdNothingRuns) {
    ::unsetenv("NOTIFY_SOCKET");
    ::setenv("WATCHDOG_USEC", "2000000", 1);  // a watchdog without a socket: still nothing
    ServiceNotify service;
    EXPECT_FALSE(service.active());
    EXPECT_FALSE(service.watchdog_every());
    service.ready();
    EXPECT_FALSE(service.ready_sent());
    ::unsetenv("WATCHDOG_USEC");
}

TEST(ServiceNotify, PingsALittleMoreOftenThanHalfTheWatchdog) {
    ::setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1);  // nothing is sent here
    ::setenv("WATCHDOG_USEC", "2000000", 1);
    ::unsetenv("WATCHDOG_PID");
    {
        ServiceNotify service;
        EXPECT_TRUE(service.active());
        ASSERT_TRUE(service.watchdog_every());
        EXPECT_EQ(*service.watchdog_every(), std::chrono::milliseconds(900));
    }
    // Another process's watchdog (xinit's, were the unit to leave WATCHDOG_PID): not ours.
    ::setenv("WATCHDOG_PID", "1", 1);
    {
        ServiceNotify service;
        EXPECT_TRUE(service.active());
        EXPECT_FALSE(service.watchdog_every());
    }
    ::unsetenv("WATCHDOG_PID");
    ::unsetenv("WATCHDOG_USEC");
    ::unsetenv("NOTIFY_SOCKET");
}

// key=value lines of a unit file's [Service] section.
std::multimap<std::string, std::string> service_section(const fs::path& unit) {
    std::ifstream in(unit);
    EXPECT_TRUE(in) << unit;
    std::multimap<std::string, std::string> out;
    std::string line;
    bool service = false;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        if (line[0] == '[') {
            service = line == "[Service]";
            continue;
        }
        const auto eq = line.find('=');
        if (service && eq != std::string::npos) out.emplace(line.substr(0, eq), line.substr(eq + 1));
    }
    return out;
}

std::string one(const std::multimap<std::string, std::string>& section, const std::string& key) {
    EXPECT_EQ(section.count(key), 1u) << key;
    const auto it = section.find(key);
    return it == section.end() ? std::string() : it->second;
}

TEST(ServiceUnit, IsANotifyServiceWithAWatchdogAndItsDirectories) {
    const auto unit = service_section(fs::path(KIOSK_ASSETS_DIR).parent_path() / "packaging" / "campus-kiosk.service");
    EXPECT_EQ(one(unit, "Type"), "notify");
    EXPECT_EQ(one(unit, "NotifyAccess"), "all");  // the kiosk is xinit's child
    EXPECT_EQ(one(unit, "UnsetEnvironment"), "WATCHDOG_PID");
    EXPECT_GE(std::atoi(one(unit, "WatchdogSec").c_str()), 10);
    EXPECT_EQ(one(unit, "RuntimeDirectory"), "campus-kiosk");
    EXPECT_EQ(one(unit, "CacheDirectory"), "campus-kiosk");
    EXPECT_EQ(one(unit, "StateDirectory"), "campus-kiosk");
    const std::string exec = one(unit, "ExecStart");
    EXPECT_NE(exec.find("--status-file /run/campus-kiosk/status.json"), std::string::npos) << exec;
    // Xorg says READY=1 itself when it may: the unit's server is one that may not.
    EXPECT_NE(exec.find(" -- /usr/libexec/campus-kiosk/xserver :0 "), std::string::npos) << exec;
    std::ifstream script(fs::path(KIOSK_ASSETS_DIR).parent_path() / "packaging" / "xserver");
    std::stringstream text;
    text << script.rdbuf();
    EXPECT_NE(text.str().find("\nunset NOTIFY_SOCKET"), std::string::npos) << text.str();
    EXPECT_NE(text.str().find("\nexec /usr/bin/Xorg \"$@\"\n"), std::string::npos) << text.str();
}

// The packaged config and the example put every file where the unit made
// room for it: a status or metrics file elsewhere is not writable by the
// kiosk user, and a cache elsewhere is lost at reboot or never written.
TEST(ServiceUnit, TheConfigsUseTheUnitsDirectories) {
    const fs::path root = fs::path(KIOSK_ASSETS_DIR).parent_path();
    for (const fs::path& file : {root / "assets" / "kiosk.example.json", root / "packaging" / "kiosk.json"}) {
        SCOPED_TRACE(file.string());
        const KioskConfig c = load_config(file.string());
        EXPECT_EQ(c.cache_dir, "/var/cache/campus-kiosk");
        EXPECT_EQ(fs::path(c.status_file).parent_path(), "/run/campus-kiosk");
        EXPECT_EQ(fs::path(c.metrics_file).parent_path(), "/run/campus-kiosk");
        EXPECT_EQ(fs::path(c.metrics_file).extension(), ".prom");  // the node exporter reads *.prom only
    }
}

}  // namespace
}  // namespace campus::kiosk
