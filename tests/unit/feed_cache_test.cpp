// The cache directory (sync/feed_cache.hpp): atomic writes, damaged files
// detected and ignored, the rollback guard kept, disk errors reported.

#include "sync/feed_cache.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace campus {
namespace {

namespace fs = std::filesystem;

class FeedCacheTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/feed-cache-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
    }
    void TearDown() override {
        std::error_code ec;
        fs::permissions(root_, fs::perms::owner_all, fs::perm_options::add, ec);
        fs::remove_all(root_, ec);
    }
    static std::string slurp(const std::string& path) {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream out;
        out << in.rdbuf();
        return out.str();
    }
    static void spit(const std::string& path, const std::string& bytes) {
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    static CachedFeed sample(int version) {
        CachedFeed feed;
        feed.body = "{\"feed_id\":\"sync-test-school\",\"version\":" + std::to_string(version) + ",\"名\":\"实验小学\"}";
        feed.signature = "untrusted comment: x\nRUQ...\ntrusted comment: feed_id=sync-test-school version=" +
                         std::to_string(version) + "\nAAAA\n";
        feed.source = "http://127.0.0.1:8080/feed.json";
        feed.etag = "\"65a1-5f3\"";
        feed.last_modified = "Fri, 20 Nov 2026 07:30:00 GMT";
        feed.fetched_at = 1'795'000'000 + version;
        return feed;
    }
    std::string root_;
};

TEST_F(FeedCacheTest, StoresAndLoadsFeedSignatureAndValidators) {
    FeedCache cache(root_ + "/cache");
    ASSERT_EQ(cache.prepare(), "");
    std::string error;
    EXPECT_FALSE(cache.load_feed(&error));
    EXPECT_EQ(error, "") << "a missing cache is not an error";

    ASSERT_EQ(cache.store_feed(sample(3)), "");
    auto loaded = cache.load_feed(&error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->body, sample(3).body);
    EXPECT_EQ(loaded->signature, sample(3).signature);
    EXPECT_EQ(loaded->etag, sample(3).etag);
    EXPECT_EQ(loaded->last_modified, sample(3).last_modified);
    EXPECT_EQ(loaded->source, sample(3).source);
    EXPECT_EQ(loaded->fetched_at, sample(3).fetched_at);

    // Replacing leaves no temp file behind.
    ASSERT_EQ(cache.store_feed(sample(4)), "");
    EXPECT_EQ(cache.load_feed(&error)->body, sample(4).body);
    int files = 0;
    for (const auto& entry : fs::directory_iterator(root_ + "/cache")) {
        ++files;
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << entry.path();
    }
    EXPECT_EQ(files, 1);
}

TEST_F(FeedCacheTest, EmptySignatureRoundTrips) {
    CachedFeed unsigned_feed = sample(1);
    unsigned_feed.signature.clear();
    auto decoded = FeedCache::decode(FeedCache::encode(unsigned_feed), nullptr);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->signature, "");
    EXPECT_EQ(decoded->body, unsigned_feed.body);
}

TEST_F(FeedCacheTest, TruncatedZeroedAndCorruptFilesAreIgnored) {
    FeedCache cache(root_);
    ASSERT_EQ(cache.store_feed(sample(5)), "");
    const std::string good = slurp(cache.feed_path());

    std::vector<std::pair<std::string, std::string>> damaged = {
        {"empty", ""},
        {"zeroed", std::string(good.size(), '\0')},
        {"truncated in the body", good.substr(0, good.size() - 10)},
        {"truncated in the metadata", good.substr(0, 40)},
        {"one byte longer", good + "x"},
        {"garbage", "hello, world"},
    };
    std::string flipped = good;
    flipped[flipped.size() - 70] ^= 0x20;  // inside the body
    damaged.emplace_back("bit flip in the body", flipped);
    std::string sig_flipped = good;
    sig_flipped[sig_flipped.size() - 3] ^= 0x01;  // inside the signature
    damaged.emplace_back("bit flip in the signature", sig_flipped);
    std::string meta_broken = good;
    meta_broken[meta_broken.find("body_bytes") + 2] = '"';
    damaged.emplace_back("metadata not JSON", meta_broken);
    // Every prefix of the file: whatever a torn write could leave.
    for (std::size_t n = 0; n < good.size(); n += 7) damaged.emplace_back("prefix " + std::to_string(n), good.substr(0, n));

    for (const auto& [what, bytes] : damaged) {
        spit(cache.feed_path(), bytes);
        std::string error;
        auto loaded = cache.load_feed(&error);
        EXPECT_FALSE(loaded) << what;
        EXPECT_NE(error.find(cache.feed_path()), std::string::npos) << what << ": error lacks the path: " << error;
    }
    spit(cache.feed_path(), good);
    std::string error;
    EXPECT_TRUE(cache.load_feed(&error)) << error;
}

TEST_F(FeedCacheTest, RollbackGuardPersistsAcrossInstances) {
    {
        FeedCache cache(root_);
        std::string error;
        RollbackGuard fresh = cache.load_guard(&error);
        EXPECT_EQ(fresh.feed_id, "");
        EXPECT_EQ(fresh.highest_version, 0);
        EXPECT_EQ(error, "");
        ASSERT_EQ(cache.store_guard({"sync-test-school", 42}), "");
    }
    FeedCache again(root_);
    std::string error;
    RollbackGuard guard = again.load_guard(&error);
    EXPECT_EQ(guard.feed_id, "sync-test-school");
    EXPECT_EQ(guard.highest_version, 42);
    EXPECT_EQ(error, "");

    // A corrupt guard reads as empty, and says so with its path.
    spit(again.guard_path(), std::string(30, '\0'));
    guard = again.load_guard(&error);
    EXPECT_EQ(guard.highest_version, 0);
    EXPECT_NE(error.find(again.guard_path()), std::string::npos) << error;
}

TEST_F(FeedCacheTest, PrepareRemovesOnlyDeadWritersTempFiles) {
    FeedCache cache(root_);
    // A pid that cannot be alive (above pid_max's ceiling) and our own pid.
    const std::string dead = cache.feed_path() + ".tmp-2147483646";
    const std::string alive = cache.feed_path() + ".tmp-" + std::to_string(::getppid());
    spit(dead, "half a feed");
    spit(alive, "a live writer's half");
    ASSERT_EQ(cache.prepare(), "");
    EXPECT_FALSE(fs::exists(dead));
    EXPECT_TRUE(fs::exists(alive));
}

TEST_F(FeedCacheTest, ReadOnlyDirectoryIsReportedWithPathAndReason) {
    FeedCache cache(root_);
    ASSERT_EQ(cache.store_feed(sample(1)), "");
    fs::permissions(root_, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                               fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
    // Permission bits do not stop root: then the write is tried as "nobody" in
    // a child process; otherwise right here.
    int pipe_fds[2];
    ASSERT_EQ(::pipe(pipe_fds), 0);
    const bool as_root = ::getuid() == 0;
    pid_t child = as_root ? ::fork() : 0;
    ASSERT_GE(child, 0);
    if (child == 0) {
        if (as_root && (::setgid(65534) != 0 || ::setuid(65534) != 0)) _exit(3);
        std::string err = cache.store_feed(sample(2));
        std::string error;
        auto loaded = cache.load_feed(&error);
        std::string report = err + "\n" + (loaded && loaded->body == sample(1).body ? "old feed intact" : error);
        if (::write(pipe_fds[1], report.data(), report.size()) < 0 && as_root) _exit(4);
        if (as_root) _exit(0);
    } else {
        int status = 0;
        ::waitpid(child, &status, 0);
        ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
    }
    ::close(pipe_fds[1]);
    char buf[4096];
    ssize_t n = ::read(pipe_fds[0], buf, sizeof buf);
    ::close(pipe_fds[0]);
    ASSERT_GT(n, 0);
    std::string report(buf, static_cast<std::size_t>(n));
    EXPECT_NE(report.find(root_), std::string::npos) << report;
    EXPECT_NE(report.find("Permission denied"), std::string::npos) << report;
    EXPECT_NE(report.find("old feed intact"), std::string::npos) << report;
}

TEST_F(FeedCacheTest, UnwritableLocationIsReportedWithPathAndReason) {
    // Works as root too: a regular file where the directory should be.
    spit(root_ + "/not-a-dir", "x");
    FeedCache cache(root_ + "/not-a-dir/cache");
    std::string prep = cache.prepare();
    EXPECT_NE(prep.find(root_ + "/not-a-dir/cache"), std::string::npos) << prep;
    std::string err = cache.store_feed(sample(1));
    EXPECT_NE(err.find(root_ + "/not-a-dir/cache"), std::string::npos) << err;
    EXPECT_NE(err.find("Not a directory"), std::string::npos) << err;
    EXPECT_NE(cache.store_guard({"x", 1}), "");
}

TEST_F(FeedCacheTest, FullDiskIsReportedAndTheOldFeedSurvives) {
    // A file-size limit makes write() fail part-way like a full disk does
    // (EFBIG instead of ENOSPC), without needing a small filesystem.
    FeedCache cache(root_);
    ASSERT_EQ(cache.store_feed(sample(1)), "");
    CachedFeed big = sample(2);
    big.body.append(64 * 1024, ' ');
    struct rlimit old_limit {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
    auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = old_limit;
    small.rlim_cur = 4096;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string err = cache.store_feed(big);
    ::setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_NE(err.find(cache.feed_path()), std::string::npos) << err;
    EXPECT_NE(err.find("write failed"), std::string::npos) << err;
    std::string error;
    auto loaded = cache.load_feed(&error);
    ASSERT_TRUE(loaded) << error;
    EXPECT_EQ(loaded->body, sample(1).body);
    for (const auto& entry : fs::directory_iterator(root_))
        EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos) << "temp file left: " << entry.path();
}

TEST_F(FeedCacheTest, DefaultDirectoryFollowsXdgCacheHome) {
    const char* old_xdg = std::getenv("XDG_CACHE_HOME");
    std::string saved = old_xdg ? old_xdg : "";
    ::setenv("XDG_CACHE_HOME", "/srv/screens/cache", 1);
    EXPECT_EQ(default_cache_dir(), "/srv/screens/cache/campus-kiosk");
    ::setenv("XDG_CACHE_HOME", "relative/not/allowed", 1);  // the XDG spec ignores relative paths
    EXPECT_NE(default_cache_dir(), "relative/not/allowed/campus-kiosk");
    if (old_xdg) ::setenv("XDG_CACHE_HOME", saved.c_str(), 1); else ::unsetenv("XDG_CACHE_HOME");
}

}  // namespace
}  // namespace campus
