// Publishing into the served folder (publish/publisher.hpp), the change
// summary (publish/change_summary.hpp) and the workbook watch (publish/watch.hpp).
//
// The workbook → feed step is a fake here: it hands out the sample feed
// (assets/sample-feed.json), changed as each test needs, or a list of
// problems. The real build has its own tests; tests/integration/publish_tests.py
// runs the whole program on real workbooks.
//
// [SECTION] harness: a served folder, a fake workbook, signers, snapshots
// [SECTION] versions
// [SECTION] nothing to publish, or not allowed to
// [SECTION] history
// [SECTION] mtime
// [SECTION] atomicity: faults at every step
// [SECTION] the signature: real minisign
// [SECTION] change summary
// [SECTION] watch
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "publish/change_summary.hpp"
#include "publish/publisher.hpp"
#include "publish/watch.hpp"
#include "sync/civil_time.hpp"
#include "sync/feed_parse.hpp"
#include "sync/minisign.hpp"

namespace fs = std::filesystem;
using namespace campus;
using namespace campus::publish;
using json = nlohmann::ordered_json;

namespace {

// ---------------------------------------------------------------------------
// [SECTION] harness: a served folder, a fake workbook, signers, snapshots

std::string read_text(const fs::path& p) {
    std::ifstream f(p, std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void write_text(const fs::path& p, const std::string& s) {
    std::ofstream f(p, std::ios::binary);
    f << s;
}

json sample_feed() { return json::parse(read_text(fs::path(KIOSK_ASSETS_DIR) / "sample-feed.json")); }

// 2026-11-18 10:00 in Shanghai: week 12 of the sample term, a Wednesday.
std::chrono::system_clock::time_point sample_now() {
    return parse_rfc3339("2026-11-18T10:00:00+08:00")->instant;
}

std::string base64(const std::string& bytes) {
    static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                           static_cast<unsigned char>(bytes[i + 2]);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += table[v & 63];
    }
    if (i + 1 == bytes.size()) {
        const unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += "==";
    } else if (i + 2 == bytes.size()) {
        const unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8);
        out += table[(v >> 18) & 63];
        out += table[(v >> 12) & 63];
        out += table[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

// A .minisig in minisign's layout with made-up bytes: enough for the
// publisher's own format check; the real signature is tested with minisign.
std::string fake_signature(std::string_view bytes, std::string_view comment) {
    std::string sig = "ED" + std::string(8, '\x11') + std::string(64, static_cast<char>(bytes.size() & 0x7f));
    return "untrusted comment: fake signature for tests\n" + base64(sig) + "\ntrusted comment: " + std::string(comment) +
           "\n" + base64(std::string(64, '\x22')) + "\n";
}

// FNV-1a: a short stand-in for a file's bytes in a snapshot.
std::string digest(const std::string& bytes) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : bytes) h = (h ^ c) * 1099511628211ull;
    return std::to_string(bytes.size()) + ":" + std::to_string(h);
}

// What the folder holds, the folder itself included: mode, mtime to the
// nanosecond, and every file's bytes. `dir_mtimes` false leaves out the
// folders' own mtimes, which a temp file created and removed again changes.
std::map<std::string, std::string> snapshot(const fs::path& dir, bool dir_mtimes = true) {
    std::map<std::string, std::string> out;
    auto add = [&](const fs::path& p, const std::string& name) {
        struct stat st {};
        ::lstat(p.c_str(), &st);
        std::string what = std::to_string(st.st_mode) + " ";
        if (!S_ISDIR(st.st_mode) || dir_mtimes)
            what += std::to_string(st.st_mtim.tv_sec) + "." + std::to_string(st.st_mtim.tv_nsec) + " ";
        if (S_ISREG(st.st_mode)) what += digest(read_text(p));
        out[name] = what;
    };
    add(dir, ".");
    for (const auto& entry : fs::recursive_directory_iterator(dir)) add(entry.path(), fs::relative(entry.path(), dir).string());
    return out;
}

class PublishTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/publisher-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        root = pattern;
        dir = root / "www";
        fs::create_directory(dir);
        feed = sample_feed();
        request.workbook = (root / "周报.xlsx").string();
        request.target_dir = dir.string();
        hooks.build = [this](const std::string& path, const BuildOptions& options) {
            ++builds;
            last_build_path = path;
            PathBuildResult r;
            r.file_label = "周报.xlsx";
            if (!problems.empty()) {
                r.result.problems = problems;
                return r;
            }
            json doc = feed;
            doc["version"] = options.version;
            doc["generated_at"] = generated_at;
            r.result.feed = doc;
            return r;
        };
        hooks.sign = [this](std::string_view bytes, std::string_view comment) {
            ++signatures;
            return fake_signature(bytes, comment);
        };
        hooks.now = sample_now;
    }
    void TearDown() override { fs::remove_all(root); }

    PublishOutcome publish() { return publish_workbook(request, hooks); }

    // Changes something every screen shows: a goal's progress.
    void bump_progress(int current) { feed["term"]["goals"][2]["progress"]["current"] = current; }

    json published_json() const { return json::parse(read_text(dir / "feed.json")); }

    fs::path root, dir;
    json feed;
    std::vector<BuildProblem> problems;
    std::string generated_at = "2026-11-18T07:30:00+08:00";
    PublishRequest request;
    PublishHooks hooks;
    int builds = 0, signatures = 0;
    std::string last_build_path;
};

// ---------------------------------------------------------------------------
// [SECTION] versions

TEST_F(PublishTest, FirstPublishIsVersionOneSignedWithItsClaim) {
    const PublishOutcome out = publish();
    ASSERT_EQ(out.status, PublishOutcome::Status::published) << out.error;
    EXPECT_EQ(out.version, 1);
    EXPECT_EQ(out.previous_version, 0);
    EXPECT_EQ(last_build_path, request.workbook);
    const std::string body = read_text(dir / "feed.json");
    EXPECT_TRUE(parse_feed(body).ok());
    EXPECT_EQ(published_json()["version"], 1);
    const auto sig = parse_minisign_signature(read_text(dir / "feed.json.minisig"));
    ASSERT_TRUE(sig.value) << sig.error;
    EXPECT_EQ(sig.value->trusted_comment, "feed_id=gangcheng-shiyan-primary version=1");
    const FeedClaim claim = parse_feed_claim(sig.value->trusted_comment);
    EXPECT_EQ(claim.feed_id, "gangcheng-shiyan-primary");
    EXPECT_EQ(claim.version, 1);
    EXPECT_EQ(read_text(dir / "history" / "feed-1.json"), body);
    EXPECT_EQ(read_text(dir / "history" / "feed-1.json.minisig"), read_text(dir / "feed.json.minisig"));
    // The web server (another user) must be able to read both.
    EXPECT_EQ(fs::status(dir / "feed.json").permissions() & fs::perms::others_read, fs::perms::others_read);
    EXPECT_EQ(fs::status(dir / "feed.json.minisig").permissions() & fs::perms::others_read, fs::perms::others_read);
    // No temp file is left beside them.
    for (const auto& e : fs::recursive_directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".kiosk-feed-"), std::string::npos) << e.path();
}

TEST_F(PublishTest, VersionIsWhatTheFolderHoldsPlusOne) {
    // Another office PC published version 41 into the same folder.
    json other = feed;
    other["version"] = 41;
    other["term"]["goals"][2]["progress"]["current"] = 1;
    write_text(dir / "feed.json", other.dump(2));
    const PublishOutcome out = publish();
    ASSERT_EQ(out.status, PublishOutcome::Status::published) << out.error;
    EXPECT_EQ(out.previous_version, 41);
    EXPECT_EQ(out.version, 42);
    EXPECT_EQ(published_json()["version"], 42);

    bump_progress(70);
    EXPECT_EQ(publish().version, 43);
    bump_progress(71);
    EXPECT_EQ(publish().version, 44);
    EXPECT_TRUE(fs::exists(dir / "history" / "feed-44.json"));
}

TEST_F(PublishTest, HistoryKeepsTheVersionFromGoingBackWhenFeedJsonWasRestored) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);  // 1
    bump_progress(60);
    ASSERT_EQ(publish().version, 2);
    // Somebody copies an old feed.json back by hand: screens have shown 2
    // already and refuse anything at or below it.
    fs::copy_file(dir / "history" / "feed-1.json", dir / "feed.json", fs::copy_options::overwrite_existing);
    bump_progress(61);
    const PublishOutcome out = publish();
    ASSERT_EQ(out.status, PublishOutcome::Status::published) << out.error;
    EXPECT_EQ(out.version, 3);
}

// ---------------------------------------------------------------------------
// [SECTION] nothing to publish, or not allowed to

TEST_F(PublishTest, SameContentPublishesNothing) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    const auto before = snapshot(dir);
    // Rebuilt later: a new generated_at, the next version; nothing a screen shows.
    generated_at = "2026-11-18T09:59:00+08:00";
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::unchanged);
    EXPECT_EQ(out.version, 1);
    EXPECT_EQ(signatures, 1);
    EXPECT_EQ(snapshot(dir), before);
    const auto lines = outcome_lines(out, request);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0], "周报.xlsx：内容与已发布的第 1 版相同，屏幕上不会有变化，没有发布。");
    EXPECT_EQ(outcome_exit_status(out), 0);
}

TEST_F(PublishTest, SameContentWithABrokenSignatureIsSignedAgain) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    // The signature of another version beside the body (a publish killed
    // between its two renames), then none at all: screens refuse both.
    write_text(dir / "feed.json.minisig", fake_signature("x", "feed_id=gangcheng-shiyan-primary version=2"));
    PublishOutcome out = publish();
    ASSERT_EQ(out.status, PublishOutcome::Status::published) << out.error;
    EXPECT_EQ(out.version, 2);
    EXPECT_NE(std::find(out.changes.begin(), out.changes.end(), "已发布的签名与数据不符（屏幕会拒收），重新签名发布"),
              out.changes.end());
    fs::remove(dir / "feed.json.minisig");
    out = publish();
    ASSERT_EQ(out.status, PublishOutcome::Status::published) << out.error;
    EXPECT_EQ(out.version, 3);
    EXPECT_EQ(parse_feed_claim(parse_minisign_signature(read_text(dir / "feed.json.minisig")).value->trusted_comment).version, 3);
    EXPECT_EQ(publish().status, PublishOutcome::Status::unchanged);
}

TEST_F(PublishTest, SameContentIgnoresKeyOrderAndNumberSpelling) {
    nlohmann::json a = nlohmann::json::parse(R"({"version":1,"generated_at":"x","a":{"b":80,"c":[1,2]}})");
    nlohmann::json b = nlohmann::json::parse(R"({"a":{"c":[1,2],"b":80.0},"version":7,"generated_at":"y"})");
    EXPECT_TRUE(same_screen_content(a, b));
    b["a"]["c"][1] = 3;
    EXPECT_FALSE(same_screen_content(a, b));
    b = a;
    b["expires_at"] = "2026-12-01T00:00:00+08:00";
    EXPECT_FALSE(same_screen_content(a, b));
}

TEST_F(PublishTest, AnotherSchoolsFeedInTheFolderIsRefused) {
    json other = feed;
    other["feed_id"] = "another-school";
    other["version"] = 9;
    write_text(dir / "feed.json", other.dump(2));
    const auto before = snapshot(dir);
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::refused);
    EXPECT_NE(out.error.find("another-school"), std::string::npos) << out.error;
    EXPECT_NE(out.error.find("gangcheng-shiyan-primary"), std::string::npos) << out.error;
    EXPECT_NE(out.error.find("发布编号"), std::string::npos) << out.error;
    EXPECT_EQ(signatures, 0);
    EXPECT_EQ(snapshot(dir), before);
    EXPECT_EQ(outcome_exit_status(out), 3);
}

TEST_F(PublishTest, ABrokenFeedInTheFolderIsRefusedAndLeftAlone) {
    for (const std::string& junk : {std::string("{\"format\": \"campus-kiosk-feed\""), std::string("<html>502</html>"),
                                    std::string("{\"format\":\"campus-kiosk-feed\",\"format_version\":1}")}) {
        write_text(dir / "feed.json", junk);
        const auto before = snapshot(dir);
        const PublishOutcome out = publish();
        EXPECT_EQ(out.status, PublishOutcome::Status::refused) << junk;
        EXPECT_NE(out.error.find("不是有效的数据"), std::string::npos) << out.error;
        EXPECT_NE(out.error.find((dir / "feed.json").string()), std::string::npos) << out.error;
        EXPECT_EQ(snapshot(dir), before);
    }
    EXPECT_EQ(signatures, 0);
}

TEST_F(PublishTest, ABadWorkbookLeavesTheFolderByteForByte) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    const auto before = snapshot(dir);
    problems = {{"流动红旗!F14", "23 超过“卫生”的满分 20"}, {"班级", "缺少“班级”列"}, {"", "不是 .xlsx 文件"}};
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::workbook_problems);
    ASSERT_EQ(out.problems.size(), 3u);
    EXPECT_EQ(out.problems[0], "周报.xlsx: 流动红旗!F14: 23 超过“卫生”的满分 20");
    EXPECT_EQ(out.problems[1], "周报.xlsx: 班级: 缺少“班级”列");
    EXPECT_EQ(out.problems[2], "周报.xlsx: 不是 .xlsx 文件");
    EXPECT_EQ(snapshot(dir), before);
    EXPECT_EQ(signatures, 1);
    EXPECT_EQ(outcome_exit_status(out), 1);
    const auto lines = outcome_lines(out, request);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[3].rfind("周报.xlsx：工作簿有 3 个问题，没有发布", 0), 0u) << lines[3];
}

TEST_F(PublishTest, AFeedNoScreenWouldAcceptIsNotPublished) {
    feed["classes"][0]["grade"] = 13;  // a builder bug: the screens' own check catches it
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::workbook_problems);
    ASSERT_FALSE(out.problems.empty());
    EXPECT_NE(out.problems[0].find("/classes/0/grade"), std::string::npos) << out.problems[0];
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(PublishTest, DryRunSaysWhatWouldChangeAndWritesNothing) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    const auto before = snapshot(dir);
    bump_progress(64);
    request.dry_run = true;
    hooks.sign = nullptr;  // a dry run never needs the key
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::dry_run) << out.error;
    EXPECT_EQ(out.version, 2);
    EXPECT_EQ(snapshot(dir), before);
    const auto lines = outcome_lines(out, request);
    ASSERT_GE(lines.size(), 3u);
    EXPECT_NE(lines[0].find("试运行，将发布第 2 版（上一版：第 1 版）"), std::string::npos) << lines[0];
    EXPECT_NE(std::find(lines.begin(), lines.end(), "  " + feed["term"]["goals"][2]["title"].get<std::string>() +
                                                        "：58% → 64%"),
              lines.end());
    EXPECT_EQ(lines.back(), "试运行：什么也没有写入。");
}

TEST_F(PublishTest, AMissingFolderIsSaidAndNothingIsMade) {
    request.target_dir = (root / "no-such-dir").string();
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::failed);
    EXPECT_NE(out.error.find("不存在"), std::string::npos) << out.error;
    EXPECT_NE(out.error.find("no-such-dir"), std::string::npos) << out.error;
    EXPECT_FALSE(fs::exists(root / "no-such-dir"));
    EXPECT_EQ(builds, 0);
}

TEST_F(PublishTest, AFileInsteadOfAFolderIsSaid) {
    write_text(root / "plain-file", "x");
    request.target_dir = (root / "plain-file").string();
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::failed);
    EXPECT_NE(out.error.find("不是文件夹"), std::string::npos) << out.error;
}

TEST_F(PublishTest, ASignerThatFailsLeavesTheFolderAlone) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    const auto before = snapshot(dir);
    bump_progress(65);
    hooks.sign = [](std::string_view, std::string_view) -> std::string {
        throw std::runtime_error("密钥 /etc/kiosk-feed/minisign.key 的密码不对");
    };
    PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::failed);
    EXPECT_EQ(out.error, "签名失败：密钥 /etc/kiosk-feed/minisign.key 的密码不对");
    EXPECT_EQ(snapshot(dir), before);

    // A signature of another claim (or not a signature at all) never goes out.
    hooks.sign = [](std::string_view bytes, std::string_view) { return fake_signature(bytes, "feed_id=x version=1"); };
    out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::failed);
    EXPECT_NE(out.error.find("应为“feed_id=gangcheng-shiyan-primary version=2”"), std::string::npos) << out.error;
    hooks.sign = [](std::string_view, std::string_view) { return std::string("not a signature\n"); };
    out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::failed);
    EXPECT_EQ(snapshot(dir), before);
}

TEST_F(PublishTest, TwoPublishersIntoOneFolderTakeTurns) {
    // Two office PCs (or --watch and a clerk's manual publish) at the same
    // moment: each reads the version the other wrote, none is lost or doubled.
    std::atomic<int> next_content{100};
    hooks.build = [&](const std::string&, const BuildOptions& options) {
        PathBuildResult r;
        r.file_label = "周报.xlsx";
        json doc = feed;
        doc["version"] = options.version;
        doc["generated_at"] = generated_at;
        doc["term"]["goals"][2]["progress"]["current"] = next_content++;
        r.result.feed = doc;
        return r;
    };
    std::vector<std::int64_t> versions[2];
    std::thread a([&] { for (int i = 0; i < 5; ++i) versions[0].push_back(publish().version); });
    std::thread b([&] { for (int i = 0; i < 5; ++i) versions[1].push_back(publish().version); });
    a.join();
    b.join();
    std::set<std::int64_t> all(versions[0].begin(), versions[0].end());
    all.insert(versions[1].begin(), versions[1].end());
    EXPECT_EQ(all, (std::set<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}));
    EXPECT_EQ(published_json()["version"], 10);
    for (int v = 1; v <= 10; ++v) EXPECT_TRUE(fs::exists(dir / "history" / ("feed-" + std::to_string(v) + ".json"))) << v;
}

// ---------------------------------------------------------------------------
// [SECTION] history

TEST_F(PublishTest, HistoryKeepsTheLastFiftyVersions) {
    for (int i = 1; i <= 55; ++i) {
        bump_progress(i);
        const PublishOutcome out = publish();
        ASSERT_EQ(out.status, PublishOutcome::Status::published) << i << ": " << out.error;
        ASSERT_EQ(out.version, i);
        ASSERT_TRUE(out.warnings.empty()) << out.warnings[0];
    }
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir / "history")) names.insert(e.path().filename().string());
    std::set<std::string> expected;
    for (int v = 6; v <= 55; ++v) {
        expected.insert("feed-" + std::to_string(v) + ".json");
        expected.insert("feed-" + std::to_string(v) + ".json.minisig");
    }
    EXPECT_EQ(names, expected);
    EXPECT_EQ(read_text(dir / "history" / "feed-55.json"), read_text(dir / "feed.json"));
    EXPECT_EQ(json::parse(read_text(dir / "history" / "feed-6.json"))["term"]["goals"][2]["progress"]["current"], 6);
}

TEST_F(PublishTest, HistoryLeavesOtherFilesAlone) {
    request.history_keep = 2;
    fs::create_directory(dir / "history");
    write_text(dir / "history" / "README.txt", "old versions");
    write_text(dir / "history" / "feed-old.json", "{}");
    for (int i = 1; i <= 4; ++i) {
        bump_progress(i);
        ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    }
    std::set<std::string> names;
    for (const auto& e : fs::directory_iterator(dir / "history")) names.insert(e.path().filename().string());
    EXPECT_EQ(names, (std::set<std::string>{"README.txt", "feed-old.json", "feed-3.json", "feed-3.json.minisig",
                                            "feed-4.json", "feed-4.json.minisig"}));
}

// ---------------------------------------------------------------------------
// [SECTION] mtime

TEST(NextMtime, StrictlyLaterInWholeSeconds) {
    const struct timespec old {1000, 500000000};
    EXPECT_EQ(next_mtime(old, {1001, 2}).tv_sec, 1001);
    EXPECT_EQ(next_mtime(old, {1001, 2}).tv_nsec, 2);
    // Same second, later nanoseconds: still the same Last-Modified and ETag.
    EXPECT_EQ(next_mtime(old, {1000, 900000000}).tv_sec, 1001);
    EXPECT_EQ(next_mtime(old, {1000, 900000000}).tv_nsec, 0);
    // A clock set back an hour.
    EXPECT_EQ(next_mtime(old, {-2600, 0}).tv_sec, 1001);
}

TEST_F(PublishTest, ARepublishWithinOneSecondGetsALaterMtime) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    // The previous publish seems to be from the future (clock stepped back, or
    // simply the same second): the next must still be strictly later.
    const auto future = std::chrono::system_clock::now() + std::chrono::seconds(30);
    const std::time_t future_sec = std::chrono::system_clock::to_time_t(future);
    const struct timespec times[2] = {{future_sec, 700000000}, {future_sec, 700000000}};
    ASSERT_EQ(::utimensat(AT_FDCWD, (dir / "feed.json").c_str(), times, 0), 0);
    ASSERT_EQ(::utimensat(AT_FDCWD, (dir / "feed.json.minisig").c_str(), times, 0), 0);
    bump_progress(59);  // 58 → 59: the same size, so only the mtime tells nginx's ETag apart
    const auto size_before = fs::file_size(dir / "feed.json");
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    EXPECT_EQ(fs::file_size(dir / "feed.json"), size_before);
    struct stat st {};
    ASSERT_EQ(::stat((dir / "feed.json").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtim.tv_sec, future_sec + 1);
    ASSERT_EQ(::stat((dir / "feed.json.minisig").c_str(), &st), 0);
    EXPECT_EQ(st.st_mtim.tv_sec, future_sec + 1);

    // And back to back, as fast as the machine goes: every publish a later second.
    std::time_t last = future_sec + 1;
    for (int i = 0; i < 3; ++i) {
        bump_progress(60 + i);
        ASSERT_EQ(publish().status, PublishOutcome::Status::published);
        ASSERT_EQ(::stat((dir / "feed.json").c_str(), &st), 0);
        EXPECT_GT(st.st_mtim.tv_sec, last);
        last = st.st_mtim.tv_sec;
    }
}

// ---------------------------------------------------------------------------
// [SECTION] atomicity: faults at every step

TEST_F(PublishTest, AFaultBeforeTheBodyIsInPlaceLeavesTheFolderAsItWas) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    bump_progress(66);
    const auto before = snapshot(dir, false);
    for (const std::string step : {"write history/feed-2.json", "write history/feed-2.json.minisig",
                                   "write feed.json.minisig", "write feed.json", "rename feed.json.minisig",
                                   "rename feed.json"}) {
        std::vector<std::string> seen;
        hooks.fault = [&](std::string_view s) {
            seen.emplace_back(s);
            return s == step ? ENOSPC : 0;
        };
        const PublishOutcome out = publish();
        EXPECT_EQ(out.status, PublishOutcome::Status::failed) << step;
        EXPECT_NE(out.error.find("磁盘已满"), std::string::npos) << step << ": " << out.error;
        EXPECT_EQ(snapshot(dir, false), before) << step;
        EXPECT_EQ(seen.back(), step);
    }
    // The first publish into an empty folder makes history/: a failure takes it away again.
    fs::remove_all(dir);
    fs::create_directory(dir);
    hooks.fault = [](std::string_view s) { return s == "write feed.json" ? EIO : 0; };
    const PublishOutcome out = publish();
    EXPECT_EQ(out.status, PublishOutcome::Status::failed);
    EXPECT_NE(out.error.find("读写出错"), std::string::npos) << out.error;
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST_F(PublishTest, TheSignatureGoesInBeforeTheBody) {
    std::vector<std::string> steps;
    hooks.fault = [&](std::string_view s) {
        steps.emplace_back(s);
        return 0;
    };
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    auto at = [&](const std::string& s) { return std::find(steps.begin(), steps.end(), s) - steps.begin(); };
    ASSERT_LT(at("rename feed.json"), static_cast<long>(steps.size()));
    // Both written and fsync'ed before either rename; the signature renamed first.
    EXPECT_LT(at("write feed.json"), at("rename feed.json.minisig"));
    EXPECT_LT(at("write feed.json.minisig"), at("rename feed.json.minisig"));
    EXPECT_LT(at("rename feed.json.minisig"), at("rename feed.json"));
    EXPECT_LT(at("rename feed.json"), at("rename history/feed-1.json"));
}

TEST_F(PublishTest, AFaultAfterThePublishIsAWarningNotAFailure) {
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    bump_progress(67);
    hooks.fault = [](std::string_view s) { return s == "rename history/feed-2.json" ? ENOSPC : 0; };
    const PublishOutcome out = publish();
    ASSERT_EQ(out.status, PublishOutcome::Status::published) << out.error;
    EXPECT_EQ(published_json()["version"], 2);
    ASSERT_EQ(out.warnings.size(), 1u);
    EXPECT_NE(out.warnings[0].find("历史版本没有保存"), std::string::npos) << out.warnings[0];
    EXPECT_FALSE(fs::exists(dir / "history" / "feed-2.json"));
    for (const auto& e : fs::recursive_directory_iterator(dir))
        EXPECT_EQ(e.path().filename().string().find(".kiosk-feed-"), std::string::npos) << e.path();
}

TEST_F(PublishTest, TempFilesOfAKilledPublishAreSweptByTheNext) {
    write_text(dir / ".kiosk-feed-feed.json.4242.tmp", "half a feed");
    fs::create_directory(dir / "history");
    write_text(dir / "history" / ".kiosk-feed-feed-7.json.4242.tmp", "half");
    write_text(dir / ".someone-elses.tmp", "not ours");
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    EXPECT_FALSE(fs::exists(dir / ".kiosk-feed-feed.json.4242.tmp"));
    EXPECT_FALSE(fs::exists(dir / "history" / ".kiosk-feed-feed-7.json.4242.tmp"));
    EXPECT_TRUE(fs::exists(dir / ".someone-elses.tmp"));
}

TEST_F(PublishTest, AReadOnlyFolderIsSaidBeforeAnythingIsSigned) {
    if (::geteuid() == 0) GTEST_SKIP() << "root writes anywhere; the integration test uses a read-only mount";
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    bump_progress(68);
    const auto before = snapshot(dir);
    fs::permissions(dir, fs::perms::owner_read | fs::perms::owner_exec);
    const PublishOutcome out = publish();
    fs::permissions(dir, fs::perms::owner_all);
    EXPECT_EQ(out.status, PublishOutcome::Status::failed);
    EXPECT_NE(out.error.find("没有权限"), std::string::npos) << out.error;
    EXPECT_EQ(signatures, 1);
    EXPECT_EQ(snapshot(dir), before);
}

// ---------------------------------------------------------------------------
// [SECTION] the signature: real minisign

TEST_F(PublishTest, MinisignItselfVerifiesWhatIsPublished) {
    const fs::path keys = fs::path(KIOSK_FIXTURES_DIR) / "minisign";
    if (!fs::exists("/usr/bin/minisign")) GTEST_SKIP() << "minisign is not installed";
    // A signer that is minisign itself, with the test key (empty password).
    hooks.sign = [&](std::string_view bytes, std::string_view comment) {
        const fs::path msg = root / "to-sign";
        write_text(msg, std::string(bytes));
        const std::string cmd = "/usr/bin/minisign -S -s '" + (keys / "office.key").string() + "' -m '" + msg.string() +
                                "' -t '" + std::string(comment) + "' </dev/null >/dev/null 2>&1";
        if (std::system(cmd.c_str()) != 0) throw std::runtime_error("minisign -S failed");
        return read_text(msg.string() + ".minisig");
    };
    ASSERT_EQ(publish().status, PublishOutcome::Status::published);
    const std::string verify = "/usr/bin/minisign -V -q -p '" + (keys / "office.pub").string() + "' -m '" +
                               (dir / "feed.json").string() + "' >/dev/null 2>&1";
    EXPECT_EQ(std::system(verify.c_str()), 0);
    // And the screens' own check.
    const std::string pub = read_text(keys / "office.pub");
    const auto key = parse_minisign_public_key(pub);
    ASSERT_TRUE(key.value) << key.error;
    const MinisignVerdict v =
        verify_minisign(read_text(dir / "feed.json"), read_text(dir / "feed.json.minisig"), {*key.value});
    EXPECT_TRUE(v.ok) << v.error;
    EXPECT_EQ(v.trusted_comment, "feed_id=gangcheng-shiyan-primary version=1");
}

// ---------------------------------------------------------------------------
// [SECTION] change summary

struct Parsed2 {
    std::shared_ptr<const Feed> feed;
    nlohmann::json doc;
};

Parsed2 parsed(const json& doc) {
    const std::string text = doc.dump();
    ParseResult r = parse_feed(text);
    EXPECT_TRUE(r.ok()) << (r.problems.empty() ? "" : to_string(r.problems[0]));
    return {r.feed, nlohmann::json::parse(text)};
}

std::vector<std::string> summary(const json& before, const json& after) {
    const Parsed2 a = parsed(before), b = parsed(after);
    return summarize_changes({a.feed.get(), &a.doc}, {b.feed.get(), &b.doc}, parse_rfc3339("2026-11-18T10:00:00+08:00")->instant);
}

TEST(ChangeSummary, AFirstPublishTellsTheFlagsAndTheNoticesOnShow) {
    const Parsed2 p = parsed(sample_feed());
    const auto lines = summarize_changes({nullptr, nullptr}, {p.feed.get(), &p.doc},
                                         parse_rfc3339("2026-11-18T10:00:00+08:00")->instant);
    ASSERT_GE(lines.size(), 2u);
    // Week 12's red flag has a tie at the edge: seven holders for six flags.
    EXPECT_EQ(lines[0], "第12周流动红旗：四年级四班、六年级一班、一年级三班、一年级二班、四年级二班、二年级四班、六年级四班"
                        "（共7个班级，并列第6名）");
    // The hygiene flag is one per grade: a line per grade.
    EXPECT_EQ(lines[1], "第12周卫生流动红旗（一年级）：一年级二班、一年级三班（共2个班级，并列第1名）");
    EXPECT_EQ(lines[6], "第12周卫生流动红旗（六年级）：六年级一班（共1个班级）");
    // The five notices of the sample are all inside their window on the 18th.
    EXPECT_EQ(std::count_if(lines.begin(), lines.end(), [](const std::string& l) { return l.rfind("新", 0) == 0 && l.find("通知：") != std::string::npos; }), 5);
    EXPECT_NE(std::find(lines.begin(), lines.end(), "新重要通知：秋冬季传染病高发，请落实晨检测温制度"), lines.end());
}

TEST(ChangeSummary, SaysWhatTheScreensWillShowDifferently) {
    const json before = sample_feed();
    json after = before;
    // A new week of scores: round 13 replaces nothing yet (it starts on the 23rd) ...
    // ... so change week 12's scores instead: 三年级二班 gets full marks everywhere.
    for (auto& score : after["competitions"][0]["rounds"][11]["scores"]) {
        if (score["class"] == "3-2")
            for (const char* c : {"discipline", "attendance", "exercise", "appearance", "hygiene"}) score[c] = 20;
    }
    after["term"]["goals"][2]["progress"]["current"] = 64;                 // 58% → 64%
    after["term"]["goals"][8]["progress"]["current"] = 15;                 // 13/20节 → 15/20节
    after["announcements"].push_back({{"id", "n9"}, {"level", "emergency"}, {"title", "今天下午停水"},
                                      {"from", "2026-11-18T08:00:00+08:00"}, {"until", "2026-11-18T18:00:00+08:00"}});
    after["announcements"].push_back({{"id", "n10"}, {"level", "info"}, {"title", "冬季作息时间"},
                                      {"from", "2026-12-01T07:00:00+08:00"}});
    after["announcements"].erase(4);  // 疏散演练 (evacuation-drill) taken down
    after["events"].push_back({{"id", "e9"}, {"title", "冬至包饺子"}, {"date", "2026-12-21"}, {"place", "食堂"}});
    after["habits"][0]["detail"] = "改过的说明";

    const auto lines = summary(before, after);
    const std::string drill = before["announcements"][4]["title"];
    const std::string home_visits = before["term"]["goals"][2]["title"];
    const std::string lessons = before["term"]["goals"][8]["title"];
    ASSERT_EQ(lines.size(), 8u) << ::testing::PrintToString(lines);
    EXPECT_EQ(lines[0].rfind("第12周流动红旗：", 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find("三年级二班"), std::string::npos) << lines[0];
    EXPECT_EQ(lines[1], "新紧急通知：今天下午停水");
    EXPECT_EQ(lines[2], "新通知：冬季作息时间（12月1日 07:00 起显示）");
    EXPECT_EQ(lines[3], "结束通知：" + drill);
    EXPECT_EQ(lines[4], home_visits + "：58% → 64%");
    EXPECT_EQ(lines[5], lessons + "：13/20节 → 15/20节");
    EXPECT_EQ(lines[6], "新活动：12月21日 冬至包饺子（食堂）");
    EXPECT_EQ(lines[7], "其他更改：每月习惯");
}

TEST(ChangeSummary, ScoresThatMoveNoFlagAreStillMentioned) {
    const json before = sample_feed();
    json after = before;
    // The last class of week 12 gains a point: no flag changes hands.
    auto& scores = after["competitions"][0]["rounds"][11]["scores"];
    double lowest = 1e9;
    std::size_t at = 0;
    for (std::size_t i = 0; i < scores.size(); ++i) {
        double total = 0;
        for (const char* c : {"discipline", "attendance", "exercise", "appearance", "hygiene"}) total += scores[i][c].get<double>();
        if (total < lowest) lowest = total, at = i;
    }
    scores[at]["discipline"] = scores[at]["discipline"].get<double>() - 1;
    EXPECT_EQ(summary(before, after), (std::vector<std::string>{"其他更改：评比分数"}));
}

TEST(ChangeSummary, ARoundEnteredAheadOfItsWeekSaysWhenItShows) {
    const json before = sample_feed();
    json after = before;
    json round = after["competitions"][0]["rounds"][11];
    round["week"] = 13;
    round["start"] = "2026-11-23";
    after["competitions"][0]["rounds"].push_back(round);
    EXPECT_EQ(summary(before, after), (std::vector<std::string>{"第13周流动红旗：11月23日起显示"}));
}

TEST(ChangeSummary, RenumberedIdsAreNoChange) {
    const json before = sample_feed();
    json after = before;
    for (auto& a : after["announcements"]) a["id"] = "a-" + a["id"].get<std::string>();
    for (auto& g : after["term"]["goals"]) g["id"] = "g-" + g["id"].get<std::string>();
    const auto lines = summary(before, after);
    // Nothing a screen shows moved; the raw sections differ only by id.
    EXPECT_EQ(lines, (std::vector<std::string>{"其他更改：工作目标、通知"}));
}

// ---------------------------------------------------------------------------
// [SECTION] watch

TEST(Watch, NamesThatAreASaveOfTheWorkbook) {
    const WatchTarget book = watch_target_for("/srv/office/周报.xlsx");
    EXPECT_EQ(book.folder, "/srv/office");
    EXPECT_EQ(book.file_name, "周报.xlsx");
    EXPECT_FALSE(book.csv_folder);
    EXPECT_TRUE(is_workbook_change(book, "周报.xlsx"));
    EXPECT_FALSE(is_workbook_change(book, "~$周报.xlsx"));   // Excel's lock file
    EXPECT_FALSE(is_workbook_change(book, ".~周报.xlsx"));   // WPS's temp file
    EXPECT_FALSE(is_workbook_change(book, "A1B2C3D4"));      // Excel's temp file before its rename
    EXPECT_FALSE(is_workbook_change(book, "其他.xlsx"));
    EXPECT_EQ(watch_target_for("周报.xlsx").folder, fs::current_path().string());
    EXPECT_EQ(watch_target_for("/srv/office/./周报.xlsx").folder, "/srv/office");

    char pattern[] = "/tmp/watch-target-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    const WatchTarget csv = watch_target_for(pattern);
    EXPECT_TRUE(csv.csv_folder);
    EXPECT_EQ(csv.folder, pattern);
    EXPECT_EQ(watch_target_for(std::string(pattern) + "/").folder, pattern);
    EXPECT_TRUE(watch_target_for(std::string(pattern) + "/").csv_folder);
    EXPECT_TRUE(is_workbook_change(csv, "流动红旗.csv"));
    EXPECT_TRUE(is_workbook_change(csv, "班级.CSV"));
    EXPECT_FALSE(is_workbook_change(csv, "~$班级.csv"));
    EXPECT_FALSE(is_workbook_change(csv, ".~班级.csv"));
    EXPECT_FALSE(is_workbook_change(csv, "说明.txt"));
    fs::remove_all(pattern);
}

class WatchTest : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/watch-test-XXXXXX";
        ASSERT_NE(::mkdtemp(pattern), nullptr);
        dir = pattern;
        ASSERT_EQ(::pipe(stop), 0);
    }
    void TearDown() override {
        ::close(stop[0]);
        ::close(stop[1]);
        fs::remove_all(dir);
    }
    // Runs the watch on its own thread while `act` saves files; returns the
    // times on_save ran, relative to the end of `act`.
    std::vector<std::chrono::milliseconds> run(const WatchTarget& target, const std::function<void()>& act,
                                               std::chrono::milliseconds settle = std::chrono::milliseconds(900)) {
        std::vector<std::chrono::steady_clock::time_point> saves;
        std::mutex m;
        std::string result = "not run";
        std::thread watcher([&] {
            WatchOptions options;
            options.quiet = std::chrono::milliseconds(300);
            options.stop_fd = stop[0];
            result = watch_workbook(target, options, [&] {
                std::lock_guard lock(m);
                saves.push_back(std::chrono::steady_clock::now());
            });
        });
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // the watch is in place
        act();
        const auto done = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(settle);
        EXPECT_EQ(::write(stop[1], "x", 1), 1);
        watcher.join();
        EXPECT_EQ(result, "");
        std::vector<std::chrono::milliseconds> out;
        for (auto t : saves) out.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(t - done));
        return out;
    }
    // As Excel saves: a temp file, the old workbook renamed away, the temp renamed in.
    void save_like_excel(const std::string& name, const std::string& content) {
        write_text(dir / ("~$" + name), "owner");
        write_text(dir / "A1B2C3D4", content);
        if (fs::exists(dir / name)) fs::rename(dir / name, dir / "E5F6A7B8.tmp");
        fs::rename(dir / "A1B2C3D4", dir / name);
        fs::remove(dir / "E5F6A7B8.tmp");
        fs::remove(dir / ("~$" + name));
    }
    fs::path dir;
    int stop[2] = {-1, -1};
};

TEST_F(WatchTest, AnExcelSaveIsOnePublishAfterTheQuiet) {
    write_text(dir / "周报.xlsx", "v1");
    const WatchTarget target = watch_target_for((dir / "周报.xlsx").string());
    const auto saves = run(target, [&] {
        save_like_excel("周报.xlsx", "v2");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        save_like_excel("周报.xlsx", "v3");  // a second save inside the quiet: still one publish
    });
    ASSERT_EQ(saves.size(), 1u);
    EXPECT_GE(saves[0].count(), 250);  // not before the folder was quiet for 300 ms
    EXPECT_LE(saves[0].count(), 800);
}

TEST_F(WatchTest, LockFilesAndOtherFilesAreNoSave) {
    write_text(dir / "周报.xlsx", "v1");
    const WatchTarget target = watch_target_for((dir / "周报.xlsx").string());
    const auto saves = run(target, [&] {
        write_text(dir / "~$周报.xlsx", "owner");          // Excel opens it
        write_text(dir / ".~周报.xlsx", "wps temp");       // WPS's temp file
        write_text(dir / "其他.xlsx", "another workbook");
        fs::remove(dir / "~$周报.xlsx");
    });
    EXPECT_TRUE(saves.empty());
}

TEST_F(WatchTest, ACsvFolderPublishesOnAnyCsv) {
    const WatchTarget target = watch_target_for(dir.string());
    const auto saves = run(target, [&] {
        write_text(dir / "说明.txt", "not a sheet");
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        write_text(dir / "流动红旗.csv", "周次,班级\n");
    });
    ASSERT_EQ(saves.size(), 1u);
}

TEST_F(WatchTest, SeparateSavesAreSeparatePublishes) {
    write_text(dir / "周报.xlsx", "v1");
    const WatchTarget target = watch_target_for((dir / "周报.xlsx").string());
    const auto saves = run(target, [&] {
        save_like_excel("周报.xlsx", "v2");
        std::this_thread::sleep_for(std::chrono::milliseconds(700));
        write_text(dir / "周报.xlsx", "v3");  // saved in place (LibreOffice may)
    });
    EXPECT_EQ(saves.size(), 2u);
}

TEST_F(WatchTest, TheFolderGoingAwayEndsTheWatchWithAReason) {
    const fs::path sub = dir / "share";
    fs::create_directory(sub);
    WatchOptions options;
    options.quiet = std::chrono::milliseconds(100);
    options.stop_fd = stop[0];
    std::string result = "not run";
    std::thread watcher([&] { result = watch_workbook(watch_target_for(sub.string()), options, [] {}); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    fs::remove_all(sub);
    watcher.join();
    EXPECT_NE(result.find("停止监视"), std::string::npos) << result;
}

TEST(ServiceLogTest, JournalLinesCarryAPriorityTerminalLinesATime) {
    const ServiceLog journal(true), terminal(false);
    EXPECT_EQ(journal.format(ServiceLog::Level::error, "周报.xlsx: 流动红旗!F14: 23 超过\n满分"),
              "<3>周报.xlsx: 流动红旗!F14: 23 超过 满分\n");
    EXPECT_EQ(journal.format(ServiceLog::Level::info, "已发布"), "<6>已发布\n");
    const std::string line = terminal.format(ServiceLog::Level::warning, "注意");
    // "2026-11-16 07:30:05 注意\n"
    ASSERT_EQ(line.size(), 20u + std::string("注意\n").size());
    EXPECT_EQ(line[4], '-');
    EXPECT_EQ(line[13], ':');
    EXPECT_EQ(line.substr(20), "注意\n");
}

}  // namespace
