// The metrics file (sync/metrics_file.hpp): every metric with HELP and TYPE,
// the screen's counters only once the screen reports, written atomically.
// (The integration tests parse the file with Prometheus's own parser.)

#include "sync/metrics_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sync/user_agent.hpp"

namespace campus {
namespace {

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(MetricsFile, SyncSideMetrics) {
    SyncMetrics m;
    m.feed_version = 37;
    m.last_success = Instant{std::chrono::seconds{1'795'000'000}};
    m.offline = true;
    m.fetch_failures = 4;
    m.cache_writable = false;
    const std::string text = format_metrics(m, nullptr);
    EXPECT_TRUE(has_line(text, std::string("campus_kiosk_build_info{version=\"") + kiosk_version() + "\"} 1")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_feed_version 37")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_feed_last_success_timestamp_seconds 1795000000")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_feed_offline 1")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_feed_stale 0")) << text;
    EXPECT_TRUE(has_line(text, "# TYPE campus_kiosk_fetch_failures_total counter")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_fetch_failures_total 4")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_cache_writable 0")) << text;
    EXPECT_EQ(text.find("campus_kiosk_frames_total"), std::string::npos) << "no screen, no screen metrics";
    // Every sample has its HELP and TYPE.
    std::istringstream lines(text);
    std::string line, help, type;
    while (std::getline(lines, line)) {
        if (line.rfind("# HELP ", 0) == 0) help = line.substr(7, line.find(' ', 7) - 7);
        else if (line.rfind("# TYPE ", 0) == 0) type = line.substr(7, line.find(' ', 7) - 7);
        else {
            const std::string name = line.substr(0, line.find_first_of("{ "));
            EXPECT_EQ(name, help) << line;
            EXPECT_EQ(name, type) << line;
        }
    }
}

TEST(MetricsFile, NeverSucceededIsZero) {
    const std::string text = format_metrics(SyncMetrics{}, nullptr);
    EXPECT_TRUE(has_line(text, "campus_kiosk_feed_version 0")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_feed_last_success_timestamp_seconds 0")) << text;
}

TEST(MetricsFile, ScreenCountersOnceTheScreenReports) {
    ScreenCounters screen;
    EXPECT_EQ(format_metrics(SyncMetrics{}, &screen).find("campus_kiosk_frames_total"), std::string::npos);
    screen.frame();
    screen.frame();
    std::string text = format_metrics(SyncMetrics{}, &screen);
    EXPECT_TRUE(has_line(text, "campus_kiosk_frames_total 2")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_power_errors_total 0")) << text;
    EXPECT_EQ(text.find("campus_kiosk_display_on"), std::string::npos) << "not said yet: not made up";
    screen.display(false);
    screen.power_error();
    text = format_metrics(SyncMetrics{}, &screen);
    EXPECT_TRUE(has_line(text, "campus_kiosk_display_on 0")) << text;
    EXPECT_TRUE(has_line(text, "campus_kiosk_power_errors_total 1")) << text;
}

TEST(MetricsFile, WrittenWholeOrErrorWithThePath) {
    namespace fs = std::filesystem;
    char tmpl[] = "/tmp/metrics-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const fs::path path = fs::path(tmpl) / "campus-kiosk.prom";
    ASSERT_EQ(write_metrics_file(path.string(), SyncMetrics{}, nullptr), "");
    std::ifstream in(path);
    std::stringstream got;
    got << in.rdbuf();
    EXPECT_EQ(got.str(), format_metrics(SyncMetrics{}, nullptr));
    const std::string err = write_metrics_file((fs::path(tmpl) / "no-dir" / "x.prom").string(), SyncMetrics{}, nullptr);
    EXPECT_NE(err.find("no-dir"), std::string::npos) << err;
    fs::remove_all(tmpl);
}

}  // namespace
}  // namespace campus
