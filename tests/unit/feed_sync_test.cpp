// FeedSync against a file:// feed and a real cache directory: the rollback
// guard on disk never runs ahead of the feed the cache holds, so a restart
// while offline shows the cached feed instead of refusing it as a rollback.
//
// A file-size limit (RLIMIT_FSIZE, SIGXFSZ ignored) makes the ~70 KiB feed
// write fail while the few bytes of guard.json still fit: the one fault that
// used to leave the guard above the cache.

#include "sync/feed_sync.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "sync/feed_cache.hpp"

namespace campus {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string slurp(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// The sample feed at `version`; well above the file-size limit below.
std::string feed_at(int version) {
    auto doc = nlohmann::json::parse(slurp(fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json"));
    doc["version"] = version;
    doc.erase("expires_at");
    return doc.dump(1);
}

void spit(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

// Files written while one is alive fail past `bytes` with EFBIG, like a full disk.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes) {
        ::getrlimit(RLIMIT_FSIZE, &old_);
        old_handler_ = std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit small = old_;
        small.rlim_cur = bytes;
        ok_ = ::setrlimit(RLIMIT_FSIZE, &small) == 0;
    }
    ~FileSizeLimit() { lift(); }
    void lift() {
        if (lifted_) return;
        lifted_ = true;
        ::setrlimit(RLIMIT_FSIZE, &old_);
        std::signal(SIGXFSZ, old_handler_);
    }
    bool ok() const { return ok_; }

private:
    struct rlimit old_ {};
    void (*old_handler_)(int) = SIG_DFL;
    bool ok_ = false;
    bool lifted_ = false;
};

class FeedSyncTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/feed-sync-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }
    FeedSyncConfig config(const fs::path& source) const {
        FeedSyncConfig c;
        c.source = source.string();
        c.cache_dir = (root_ / "cache").string();
        c.poll = 1s;
        c.max_backoff = 1s;
        return c;
    }
    // Waits (up to 10 s) for a snapshot that satisfies `pred`.
    template <class Pred>
    static std::shared_ptr<const FeedSnapshot> wait_for(const FeedSync& sync, Pred pred) {
        for (int i = 0; i < 1000; ++i) {
            auto snap = sync.snapshot();
            if (pred(*snap)) return snap;
            std::this_thread::sleep_for(10ms);
        }
        return sync.snapshot();
    }
    int64_t guard_on_disk() const {
        std::string error;
        return FeedCache((root_ / "cache").string()).load_guard(&error).highest_version;
    }
    fs::path root_;
};

TEST_F(FeedSyncTest, GuardIsNotStoredAboveAFeedTheCacheCouldNotWrite) {
    const fs::path feed = root_ / "feed.json";
    spit(feed, feed_at(1));
    {
        FeedSync sync(config(feed));
        sync.start({});
        auto snap = wait_for(sync, [](const FeedSnapshot& s) { return s.feed && s.state.last_success; });
        ASSERT_TRUE(snap->feed);
        EXPECT_EQ(snap->feed->version, 1);
    }
    ASSERT_EQ(guard_on_disk(), 1);

    // Version 2 arrives while the feed cannot be written but the guard can.
    spit(feed, feed_at(2));
    {
        FileSizeLimit limit(16 * 1024);
        ASSERT_TRUE(limit.ok());
        FeedSync sync(config(feed));
        sync.start({});
        auto snap = wait_for(sync, [](const FeedSnapshot& s) {
            return s.feed && s.feed->version == 2 && s.state.source == FeedSource::network;
        });
        ASSERT_TRUE(snap->feed);
        EXPECT_EQ(snap->feed->version, 2) << "a cache that cannot be written must not stop the new feed";
        sync.stop();
    }
    EXPECT_EQ(guard_on_disk(), 1) << "the guard on disk is above the version feed.cache holds";

    // Restart while offline: the cached version 1 is shown, not the waiting screen.
    {
        FeedSync sync(config(root_ / "gone.json"));
        sync.start({});
        auto snap = sync.snapshot();  // start() loads the cache before returning
        ASSERT_TRUE(snap->feed) << "the cached feed was refused (waiting screen)";
        EXPECT_EQ(snap->feed->version, 1);
        EXPECT_EQ(snap->state.source, FeedSource::cache);
    }
}

TEST_F(FeedSyncTest, GuardFollowsOnceTheCacheCatchesUp) {
    const fs::path feed = root_ / "feed.json";
    spit(feed, feed_at(1));
    {
        FeedSync sync(config(feed));
        sync.start({});
        ASSERT_TRUE(wait_for(sync, [](const FeedSnapshot& s) { return s.feed && s.state.last_success; })->feed);
    }
    spit(feed, feed_at(3));
    FeedSync sync(config(feed));
    {
        FileSizeLimit limit(16 * 1024);
        ASSERT_TRUE(limit.ok());
        sync.start({});
        auto snap = wait_for(sync, [](const FeedSnapshot& s) { return s.feed && s.feed->version == 3; });
        ASSERT_TRUE(snap->feed);
        EXPECT_EQ(guard_on_disk(), 1);
    }
    // Room again: the next poll (the same body) writes the feed, then the guard.
    for (int i = 0; i < 500 && guard_on_disk() != 3; ++i) std::this_thread::sleep_for(10ms);
    sync.stop();
    EXPECT_EQ(guard_on_disk(), 3);
    std::string error;
    auto cached = FeedCache((root_ / "cache").string()).load_feed(&error);
    ASSERT_TRUE(cached) << error;
    EXPECT_EQ(cached->body, feed_at(3));
}

// Between attempts (here the server is gone and the next attempt an hour
// away) the metrics file is rewritten every metrics_every all the same: the
// screen's counters reach it, and its age says the thread is alive.
TEST_F(FeedSyncTest, MetricsAreRewrittenBetweenAttemptsWhileOffline) {
    FeedSyncConfig c = config(root_ / "gone.json");  // no such file: every attempt fails
    c.poll = 3600s;
    c.max_backoff = 3600s;
    c.metrics_every = 100ms;
    const fs::path metrics = root_ / "campus-kiosk.prom";
    c.metrics_file = metrics.string();
    FeedSync sync(c);
    sync.start({});
    ASSERT_TRUE(wait_for(sync, [](const FeedSnapshot& s) { return s.state.offline; })->state.offline);
    // The snapshot is published a moment before the file is written.
    std::string after_attempt;
    for (int i = 0; i < 1000; ++i) {
        after_attempt = slurp(metrics);
        if (after_attempt.find("campus_kiosk_feed_offline 1\n") != std::string::npos) break;
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_NE(after_attempt.find("campus_kiosk_feed_offline 1\n"), std::string::npos) << after_attempt;
    EXPECT_NE(after_attempt.find("campus_kiosk_fetch_failures_total 1\n"), std::string::npos) << after_attempt;
    // Counted after the last attempt: only a rewrite between attempts shows them.
    for (int i = 0; i < 3; ++i) sync.screen_counters().frame();
    sync.screen_counters().display(true);
    std::string text;
    for (int i = 0; i < 1000; ++i) {
        text = slurp(metrics);
        if (text.find("campus_kiosk_frames_total 3\n") != std::string::npos) break;
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_NE(text.find("campus_kiosk_frames_total 3\n"), std::string::npos) << text;
    EXPECT_NE(text.find("campus_kiosk_display_on 1\n"), std::string::npos) << text;
    EXPECT_NE(text.find("campus_kiosk_fetch_failures_total 1\n"), std::string::npos) << "no second attempt: " << text;
    // And again, with nothing new: the file's time moves on. Each write
    // fsyncs, which other tests' disk traffic can hold up for a while: the
    // rewrite is due every 100 ms, waited for up to 10 s.
    const auto written = fs::last_write_time(metrics);
    bool rewritten = false;
    for (int i = 0; i < 1000 && !rewritten; ++i) {
        std::this_thread::sleep_for(10ms);
        std::error_code ec;
        const auto now = fs::last_write_time(metrics, ec);
        rewritten = !ec && now > written;
    }
    EXPECT_TRUE(rewritten) << "the metrics file was not rewritten within 10 s";
}

}  // namespace
}  // namespace campus
